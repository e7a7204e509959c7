"""``belay select``: pick one of the USB boards plugged in, blink an LED on it to be sure, print how to name it."""

import json
import os
import select as io_select
import sys
from typing import Any, Optional

from ..commands.terminal import raw_keys
from ..errors import PyboardException
from .common import out, say

COLUMNS = ("device", "vid", "pid", "serial_number", "manufacturer", "product", "location")
_UP, _DOWN, _ENTER, _QUIT_KEYS = (
    (b"\x1b[A", b"\x1bOA"),
    (b"\x1b[B", b"\x1bOB"),
    (b"\r", b"\n"),
    (b"\x1d", b"\x03", b"q"),
)


def _cell(port: Any, column: str) -> str:
    value = getattr(port, column)
    if value is None:
        return ""
    return f"{value:04x}" if column in ("vid", "pid") else str(value)


def table_rows(ports: list[Any]) -> list[str]:
    """A header and one line per port, numbered from 1, columns padded to their widest cell."""
    cells = [["#", *COLUMNS]] + [[str(i), *(_cell(p, c) for c in COLUMNS)] for i, p in enumerate(ports, 1)]
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
    return ["  ".join(text.ljust(width) for text, width in zip(row, widths)).rstrip() for row in cells]


def identifying_fields(port: Any, ports: list[Any]) -> dict[str, Any]:
    """The fewest fields that tell `port` apart from the other `ports`: its serial number if unique, else ids."""
    serials = [p.serial_number for p in ports]
    if port.serial_number and serials.count(port.serial_number) == 1:
        return {"serial_number": port.serial_number}
    fields = {name: getattr(port, name) for name in ("vid", "pid", "serial_number", "location")}
    return {name: value for name, value in fields.items() if value is not None}


def specifier_code(fields: dict[str, Any]) -> str:
    """``belay.UsbSpecifier(vid=0x2E8A, serial_number='e661')``."""
    given = ", ".join(f"{k}=0x{v:04X}" if k in ("vid", "pid") else f"{k}={v!r}" for k, v in fields.items())
    return f"belay.UsbSpecifier({given})"


def _draw(rows: list[str], chosen: int, first: bool) -> None:
    if not first:
        sys.stderr.write(f"\x1b[{len(rows)}A")
    for index, row in enumerate(rows):
        marker = "  " if index == 0 else ("> " if index - 1 == chosen else "  ")
        sys.stderr.write(f"\r\x1b[K{marker}{row}\r\n")
    sys.stderr.flush()


def pick(ports: list[Any], in_fd: int) -> int:
    """The index of the port chosen with the arrow keys and Enter, or by its number.

    Raises
    ------
    KeyboardInterrupt
        Ctrl-C, Ctrl-] or q: nothing chosen.
    """
    rows = table_rows(ports)
    if not os.isatty(in_fd):
        say("\n".join(rows))
        sys.stderr.write(f"Board number [1-{len(ports)}]: ")
        sys.stderr.flush()
        answer = sys.stdin.readline().strip() or "1"
        if not answer.isdigit() or not 1 <= int(answer) <= len(ports):
            raise ValueError(f"not a board number: {answer!r}")
        return int(answer) - 1
    say("Choose a board (arrow keys and Enter, or its number; q quits):")
    chosen = 0
    with raw_keys(in_fd):
        _draw(rows, chosen, first=True)
        while True:
            key = os.read(in_fd, 16)
            if not key or key in _QUIT_KEYS:
                raise KeyboardInterrupt
            if key in _ENTER:
                return chosen
            if key.isdigit() and 1 <= int(key) <= len(ports):
                return int(key) - 1
            if key in _UP:
                chosen = (chosen - 1) % len(ports)
            elif key in _DOWN:
                chosen = (chosen + 1) % len(ports)
            _draw(rows, chosen, first=False)


def _ask(question: str) -> str:
    sys.stderr.write(question)
    sys.stderr.flush()
    return sys.stdin.readline().strip()


def blink_until_key(port: str, pin: str, in_fd: int) -> None:
    """Blink `pin` (a number or a name such as LED) on the board at `port` at 1 Hz until a key is pressed."""
    from ..device import Device

    pin_code = pin if pin.isdigit() else repr(pin)
    with Device(port) as device:
        device(f"from machine import Pin\n_belay_led = Pin({pin_code}, Pin.OUT)", record=False)
        say("Blinking; press a key to stop.")
        with raw_keys(in_fd):
            while True:
                device("_belay_led.value(not _belay_led.value())", record=False)
                ready, _, _ = io_select.select([in_fd], [], [], 0.5)
                if ready:
                    os.read(in_fd, 16)
                    break
        device("_belay_led.value(0)\ndel _belay_led", record=False)


def _short(error: Exception) -> str:
    """One line for why blinking failed: the board's exception, else the error's last line."""
    if isinstance(error, PyboardException):
        return error.board_error.exception_text or "the board raised"
    text = str(error).strip()
    return text.splitlines()[-1] if text else type(error).__name__


def select(*, blink: Optional[str] = None) -> int:
    """List the USB boards plugged in, pick one, and print the BELAY_DEVICE line and UsbSpecifier naming it.

    Parameters
    ----------
    blink : str, optional
        LED pin to blink on the chosen board to be sure it is the one (a number or a name such as LED);
        without it you are asked.
    """
    from ..transports import usb  # pydantic and pyserial's port listing load only for this command

    ports = usb.list_devices()
    if not ports:
        say("Detected no devices.")
        return 1
    in_fd = sys.stdin.fileno()
    chosen = ports[pick(ports, in_fd)]
    say(f"Chosen: {chosen.device}")
    pin = blink if blink is not None else _ask("Blink an LED to check? Pin number or name (e.g. LED) [skip]: ")
    if pin:
        try:
            blink_until_key(chosen.device, pin, in_fd)
        except Exception as error:  # a board without that pin, or not MicroPython: the choice still stands
            say(f"Could not blink {pin}: {_short(error)}")
    fields = identifying_fields(chosen, ports)
    out(f"export BELAY_DEVICE='{json.dumps(fields)}'")
    out(specifier_code(fields))
    return 0
