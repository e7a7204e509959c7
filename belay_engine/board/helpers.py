# On-board helpers of the engine, installed once per connection (compiled under the file name "<belay>" where
# the board has compile(), so their frames in a traceback are recognisably the engine's) and kept small: they
# cost board heap. "@@" is replaced with the connection's nonce, so a record written here cannot be forged by
# anything user code prints. A record is "\x1e" + nonce + kind + payload + "\x1f"; kinds:
#   R  a value's repr (v: its repr as str literals, for display)   P  id of an object kept for a proxy
#   Y  a streamed value      W  a stream paused at the host's request (its generator is kept)
# A big value's repr is written in pieces (e, f, k), so it never needs more than one copy of the value.
import sys


class _belay:
    w = sys.stdout.write
    S = "\x1e@@"
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
        exec(_belay.C("\n" * (n - 1) + s, f, "exec"))

    def f(v):
        # repr(v), or None when v is a long str/bytes or a container whose repr does not fit the heap.
        t = type(v)
        if t in (str, bytes, bytearray):
            if len(v) > 512:
                return None
        elif t in (list, tuple, dict):
            try:
                return repr(v)
            except MemoryError:
                return None
        return repr(v)

    def e(v, o):
        # Pass repr(v) to o in pieces.
        s = _belay.f(v)
        if s is not None:
            o(s)
            return
        t = type(v)
        if t is dict:
            o("{")
            j = 0
            for k in v:
                if j:
                    o(", ")
                j = 1
                _belay.e(k, o)
                o(": ")
                _belay.e(v[k], o)
            o("}")
        elif t is list or t is tuple:
            o("[" if t is list else "(")
            j = 0
            for x in v:
                if j:
                    o(", ")
                j = 1
                _belay.e(x, o)
            o("]" if t is list else ("," if len(v) == 1 else "") + ")")
        else:
            _belay.k(v, o, t)

    def k(v, o, t):
        # The repr of a long str, bytes or bytearray, slice by slice. Escapes depend on one choice only, the
        # quote: repr picks '"' when the text has "'" and no '"'. A slice's repr agrees with the whole one,
        # except where the whole text has both quotes: appending both to the slice forces the same choice.
        y = t is not str
        z = (b"'" if y else "'") in v and (b'"' if y else '"') not in v
        a = '"' if z else "'"
        o(("bytearray(b" if t is bytearray else "b" if y else "") + a)
        x = b"\"'" if y else "\"'"
        for i in range(0, len(v), 512):
            s = v[i : i + 512]
            if t is bytearray:
                s = bytes(s)
            o(repr(s)[1 + y : -1] if z else repr(s + x)[1 + y : -4])
        o(a + (")" if t is bytearray else ""))

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
        o = _belay.o
        if it is None:
            it = o[k]
        else:
            o[k] = it
        w = _belay.w
        S = _belay.S + "Y"
        B = _belay.B
        r = _belay.r
        q = _belay.q
        for v in it:
            if type(v) in B:
                r(v, "Y")
            else:
                w(S + repr(v) + "\x1f")
            if q and q(0):
                sys.stdin.read(1)
                w(_belay.S + "W\x1f")
                return
        del o[k]

    def x(k, v=None):
        try:
            v = _belay.o[k].send(v)
        except StopIteration:
            del _belay.o[k]
            return
        _belay.r(v, "Y")


def _belay_info():
    import micropython

    e = []
    for x in ("native", "viper"):
        try:
            exec("@micropython." + x + "\ndef _belay_f():\n pass")
            e.append(x)
        except Exception:
            pass
    i = sys.implementation
    return (i.name, i.version, sys.platform, getattr(i, "_mpy", None), tuple(e), _belay.C is not None)


_belay.r(_belay_info())
del _belay_info
try:
    del _belay_f
except NameError:
    pass
