"""A virtual board served on a TCP port: the raw byte stream that ``socket://`` and ser2net's raw mode carry.

Subclasses speak other protocols over the same socket (telnet, RFC 2217, WebREPL) by overriding three hooks:
`handshake` (a login before the REPL), `from_client` (decode client bytes into board input) and `to_client`
(frame board output). All faces of one board share its console (see `BoardHub`): one client at a time.
"""

import contextlib
import logging
import os
import select
import socket
import threading
from typing import Optional

from .board_hub import BoardHub
from .transport import VirtualBoardTransport

_log = logging.getLogger(__name__)
#: Seconds a new client waits for the board's current client to leave before it is refused.
CLAIM_TIMEOUT = 1.0
#: Seconds a client may take over its handshake (a login) before it is dropped.
HANDSHAKE_TIMEOUT = 10.0


class TcpFace:
    """Serve `board` to one TCP client at a time.

    Parameters
    ----------
    board : VirtualBoardTransport
        The board behind the port; the face never closes it (several faces may serve one board).
    host : str
        Address to listen on; loopback unless asked otherwise.
    port : int
        TCP port; 0 picks a free one (read it from `address`).
    """

    #: Name of the protocol in messages and thread names.
    kind = "tcp"

    def __init__(self, board: VirtualBoardTransport, host: str = "127.0.0.1", port: int = 0):
        self.board = board
        self._listener = socket.create_server((host, port))
        self._stop = threading.Event()
        self._wake_read, self._wake_write = os.pipe()
        self._hub = BoardHub.for_board(board)
        self._thread: Optional[threading.Thread] = None
        self._greeted: Optional[socket.socket] = None
        self._closed = False

    @property
    def address(self) -> tuple[str, int]:
        """The ``(host, port)`` the face listens on."""
        host, port = self._listener.getsockname()[:2]
        return host, port

    @property
    def url(self) -> str:
        """A port string a client gives to reach this face (``socket://127.0.0.1:PORT`` for raw TCP)."""
        host, port = self.address
        return f"socket://{host}:{port}"

    # -- hooks for subclasses ----------------------------------------------------------------------------

    def handshake(self, client: socket.socket) -> bool:
        """Greet a new client before it reaches the board; False drops it. Raw TCP has no greeting.

        `client` has a timeout of `HANDSHAKE_TIMEOUT` seconds; a timeout or a closed connection counts as False.
        """
        return True

    def from_client(self, data: bytes) -> bytes:
        """The board input carried by `data`, bytes received from the client (may be split anywhere)."""
        return data

    def to_client(self, data: bytes) -> bytes:
        """The bytes to send the client for `data`, output of the board."""
        return data

    def board_input_on_attach(self) -> bytes:
        """Input for the board once a client passed `handshake` (none for raw TCP)."""
        return b""

    def client_left(self) -> None:
        """Called when the attached client went away or was dropped; reset per-connection state here."""

    # -- serving ------------------------------------------------------------------------------------------

    def serve(self) -> None:
        """Accept clients until `stop` is called."""
        while not self._stop.is_set():
            readable, _, _ = select.select([self._listener, self._wake_read], [], [])
            if self._stop.is_set():
                break
            if self._listener in readable:
                try:
                    client, _ = self._listener.accept()
                except OSError:
                    continue
                self._welcome(client)

    def _welcome(self, client: socket.socket) -> None:
        client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if not self._hub.claim(self, CLAIM_TIMEOUT):
            client.close()  # the board has a client already, as a board's single REPL console does
            return
        client.settimeout(HANDSHAKE_TIMEOUT)
        self._greeted = client
        try:
            accepted = self.handshake(client)
        except (OSError, ValueError):
            accepted = False  # the client left, timed out or sent nonsense
        except Exception:  # a face's bug ends this client, not the server
            _log.exception("the %s face failed during a handshake; the client is dropped", self.kind)
            accepted = False
        finally:
            self._greeted = None
        if accepted and not self._stop.is_set():
            self._hub.attach(self, client, self.board_input_on_attach())
            return
        self._hub.unclaim(self)
        with contextlib.suppress(OSError):
            client.shutdown(socket.SHUT_RDWR)
        client.close()

    def serve_in_background(self) -> threading.Thread:
        """Run `serve` on a daemon thread and return it."""
        host, port = self.address
        self._thread = threading.Thread(target=self.serve, name=f"virtual-board-{self.kind} {host}:{port}", daemon=True)
        self._thread.start()
        return self._thread

    def drop_client(self) -> None:
        """Close the connection of this face's client, as a server that goes away does; the board keeps running."""
        self._hub.drop(self)

    def stop(self) -> None:
        """Stop listening and drop this face's client; a second call does nothing. The board stays open."""
        if self._closed:
            return
        self._closed = True
        self._stop.set()
        os.write(self._wake_write, b"!")
        greeted = self._greeted
        if greeted is not None:
            with contextlib.suppress(OSError):
                greeted.shutdown(socket.SHUT_RDWR)  # a client in the middle of its login: end it now
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=HANDSHAKE_TIMEOUT + 1)
        self._hub.drop(self)
        self._hub.release()
        self._listener.close()
        os.close(self._wake_read)
        os.close(self._wake_write)

    def __enter__(self) -> "TcpFace":
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()
