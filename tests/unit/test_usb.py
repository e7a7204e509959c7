import pytest

from belay_engine.errors import ConfigError, DeviceNotFoundError, InsufficientSpecifierError
from belay_engine.transports import usb
from belay_engine.transports.usb import UsbSpecifier, find_board, find_port, list_devices
from tests.fakes import usb_port

PICO = usb_port(
    "/dev/ttyACM0",
    0x2E8A,
    0x0005,
    serial_number="E6614C311B4B8F2A",
    manufacturer="MicroPython",
    product="Board in FS mode",
    location="1-1.2:1.0",
)
ESP32 = usb_port(
    "/dev/ttyUSB0",
    0x10C4,
    0xEA60,
    serial_number="0001",
    manufacturer="Silicon Labs",
    product="CP2102 USB to UART Bridge Controller",
    location="1-1.3:1.0",
)
#: A USB serial port that is not a board: a ZigBee stick on a Silicon Labs VID with its own PID.
ZIGBEE = usb_port("/dev/ttyUSB1", 0x10C4, 0x8A2A, serial_number="C0FFEE", manufacturer="Silicon Labs", product="HubZ")
BUILT_IN_UART = usb_port("/dev/ttyS0")  # reports nothing, as motherboard UARTs do


@pytest.fixture
def ports(monkeypatch):
    """Set what pyserial's `comports()` lists: `ports(PICO, ESP32)`."""

    def set_ports(*listed):
        monkeypatch.setattr(usb, "comports", lambda: list(listed))

    return set_ports


def test_list_devices_carries_every_field_and_leaves_out_ports_that_report_nothing(ports):
    ports(BUILT_IN_UART, ESP32, PICO)
    found = list_devices()
    assert [port.device for port in found] == ["/dev/ttyACM0", "/dev/ttyUSB0"]
    assert found[0] == UsbSpecifier(
        vid=0x2E8A,
        pid=0x0005,
        serial_number="E6614C311B4B8F2A",
        manufacturer="MicroPython",
        product="Board in FS mode",
        location="1-1.2:1.0",
        device="/dev/ttyACM0",
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("vid", 0x2E8A),
        ("pid", 0x0005),
        ("serial_number", "E6614C311B4B8F2A"),
        ("manufacturer", "MicroPython"),
        ("product", "Board in FS mode"),
        ("location", "1-1.2:1.0"),
    ],
)
def test_each_field_alone_picks_the_port_that_has_it(ports, field, value):
    ports(ESP32, PICO, ZIGBEE)
    assert find_port(UsbSpecifier(**{field: value})) == "/dev/ttyACM0"


def test_every_given_field_must_match(ports):
    ports(ESP32, PICO)
    assert find_port(UsbSpecifier(vid=0x10C4, serial_number="0001")) == "/dev/ttyUSB0"
    with pytest.raises(DeviceNotFoundError):
        find_port(UsbSpecifier(vid=0x10C4, serial_number="E6614C311B4B8F2A"))


def test_text_matches_ignoring_case_but_whole_as_in_belay(ports):
    ports(PICO)
    assert find_port(UsbSpecifier(serial_number="e6614c311b4b8f2a", product="BOARD IN FS MODE")) == "/dev/ttyACM0"
    for part in [UsbSpecifier(product="Board"), UsbSpecifier(serial_number="E6614C*")]:
        with pytest.raises(DeviceNotFoundError):
            find_port(part)


def test_a_given_device_is_the_port_without_listing_any(monkeypatch):
    def no_listing():
        raise AssertionError("ports were listed")

    monkeypatch.setattr(usb, "comports", no_listing)
    assert find_port(UsbSpecifier(vid=0x2E8A, device="/dev/ttyACM3")) == "/dev/ttyACM3"
    assert UsbSpecifier(device="/dev/ttyACM3").to_port() == "/dev/ttyACM3"


def test_usb_ids_may_be_written_in_hex_or_decimal_text():
    assert UsbSpecifier(vid="0x2E8A", pid="5") == UsbSpecifier(vid=0x2E8A, pid=0x0005)
    assert UsbSpecifier.from_json('{"vid": "0x2e8a", "pid": 5}') == UsbSpecifier(vid=0x2E8A, pid=5)


def test_an_unknown_field_is_refused_in_one_line_naming_it_and_the_fields():
    with pytest.raises(ConfigError) as raised:
        UsbSpecifier(vdi=0x2E8A)
    message = str(raised.value)
    assert isinstance(raised.value, ValueError)
    assert message == (
        "UsbSpecifier: unknown field 'vdi' (did you mean 'vid'?); "
        "its fields are vid, pid, serial_number, manufacturer, product, location, device"
    )


def test_a_bad_value_is_refused_in_one_line_without_pydantic_details():
    for bad, named in [({"vid": "pico"}, "vid='pico'"), ({"pid": 0x10000}, "pid=65536"), ({"product": 5}, "product=5")]:
        with pytest.raises(ConfigError) as raised:
            UsbSpecifier(**bad)
        message = str(raised.value)
        assert named in message
        assert "\n" not in message
        assert "pydantic" not in message
        assert "validation error" not in message


def test_json_errors_say_where_the_json_came_from():
    cases = {
        '{"vdi": 1}': "BELAY_DEVICE: UsbSpecifier: unknown field 'vdi' (did you mean 'vid'?)",
        "{vid: 1}": "BELAY_DEVICE is not valid JSON (Expecting property name enclosed in double quotes, column 2)",
        '["vid", 1]': 'BELAY_DEVICE must be a JSON object such as {"vid": 11914}',
    }
    for text, start in cases.items():
        with pytest.raises(ConfigError) as raised:
            UsbSpecifier.from_json(text, source="BELAY_DEVICE")
        assert str(raised.value).startswith(start)
        assert "\n" not in str(raised.value)


