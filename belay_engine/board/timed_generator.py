# Wraps a generator so each value leaves with the board tick it was produced at (return_time=True streams).
# Values sent in reach the wrapped generator, and closing the wrapper closes it, so its `finally` runs when
# the host stops the stream.
def _belay_tg(g):
    import time

    s = None
    try:
        while 1:
            try:
                v = g.send(s)
            except StopIteration:
                return
            s = yield (v, time.ticks_ms())
    finally:
        g.close()
