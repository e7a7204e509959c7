"""``python -m belay_engine.virtual``: serve a virtual board on a serial port path and/or network faces.

Examples: ``--port /tmp/ttyBOARD``; ``--telnet 127.0.0.1:2323 --tcp :5000``; ``--rfc2217 2217 --password s3cret``.
Network faces listen on 127.0.0.1 unless an address is given with the port. One network client at a time has
the board; meanwhile the serial port's input is dropped.
"""

import argparse
import contextlib
import importlib
import signal
import sys
import threading
from pathlib import Path
from typing import Any, Optional

from .board_hub import BoardHub
from .serial_port import SerialPortFace
from .transport import VirtualBoardTransport

LOOPBACK = "127.0.0.1"
#: Option → (module, class, whether it takes credentials).
NETWORK_FACES = {
    "tcp": ("belay_engine.virtual.tcp_face", "TcpFace", False),
    "telnet": ("belay_engine.virtual.telnet_face", "TelnetFace", True),
    "rfc2217": ("belay_engine.virtual.rfc2217_face", "Rfc2217Face", False),
    "webrepl": ("belay_engine.virtual.webrepl_face", "WebreplFace", True),
}


def listen_address(text: str) -> tuple[str, int]:
    """``HOST:PORT``, ``:PORT`` or ``PORT`` as ``(host, port)``; the host defaults to loopback."""
    host, _, number = text.rpartition(":")
    try:
        port = int(number)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected HOST:PORT or PORT, got {text!r}") from None
    if not 0 <= port < 65536:
        raise argparse.ArgumentTypeError(f"port {port} is out of range")
    return host.strip("[]") or LOOPBACK, port


def open_face(kind: str, board: VirtualBoardTransport, address: tuple[str, int], user: str, password: str) -> Any:
    """Start the network face `kind` for `board` at `address`."""
    module_name, class_name, takes_credentials = NETWORK_FACES[kind]
    try:
        face_class = getattr(importlib.import_module(module_name), class_name)
    except ImportError as exc:
        raise SystemExit(f"the {kind} face is not available: {exc}") from exc
    if kind == "telnet":
        return face_class(board, *address, user=user, password=password)
    if takes_credentials:
        return face_class(board, *address, password=password)
    return face_class(board, *address)


def build_parser() -> argparse.ArgumentParser:
    """The command line of the virtual board server."""
    parser = argparse.ArgumentParser(
        prog="python -m belay_engine.virtual", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--port", type=Path, default=None, help="path of the serial port to create (a symlink)")
    parser.add_argument("--root", type=Path, default=None, help="host folder used as the board's / (default: temp)")
    parser.add_argument("--baud", type=int, default=None, help="emulate a UART at this speed (bits per second)")
    for kind, what in [
        ("tcp", "raw TCP, as socket:// and ser2net's raw mode"),
        ("telnet", "telnet with MicroPython's login"),
        ("rfc2217", "RFC 2217 serial port, as rfc2217://"),
        ("webrepl", "WebREPL, as ws://"),
    ]:
        parser.add_argument(f"--{kind}", type=listen_address, metavar="HOST:PORT", help=f"serve {what}")
    parser.add_argument("--user", default="micro", help="telnet user (default: micro)")
    parser.add_argument("--password", default="python", help="telnet and WebREPL password (default: python)")
    return parser


def main(argv: list[str]) -> int:
    """Serve a virtual board until interrupted or terminated."""
    parser = build_parser()
    args = parser.parse_args(argv)
    kinds = [kind for kind in NETWORK_FACES if getattr(args, kind) is not None]
    if args.port is None and not kinds:
        parser.error("give --port PATH and/or a network face (--tcp, --telnet, --rfc2217, --webrepl)")
    board = VirtualBoardTransport(args.root, baud=args.baud)
    stop = threading.Event()
    serial_face: Optional[SerialPortFace] = None
    faces: list[Any] = []
    hubs: list[BoardHub] = []
    try:
        if args.port is not None:
            serial_face = SerialPortFace(args.port, board)
            print(f"virtual board on {args.port} (root {board.root}); Ctrl-C stops it", flush=True)
        for kind in kinds:
            face = open_face(kind, board, getattr(args, kind), args.user, args.password)
            faces.append(face)
            face.serve_in_background()
            host, port = face.address
            print(f"virtual board {kind} face on {host}:{port}: {face.url}", flush=True)
        if serial_face is None:
            print(f"virtual board root {board.root}; Ctrl-C stops it", flush=True)
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        hub = BoardHub.for_board(board)
        hub.when_ended(stop.set)  # the board process died: nothing left to serve
        hubs.append(hub)
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is the documented way to stop
            stop.wait()
    finally:
        for face in faces:
            face.stop()
        for hub in hubs:
            hub.release()
        if serial_face is not None:
            serial_face.stop()  # closes the board
        else:
            board.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
