"""Hand-written test doubles: a transport played by a handler, a text stream that reacts to output, USB ports."""

from typing import Callable, Optional

from belay_engine.errors import ConnectionLost
from belay_engine.transports.base import Transport


class ScriptedTransport(Transport):
    """`handler(written) -> reply bytes` plays the board; replies are read back in chunks of `chunk` bytes."""

    description = "scripted board"

    def __init__(self, handler: Callable[[bytes], bytes], chunk: int = 1 << 16):
        self._handler = handler
        self._chunk = chunk
        self._incoming = b""
        self.written: list[bytes] = []
        self.closed = False

    def read(self, max_bytes: int, timeout: Optional[float]) -> bytes:
        if self.closed:
            raise ConnectionLost("scripted board closed")
        size = min(max_bytes, self._chunk)
        data, self._incoming = self._incoming[:size], self._incoming[size:]
        return data

    def write(self, data: bytes) -> None:
        self.written.append(data)
        self._incoming += self._handler(data)

    def close(self) -> None:
        self.closed = True


class ReactingStream:
    """A text stream that runs `action` once, when the board has printed `trigger`."""

    def __init__(self, trigger: str, action: Callable[[], None]):
        self.trigger, self.action, self.text = trigger, action, ""

    def write(self, text: str) -> None:
        self.text += text
        if self.trigger in self.text and self.action:
            action, self.action = self.action, None
            action()

    def flush(self) -> None:
        """Nothing is buffered."""


def usb_port(device: str, vid: Optional[int] = None, pid: Optional[int] = None, **usb_strings: str):
    """A serial port as pyserial's `comports()` lists it (USB enumeration cannot happen here).

    `usb_strings` sets ``serial_number``, ``manufacturer``, ``product``, ``location`` or ``interface``.
    """
    from serial.tools.list_ports_common import ListPortInfo

    port = ListPortInfo(device, skip_link_detection=True)
    port.vid, port.pid = vid, pid
    for name, value in usb_strings.items():
        if not hasattr(port, name):
            raise TypeError(f"pyserial ports have no {name!r}")
        setattr(port, name, value)
    if vid is not None:
        port.apply_usb_info()
    return port
