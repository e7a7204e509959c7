# Board side of sync: list a folder tree with a hash of every file, in one exchange. The hash is SHA-256
# from the board's C hashlib where it has one, else FNV-1a 32 (masked, so 64-bit ports agree with the host)
# computed by _belay_fnv, which the host sends in the fastest emitter the board has.
def _belay_tree(top, fnv=False):
    import os
    from binascii import hexlify

    sha256 = None
    if not fnv:
        try:
            from hashlib import sha256
        except ImportError:
            pass
    buf = bytearray(1024)
    view = memoryview(buf)

    def digest(path):
        with open(path, "rb") as f:
            if sha256:
                h = sha256()
                while True:
                    n = f.readinto(buf)
                    if not n:
                        return hexlify(h.digest()).decode()
                    h.update(view[:n])
            x = 0x811C9DC5
            while True:
                n = f.readinto(buf)
                if not n:
                    return "fnv%08x" % x
                x = _belay_fnv(buf, n, x)

    out = []

    def walk(folder, prefix):
        for entry in os.ilistdir(folder):
            name = entry[0]
            path = folder.rstrip("/") + "/" + name
            if entry[1] & 0x4000:
                out.append((prefix + name, 1, ""))
                walk(path, prefix + name + "/")
            else:
                out.append((prefix + name, 0, digest(path)))

    try:
        walk(top, "")
    except OSError:
        pass  # the folder does not exist yet
    return out


def _belay_put_end(temporary, final):
    # Move a completely written file into place. FAT cannot rename over a file, so remove it first there.
    # The new name is given relative to "/": the unix port's VfsPosix fails on an absolute one.
    import os

    _belay_f.close()
    cwd = os.getcwd()
    if final[:1] == "/":
        os.chdir("/")
        final = final[1:]
    try:
        try:
            os.rename(temporary, final)
        except OSError:
            os.remove(final)
            os.rename(temporary, final)
    finally:
        os.chdir(cwd)


def _belay_remove(files, folders):
    import os

    for path in files:
        os.remove(path)
    for path in folders:
        os.rmdir(path)


def _belay_mkdirs(folders):
    import os

    for path in folders:
        try:
            os.mkdir(path)
        except OSError:
            pass  # it exists
