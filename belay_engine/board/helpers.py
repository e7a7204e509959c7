# On-board helpers of the engine, installed once per connection (compiled under the file name "<belay>" where
# the board has compile(), so their frames in a traceback are recognisably the engine's) and kept small: they
# cost board heap. "@@" is replaced with the connection's nonce, so a record written here cannot be forged by
# anything user code prints. A record is "\x1e" + nonce + kind + payload + "\x1f"; kinds:
#   R  a value's repr (v: its repr as str literals, for display)   P  id of an object kept for a proxy
#   Y  a streamed value      W  a stream paused at the host's request (its generator is kept)
#   N  streamed numbers: their reprs joined by commas
# A big value's repr is written in pieces (value_pieces.py), so it never needs more than one copy of the value.
# The helpers are installed in a few parts (this file, value_pieces.py, board_info.py), each compiled on its
# own: one big compile would leave the helpers' code high in the heap, splitting the free space.
import sys


class _belay:
    w = sys.stdout.write
    S = b"\x1e@@".decode()  # from bytes: a short str literal would be interned for good, one per connection
    o = {}
    n = 0
    # Types whose repr may be big: written piecewise when it is.
    B = (str, bytes, bytearray, list, tuple, dict)
    try:
        C = compile
        C("", "", "exec")  # used, not only looked up: the host relies on it working
    except NameError:
        C = None
    try:
        import select

        _q = select.poll()
        _q.register(sys.stdin, select.POLLIN)
        q = _q.poll
        del select, _q
    except Exception:
        q = None

    def c(s, f, n):
        # Run host code `s` as lines n, n+1, ... of host file `f`: its frames then name the host file and line.
        exec(_belay.C("\n" * (n - 1) + s if n > 1 else s, f, "exec"))

    def r(v, k="R"):
        w = _belay.w
        s = _belay.f(v) if type(v) in _belay.B else repr(v)
        if s is not None and len(s) <= 512:
            w(_belay.S + k + s + "\x1f")
            return
        w(_belay.S + k)
        if s is None:
            _belay.e(v, w)
        else:
            w(s)
        w("\x1f")

    def v(x):
        # For display: the repr's text as str literals (the host joins adjacent ones), piece by piece.
        if x is not None:
            w = _belay.w
            s = _belay.f(x)
            if s is not None and len(s) <= 512:
                w(_belay.S + "R" + repr(s) + "\x1f")
                return
            w(_belay.S + "R")
            o = lambda p: _belay.e(p, w)  # noqa: E731
            if s is None:
                _belay.e(x, o)
            else:
                o(s)
            w("\x1f")

    def p(v, a=0):
        if v is None or type(v) in (int, float, str, bool, bytes):
            _belay.r(v)
        elif a:
            _belay.w(_belay.S + "P\x1f")
        else:
            i = _belay.n
            _belay.n = i + 1
            _belay.o[i] = v
            _belay.w(_belay.S + "P" + str(i) + "\x1f")

    def d(*ids):
        for i in ids:
            try:
                del _belay.o[i]
            except KeyError:
                pass

    def s(k, it=None):
        # Push the generator's values until it ends, or until the host's pause byte is read after a write. A
        # number (int or float: no repr of one has a comma) is held when the generator made it under 1 ms after
        # the last value and it is the 9th or later such in a row; up to 64 go as one N record "1,2.5,...", so
        # the wire carries a comma per number instead of a record. Everything else goes at once, after the
        # numbers held: each value of a generator slower than 1 kHz, or of a burst of up to 8, is delivered
        # when made. Held numbers wait for at most 63 more fast values, or else for the generator's next value,
        # its end or its error (the `finally`): the tail of a longer burst waits as long as the generator does.
        o = _belay.o
        if it is None:
            it = o[k]
        else:
            o[k] = it
        w = _belay.w
        N = _belay.S + "N"
        q = _belay.q
        try:  # the clock that tells a fast generator (CircuitPython has none: then no number is held)
            from time import ticks_us as u, ticks_diff as g
        except ImportError:
            u = None
        b = []
        z = 0
        t = u and u()
        try:
            for v in it:
                y = type(v)
                m = y is int or y is float
                if m:
                    b.append(repr(v))
                    if u:
                        n = u()
                        z = z + 1 if g(n, t) < 1000 else 0
                        if z > 8 and len(b) < 64:
                            t = n
                            continue
                if b:
                    # Emptied before the write: a Ctrl-C during it must not have the `finally` write them again.
                    y = N + ",".join(b) + "\x1f"
                    b.clear()
                    w(y)
                if not m:
                    _belay.r(v, "Y")
                if q and q(0):
                    sys.stdin.read(1)
                    w(_belay.S + "W\x1f")
                    return
                t = u and u()
        finally:
            if b:
                w(N + ",".join(b) + "\x1f")
        del o[k]

    def x(k, v=None):
        try:
            v = _belay.o[k].send(v)
        except StopIteration:
            del _belay.o[k]
            return
        _belay.r(v, "Y")