def test_repr_shows_the_given_fields_only():
    assert repr(UsbSpecifier(vid=0x2E8A, serial_number="abc")) == "UsbSpecifier(vid=11914, serial_number='abc')"
    assert repr(UsbSpecifier()) == "UsbSpecifier()"


def test_no_match_lists_the_ports_there_are_one_line_each_with_what_to_set(ports):
    ports(ESP32, ZIGBEE)
    with pytest.raises(DeviceNotFoundError) as raised:
        find_port(UsbSpecifier(vid=0x2E8A))
    assert not isinstance(raised.value, InsufficientSpecifierError)
    assert str(raised.value).splitlines() == [
        "No USB serial port matches UsbSpecifier(vid=11914). "
        "Ports found (set BELAY_DEVICE as shown, or pass the port to Device):",
        "  /dev/ttyUSB0  10c4:ea60  serial_number='0001'  manufacturer='Silicon Labs'  "
        "product='CP2102 USB to UART Bridge Controller'  ->  BELAY_DEVICE='{\"serial_number\": \"0001\"}'",
        "  /dev/ttyUSB1  10c4:8a2a  serial_number='C0FFEE'  manufacturer='Silicon Labs'  product='HubZ'  "
        '->  BELAY_DEVICE=\'{"serial_number": "C0FFEE"}\'',
    ]


def test_several_matches_are_listed_and_a_shared_serial_number_is_not_offered(ports):
    # One CircuitPython board with its data port enabled shows two ports with one serial number.
    console = usb_port("/dev/ttyACM0", 0x239A, 0x80F4, serial_number="DF62", product="Pico")
    data = usb_port("/dev/ttyACM1", 0x239A, 0x80F4, serial_number="DF62", product="Pico")
    ports(console, data)
    with pytest.raises(InsufficientSpecifierError) as raised:
        find_port(UsbSpecifier(vid=0x239A))
    lines = str(raised.value).splitlines()
    assert lines[0].startswith("2 USB serial ports match UsbSpecifier(vid=9114); give a field that tells them apart.")
    assert lines[1:] == [
        "  /dev/ttyACM0  239a:80f4  serial_number='DF62'  product='Pico'  ->  BELAY_DEVICE=/dev/ttyACM0",
        "  /dev/ttyACM1  239a:80f4  serial_number='DF62'  product='Pico'  ->  BELAY_DEVICE=/dev/ttyACM1",
    ]


@pytest.mark.parametrize(
    ("vid", "pid"),
    [
        (0x2E8A, 0x0005),  # Raspberry Pi Pico running MicroPython
        (0x303A, 0x1001),  # Espressif USB Serial/JTAG (ESP32-C3, -S3)
        (0x239A, 0x80F4),  # Adafruit: CircuitPython on a Pico
        (0xF055, 0x9800),  # MicroPython's own VID (pyboard)
        (0x10C4, 0xEA60),  # CP2102
        (0x1A86, 0x7523),  # CH340
        (0x1A86, 0x55D4),  # CH9102
        (0x1A86, 0x55D3),  # CH343
        (0x0403, 0x6001),  # FT232R
        (0x0403, 0x6015),  # FT231X
        (0x067B, 0x2303),  # PL2303
    ],
)
def test_the_one_board_is_found_among_other_ports(ports, vid, pid):
    ports(BUILT_IN_UART, ZIGBEE, usb_port("/dev/ttyACM5", vid, pid), usb_port("/dev/ttyUSB9", 0x0403, 0x6F70))
    assert find_board() == "/dev/ttyACM5"


def test_no_board_lists_the_ports_seen_with_what_to_set(ports):
    ports(BUILT_IN_UART, ZIGBEE)
    with pytest.raises(DeviceNotFoundError) as raised:
        find_board()
    assert not isinstance(raised.value, InsufficientSpecifierError)
    lines = str(raised.value).splitlines()
    assert lines[0].startswith("No MicroPython board found on USB (looked for Raspberry Pi, Espressif, Adafruit")
    assert lines[1:] == [
        "  /dev/ttyUSB1  10c4:8a2a  serial_number='C0FFEE'  manufacturer='Silicon Labs'  product='HubZ'  "
        '->  BELAY_DEVICE=\'{"serial_number": "C0FFEE"}\''
    ]


def test_no_usb_port_at_all_says_how_to_give_a_port(ports):
    ports(BUILT_IN_UART)
    with pytest.raises(DeviceNotFoundError, match=r"No USB serial ports found: plug a board in, or give a port"):
        find_board()


def test_several_boards_are_listed_and_none_is_chosen(ports):
    ports(ESP32, PICO, ZIGBEE)
    with pytest.raises(InsufficientSpecifierError) as raised:
        find_board()
    lines = str(raised.value).splitlines()
    assert lines[0] == (
        "2 USB boards found; choose one with BELAY_DEVICE or a port argument. "
        "Ports found (set BELAY_DEVICE as shown, or pass the port to Device):"
    )
    assert [line.split()[0] for line in lines[1:]] == ["/dev/ttyACM0", "/dev/ttyUSB0"]
    assert lines[1].endswith('->  BELAY_DEVICE=\'{"serial_number": "E6614C311B4B8F2A"}\'')


def test_an_empty_specifier_is_belays_default_the_single_port_of_any_kind(ports):
    # Belay 0.30 reads BELAY_DEVICE='{}' when unset: whatever single USB serial port there is.
    ports(BUILT_IN_UART, ZIGBEE)
    assert find_port(UsbSpecifier.from_json("{}")) == "/dev/ttyUSB1"
    ports(ZIGBEE, PICO)
    with pytest.raises(InsufficientSpecifierError):
        find_port(UsbSpecifier())
