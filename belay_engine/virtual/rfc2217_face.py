"""A virtual board behind an RFC 2217 server (a serial port over telnet, as ser2net and board farms serve it).

The telnet and RFC 2217 side is pyserial's own `serial.rfc2217.PortManager`, the server half pyserial
maintains next to its client; this module gives it a port to manage and a connection to answer on.
"""

import socket
from typing import Optional

from serial import rfc2217

from .tcp_face import TcpFace


class _LineSettings:
    """The serial port PortManager configures: settings are kept, modem lines are fixed.

    A PTY has no modem lines, so the port reports what a powered board on a USB-UART bridge shows: CTS, DSR
    and CD on, no ring. Line speed and framing are remembered and reported back, and change nothing: the
    board's pace is set when the virtual board starts (``--baud``).
    """

    def __init__(self):
        self.baudrate = 115200
        self.bytesize = 8
        self.parity = "N"
        self.stopbits = 1
        self.xonxoff = False
        self.rtscts = False
        self.break_condition = False
        self.dtr = True
        self.rts = True
        self.cts = True
        self.dsr = True
        self.ri = False
        self.cd = True

    def reset_input_buffer(self) -> None:
        """Purge what the board sent and the client has not read: nothing is held here."""

    def reset_output_buffer(self) -> None:
        """Purge what the client sent and the board has not read: nothing is held here."""


class _Connection:
    """What PortManager writes its answers to: the client's socket."""

    def __init__(self, client: socket.socket):
        self._client = client

    def write(self, data: bytes) -> None:
        self._client.sendall(data)


class Rfc2217Face(TcpFace):
    """Serve `board` as an RFC 2217 serial port (``rfc2217://HOST:PORT``), one client at a time."""

    kind = "rfc2217"

    def __init__(self, board, host: str = "127.0.0.1", port: int = 0):
        super().__init__(board, host, port)
        self.settings = _LineSettings()
        self._manager: Optional[rfc2217.PortManager] = None

    @property
    def url(self) -> str:
        """The ``rfc2217://127.0.0.1:PORT`` string a client gives to reach this face."""
        host, port = self.address
        return f"rfc2217://{host}:{port}"

    def handshake(self, client: socket.socket) -> bool:
        """Offer the telnet and RFC 2217 options; the client's answers arrive with its data."""
        self._manager = rfc2217.PortManager(self.settings, _Connection(client))
        return True

    def from_client(self, data: bytes) -> bytes:
        """The serial data in what the client sent; PortManager answers its commands on the way."""
        manager = self._manager
        if manager.mode == rfc2217.M_NORMAL and manager.suboption is None and rfc2217.IAC not in data:
            return data  # plain data, nothing for the state machine
        return b"".join(manager.filter(data))

    def to_client(self, data: bytes) -> bytes:
        """Board output with ``0xFF`` doubled, as PortManager escapes it."""
        if rfc2217.IAC not in data:
            return data
        return b"".join(self._manager.escape(data))

    def client_left(self) -> None:
        """Forget the connection's telnet state."""
        self._manager = None
