import importlib
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from serial.tools.list_ports import comports as serial_comports

import belay
import belay_engine
import belay_engine.device_meta
import belay_engine.errors
import belay_engine.proxy
from belay_engine.transports import usb
from belay_engine.virtual.serial_port import SerialPortFace
from belay_engine.virtual.transport import VirtualBoardTransport
from tests.fakes import usb_port

SCRIPT = Path(__file__).parent.parent / "data" / "belay_030_script.py"


def test_a_belay_030_script_runs_unchanged_on_the_virtual_board():
    environment = {**os.environ, "BELAY_DEVICE": "virtual:"}
    result = subprocess.run(
        [sys.executable, str(SCRIPT)], capture_output=True, text=True, env=environment, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Printing from device; turning LED to True.",
        "led is 1",
        "readings [20, 21, 22]",
        "implementation micropython",
    ]


def test_belay_exports_the_names_of_belay_030():
    expected = {
        "AuthenticationError",
        "BelayException",
        "ConnectionFailedError",
        "ConnectionLost",
        "Device",
        "DeviceMeta",
        "DeviceNotFoundError",
        "FeatureUnavailableError",
        "Implementation",
        "InsufficientSpecifierError",
        "MaxHistoryLengthError",
        "NoMatchingExecuterError",
        "NotBelayResponseError",
        "NO_RESULT",
        "ProxyObject",
        "PyboardError",
        "PyboardException",
        "SpecialFunctionNameError",
        "UNPARSABLE_RESULT",
        "UsbSpecifier",
        "list_devices",
        "minify",
    }
    assert expected <= set(belay.__all__)
    assert all(hasattr(belay, name) for name in expected)


#: Where Belay 0.30 keeps the names its scripts and tests import from submodules.
BELAY_MODULE_NAMES = {
    "belay.device": ["Device", "NO_RESULT", "UNPARSABLE_RESULT"],
    "belay.device_meta": ["DeviceMeta", "ExecuterMethod", "OverloadDict", "OverloadList"],
    "belay.exceptions": [
        "AuthenticationError",
        "BelayException",
        "ConnectionFailedError",
        "ConnectionLost",
        "DeviceNotFoundError",
        "FeatureUnavailableError",
        "InsufficientSpecifierError",
        "InternalError",
        "MaxHistoryLengthError",
        "NoMatchingExecuterError",
        "NotBelayResponseError",
        "SpecialFunctionNameError",
    ],
    "belay.usb_specifier": ["UsbSpecifier", "list_devices"],
    "belay.proxy_object": ["ProxyObject", "get_proxy_object_target_name"],
}


#: Where the engine defines them: the re-exports must be these very objects, so isinstance and except agree.
ENGINE_MODULES = [belay_engine, belay_engine.device_meta, belay_engine.errors, belay_engine.proxy]


@pytest.mark.parametrize(("module", "names"), BELAY_MODULE_NAMES.items())
def test_belay_030_module_paths_import_the_same_objects(module, names):
    for name in names:
        namespace = {}
        exec(f"from {module} import {name}", namespace)  # the import statement a Belay script writes
        homes = [source for source in ENGINE_MODULES if hasattr(source, name)]
        assert homes, f"{name} is not in the engine"
        assert namespace[name] is getattr(homes[0], name), f"{module}.{name}"
    assert set(importlib.import_module(module).__all__) >= set(names)


def test_belays_own_way_of_faking_the_port_list_reaches_the_engine():
    # Belay 0.30's tests: mocker.patch("belay.usb_specifier.comports", return_value=iter([...])).
    from belay.exceptions import DeviceNotFoundError
    from belay.usb_specifier import UsbSpecifier

    listed = [usb_port("/dev/ttyUSB0", 20, 10, serial_number="abc123", manufacturer="Belay Industries")]
    with mock.patch("belay.usb_specifier.comports", return_value=iter(listed)):
        assert UsbSpecifier(serial_number="abc123").to_port() == "/dev/ttyUSB0"
    assert usb.comports is belay.usb_specifier.comports is serial_comports
    with mock.patch("belay.usb_specifier.comports", return_value=iter(listed)), pytest.raises(DeviceNotFoundError):
        UsbSpecifier(manufacturer="Foo").to_port()


@pytest.fixture
def usb_board(tmp_path, board_root, monkeypatch):
    """A virtual board behind a serial port that the (faked) USB listing shows as a Pico, next to a modem."""
    path = tmp_path / "ttyACM0"
    face = SerialPortFace(path, VirtualBoardTransport(board_root))
    thread = face.serve_in_background()
    pico = usb_port(str(path), 0x2E8A, 0x0005, serial_number="E6614C311B4B8F2A", manufacturer="MicroPython")
    modem = usb_port(str(tmp_path / "ttyACM1"), 0x1199, 0x9071, product="modem")
    monkeypatch.setattr(usb, "comports", lambda: [modem, pico])
    monkeypatch.delenv("BELAY_DEVICE", raising=False)
    yield path
    face.stop(thread)


def test_a_device_found_by_its_usb_ids_runs_on_that_board(usb_board):
    from belay import Device, UsbSpecifier

    with Device(UsbSpecifier(vid=0x2E8A, manufacturer="micropython")) as device:
        assert device("1 + 1") == 2
        assert device.implementation.platform == "linux"
    assert [port.device for port in belay.list_devices()] == [str(usb_board), str(usb_board.parent / "ttyACM1")]


def test_a_device_without_a_port_uses_the_one_usb_board(usb_board):
    with belay.Device() as device:
        assert device("6 * 7") == 42


def test_belay_device_json_names_the_usb_board(usb_board, monkeypatch):
    monkeypatch.setenv("BELAY_DEVICE", '{"serial_number": "e6614c311b4b8f2a"}')
    with belay.Device() as device:
        assert device("'ok'") == "ok"


def test_a_device_without_a_port_or_board_raises_belays_device_not_found(monkeypatch):
    from belay.exceptions import DeviceNotFoundError

    monkeypatch.delenv("BELAY_DEVICE", raising=False)
    monkeypatch.setattr(usb, "comports", lambda: [usb_port("/dev/ttyS0")])
    with pytest.raises(DeviceNotFoundError, match=r"No MicroPython board found on USB"):
        belay.Device()


def test_reconnect_finds_a_usb_board_again_on_its_new_port(tmp_path, board_root, monkeypatch):
    # A board that resets often comes back as the next ttyACM: the specifier is resolved again on reconnect.
    listed = []
    monkeypatch.setattr(usb, "comports", lambda: list(listed))
    first = SerialPortFace(tmp_path / "ttyACM0", VirtualBoardTransport(board_root))
    serving = first.serve_in_background()
    listed[:] = [usb_port(str(first.path), 0x2E8A, 0x0005, serial_number="E661")]
    with belay.Device(belay.UsbSpecifier(serial_number="E661"), attempts=1) as device:
        device("x = 41")
        first.stop(serving)
        second = SerialPortFace(tmp_path / "ttyACM1", VirtualBoardTransport(board_root))
        serving = second.serve_in_background()
        listed[:] = [usb_port(str(second.path), 0x2E8A, 0x0005, serial_number="E661")]
        try:
            device.reconnect()
            assert device("x + 1") == 42  # the recorded command was replayed on the board at the new port
        finally:
            second.stop(serving)
