"""A board's REPL over telnet, as MicroPython's telnet servers offer it (``Login as:``, ``Password:``, REPL)."""

import contextlib
import select
import socket
import threading
from typing import Optional

from ..errors import AuthenticationError, ConnectionFailedError, ConnectionLost
from ..protocol.deadline import Deadline
from .base import Transport
from .telnet_protocol import ECHO, SUPPRESS_GO_AHEAD, WILL, Negotiation, OptionPolicy, TelnetParser, escape

USER_PROMPT = b"Login as:"
PASSWORD_PROMPT = b"Password:"
#: The end of the server's greeting after a good login; the REPL follows.
LOGGED_IN = b'Type "help()" for more information.\r\n'
#: What MicroPython's servers answer to a wrong user or password (they then ask for the user again).
REFUSED = b"Invalid credentials"
#: After ``Password:``, MicroPython's server discards input until it has sent its echo option; wait this long
#: for that option before typing the password to a server that sends none.
PASSWORD_OPTIONS_WAIT = 0.5


class TelnetTransport(Transport):
    """A board reached over telnet, logged in with `user` and `password`.

    Parameters
    ----------
    host : str
        Name or address of the board.
    port : int
        TCP port of its telnet server.
    user, password : str
        Credentials (MicroPython's default: ``micro`` / ``python``).
    timeout : float
        Seconds to connect and log in; also the bound on a send that cannot proceed.

    Raises
    ------
    ConnectionFailedError
        The host did not accept the connection or did not ask for a login in time.
    AuthenticationError
        The board refused `user` or `password`. The transport does not try again.
    """

    survives_soft_reset = False  # the board's REPL server stops with the reset

    def __init__(
        self, host: str, port: int = 23, *, user: str = "micro", password: str = "python", timeout: float = 10.0
    ):
        self.host, self.port = host, port
        self.description = f"telnet://{host}:{port}"
        self._parser = TelnetParser()
        self._policy = OptionPolicy(remote_allowed=frozenset({ECHO, SUPPRESS_GO_AHEAD}))
        self._pending = b""
        self._send_lock = threading.Lock()
        self._server_echo_offered = False
        deadline = Deadline(timeout)
        try:
            self._socket: Optional[socket.socket] = socket.create_connection((host, port), timeout=timeout)
        except OSError as exc:
            raise ConnectionFailedError(f"could not connect to {self.description}: {exc}") from exc
        self._socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            self._log_in(user, password, deadline)
        except BaseException:
            self.close()
            raise

    # -- login --------------------------------------------------------------------------------------------

    def _log_in(self, user: str, password: str, deadline: Deadline) -> None:
        try:
            self._await(USER_PROMPT, deadline, "login prompt")
            self._send(user.encode() + b"\r\n")
            self._server_echo_offered = False
            self._await(PASSWORD_PROMPT, deadline, "password prompt", refusal=REFUSED)
            if not self._server_echo_offered:
                self._await_echo_option(Deadline(min(PASSWORD_OPTIONS_WAIT, deadline.remaining())))
            self._send(password.encode() + b"\r\n")
            self._await(LOGGED_IN, deadline, "greeting after the password", refusal=REFUSED)
        except ConnectionLost as exc:
            raise ConnectionFailedError(f"{self.description} closed the connection during the login: {exc}") from exc

    def _await(self, marker: bytes, deadline: Deadline, what: str, refusal: Optional[bytes] = None) -> None:
        """Read until `marker`, keeping what follows it for `read`."""
        received = self._pending
        self._pending = b""
        while marker not in received:
            if refusal is not None and (refusal in received or (marker != USER_PROMPT and USER_PROMPT in received)):
                raise AuthenticationError(f"{self.description} refused the login (wrong user or password)")
            remaining = deadline.remaining()
            if remaining <= 0:
                raise ConnectionFailedError(
                    f"{self.description} sent no {what} within {deadline.seconds:g} s"
                    + (f"; it sent {received[-200:]!r}" if received else "")
                )
            received += self._receive(remaining)
        self._pending = received[received.index(marker) + len(marker) :]

    def _await_echo_option(self, deadline: Deadline) -> None:
        while not self._server_echo_offered:
            remaining = deadline.remaining()
            if remaining <= 0:
                return  # a server that does not negotiate: go on
            self._pending += self._receive(remaining)

    # -- bytes --------------------------------------------------------------------------------------------

    def _receive(self, timeout: Optional[float]) -> bytes:
        """The data of what arrives within `timeout` (maybe ``b""``), answering option requests on the way."""
        sock = self._socket
        if sock is None:
            raise ConnectionLost(f"{self.description} is closed")
        try:
            readable, _, _ = select.select([sock], [], [], timeout)
            if not readable:
                return b""
            received = sock.recv(65536)
        except (OSError, ValueError) as exc:
            raise ConnectionLost(f"lost {self.description}: {exc}") from exc
        if not received:
            raise ConnectionLost(f"{self.description} closed the connection")
        data, events = self._parser.feed(received)
        for event in events:
            if isinstance(event, Negotiation):
                if event.verb == WILL and event.option == ECHO:
                    self._server_echo_offered = True
                answer = self._policy.answer(event)
                if answer:
                    self._send_raw(answer)
        return data

    def read(self, max_bytes: int, timeout: Optional[float]) -> bytes:
        if not self._pending:
            deadline = Deadline(timeout)
            while not self._pending:
                remaining = deadline.remaining()
                self._pending = self._receive(remaining)
                if remaining is not None and remaining <= 0:
                    break
        data, self._pending = self._pending[:max_bytes], self._pending[max_bytes:]
        return data

    def write(self, data: bytes) -> None:
        self._send(data)

    def _send(self, data: bytes) -> None:
        self._send_raw(escape(data))

    def _send_raw(self, data: bytes) -> None:
        sock = self._socket
        if sock is None:
            raise ConnectionLost(f"{self.description} is closed")
        try:
            with self._send_lock:
                sock.sendall(data)
        except (OSError, ValueError) as exc:
            raise ConnectionLost(f"lost {self.description}: {exc}") from exc

    def close(self) -> None:
        sock, self._socket = getattr(self, "_socket", None), None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
