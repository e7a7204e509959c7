"""Serial links through pyserial: local ports (/dev/tty*, COM3) and URLs (rfc2217://, socket://, loop://)."""

import contextlib
from typing import Optional

from ..errors import ConnectionFailedError, ConnectionLost
from .base import Transport


class SerialTransport(Transport):
    """A board on a serial port or a pyserial URL.

    Parameters
    ----------
    port : str
        Device path, ``COMn``, or a pyserial URL such as ``socket://host:port``.
    baudrate : int
        Line speed for real UARTs (ignored by USB CDC and network URLs).
    exclusive : bool
        Refuse to share a local port with another program.
    """

    def __init__(self, port: str, *, baudrate: int = 115200, exclusive: bool = True):
        import serial  # optional weight stays with the transport that needs it

        self.description = port
        self._serial_exceptions = (serial.SerialException, OSError)
        options = {"baudrate": baudrate, "timeout": 0, "write_timeout": 10}
        if "://" not in port:
            options["exclusive"] = exclusive
        try:
            self._port = serial.serial_for_url(port, **options)
        except serial.SerialException as exc:
            hint = " (is another program, such as a terminal or an IDE, holding it?)" if "busy" in str(exc) else ""
            raise ConnectionFailedError(f"could not open {port}{hint}: {exc}") from exc

    def read(self, max_bytes: int, timeout: Optional[float]) -> bytes:
        try:
            self._port.timeout = timeout
            first = self._port.read(1)
            if not first:
                return b""
            self._port.timeout = 0
            return first + self._port.read(max_bytes - 1) if max_bytes > 1 else first
        except self._serial_exceptions as exc:
            raise ConnectionLost(f"lost {self.description}: {exc}") from exc

    def write(self, data: bytes) -> None:
        try:
            self._port.write(data)
        except self._serial_exceptions as exc:
            raise ConnectionLost(f"lost {self.description}: {exc}") from exc

    def close(self) -> None:
        port, self._port = getattr(self, "_port", None), None
        if port is not None:
            with contextlib.suppress(self._serial_exceptions):
                port.close()  # the link is gone either way
