# Board side of sync, installed once per connection and kept on the _belay class (no globals of its own).
# Tree listing: every file with its hash, in one exchange. The hash is SHA-256 from the board's C hashlib
# where it has one, else FNV-1a 32 (masked, so 64-bit ports agree with the host) computed by _belay_fnv,
# which the host sends in the fastest emitter the board has.
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
                x = _belay.fnv(buf, n, x)

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


# Receive a file of `size` bytes as `total` coded wire bytes on stdin (zlib-compressed when z), into a
# temporary file, then move it into place as `final`. Flow control (protocol/file_credit.py): the host sends
# 192 bytes with the command (any board's stdin buffer holds that much), then 32 more for each "\x06" granted.
# The wire is read 32 bytes at a time into a 1 KiB buffer, granting before each read as far as the buffer has
# room beyond 192 bytes: so while the board only reads, up to 1216 bytes are on their way and the link never
# waits for a grant's round trip; once the buffer is full (inflating, writing to flash: the slow parts, when no
# byte is read) at most 192 are, which any stdin buffer holds. Each read of up to 32 bytes has them on the way.
def _belay_recv(final, total, size, z):
    temporary = final + ".belay-tmp"
    import io
    import sys

    inp = getattr(sys.stdin, "buffer", sys.stdin)
    grant = sys.stdout.write
    buf = bytearray(1024)
    mv = memoryview(buf)
    # Read views made once: the reading loop allocates nothing, so no garbage collection pauses it.
    views = [mv[i : i + 32] for i in range(0, 1024, 32)]
    st = [total, min(192, total), min(192, total)]  # wire bytes unread, granted unread, granted

    # Read up to 1024 wire bytes (whole blocks of the wire's coding); decode them in place; return the data length.
    def fill():
        left, ahead, given = st
        n = 0
        while n < 1024 and left:
            while given < total and ahead + 32 <= 1216 - n:
                grant("\x06")
                ahead += 32
                given += 32
            if left < 32 or n & 31:
                k = inp.readinto(mv[n : n + min(left, 32 - (n & 31))])  # the end (or a port's short read)
            else:
                k = inp.readinto(views[n >> 5])
            if not k:
                raise OSError("stdin ended")
            n += k
            left -= k
            ahead -= k
        st[0], st[1], st[2] = left, ahead, given
        k = _belay.ue(buf, n)
        if k < 0:
            raise KeyboardInterrupt
        return k

    # An IOBase subclass is a stream deflate can read (a byte at a time); without IOBase there is no deflate.
    class Wire(getattr(io, "IOBase", object)):
        pos = end = 0

        def readinto(self, b):
            while self.pos == self.end:
                if not st[0]:
                    return 0
                self.pos, self.end = 0, fill()
            n = min(len(b), self.end - self.pos)
            if n == 1:
                b[0] = buf[self.pos]
            else:
                b[:n] = mv[self.pos : self.pos + n]
            self.pos += n
            return n

    written = 0
    with open(temporary, "wb") as f:
        if z:
            import deflate

            source = deflate.DeflateIO(Wire(), deflate.ZLIB)
            out = bytearray(512)
            view = memoryview(out)
            while True:
                n = source.readinto(out)
                if not n:
                    break
                f.write(view[:n])
                written += n
        else:
            while st[0]:
                n = fill()
                f.write(mv[:n])
                written += n
    if written != size:
        raise OSError("received %d of %d bytes" % (written, size))
    _belay.mv(temporary, final)


def _belay_rename(temporary, final):
    # Move a completely written file into place. FAT cannot rename over a file, so remove it first there.
    # The new name is given relative to "/": the unix port's VfsPosix fails on an absolute one.
    import os

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


# A short digest of the whole tree listing, so the host can check that the board is as the last sync left it.
def _belay_digest(top):
    rows = sorted(_belay.st(top))
    text = "\n".join("%s\x00%d\x00%s" % row for row in rows).encode()
    try:
        from binascii import hexlify
        from hashlib import sha256

        return hexlify(sha256(text).digest())[:16].decode()
    except ImportError:
        return "fnv%08x" % _belay.fnv(text, len(text), 0x811C9DC5)


def _belay_inflates():
    # Whether the board can take zlib-compressed files: deflate.DeflateIO reading from a Python stream.
    try:
        import deflate
        import io

        return hasattr(deflate, "DeflateIO") and hasattr(io, "IOBase")
    except ImportError:
        return False


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


_belay.st, _belay.sd, _belay.u, _belay.mv, _belay.rm, _belay.mk = (
    _belay_tree,
    _belay_digest,
    _belay_recv,
    _belay_rename,
    _belay_remove,
    _belay_mkdirs,
)
_belay.fnv, _belay.ue, _belay.z = _belay_fnv, _belay_unesc, _belay_inflates()
try:
    from hashlib import sha256 as _belay_sha

    _belay.sha = True
    del _belay_sha
except ImportError:
    _belay.sha = False
del _belay_tree, _belay_digest, _belay_recv, _belay_rename, _belay_remove, _belay_mkdirs, _belay_fnv, _belay_unesc
del _belay_inflates
