"""USB discovery: `UsbSpecifier`, `list_devices`, and the one board a Device without a port means."""

import difflib
import json
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from serial.tools.list_ports import comports

from ..errors import ConfigError, DeviceNotFoundError, InsufficientSpecifierError

#: Vendors whose every USB serial port is a board (native USB: RP2040/RP2350, ESP32-S2/S3/C3/C6, ...).
BOARD_VENDORS = {
    0x2E8A: "Raspberry Pi",
    0x303A: "Espressif",
    0x239A: "Adafruit",
    0xF055: "MicroPython",
}

#: USB-UART bridge chips that boards without native USB (ESP32, ESP8266, ...) put in front of their REPL.
#: Only these product ids: the same vendors make other USB devices too.
UART_BRIDGES = {
    0x10C4: frozenset({0xEA60, 0xEA70, 0xEA71}),  # Silicon Labs CP2102/CP2102N/CP2104, CP2105, CP2108
    # WCH CH340, CH340K, CH341, CH342, CH343, CH9102, CH9103, CH9101
    0x1A86: frozenset({0x7523, 0x7522, 0x5523, 0x55D2, 0x55D3, 0x55D4, 0x55D7, 0x55D8}),
    0x0403: frozenset({0x6001, 0x6010, 0x6011, 0x6014, 0x6015}),  # FTDI FT232R, FT2232, FT4232, FT232H, FT-X
    0x067B: frozenset({0x2303, 0x23A3, 0x23B3, 0x23C3, 0x23D3, 0x23E3, 0x23F3}),  # Prolific PL2303 and G series
}

#: Fields compared with a port's; `device` is not one of them (when given, it is the port).
MATCHED_FIELDS = ("vid", "pid", "serial_number", "manufacturer", "product", "location")
FIELDS = (*MATCHED_FIELDS, "device")


class InvalidSpecifierError(ConfigError, ValueError):
    """A USB specifier has an unknown field or a value of the wrong kind."""


class UsbSpecifier(BaseModel):
    """Which USB serial port a board is on: every field given must equal the port's (text ignoring case).

    Examples
    --------
    >>> UsbSpecifier(vid=0x2E8A, serial_number="e6614c311b4b8f2a")
    UsbSpecifier(vid=11914, serial_number='e6614c311b4b8f2a')
    """

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    vid: Optional[int] = Field(None, ge=0, le=0xFFFF)
    """USB vendor id, e.g. ``0x2E8A`` (Raspberry Pi); text may be ``"0x2E8A"`` or ``"11914"``."""
    pid: Optional[int] = Field(None, ge=0, le=0xFFFF)
    """USB product id, e.g. ``0x0005`` (MicroPython on a Pico)."""
    serial_number: Optional[str] = None
    """The USB serial number, which tells two boards of one kind apart."""
    manufacturer: Optional[str] = None
    """The manufacturer string, e.g. ``"MicroPython"``."""
    product: Optional[str] = None
    """The product string, e.g. ``"Board in FS mode"``."""
    location: Optional[str] = None
    """Where the port is plugged in, as pyserial reports it (``"1-1.2:1.0"`` on Linux): a fixed socket."""
    device: Optional[str] = Field(None, exclude=True)
    """The port itself (``/dev/ttyACM0``, ``COM3``); when given, no search is made."""

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as error:
            raise InvalidSpecifierError(_one_line(error)) from None

    @field_validator("vid", "pid", mode="before")
    @classmethod
    def _usb_id_from_text(cls, value: Any) -> Any:
        # BELAY_DEVICE JSON is written by hand, where "0x2E8A" is how ids are usually spelt.
        if not isinstance(value, str):
            return value
        text = value.strip()
        try:
            return int(text, 16) if text.lower().startswith("0x") else int(text)
        except ValueError:
            raise ValueError(f"{value!r} is not a USB id; write it as 0x2E8A or 11914") from None

    @classmethod
    def from_json(cls, text: str, source: str = "USB specifier") -> "UsbSpecifier":
        """Parse JSON such as ``{"vid": 11914, "serial_number": "e661"}`` (what ``BELAY_DEVICE`` may hold).

        Raises
        ------
        InvalidSpecifierError
            The text is not a JSON object of known fields; the one-line message starts with `source`.
        """
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            problem = f"{error.msg}, column {error.colno}"
            raise InvalidSpecifierError(f"{source} is not valid JSON ({problem}): {text}") from None
        if not isinstance(data, dict):
            raise InvalidSpecifierError(f'{source} must be a JSON object such as {{"vid": 11914}}, not {text}')
        try:
            return cls(**data)
        except InvalidSpecifierError as error:
            raise InvalidSpecifierError(f"{source}: {error}") from None

    def __repr__(self) -> str:
        given = ", ".join(f"{name}={getattr(self, name)!r}" for name in FIELDS if getattr(self, name) is not None)
        return f"{type(self).__name__}({given})"

    __str__ = __repr__

    def matches(self, port: Any) -> bool:
        """Whether `port` (a `UsbSpecifier` or a pyserial port info) has every field this one gives."""
        for name in MATCHED_FIELDS:
            wanted = getattr(self, name)
            if wanted is None:
                continue
            found = getattr(port, name, None)
            if isinstance(wanted, str) and isinstance(found, str):
                wanted, found = wanted.casefold(), found.casefold()
            if wanted != found:
                return False
        return True

    def populated(self) -> bool:
        """Whether any field but `device` is given (ports such as ``/dev/ttyS0`` report none)."""
        return any(getattr(self, name) is not None for name in MATCHED_FIELDS)

    def to_port(self) -> str:
        """The port of the one USB serial port this matches (Belay 0.30's name for `find_port`)."""
        return find_port(self)


