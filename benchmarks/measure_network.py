"""Our tiny call and stream over each network transport of the virtual board on loopback, next to its serial path.

One board process serves a serial port path and every network face (raw TCP for ``socket://``, RFC 2217, telnet,
WebREPL), as a real board's network stack runs on the board rather than in the host's Python. The serial path goes
through the same relay hop as the faces without a network, so each transport's ratio to it is what the transport
itself costs. Rounds alternate the transports, so load on a shared machine spreads over all of them; the figures
are medians over rounds. The network issue's target: each network transport within 1.5x the serial path's call.
"""

import statistics
import sys
import time
from pathlib import Path

from boards import virtual_board
from settings import Settings, median_and_p95, timings

from belay_engine import Device

#: Row title → face of the board server (None: its serial port path).
TRANSPORTS = {
    "serial path (relay)": None,
    "socket://": "tcp",
    "rfc2217://": "rfc2217",
    "telnet": "telnet",
    "ws:// (WebREPL)": "webrepl",
}


def measure_transport(port: str, settings: Settings) -> tuple[float, float]:
    """Connect to `port`; return the median tiny call (s) and the stream rate (values/s)."""
    with Device(port) as device:

        @device.task
        def tiny():
            return 1

        @device.task
        def count(n):
            for i in range(n):
                yield 100 + i % 900  # settings.STREAM_VALUE

        call = median_and_p95(timings(tiny, settings.calls))[0]
        started = time.perf_counter()
        received = sum(1 for _ in count(settings.values))
        return call, received / (time.perf_counter() - started)


def measure_network(work: Path, settings: Settings, errors: list) -> dict:
    """Row title → ``{"call": s, "stream": values/s}``, medians over `settings.rounds` rounds."""
    figures: dict = {name: [] for name in TRANSPORTS}
    faces = tuple(face for face in TRANSPORTS.values() if face)
    with virtual_board(work, "network", faces=faces) as board:
        for round_number in range(settings.rounds):
            for name, face in TRANSPORTS.items():
                try:
                    figures[name].append(measure_transport(board.faces[face] if face else board.port, settings))
                except Exception as error:  # one transport that fails fails its row; the others still run
                    errors.append(f"network, {name}: {type(error).__name__}: {error}")
            print(f"  network round {round_number + 1}/{settings.rounds} done", file=sys.stderr, flush=True)
    return {
        name: {"call": statistics.median(c for c, _ in rows), "stream": statistics.median(r for _, r in rows)}
        for name, rows in figures.items()
        if rows
    }
