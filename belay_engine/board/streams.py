# Board helpers, streams part (after helpers.py): a generator's values pushed to the host as records (see
# helpers.py) until it ends, or until the host asks for a pause. Attached to _belay as s, and q, the poll of stdin
# that tells a pause; where the board keeps the helpers, this part is the module _belay_gen, imported with the
# first stream (helpers.py's `l`).
import sys


def _belay_s(k, it=None):
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


def _belay_poll():
    try:
        import select

        p = select.poll()
        p.register(sys.stdin, select.POLLIN)
        return p.poll
    except Exception:
        return None  # no select.poll on this port: a stream runs to its end


_belay.s, _belay.q = _belay_s, _belay_poll()
del _belay_s, _belay_poll
