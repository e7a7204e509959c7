import shutil
import sys
from pathlib import Path

import pytest

from belay_engine import ConnectionLost, Device
from belay_engine.transports.process import ProcessTransport

MICROPYTHON = str(Path(sys.executable).with_name("micropython"))


def test_exec_runs_a_process_on_pipes():
    transport = ProcessTransport(shutil.which("cat"), pty=False)
    try:
        transport.write(b"echo this\n")
        received = b""
        while b"\n" not in received:
            received += transport.read(100, 5)
        assert received == b"echo this\n"
    finally:
        transport.close()


def test_a_process_that_exits_raises_connection_lost():
    transport = ProcessTransport("true", pty=False)
    try:
        with pytest.raises(ConnectionLost, match="exited"):
            for _ in range(100):
                transport.read(100, 5)
    finally:
        transport.close()


def test_execpty_drives_micropython_as_a_board():
    # The bare unix port exits on a soft reset (the virtual board emulates one), so connect without it.
    with Device(f"execpty:{MICROPYTHON}", reset=False) as device:
        assert device("6 * 7") == 42
        assert device.implementation.name == "micropython"
