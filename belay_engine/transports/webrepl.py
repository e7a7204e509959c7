"""WebREPL: a board's REPL over a websocket (``ws://host:8266``), and WebREPL's own file transfers.

The board asks ``Password: ``, answers ``WebREPL connected`` and its prompt, then carries the REPL in text
frames both ways (websockets' protocol, read in the caller's thread: see `websocket_link`). Binary frames
are WebREPL's file protocol (see `webrepl_frames`): `put_file` and `get_file` move whole files without
passing their bytes through the REPL.

Flow control. A board reads WebREPL input into a small buffer (an ESP8266 drops what arrives past about 1 KiB
in flight). The raw REPL keeps within that on its own: code goes in plain writes of at most 256 bytes or
in raw-paste windows the board grants, and sync's stream waits for grants. On top of that this transport
sends REPL bytes in frames of at most `FRAME_LIMIT` bytes and holds back once `IN_FLIGHT_LIMIT` bytes went
out since the board last sent anything (an echo, a grant, an answer): it waits up to `FLOW_PAUSE` seconds
for the board to speak before it goes on, so unpaced writes (a paste at the friendly prompt) arrive at
a rate a board keeps up with, and nothing ever waits forever. File data needs none of this: the board
writes it to the file as it reads it, and TCP holds back what it has not read yet.
"""

import contextlib
import socket
import ssl
import threading
import urllib.parse
from typing import Callable, Optional

from ..errors import AuthenticationError, ConnectionFailedError, ConnectionLost
from ..protocol.deadline import Deadline
from .base import Transport
from .webrepl_frames import (
    CHUNK_LENGTH,
    GET,
    NAME_LIMIT,
    PUT,
    STATUS,
    TEXT,
    VERSION,
    FileRequest,
    decode_status,
    encode_request,
)
from .websocket_link import HandshakeFailed, LinkClosed, WebsocketLink

DEFAULT_PORT = 8266
PASSWORD_PROMPT = b"Password: "
CONNECTED = b"WebREPL connected\r\n>>> "
DENIED = b"Access denied"
#: Most REPL bytes in one text frame.
FRAME_LIMIT = 512
#: REPL bytes sent since the board last spoke, past which a write waits for it (half an ESP8266's ~1 KiB).
IN_FLIGHT_LIMIT = 512
#: Seconds a write waits for the board to speak once `IN_FLIGHT_LIMIT` is reached, before it goes on anyway.
FLOW_PAUSE = 0.05
#: File bytes in one binary frame, as MicroPython's own client sends them.
FILE_FRAME = 1024
#: Seconds a put may take beyond what its bytes need at this many bytes per second (a slow flash).
SLOWEST_WRITE = 1000


