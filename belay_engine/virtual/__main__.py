"""``python -m belay_engine.virtual --port PATH [--root DIR] [--baud N]``: a virtual board on a serial port path."""

import argparse
import signal
import sys
from pathlib import Path

from .serial_port import SerialPortFace
from .transport import VirtualBoardTransport


def main(argv: list[str]) -> int:
    """Serve a virtual board at a serial port path until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m belay_engine.virtual", description=__doc__)
    parser.add_argument("--port", required=True, type=Path, help="path of the serial port to create (a symlink)")
    parser.add_argument("--root", type=Path, default=None, help="host folder used as the board's / (default: temp)")
    parser.add_argument("--baud", type=int, default=None, help="emulate a UART at this speed (bits per second)")
    args = parser.parse_args(argv)
    face = SerialPortFace(args.port, VirtualBoardTransport(args.root, baud=args.baud))
    signal.signal(signal.SIGTERM, lambda *_: face._stop.set())
    print(f"virtual board on {args.port} (root {face.transport.root}); Ctrl-C stops it", flush=True)
    try:
        face.serve()
    except KeyboardInterrupt:
        pass
    finally:
        face.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
