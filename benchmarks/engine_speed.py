"""Print the engine's speed figures on a board next to the floor of a bare raw-REPL exchange.

Usage: ``python benchmarks/engine_speed.py [PORT]`` (default ``virtual:``). Figures vary between runs on
shared machines: compare numbers taken in the same run.
"""

import statistics
import sys
import time

from belay_engine import Device

CALLS = 2000
STREAMED = 200_000


def median_ms(function, repeat=CALLS):
    """Median wall time of `function()` in milliseconds, after a warm-up."""
    for _ in range(repeat // 10):
        function()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    """Measure connect, call round trip, stream rate and helper heap; print one line each."""
    port = sys.argv[1] if len(sys.argv) > 1 else "virtual:"
    connects = []
    for _ in range(5):
        started = time.perf_counter()
        Device(port, startup="").close()
        connects.append((time.perf_counter() - started) * 1000)
    print(f"connect to ready (median of 5):   {statistics.median(connects):8.2f} ms")

    with Device(port) as device:

        @device.task
        def tiny():
            return 1

        @device.task
        def count(n):
            for i in range(n):
                yield i

        repl = device.session.repl
        floor = median_ms(lambda: repl.exec(b"tiny()"))
        call = median_ms(tiny)
        print(f"tiny call round trip, median:     {call:8.3f} ms")
        print(f"  floor (bare raw-REPL exchange): {floor:8.3f} ms   ratio {call / floor:5.2f}x")

        started = time.perf_counter()
        received = sum(1 for _ in count(STREAMED))
        stream_rate = received / (time.perf_counter() - started)
        started = time.perf_counter()
        repl.exec(b"for i in range(%d):\n print(i)\n" % STREAMED)
        print_rate = STREAMED / (time.perf_counter() - started)
        print(f"generator stream, small ints:     {stream_rate:8.0f} /s")
        print(f"  board printing small ints:      {print_rate:8.0f} /s   ratio {stream_rate / print_rate:5.2f}")

        measure = b"import gc\ngc.collect()\nprint(gc.mem_free())"
        free_with = int(repl.exec(measure)[0])
        # Last measurement: the helpers are removed for it, so the Device is closed right after.
        free_without = int(repl.exec(b"del _belay\n" + measure)[0])
        print(f"board heap held by helpers:       {free_without - free_with:8d} bytes")


if __name__ == "__main__":
    main()
