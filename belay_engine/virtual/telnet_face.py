"""A virtual board behind a telnet server that logs in as MicroPython's own does (ports/cc3200/telnet).

The server greets with a banner, asks ``Login as:`` and ``Password:`` (with the same option announcements
around each prompt), answers a wrong login with ``Invalid credentials, try again.`` and asks again, closing
the connection after three failures, and after a good login sends ``Login succeeded!`` and presses Enter so
the REPL prints its prompt. Unlike that server it escapes ``0xFF`` in board output as telnet requires.
"""

import socket

from ..transports.telnet_protocol import (
    ECHO,
    IAC,
    LINEMODE,
    SUPPRESS_GO_AHEAD,
    WILL,
    WONT,
    TelnetParser,
    escape,
)
from .tcp_face import TcpFace
from .transport import VirtualBoardTransport

WELCOME = b"MicroPython on the virtual board; unix port with a pseudo-terminal\r\n"
USER_PROMPT = b"Login as: "
PASSWORD_PROMPT = b"Password: "
INVALID_LOGIN = b"\r\nInvalid credentials, try again.\r\n"
LOGIN_SUCCEEDED = b'\r\nLogin succeeded!\r\nType "help()" for more information.\r\n'
OPTIONS_FOR_USER = bytes([IAC, WONT, ECHO, IAC, WONT, SUPPRESS_GO_AHEAD, IAC, WILL, LINEMODE])
OPTIONS_FOR_PASSWORD = bytes([IAC, WILL, ECHO, IAC, WONT, SUPPRESS_GO_AHEAD, IAC, WILL, LINEMODE])
OPTIONS_FOR_REPL = bytes([IAC, WILL, ECHO, IAC, WILL, SUPPRESS_GO_AHEAD, IAC, WONT, LINEMODE])
LOGIN_ATTEMPTS = 3
#: Longest user or password read; a longer line counts as entered, as on the board.
CREDENTIAL_MAX = 64


class TelnetFace(TcpFace):
    """Serve `board` over telnet with MicroPython's login.

    Parameters
    ----------
    board : VirtualBoardTransport
        The board behind the server.
    host, port : str, int
        Where to listen (port 0: a free one).
    user, password : str
        The credentials the server accepts.
    """

    kind = "telnet"

    def __init__(
        self,
        board: VirtualBoardTransport,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        user: str = "micro",
        password: str = "python",
    ):
        super().__init__(board, host, port)
        self.user, self.password = user, password
        self._parser = TelnetParser()

    @property
    def url(self) -> str:
        """The ``telnet://127.0.0.1:PORT`` string a client gives to reach this face."""
        host, port = self.address
        return f"telnet://{host}:{port}"

    def handshake(self, client: socket.socket) -> bool:
        """Ask for the user and password, up to three times; True once both match."""
        reader = _LineReader(client)
        client.sendall(WELCOME)
        for _ in range(LOGIN_ATTEMPTS):
            client.sendall(OPTIONS_FOR_USER + USER_PROMPT)
            user = reader.line()
            client.sendall(PASSWORD_PROMPT)
            reader.discard_waiting()  # as the board does: what came early (a Windows \n) is dropped
            client.sendall(OPTIONS_FOR_PASSWORD)
            password = reader.line()
            if user == self.user.encode() and password == self.password.encode():
                client.sendall(OPTIONS_FOR_REPL + LOGIN_SUCCEEDED)
                self._parser = TelnetParser()
                return True
            client.sendall(INVALID_LOGIN)
        return False

    def board_input_on_attach(self) -> bytes:
        """Enter, so the REPL prints a prompt."""
        return b"\r"  # as the board's server does after the login

    def from_client(self, data: bytes) -> bytes:
        """The data of what the client sent, its telnet commands removed."""
        return self._parser.feed(data)[0]  # the board's server ignores option requests, so this one does

    def to_client(self, data: bytes) -> bytes:
        """Board output with ``0xFF`` doubled."""
        return escape(data)


class _LineReader:
    """Lines a telnet client types during the login, ended by CR (a LF after it is dropped with the next read)."""

    def __init__(self, client: socket.socket):
        self._client = client
        self._parser = TelnetParser()
        self._buffer = b""

    def line(self) -> bytes:
        while b"\r" not in self._buffer and len(self._buffer) < CREDENTIAL_MAX:
            received = self._client.recv(4096)
            if not received:
                raise ConnectionResetError("the client left during the login")
            self._buffer += self._parser.feed(received)[0]
        line, _, self._buffer = self._buffer.partition(b"\r")
        return line.lstrip(b"\n")[:CREDENTIAL_MAX]

    def discard_waiting(self) -> None:
        self._buffer = b""
        timeout = self._client.gettimeout()
        self._client.setblocking(False)
        try:
            while self._client.recv(4096):
                pass
        except BlockingIOError:
            pass  # nothing more waiting
        finally:
            self._client.settimeout(timeout)
