import pytest

from belay_engine.errors import ConfigError, DeviceNotFoundError, InsufficientSpecifierError
from belay_engine.transports import classify_port, default_port, notebook_port, usb
from tests.fakes import usb_port

PICO = usb_port("/dev/ttyACM0", 0x2E8A, 0x0005, serial_number="E661", manufacturer="MicroPython")
ESP32 = usb_port("/dev/ttyUSB0", 0x1A86, 0x55D4, serial_number="5A2B", product="USB Single Serial")
MODEM = usb_port("/dev/ttyACM9", 0x1199, 0x9071, product="Sierra Wireless modem")


@pytest.fixture
def ports(monkeypatch):
    """Set what pyserial's `comports()` lists, and start with BELAY_DEVICE unset."""
    monkeypatch.delenv("BELAY_DEVICE", raising=False)

    def set_ports(*listed):
        monkeypatch.setattr(usb, "comports", lambda: list(listed))

    set_ports()
    return set_ports


def test_notebook_port_prefers_the_given_port_then_belay_device_then_one_board_then_the_virtual_board(
    ports, monkeypatch
):
    ports(PICO, MODEM)
    monkeypatch.setenv("BELAY_DEVICE", "/dev/ttyACM7")
    assert notebook_port("socket://host:1") == "socket://host:1"
    assert notebook_port(None) == "/dev/ttyACM7"
    monkeypatch.delenv("BELAY_DEVICE")
    assert notebook_port(None) == "/dev/ttyACM0"
    ports(MODEM)
    assert notebook_port(None) == "virtual:"


def test_notebook_port_refuses_to_choose_between_several_boards(ports):
    ports(PICO, ESP32)
    with pytest.raises(InsufficientSpecifierError, match=r"2 USB boards found") as raised:
        notebook_port(None)
    assert "/dev/ttyACM0" in str(raised.value)
    assert "/dev/ttyUSB0" in str(raised.value)


def test_notebook_port_keeps_a_configured_specifier_even_if_it_matches_nothing(ports, monkeypatch):
    monkeypatch.setenv("BELAY_DEVICE", '{"serial_number": "not-plugged-in"}')
    assert notebook_port(None) == '{"serial_number": "not-plugged-in"}'


def test_default_port_is_belay_device_as_written(ports, monkeypatch):
    ports(PICO)
    for configured in ["socket://127.0.0.1:2217", '{"vid": "0x2E8A"}']:
        monkeypatch.setenv("BELAY_DEVICE", f"  {configured} ")
        assert default_port() == configured


def test_default_port_refuses_belay_device_json_that_is_no_specifier_naming_the_variable(ports, monkeypatch):
    for configured, problem in [('{"vendor": 11914}', "unknown field 'vendor'"), ('{"vid": 1', "not valid JSON")]:
        monkeypatch.setenv("BELAY_DEVICE", configured)
        with pytest.raises(ConfigError, match=r"^BELAY_DEVICE") as raised:
            default_port()
        assert problem in str(raised.value)


def test_default_port_without_belay_device_is_the_one_board(ports):
    ports(MODEM, ESP32)
    assert default_port() == "/dev/ttyUSB0"


def test_default_port_without_belay_device_or_board_lists_what_was_found(ports):
    ports(MODEM)
    with pytest.raises(DeviceNotFoundError, match=r"No MicroPython board found on USB") as raised:
        default_port()
    assert "  /dev/ttyACM9  1199:9071  product='Sierra Wireless modem'  ->  BELAY_DEVICE=/dev/ttyACM9" in str(
        raised.value
    )


def test_ports_are_classified_by_their_form():
    assert [classify_port(p) for p in ["virtual:", "execpty:x", "ws://h", "10.0.0.2:23", "{}", "/dev/ttyUSB0"]] == [
        "virtual",
        "process",
        "webrepl",
        "telnet",
        "usb-specifier",
        "serial",
    ]
