"""Print call round trip, stream rate and sync time over each network transport next to the direct PTY.

Usage: ``python benchmarks/network_speed.py [--calls N] [--rounds N] [--values N] [--faces-process]``. One virtual
board is served
on 127.0.0.1 by its network faces (raw TCP for ``socket://``, RFC 2217, telnet, WebREPL when that face
exists); a second one is reached directly on its PTY (``virtual:``). Rounds alternate the transports, so load
on a shared machine spreads over all of them; the figures are medians over rounds. The target is each network
transport within 1.5x the PTY's call time. ``socket:// no-nodelay`` is ``socket://`` with Nagle's algorithm on
at both ends, as before this transport set TCP_NODELAY (and as a server that does not set it behaves).

With ``--faces-process`` the faces run in their own process (``python -m belay_engine.virtual``), as a real
board's network stack runs on the board rather than in the host's Python, and the same process also serves
the board on a serial port path: ``serial path (relay)`` is that path, the same relay hop as the network
faces without a network, so its ratio isolates what each network transport itself costs.
"""

import argparse
import importlib.util
import os
import socket
import statistics
import subprocess
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
    port = getattr(device.session.repl.transport, "_port", None)
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


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def wait_listening(port: int, deadline: float) -> None:
    """Wait until 127.0.0.1:`port` accepts a connection, or raise after `deadline` (a perf_counter time)."""
    while True:
        try:
            socket.create_connection((LOOPBACK, port), timeout=1).close()
            return
        except OSError:
            if time.perf_counter() > deadline:
                raise TimeoutError(f"nothing listens on {LOOPBACK}:{port}") from None
            time.sleep(0.05)


def faces_in_a_process(root: Path) -> tuple[subprocess.Popen, dict]:
    """Start ``python -m belay_engine.virtual`` with every face; return it and transport name → port string."""
    numbers = {name: free_port() for name in ("tcp", "rfc2217", "telnet", "webrepl")}
    path = root.parent / f"{root.name}-tty"
    argv = [sys.executable, "-m", "belay_engine.virtual", "--root", str(root), "--port", str(path)]
    for name, number in numbers.items():
        argv += [f"--{name}", f"{LOOPBACK}:{number}"]
    server = subprocess.Popen(argv, stdout=subprocess.DEVNULL, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    deadline = time.perf_counter() + 30
    for number in numbers.values():
        wait_listening(number, deadline)
    while not path.exists():
        if time.perf_counter() > deadline:
            raise TimeoutError(f"the serial port path {path} did not appear")
        time.sleep(0.05)
    ports = {
        "serial path (relay)": str(path),
        "socket://": f"socket://{LOOPBACK}:{numbers['tcp']}",
        "rfc2217://": f"rfc2217://{LOOPBACK}:{numbers['rfc2217']}",
        "telnet": f"telnet://{LOOPBACK}:{numbers['telnet']}",
        "ws:// (WebREPL)": f"ws://{LOOPBACK}:{numbers['webrepl']}",
    }
    return server, ports


def main() -> None:
    """Measure every transport in alternating rounds and print one table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300, help="tiny calls per round (default 300)")
    parser.add_argument("--values", type=int, default=20000, help="generator values per round (default 20000)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds over all transports (default 5)")
    parser.add_argument(
        "--faces-process", action="store_true", help="serve the faces from their own process, with a serial path"
    )
    args = parser.parse_args()

    direct_board = Path(tempfile.mkdtemp(prefix="bench-pty-"))
    network_root = Path(tempfile.mkdtemp(prefix="bench-net-"))
    board = server = None
    faces: dict = {}
    if args.faces_process:
        server, ports = faces_in_a_process(network_root)
    else:
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
        ports = {name: face.url for name, face in faces.items()}
    # One client at a time per board: network subjects connect in turn, the PTY board is separate.
    order = ["virtual: (PTY)", *ports]
    sources = {name: Path(tempfile.mkdtemp(prefix="bench-src-")) for name in order}
    figures: dict = {name: [] for name in order}
    try:
        for round_number in range(args.rounds):
            for name in order:
                port = ports.get(name, f"virtual:{direct_board}")
                nagle = name.endswith("no-nodelay")
                figures[name].append(measure(port, args.calls, args.values, sources[name], round_number, nagle))
            print(f"round {round_number + 1}/{args.rounds} done", file=sys.stderr, flush=True)
    finally:
        for face in faces.values():
            face.stop()
        if board is not None:
            board.close()
        if server is not None:
            server.terminate()
            server.wait(timeout=10)

    medians = {name: [statistics.median(column) for column in zip(*rows)] for name, rows in figures.items()}
    base_call, base_rate, base_sync = medians[order[0]]
    print(
        f"medians of {args.rounds} rounds: {args.calls} tiny calls, {args.values} streamed ints, "
        f"sync of {SYNC_FILES} x {SYNC_FILE_BYTES} B"
    )
    relay_column = f" {'x relay':>7}" if "serial path (relay)" in medians else ""
    print(
        f"{'transport':22} {'call ms':>8} {'x PTY':>6}{relay_column} {'stream /s':>10} {'x PTY':>6} "
        f"{'sync ms':>8} {'x PTY':>6}"
    )
    relay = medians.get("serial path (relay)")
    for name in order:
        call, rate, synced = medians[name]
        baseline = name in (order[0], "serial path (relay)")
        mark = "" if baseline or call / base_call <= TARGET else "  (over the 1.5x target)"
        versus_relay = f" {call / relay[0]:7.2f}" if relay else ""
        print(
            f"{name:22} {call:8.3f} {call / base_call:6.2f}{versus_relay} {rate:10.0f} {base_rate / rate:6.2f} "
            f"{synced * 1000:8.1f} {synced / base_sync:6.2f}{mark}"
        )


if __name__ == "__main__":
    main()
