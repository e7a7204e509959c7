"""The virtual board's WebREPL face: what MicroPython's WebREPL server offers, on a TCP port of this host.

An HTTP upgrade to a websocket, ``Password: ``, then ``WebREPL connected`` and the prompt; the REPL in text
frames; WebREPL's binary file protocol (put, get, version) served from the board's root folder on the host,
written as the bytes arrive, as the board's own server writes its file. Client frames are read masked or
unmasked (MicroPython's command-line client sends them unmasked); frames sent are unmasked.

As on a board, a request that cannot open its file ends the connection, and a wrong password is answered
``Access denied`` and the connection closed.
"""

import base64
import functools
import hashlib
import re
import socket
import subprocess
from pathlib import Path
from typing import BinaryIO, Optional

from ..errors import ConnectionFailedError
from ..transports.webrepl_frames import (
    BINARY,
    CHUNK_LENGTH,
    CLOSE,
    CONTINUATION,
    GET,
    LARGEST_SHORT_FRAME,
    PUT,
    REQUEST,
    TEXT,
    VERSION,
    FrameDecoder,
    decode_request,
    encode_frame,
    encode_status,
)
from .tcp_face import TcpFace
from .transport import VirtualBoardTransport, find_micropython

PASSWORD_PROMPT = b"Password: "
CONNECTED = b"\r\nWebREPL connected\r\n>>> "
DENIED = b"\r\nAccess denied\r\n"
SOFT_REBOOT = b"soft reboot\r\n"
#: The board keeps this many characters of what is typed at the password prompt.
PASSWORD_KEPT = 10
_WEBSOCKET_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
#: File bytes in one answer to a get, as the board's server reads them.
GET_CHUNK = 256
_LONGEST_REQUEST_HEAD = 8192
VERSION_TIMEOUT = 5.0


def _http_head(client: socket.socket) -> Optional[tuple[bytes, dict[bytes, bytes]]]:
    """The request line and headers of an HTTP request, and the bytes that came after them."""
    received = b""
    while b"\r\n\r\n" not in received:
        data = client.recv(4096)
        if not data or len(received) > _LONGEST_REQUEST_HEAD:
            return None
        received += data
    head, _, rest = received.partition(b"\r\n\r\n")
    headers = {}
    for line in head.split(b"\r\n")[1:]:
        name, colon, value = line.partition(b":")
        if colon:
            headers[name.strip()] = value.strip()
    return rest, headers


