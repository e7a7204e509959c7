# On-board helpers of the engine, installed once per connection (compiled under the file name "<belay>" where
# the board has compile(), so their frames in a traceback are recognisably the engine's) and kept small: they
# cost board heap. "@@" is replaced with the connection's nonce, so a record written here cannot be forged by
# anything user code prints. A record is "\x1e" + nonce + kind + payload + "\x1f"; kinds:
#   R  a value's repr (v: its repr as str literals, for display)   P  id of an object kept for a proxy
#   Y  a streamed value      W  a stream paused at the host's request (its generator is kept)
#   N  streamed numbers: their reprs joined by commas (streams.py)
# A big value's repr is written in pieces (value_pieces.py), so it never needs more than one copy of the value.
# The helpers are installed in a few parts (this file, streams.py, value_pieces.py, display.py, board_info.py),
# each compiled on its own: one big compile would leave the helpers' code high in the heap, splitting the free
# space. A board that keeps the helpers (board_code.helper_module) has streams.py, value_pieces.py and display.py
# as the modules _belay_gen, _belay_val and _belay_dsp, imported the first time a stream, a big value
# or a display needs them (`l`): until then they hold no heap. (The first big value then needs the heap for its
# part's code too, about 1 KB.)
import sys


class _belay:
    w = sys.stdout.write
    S = b"\x1e@@".decode()  # from bytes: a short str literal would be interned for good, one per connection
    o = {}
    n = 0
    # The folder of the kept module of the parts imported on first use (None: every part is installed).
    M = None

    def c(s, f, n):
        # Run host code `s` as lines n, n+1, ... of host file `f`: its frames then name the host file and line.
        exec(compile("\n" * (n - 1) + s if n > 1 else s, f, "exec"))

    def l(a, m):
        # Helper `a` of the parts imported on first use (see the top): module `m`, imported where it is not yet.
        if not hasattr(_belay, a):
            __import__("gc").collect()  # its code then goes low in the heap, under a big value being written
            sys.path.insert(0, _belay.M)
            try:
                __import__(m)  # puts its helpers on _belay
            finally:
                sys.path.pop(0)
                sys.modules.pop(m, 0)  # imported afresh for the helpers of the next connect
        return getattr(_belay, a)

    def f(v):
        # repr(v), or None when v is a long str/bytes or a container whose repr does not fit the heap.
        t = type(v)
        if t is str or t is bytes or t is bytearray:
            if len(v) > 512:
                return None
        elif t is list or t is tuple or t is dict:
            try:
                return repr(v)
            except MemoryError:
                return None
        return repr(v)

    def r(v, k="R"):
        w = _belay.w
        s = _belay.f(v)
        if s is not None and len(s) <= 512:
            w(_belay.S + k + s + "\x1f")
            return
        e = s is None and _belay.l("e", "_belay_val")  # before the record starts: a failed import leaves no half record
        w(_belay.S + k)
        if e:
            e(v, w)
        else:
            w(s)
        w("\x1f")

    def v(x):
        # For display: the repr's text as str literals (the host joins adjacent ones), piece by piece when big.
        if x is not None:
            s = _belay.f(x)
            if s is None:
                _belay.l("h", "_belay_val")(x)
            else:
                _belay.r(s)

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

    def x(k, v=None):
        try:
            v = _belay.o[k].send(v)
        except StopIteration:
            del _belay.o[k]
            return
        _belay.r(v, "Y")

    # display() and its kin until their part is imported (`l`), which puts them where these are: in builtins,
    # or where the port's builtins are fixed, in the globals of __main__, where board code runs. (Set here in
    # the class body, so that no global of the REPL's is taken for it.)
    b = __import__("builtins")
    try:
        b.display = None
    except Exception:
        b = __import__("__main__")
    b.display = lambda *a, **k: _belay.l("display", "_belay_dsp")(*a, **k)
    b.update_display = lambda *a, **k: _belay.l("update_display", "_belay_dsp")(*a, **k)
    b.clear_output = lambda *a, **k: _belay.l("clear_output", "_belay_dsp")(*a, **k)
    del b
