# On-board helpers of the engine, installed once per connection (one exec) and kept small: they cost
# board heap. "@@" is replaced with the connection's nonce, so a record written here cannot be forged by
# anything user code prints. A record is "\x1e" + nonce + kind + payload + "\x1f"; kinds:
#   R  a value's repr (v: the repr of a repr, for display)   P  id of an object kept for a proxy
#   Y  a streamed value      W  a stream paused at the host's request (its generator is kept)
import sys


class _belay:
    w = sys.stdout.write
    S = "\x1e@@"
    o = {}
    n = 0
    try:
        import select

        _q = select.poll()
        _q.register(sys.stdin, select.POLLIN)
        q = _q.poll
        del select, _q
    except Exception:
        q = None

    def r(v):
        _belay.w(_belay.S + "R" + repr(v) + "\x1f")

    def v(x):
        if x is not None:
            _belay.r(repr(x))

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
        q = _belay.q
        for v in it:
            w(S + repr(v) + "\x1f")
            if q and q(0):
                sys.stdin.read(1)
                w(_belay.S + "W\x1f")
                return
        del o[k]

    def x(k, v=None):
        try:
            _belay.w(_belay.S + "Y" + repr(_belay.o[k].send(v)) + "\x1f")
        except StopIteration:
            del _belay.o[k]


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
    return (i.name, i.version, sys.platform, getattr(i, "_mpy", None), tuple(e))


_belay.r(_belay_info())
del _belay_info
try:
    del _belay_f
except NameError:
    pass
