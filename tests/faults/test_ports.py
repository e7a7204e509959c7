"""Ports that vanish under a connected Device, are held by another program, never answer, or do not exist.

Contract: a clear exception (`ConnectionLost`, `ConnectionFailedError` naming the likely cause,
`BoardTimeoutError`) within a bound, the Device can still be closed, and no process stays behind.
"""

import os
import pty
import tty

import pytest

from belay_engine import BoardTimeoutError, ConnectionFailedError, ConnectionLost, Device
from belay_engine.virtual.serial_port import SerialPortFace
from belay_engine.virtual.transport import VirtualBoardTransport

from .wire import raises_within

SILENT_TIMEOUT = 1.0


@pytest.fixture
def port(tmp_path, board_root):
    """(path, stop): a virtual board served on a serial port path, and a function that takes the port away."""
    path = tmp_path / "ttyVIRTUAL"
    face = SerialPortFace(path, VirtualBoardTransport(board_root))
    thread = face.serve_in_background()
    yield path, lambda: face.stop(thread)
    face.stop(thread)


def test_a_port_that_vanishes_under_a_connected_device_raises_connection_lost(port):
    path, unplug = port
    device = Device(str(path))
    try:
        assert device("1 + 1") == 2
        unplug()
        assert not path.exists()
        raises_within(ConnectionLost, lambda: device("1 + 1"))
        raises_within(ConnectionLost, device.reconnect)  # nothing to reconnect to, said at once
        raises_within(ConnectionFailedError, lambda: Device(str(path)))
    finally:
        device.close()


def test_a_port_held_by_another_program_is_refused_with_a_hint(port):
    path, _ = port
    with Device(str(path)) as holder:
        error = raises_within(ConnectionFailedError, lambda: Device(str(path)))
        assert "another program" in str(error)
        assert holder("1 + 1") == 2  # the holder is not disturbed


def test_a_port_that_never_answers_times_out_within_the_device_timeout():
    controller, terminal = pty.openpty()
    tty.setraw(terminal)
    try:
        path = os.ttyname(terminal)  # something opened, but nothing reads or answers on the other side
        error = raises_within(BoardTimeoutError, lambda: Device(path, timeout=SILENT_TIMEOUT), seconds=10)
        assert path in str(error)
    finally:
        os.close(terminal)
        os.close(controller)


def test_a_port_that_does_not_exist_is_refused_at_once(tmp_path):
    raises_within(ConnectionFailedError, lambda: Device(str(tmp_path / "ttyNOTHING")), seconds=5)
