"""Print call round trip, stream rate and sync time over each network transport next to the direct PTY.

Usage: ``python benchmarks/network_speed.py [--calls N] [--rounds N] [--values N]``. One virtual board is served
on 127.0.0.1 by its network faces (raw TCP for ``socket://``, RFC 2217, telnet, WebREPL when that face
exists); a second one is reached directly on its PTY (``virtual:``). Rounds alternate the transports, so load
on a shared machine spreads over all of them; the figures are medians over rounds. The target is each network
transport within 1.5x the PTY's call time. ``socket:// no-nodelay`` is ``socket://`` with Nagle's algorithm on
at both ends, as before this transport set TCP_NODELAY (and as a server that does not set it behaves).
"""

import argparse
import importlib.util
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

from belay_engine import Device
from belay_engine.virtual.rfc2217_face import Rfc2217Face
from belay_engine.virtual.tcp_face import TcpFace
from belay_engine.virtual.telnet_face import TelnetFace
from belay_engine.virtual.transport import VirtualBoardTransport

LOOPBACK = "127.0.0.1"
TARGET = 1.5
SYNC_FILES = 8
SYNC_FILE_BYTES = 4096


class NagleFace(TcpFace):
    """Raw TCP with Nagle's algorithm left on for the client's connection."""

    def handshake(self, client: socket.socket) -> bool:
        """Switch TCP_NODELAY off again (the face sets it on every accepted connection)."""
        client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 0)
        return True


def median_call_ms(function, calls: int) -> float:
    """Median wall time of `function()` in ms over `calls` calls, after a short warm-up."""
    for _ in range(max(1, calls // 10)):
        function()
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def sync_seconds(device: Device, folder: Path, generation: int) -> float:
    """Time of one sync that sends every file of `folder` (their content changes with `generation`)."""
    for index in range(SYNC_FILES):
        line = f"# generation {generation} file {index}\n".encode()
        (folder / f"module{index}.py").write_bytes((line * (SYNC_FILE_BYTES // len(line) + 1))[:SYNC_FILE_BYTES])
    started = time.perf_counter()
    device.sync(folder)
    return time.perf_counter() - started


def nagle_on_client(device: Device) -> None:
    """Turn Nagle's algorithm back on for a socket:// Device's connection."""
    port = getattr(device._repl.transport, "_port", None)
    network_socket = getattr(port, "_socket", None)
    if isinstance(network_socket, socket.socket):
        network_socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 0)


def measure(port: str, calls: int, values: int, folder: Path, generation: int, nagle: bool) -> tuple:
    """Connect to `port`; return the median tiny call (ms), the stream rate (values/s) and one sync (s)."""
    with Device(port) as device:
        if nagle:
            nagle_on_client(device)

        @device.task
        def tiny():
            return 1

        @device.task
        def count(n):
            for i in range(n):
                yield i

        call = median_call_ms(tiny, calls)
        started = time.perf_counter()
        received = sum(1 for _ in count(values))
        rate = received / (time.perf_counter() - started)
        return call, rate, sync_seconds(device, folder, generation)


def main() -> None:
    """Measure every transport in alternating rounds and print one table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300, help="tiny calls per round (default 300)")
    parser.add_argument("--values", type=int, default=20000, help="generator values per round (default 20000)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds over all transports (default 5)")
    args = parser.parse_args()

    direct_board = Path(tempfile.mkdtemp(prefix="bench-pty-"))
    network_root = Path(tempfile.mkdtemp(prefix="bench-net-"))
    board = VirtualBoardTransport(network_root)
    faces = {
        "socket://": TcpFace(board, LOOPBACK, 0),
        "socket:// no-nodelay": NagleFace(board, LOOPBACK, 0),
        "rfc2217://": Rfc2217Face(board, LOOPBACK, 0),
        "telnet": TelnetFace(board, LOOPBACK, 0),
    }
    if importlib.util.find_spec("belay_engine.virtual.webrepl_face") is not None:
        from belay_engine.virtual.webrepl_face import WebreplFace

        faces["ws:// (WebREPL)"] = WebreplFace(board, LOOPBACK, 0, password="python")
    for face in faces.values():
        face.serve_in_background()
    # One client at a time per board: network subjects connect in turn, the PTY board is separate.
    order = ["virtual: (PTY)", *faces]
    sources = {name: Path(tempfile.mkdtemp(prefix="bench-src-")) for name in order}
    figures: dict = {name: [] for name in order}
    try:
        for round_number in range(args.rounds):
            for name in order:
                port = faces[name].url if name in faces else f"virtual:{direct_board}"
                nagle = name.endswith("no-nodelay")
                figures[name].append(measure(port, args.calls, args.values, sources[name], round_number, nagle))
            print(f"round {round_number + 1}/{args.rounds} done", file=sys.stderr, flush=True)
    finally:
        for face in faces.values():
            face.stop()
        board.close()

    medians = {name: [statistics.median(column) for column in zip(*rows)] for name, rows in figures.items()}
    base_call, base_rate, base_sync = medians[order[0]]
    print(
        f"medians of {args.rounds} rounds: {args.calls} tiny calls, {args.values} streamed ints, "
        f"sync of {SYNC_FILES} x {SYNC_FILE_BYTES} B"
    )
    print(f"{'transport':22} {'call ms':>8} {'x PTY':>6} {'stream /s':>10} {'x PTY':>6} {'sync ms':>8} {'x PTY':>6}")
    for name in order:
        call, rate, synced = medians[name]
        mark = "" if name == order[0] or call / base_call <= TARGET else "  (over the 1.5x target)"
        print(
            f"{name:22} {call:8.3f} {call / base_call:6.2f} {rate:10.0f} {base_rate / rate:6.2f} "
            f"{synced * 1000:8.1f} {synced / base_sync:6.2f}{mark}"
        )


if __name__ == "__main__":
    main()