def webrepl_address(url: str) -> tuple[str, int]:
    """The host and TCP port of a ``ws://`` or ``wss://`` URL (port 8266 when none is given)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("ws", "wss") or not parts.hostname:
        raise ConnectionFailedError(f"not a WebREPL URL: {url!r} (expected ws://host[:port])")
    return parts.hostname, parts.port or DEFAULT_PORT


class WebreplTransport(Transport):
    """A board's WebREPL.

    Parameters
    ----------
    url : str
        ``ws://host[:port]`` (port 8266 by default) or ``wss://...``.
    password : str
        The board's WebREPL password (``webrepl_cfg.PASS``; boards keep at most 9 characters).
    timeout : float
        Seconds for the whole connection and login, and for each file-transfer answer.

    Raises
    ------
    ConnectionFailedError
        The board could not be reached or did not log in within `timeout`.
    AuthenticationError
        The board refused the password (raised once: nothing is retried).
    """

    survives_soft_reset = False  # the board's REPL server stops with the reset

    def __init__(self, url: str, *, password: str = "python", timeout: float = 10.0):
        host, port = webrepl_address(url)
        self.description = f"WebREPL at {host}:{port}"
        self._timeout = timeout
        self._buffer = b""  # REPL bytes received and not read yet
        self._binary = b""  # file-protocol bytes received and not read yet
        self._in_flight = 0
        self._reading = threading.Lock()
        self._files_usable = True
        self._link: Optional[WebsocketLink] = None
        deadline = Deadline(timeout)
        try:
            sock = socket.create_connection((host, port), timeout=deadline.remaining())
        except OSError as exc:
            raise ConnectionFailedError(f"could not reach the {self.description}: {exc}") from exc
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # many tiny exchanges: no Nagle delay
            if url.startswith("wss://"):
                sock = ssl.create_default_context().wrap_socket(sock, server_hostname=host)
            self._link = WebsocketLink(sock, url, deadline.remaining())
        except (HandshakeFailed, LinkClosed, OSError) as exc:
            sock.close()
            raise ConnectionFailedError(f"the {self.description} did not open a websocket: {exc}") from exc
        try:
            self._log_in(password, deadline)
        except BaseException:
            self.close()
            raise

    # -- login ---------------------------------------------------------------------------------------------

    def _log_in(self, password: str, deadline: Deadline) -> None:
        received = self._read_login_until((PASSWORD_PROMPT,), deadline, "the password prompt")
        self._buffer = received[received.find(PASSWORD_PROMPT) + len(PASSWORD_PROMPT) :]
        self._send_text(password.encode("utf-8") + b"\r")
        received = self._read_login_until((CONNECTED, DENIED), deadline, "the answer to the password")
        self._buffer = b""
        if DENIED in received and CONNECTED not in received:
            raise AuthenticationError(f"the {self.description} refused the password")
        # What follows the banner's prompt is REPL output already.
        self._buffer = received[received.find(CONNECTED) + len(CONNECTED) :]

    def _read_login_until(self, markers: tuple[bytes, ...], deadline: Deadline, awaited: str) -> bytes:
        received = self._buffer
        while not any(marker in received for marker in markers):
            try:
                message = self._receive(deadline.remaining())
            except ConnectionLost as exc:
                raise ConnectionFailedError(
                    f"the {self.description} closed the connection while we waited for {awaited} "
                    "(does it serve another client already?)"
                ) from exc
            if message is None:
                raise ConnectionFailedError(
                    f"the {self.description} sent no {awaited} within {deadline.seconds} s; it sent {received[-80:]!r}"
                )
            kind, data = message
            if kind == TEXT:
                received += data
        return received

    # -- frames --------------------------------------------------------------------------------------------

    def _receive(self, timeout: Optional[float]) -> Optional[tuple[int, bytes]]:
        """The next message and its kind (TEXT or BINARY), None after `timeout` seconds of silence."""
        try:
            message = self._connection().receive(timeout)
        except LinkClosed as exc:
            raise ConnectionLost(f"lost the {self.description}: {exc}") from exc
        if message is not None and message[0] == TEXT:
            self._in_flight = 0  # the board spoke: what was sent before has been read
        return message

    def _connection(self) -> WebsocketLink:
        link = self._link
        if link is None:
            raise ConnectionLost(f"the {self.description} is closed")
        return link

    def _send(self, payload: bytes, text: bool) -> None:
        try:
            self._connection().send(payload, text)
        except LinkClosed as exc:
            raise ConnectionLost(f"lost the {self.description}: {exc}") from exc

    def _send_text(self, data: bytes) -> None:
        self._send(data, text=True)

    # -- the REPL ------------------------------------------------------------------------------------------

    def read(self, max_bytes: int, timeout: Optional[float]) -> bytes:
        with self._reading:
            deadline = Deadline(timeout)
            while not self._buffer:
                message = self._receive(deadline.remaining())
                if message is None:
                    return b""
                kind, data = message
                if kind == TEXT:
                    self._buffer += data
                else:
                    self._binary += data  # file-protocol bytes with no transfer waiting: kept for one
            data, self._buffer = self._buffer[:max_bytes], self._buffer[max_bytes:]
            return data

    def write(self, data: bytes) -> None:
        for start in range(0, len(data), FRAME_LIMIT):
            chunk = data[start : start + FRAME_LIMIT]
            if len(chunk) > 1 and self._in_flight + len(chunk) > IN_FLIGHT_LIMIT:
                self._wait_for_board()  # one byte (Ctrl-C from another thread, a grant) never waits
            self._send_text(chunk)
            self._in_flight += len(chunk)

    def _wait_for_board(self) -> None:
        """Wait up to `FLOW_PAUSE` s for the board to send anything, then count the bytes in flight afresh."""
        if self._reading.acquire(blocking=False):
            try:
                message = self._receive(FLOW_PAUSE)  # what arrived before this write says nothing of it
                if message is not None:
                    kind, data = message
                    if kind == TEXT:
                        self._buffer += data
                    else:
                        self._binary += data
            finally:
                self._reading.release()
        # Another thread reading takes what the board sends; going on after the pause is what a slow link does.
        self._in_flight = 0

    # -- WebREPL file transfers ----------------------------------------------------------------------------

    def accepts_file_name(self, name: str) -> bool:
        """Whether `put_file` and `get_file` can move board file `name` now.

        The board reads at most `NAME_LIMIT` bytes of a name; after an interrupted transfer the board's file
        protocol is out of step until the next connection, and REPL transfers must do.
        """
        encoded = name.encode("utf-8")
        return self._files_usable and 0 < len(encoded) <= NAME_LIMIT and b"\0" not in encoded

    def put_file(self, name: str, data: bytes, on_sent: Optional[Callable[[int], None]] = None) -> None:
        """Write `data` to board file `name` (created or truncated) with WebREPL's put.

        The board must be idle at its REPL prompt, and the folder must exist (a board whose put cannot open
        its file drops the connection). `on_sent(n)` hears of file bytes as they go out.

        Raises
        ------
        ConnectionLost
            The link dropped; the board file holds what arrived.
        BoardTimeoutError
            The board did not answer in time.
        """
        with self._file_transfer():
            # The data follows the request at once: the board reads its input in order, so it opens the file
            # before it reads the first data byte, and one round trip per file is enough.
            self._send(encode_request(FileRequest(PUT, name.encode("utf-8"), len(data))), text=False)
            for start in range(0, len(data), FILE_FRAME):
                chunk = data[start : start + FILE_FRAME]
                self._send(chunk, text=False)
                if on_sent is not None:
                    on_sent(len(chunk))
            self._expect_status(self._timeout, f"the answer to a put of {name}")
            self._expect_status(10 + len(data) / SLOWEST_WRITE, f"the end of a put of {name}")

    def get_file(self, name: str) -> bytes:
        """The contents of board file `name`, read with WebREPL's get.

        The board must be idle at its REPL prompt, and the file must exist (a board whose get cannot open
        its file drops the connection).

        Raises
        ------
        ConnectionLost
            The link dropped.
        BoardTimeoutError
            The board did not answer in time.
        """
        with self._file_transfer():
            self._send(encode_request(FileRequest(GET, name.encode("utf-8"))), text=False)
            self._expect_status(self._timeout, f"the answer to a get of {name}")
            chunks = []
            while True:
                self._send(b"\0", text=False)  # one chunk, please
                (size,) = CHUNK_LENGTH.unpack(self._read_binary(CHUNK_LENGTH.size, f"a chunk of {name}"))
                if not size:
                    break
                chunks.append(self._read_binary(size, f"a chunk of {name}"))
            self._expect_status(self._timeout, f"the end of a get of {name}")
            return b"".join(chunks)

    def board_version(self) -> tuple[int, int, int]:
        """The board's MicroPython version, from WebREPL's version request."""
        with self._file_transfer():
            self._send(encode_request(FileRequest(VERSION, b"")), text=False)
            major, minor, micro = self._read_binary(3, "the version answer")
            return major, minor, micro

    @contextlib.contextmanager
    def _file_transfer(self):
        if not self._files_usable:
            raise ConnectionLost(f"an earlier file transfer with the {self.description} was cut short; reconnect")
        with self._reading:
            try:
                yield
            except BaseException:
                # The board may still wait for file bytes or send chunks: its file protocol is out of step.
                self._files_usable = False
                self._binary = b""
                raise

    def _expect_status(self, timeout: float, awaited: str) -> None:
        from ..errors import ProtocolError

        record = self._read_binary(STATUS.size, awaited, timeout)
        try:
            code = decode_status(record)
        except ValueError as exc:
            raise ProtocolError(f"the {self.description} sent {record!r} for {awaited}") from exc
        if code != 0:
            raise ProtocolError(f"the {self.description} answered status {code} for {awaited}")

    def _read_binary(self, size: int, awaited: str, timeout: Optional[float] = None) -> bytes:
        from ..errors import BoardTimeoutError

        deadline = Deadline(self._timeout if timeout is None else timeout)
        while len(self._binary) < size:
            message = self._receive(deadline.remaining())
            if message is None:
                raise BoardTimeoutError(f"waited {deadline.seconds} s for {awaited} from the {self.description}")
            kind, data = message
            if kind == TEXT:
                self._buffer += data  # REPL output is not for the transfer; the next read gets it
            else:
                self._binary += data
        data, self._binary = self._binary[:size], self._binary[size:]
        return data

    # -- closing -------------------------------------------------------------------------------------------

    def close(self) -> None:
        link, self._link = self._link, None
        if link is not None:
            link.close()
