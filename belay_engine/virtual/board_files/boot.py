# Boot script of the virtual board; "@SUPPORT@" and "@ROOT@" are filled in by the host.
# It imports the simulated machine module while it is still reachable, then confines the filesystem:
# the board's "/" is the host folder ROOT, as a real board's "/" is its flash.
import sys

sys.path.insert(0, "@SUPPORT@")
import machine

sys.path.pop(0)
import vfs, os

vfs.umount("/")
vfs.mount(vfs.VfsPosix("@ROOT@"), "/")
os.chdir("/")
sys.path[:] = ["", ".frozen", "/lib"]
del sys, vfs, os, machine