def list_devices() -> list[UsbSpecifier]:
    """The USB serial ports present, each with its ``device`` path; ports that report nothing are left out."""
    ports = [
        UsbSpecifier(
            vid=port.vid,
            pid=port.pid,
            serial_number=port.serial_number,
            manufacturer=port.manufacturer,
            product=port.product,
            location=port.location,
            device=port.device,
        )
        for port in comports()
    ]
    return sorted((port for port in ports if port.populated()), key=lambda port: port.device or "")


def looks_like_board(port: UsbSpecifier) -> bool:
    """Whether the port's USB ids are those of MicroPython/CircuitPython boards or of their UART bridges."""
    return port.vid in BOARD_VENDORS or port.pid in UART_BRIDGES.get(port.vid, ())


def find_port(specifier: UsbSpecifier) -> str:
    """The port of the one USB serial port `specifier` matches.

    Raises
    ------
    DeviceNotFoundError
        No port matches; the message lists the ports there are.
    InsufficientSpecifierError
        Several ports match; the message lists them.
    """
    if specifier.device:
        return specifier.device
    ports = list_devices()
    matching = [port for port in ports if specifier.matches(port)]
    if len(matching) == 1:
        return matching[0].device
    if not matching:
        raise DeviceNotFoundError(f"No USB serial port matches {specifier!r}. {_listing(ports)}")
    raise InsufficientSpecifierError(
        f"{len(matching)} USB serial ports match {specifier!r}; give a field that tells them apart. "
        f"{_listing(matching)}"
    )


def find_board() -> str:
    """The port of the one USB board that looks like a MicroPython or CircuitPython board.

    Raises
    ------
    DeviceNotFoundError
        None does; the message lists the serial ports there are.
    InsufficientSpecifierError
        Several do; the message lists them.
    """
    ports = list_devices()
    boards = [port for port in ports if looks_like_board(port)]
    if len(boards) == 1:
        return boards[0].device
    if boards:
        raise InsufficientSpecifierError(
            f"{len(boards)} USB boards found; choose one with BELAY_DEVICE or a port argument. {_listing(boards)}"
        )
    known = ", ".join(BOARD_VENDORS.values())
    raise DeviceNotFoundError(
        f"No MicroPython board found on USB (looked for {known} boards and CP210x, CH34x, FTDI and PL2303 "
        f"bridges). {_listing(ports)}"
    )


def _listing(ports: list[UsbSpecifier]) -> str:
    if not ports:
        return (
            "No USB serial ports found: plug a board in, or give a port such as '/dev/ttyACM0', "
            "'socket://host:port' or 'virtual:' (the built-in virtual board)."
        )
    serials = [port.serial_number for port in ports if port.serial_number]
    lines = ["Ports found (set BELAY_DEVICE as shown, or pass the port to Device):"]
    for port in ports:
        unique = port.serial_number and serials.count(port.serial_number) == 1
        choice = f"'{json.dumps({'serial_number': port.serial_number})}'" if unique else port.device
        lines.append(f"  {_describe(port)}  ->  BELAY_DEVICE={choice}")
    return "\n".join(lines)


def _describe(port: UsbSpecifier) -> str:
    usb_id = f"{port.vid:04x}:{port.pid:04x}" if port.vid is not None and port.pid is not None else "no USB id"
    details = [f"{name}={getattr(port, name)!r}" for name in ("serial_number", "manufacturer", "product")]
    return "  ".join([port.device or "?", usb_id, *(d for d in details if not d.endswith("=None"))])


def _one_line(error: ValidationError) -> str:
    problems = []
    unknown = False
    for item in error.errors():
        name = ".".join(str(part) for part in item["loc"]) or "input"
        if item["type"] == "extra_forbidden":
            unknown = True
            close = difflib.get_close_matches(name, FIELDS, n=1)
            problems.append(f"unknown field {name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        else:
            message = item["msg"].removeprefix("Value error, ")
            problems.append(f"{name}={item['input']!r}: {message}")
    fields = f"; its fields are {', '.join(FIELDS)}" if unknown else ""
    return f"UsbSpecifier: {'; '.join(problems)}{fields}"
