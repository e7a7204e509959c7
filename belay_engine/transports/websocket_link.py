"""A websocket client read and written in the caller's thread: websockets' Sans-I/O protocol on a socket.

The package's threaded client hands every message from its reading thread to the caller; a board's REPL
exchanges many tiny messages, and that hand-over costs about as much again as the round trip on loopback.
Here the thread that waits for a message reads the socket itself. Writers (another thread's Ctrl-C) may
send at any time: the protocol state is shared under one lock, never held while waiting.
"""

import contextlib
import select
import socket
import ssl
import threading
from collections import deque
from typing import Optional

from ..protocol.deadline import Deadline

#: Seconds a send may block on a peer that stopped reading before the link counts as lost.
SEND_TIMEOUT = 10.0
#: Seconds `close` waits for the peer's answer to the closing frame.
CLOSE_TIMEOUT = 1.0
READ_SIZE = 1 << 16


class LinkClosed(ConnectionError):
    """The websocket is closed (by either side) or its socket failed."""


class HandshakeFailed(ConnectionError):
    """The server did not accept the websocket upgrade."""


class WebsocketLink:
    """An open websocket client connection on `sock`.

    Parameters
    ----------
    sock : socket.socket
        A connected socket (TLS-wrapped for ``wss://``).
    url : str
        The ``ws://`` or ``wss://`` URL, for the upgrade request.
    timeout : float or None
        Seconds the upgrade may take.

    Raises
    ------
    HandshakeFailed
        The server refused the upgrade or did not answer in time.
    LinkClosed
        The connection closed during the upgrade.
    """

    def __init__(self, sock: socket.socket, url: str, timeout: Optional[float]):
        from websockets.client import ClientProtocol
        from websockets.frames import Opcode
        from websockets.uri import parse_uri

        self._opcodes = Opcode
        self._sock = sock
        sock.settimeout(SEND_TIMEOUT)  # reads wait in select; this bounds only a blocked send
        self._protocol = ClientProtocol(parse_uri(url), max_size=None)
        self._lock = threading.Lock()
        self._messages: deque = deque()
        self._parts: list[bytes] = []
        self._kind = 0
        self._closed = False
        self._response = None
        with self._lock:
            self._protocol.send_request(self._protocol.connect())
            self._flush()
        deadline = Deadline(timeout)
        while self._response is None:
            if not self._pump(deadline.remaining()):
                raise HandshakeFailed(f"no answer to the websocket upgrade within {timeout} s")
        if self._protocol.handshake_exc is not None:
            raise HandshakeFailed(str(self._protocol.handshake_exc)) from self._protocol.handshake_exc

    # -- receiving -----------------------------------------------------------------------------------------

    def receive(self, timeout: Optional[float]) -> Optional[tuple[int, bytes]]:
        """The next message as ``(opcode, payload)`` (1 text, 2 binary); None after `timeout` s of silence.

        Only one thread may receive at a time.

        Raises
        ------
        LinkClosed
            The connection is closed and every message it brought has been received.
        """
        deadline = Deadline(timeout)
        while not self._messages:
            if self._closed:
                raise LinkClosed("the websocket is closed")
            if not self._pump(deadline.remaining()):
                return None
        return self._messages.popleft()

    def _pump(self, timeout: Optional[float]) -> bool:
        """Read what the socket has (waiting up to `timeout` s for it) into messages; False if nothing came."""
        sock = self._sock
        pending = isinstance(sock, ssl.SSLSocket) and sock.pending()
        if not pending:
            try:
                readable, _, _ = select.select([sock], [], [], timeout)
            except (OSError, ValueError) as exc:  # closed by another thread
                self._closed = True
                raise LinkClosed(f"the socket failed: {exc}") from exc
            if not readable:
                return False
        try:
            data = sock.recv(READ_SIZE)
        except (OSError, ValueError) as exc:
            data = b""
            failure: Optional[BaseException] = exc
        else:
            failure = None
        with self._lock:
            if data:
                self._protocol.receive_data(data)
            else:
                self._protocol.receive_eof()
                self._closed = True
            events = self._protocol.events_received()
            with contextlib.suppress(OSError):  # a pong or a closing answer to a peer that is gone
                self._flush()
        for event in events:
            self._take(event)
        if failure is not None and not self._messages:
            raise LinkClosed(f"the socket failed: {failure}") from failure
        return True

    def _take(self, event) -> None:
        opcode = getattr(event, "opcode", None)
        if opcode is None:
            self._response = event  # the upgrade's answer
            return
        if opcode in (self._opcodes.TEXT, self._opcodes.BINARY):
            self._kind, self._parts = opcode.value, [event.data]
        elif opcode is self._opcodes.CONT:
            self._parts.append(event.data)
        else:
            if opcode is self._opcodes.CLOSE:
                self._closed = True
            return  # pings are answered by the protocol itself
        if event.fin:
            self._messages.append((self._kind, b"".join(self._parts)))
            self._parts = []

    # -- sending -------------------------------------------------------------------------------------------

    def send(self, payload: bytes, text: bool) -> None:
        """Send `payload` in one text or binary frame; any thread may send.

        Raises
        ------
        LinkClosed
            The connection is closed or its socket failed.
        """
        from websockets.protocol import State

        with self._lock:
            if self._closed or self._protocol.state is not State.OPEN:
                raise LinkClosed("the websocket is closed")
            if text:
                self._protocol.send_text(payload)
            else:
                self._protocol.send_binary(payload)
            try:
                self._flush()
            except OSError as exc:
                self._closed = True
                raise LinkClosed(f"the socket failed: {exc}") from exc

    def _flush(self) -> None:
        data = b"".join(self._protocol.data_to_send())
        if data:
            self._sock.sendall(data)

    # -- closing -------------------------------------------------------------------------------------------

    def close(self) -> None:
        """Close the websocket (waiting up to `CLOSE_TIMEOUT` s for the peer's answer) and the socket."""
        from websockets.protocol import State

        with contextlib.suppress(OSError, LinkClosed):  # a link that is gone has nothing left to answer
            with self._lock:
                if self._protocol.state is State.OPEN:
                    self._protocol.send_close()
                    self._flush()
            deadline = Deadline(CLOSE_TIMEOUT)
            while not self._closed and self._pump(deadline.remaining()):
                pass
        self._closed = True
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)
        self._sock.close()