class WebreplFace(TcpFace):
    """Serve `board` as a WebREPL board.

    Parameters
    ----------
    board : VirtualBoardTransport
        The board behind the face; its root folder is where file transfers read and write.
    host, port : str, int
        Where to listen (port 0 picks a free one; read it from `address`).
    password : str
        The WebREPL password.
    drop_on_soft_reset : bool
        End the connection once the board has said ``soft reboot``, as ESP32 and ESP8266 boards do: their
        soft reset frees every socket, the WebREPL client's too, and ``boot.py`` starts the server again.
    """

    kind = "webrepl"

    def __init__(
        self,
        board: VirtualBoardTransport,
        host: str = "127.0.0.1",
        port: int = 0,
        password: str = "python",
        *,
        drop_on_soft_reset: bool = False,
    ):
        super().__init__(board, host, port)
        self.password = password
        self.drop_on_soft_reset = drop_on_soft_reset
        #: Login attempts seen, right or wrong, and file requests served as (operation, name): for tests.
        self.logins = 0
        self.transfers: list[tuple[str, str]] = []
        self._client: Optional[socket.socket] = None
        self._reset()

    @property
    def url(self) -> str:
        """The port string for `Device`: ``ws://HOST:PORT``."""
        host, port = self.address
        return f"ws://{host}:{port}"

    def _reset(self) -> None:
        self._decoder = FrameDecoder()
        self._kind = TEXT  # of the current message, for continuation frames
        self._header = b""
        self._request = None
        self._file: Optional[BinaryIO] = None
        self._left = 0
        self._early_input = b""
        self._output_tail = b""

    # -- login ---------------------------------------------------------------------------------------------

    def handshake(self, client: socket.socket) -> bool:
        """The HTTP upgrade and the password prompt; True once the client typed the password."""
        self._reset()
        head = _http_head(client)
        if head is None:
            return False
        rest, headers = head
        key = headers.get(b"Sec-WebSocket-Key")
        # The board's server compares these names and values exactly as written here.
        upgrade = b"Upgrade" in headers.get(b"Connection", b"")
        if not (key and upgrade and headers.get(b"Upgrade") == b"websocket"):
            client.sendall(b"HTTP/1.0 200 OK\r\n\r\nThis is a WebREPL: connect with a websocket client.\r\n")
            return False
        accept = base64.b64encode(hashlib.sha1(key + _WEBSOCKET_GUID).digest())
        client.sendall(
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            b"Sec-WebSocket-Accept: " + accept + b"\r\n\r\n"
        )
        client.sendall(encode_frame(TEXT, PASSWORD_PROMPT))
        typed = self._read_password(client, rest)
        if typed is None:
            return False
        self.logins += 1
        if typed[:PASSWORD_KEPT] != self.password.encode("utf-8")[:PASSWORD_KEPT]:
            client.sendall(encode_frame(TEXT, DENIED))
            return False
        client.sendall(encode_frame(TEXT, CONNECTED))
        self._client = client
        return True

    def _read_password(self, client: socket.socket, received: bytes) -> Optional[bytes]:
        """What the client types up to its first CR or LF (any frame kind, as the board reads it)."""
        typed = b""
        while True:
            frames = self._decoder.feed(received)
            for index, frame in enumerate(frames):
                if frame.opcode == CLOSE:
                    return None
                if frame.opcode not in (TEXT, BINARY, CONTINUATION):
                    continue
                end = re.search(rb"[\r\n]", frame.payload)
                if end is None:
                    typed += frame.payload
                    continue
                # What follows the password is REPL input, given to the board with the client's next bytes.
                rest = [frame.payload[end.start() + 1 :]] + [f.payload for f in frames[index + 1 :] if f.opcode == TEXT]
                self._early_input = b"".join(rest)
                return typed + frame.payload[: end.start()]
            received = client.recv(4096)
            if not received:
                return None

    def client_left(self) -> None:
        """Forget the connection's state; a put cut short keeps the bytes that arrived."""
        if self._file is not None:
            self._file.close()
        self._client = None
        self._reset()

    # -- traffic -------------------------------------------------------------------------------------------

    def to_client(self, data: bytes) -> bytes:
        """Board output in unmasked text frames."""
        framed = b"".join(
            encode_frame(TEXT, data[start : start + LARGEST_SHORT_FRAME])
            for start in range(0, len(data), LARGEST_SHORT_FRAME)
        )
        if self.drop_on_soft_reset:
            seen = self._output_tail + data
            self._output_tail = seen[-len(SOFT_REBOOT) :]
            if SOFT_REBOOT in seen:
                self._send(framed)  # what the board printed before its sockets went
                raise ConnectionResetError("the board's soft reset closed the WebREPL connection")
        return framed

    def from_client(self, data: bytes) -> bytes:
        """The REPL input in the client's text frames; binary frames are file requests, served here."""
        to_board = [self._early_input]
        self._early_input = b""
        for frame in self._decoder.feed(data):
            if frame.opcode == CLOSE:
                self._send(bytes([0x80 | CLOSE, 0]))
                raise ConnectionResetError("the client closed the websocket")
            if frame.opcode in (TEXT, BINARY):
                self._kind = frame.opcode
            elif frame.opcode != CONTINUATION:
                continue  # pings and pongs: the board's server ignores them
            if self._kind == TEXT:
                to_board.append(frame.payload)
            else:
                self._file_bytes(frame.payload)
        return b"".join(to_board)

    def _send(self, data: bytes) -> None:
        if self._client is not None:
            self._client.sendall(data)

    def _answer(self, payload: bytes) -> None:
        self._send(encode_frame(BINARY, payload))

    # -- file protocol -------------------------------------------------------------------------------------

    def _file_bytes(self, data: bytes) -> None:
        while data:
            if self._request is None:
                taken = REQUEST.size - len(self._header)
                self._header += data[:taken]
                data = data[taken:]
                if len(self._header) == REQUEST.size:
                    request, self._header = decode_request(self._header), b""
                    self._start(request)
            elif self._request.operation == PUT:
                chunk, data = data[: self._left], data[self._left :]
                self._file.write(chunk)
                self._left -= len(chunk)
                self._finish_put()
            else:
                # A get: each byte asks for the next chunk.
                for _ in data:
                    if self._request is None:
                        break
                    self._send_chunk()
                data = b""

    def _start(self, request) -> None:
        operation = {PUT: "put", GET: "get", VERSION: "version"}.get(request.operation, str(request.operation))
        self.transfers.append((operation, request.name.decode("utf-8", "replace")))
        if request.operation == VERSION:
            self._answer(bytes(self._version()))
            return
        if request.operation not in (PUT, GET):
            raise ValueError(f"unknown WebREPL operation {request.operation}")
        # The board's open() fails for a missing folder or file, and its server drops the connection then.
        mode = "wb" if request.operation == PUT else "rb"
        self._file = open(self._host_path(request.name), mode)  # noqa: SIM115 (open across frames)
        self._request = request
        self._answer(encode_status(0))
        if request.operation == PUT:
            self._left = request.size
            self._finish_put()

    def _finish_put(self) -> None:
        if self._left == 0:
            self._end_transfer()

    def _send_chunk(self) -> None:
        chunk = self._file.read(GET_CHUNK)
        self._answer(CHUNK_LENGTH.pack(len(chunk)) + chunk)
        if not chunk:
            self._end_transfer()

    def _end_transfer(self) -> None:
        self._file.close()
        self._file = None
        self._request = None
        self._answer(encode_status(0))

    def _host_path(self, name: bytes) -> Path:
        """Where board file `name` lives on the host: under the board's root, never outside it."""
        root = self.board.root.resolve()
        path = (root / name.decode("utf-8").lstrip("/")).resolve()
        if path != root and root not in path.parents:
            raise PermissionError(f"{name!r} is outside the board's filesystem")
        return path

    def _version(self) -> tuple[int, int, int]:
        return _micropython_version()


@functools.cache
def _micropython_version() -> tuple[int, int, int]:
    """The unix port's MicroPython version (its boot banner shows only a commit), as the board's server sends it."""
    try:
        answer = subprocess.run(
            [find_micropython(), "-c", "import sys; print(*sys.implementation.version[:3])"],
            capture_output=True,
            timeout=VERSION_TIMEOUT,
            check=True,
        ).stdout.split()
        major, minor, micro = (int(part) for part in answer)
    except (OSError, ValueError, subprocess.SubprocessError, ConnectionFailedError):
        return 0, 0, 0
    return major, minor, micro
