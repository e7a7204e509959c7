# Boot script of the virtual board; "@SUPPORT@" and "@ROOT@" are filled in by the host.
# It imports the simulated machine module while it is still reachable, then confines the filesystem:
# the board's "/" is the host folder ROOT, as a real board's "/" is its flash.
import sys

sys.path.insert(0, "@SUPPORT@")
import machine

sys.path.pop(0)
import vfs, os


class _Vfs(vfs.VfsPosix):
    # The unix port's VfsPosix.rename fails when the new name is absolute (a real board's filesystem does
    # not): hand it the same place as a path relative to the current folder.
    def rename(self, old, new):
        import os

        if new[:1] == "/":
            new = "../" * len([p for p in os.getcwd().split("/") if p]) + new[1:]
        return super().rename(old, new)


vfs.umount("/")
vfs.mount(_Vfs("@ROOT@"), "/")
os.chdir("/")
sys.path[:] = ["", ".frozen", "/lib"]
del sys, vfs, os, machine, _Vfs
