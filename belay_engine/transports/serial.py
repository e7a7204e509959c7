"""Serial links through pyserial: local ports (/dev/tty*, COM3) and URLs (rfc2217://, socket://, loop://)."""

import contextlib
import select
import socket
import threading
import time
from typing import Any, Optional

from ..errors import ConnectionFailedError, ConnectionLost
from .base import Transport

#: Seconds a write may block before the link counts as lost.
WRITE_TIMEOUT = 10
#: Seconds an RFC 2217 port's reader thread may take to end once its socket closed.
READER_EXIT_TIMEOUT = 1.0
#: The open options each pyserial URL handler takes; others are left out (rfc2217 raises NotImplementedError
#: for a write timeout). Unlisted schemes get the options of a local port.
URL_OPTIONS = {
    "rfc2217": {"baudrate"},
    "socket": {"write_timeout"},
    "loop": {"baudrate", "write_timeout"},
}
_LOCAL_OPTIONS = {"baudrate", "write_timeout", "exclusive"}


def open_options(port: str, *, baudrate: int, exclusive: bool) -> dict[str, Any]:
    """The keyword arguments for ``serial.serial_for_url(port, ...)`` that `port`'s handler supports."""
    scheme = port.split("://", 1)[0].lower() if "://" in port else None
    wanted = {"baudrate": baudrate, "write_timeout": WRITE_TIMEOUT, "exclusive": exclusive}
    supported = _LOCAL_OPTIONS if scheme is None else URL_OPTIONS.get(scheme, _LOCAL_OPTIONS - {"exclusive"})
    return {"timeout": 0, **{name: value for name, value in wanted.items() if name in supported}}


class SerialTransport(Transport):
    """A board on a serial port or a pyserial URL.

    Parameters
    ----------
    port : str
        Device path, ``COMn``, or a pyserial URL such as ``socket://host:port`` or ``rfc2217://host:port``.
    baudrate : int
        Line speed for real UARTs and RFC 2217 servers (ignored by USB CDC and raw sockets).
    exclusive : bool
        Refuse to share a local port with another program.
    """

    def __init__(self, port: str, *, baudrate: int = 115200, exclusive: bool = True):
        import serial  # optional weight stays with the transport that needs it

        self.description = port
        self._serial_exceptions = (serial.SerialException, OSError)
        try:
            self._port = serial.serial_for_url(port, **open_options(port, baudrate=baudrate, exclusive=exclusive))
        except serial.SerialException as exc:
            # "busy": the port is open elsewhere (EBUSY); "exclusively lock": another program holds its lock.
            held = "busy" in str(exc) or "exclusively lock" in str(exc)
            hint = " (is another program, such as a terminal or an IDE, holding it?)" if held else ""
            raise ConnectionFailedError(f"could not open {port}{hint}: {exc}") from exc
        self._timeout: Optional[float] = 0
        self._fileno = self._selectable_fileno()
        network_socket = getattr(self._port, "_socket", None)
        if isinstance(network_socket, socket.socket):
            # Nagle's algorithm holding a small write until the board's delayed ACK costs milliseconds per call.
            network_socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        # rfc2217's timeout setter renegotiates the line settings with the server (round trips); the read
        # timeout is local to the client, so it is set without that.
        self._timeout_is_local = type(self._port).__module__ == "serial.rfc2217"

    def _selectable_fileno(self) -> Optional[int]:
        """The descriptor to wait on, when the port has one (POSIX ports and sockets do; RFC 2217 does not)."""
        try:
            fileno = self._port.fileno()
        except (AttributeError, NotImplementedError, *self._serial_exceptions):
            return None
        return fileno if isinstance(fileno, int) else None

    def read(self, max_bytes: int, timeout: Optional[float]) -> bytes:
        try:
            if self._fileno is not None:
                readable, _, _ = select.select([self._fileno], [], [], timeout)
                return self._port.read(max_bytes) if readable else b""  # the port's timeout stays 0
            self._set_timeout(timeout)
            started = time.monotonic()
            first = self._port.read(1)
            if not first:
                self._check_reader(started, timeout)
                return b""
            if max_bytes == 1:
                return first
            waiting = self._port.in_waiting
            return first + self._port.read(min(waiting, max_bytes - 1)) if waiting else first
        except self._serial_exceptions as exc:
            raise ConnectionLost(f"lost {self.description}: {exc}") from exc

    def _check_reader(self, started: float, timeout: Optional[float]) -> None:
        """Raise if an empty read meant the end of the link: an RFC 2217 port's read returns early then."""
        reader = getattr(self._port, "_thread", None)
        if not isinstance(reader, threading.Thread):
            return
        if timeout is None or time.monotonic() - started < timeout:
            reader.join(READER_EXIT_TIMEOUT)  # its socket closed: it is ending
        if not reader.is_alive():
            raise ConnectionLost(f"lost {self.description}: the server closed the connection")

    def _set_timeout(self, timeout: Optional[float]) -> None:
        if timeout == self._timeout:
            return
        self._timeout = timeout
        if self._timeout_is_local:
            self._port._timeout = timeout
        else:
            self._port.timeout = timeout

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
