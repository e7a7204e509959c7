"""One pump between a virtual board and whoever talks to it, shared by all the faces of that board.

A board has one REPL. Its network faces (raw TCP, telnet, RFC 2217, WebREPL) serve one client at a time
between them, as a board's servers do: a second client is refused until the first leaves. The serial port
face, when there is one, is the board's UART console: it has the board while no network client is attached;
while one is, the network client has it and what is typed on the serial port is dropped. Board output that
nobody reads is dropped, as a UART drops what nobody listens to.

One thread does all the board's reads and writes, so a write that soft-resets the board (and swaps its
process) never races a read.
"""

import contextlib
import logging
import os
import select
import socket
import threading
from typing import TYPE_CHECKING, Callable, ClassVar, Optional

from ..errors import ConnectionLost
from .transport import VirtualBoardTransport

if TYPE_CHECKING:
    from .tcp_face import TcpFace

_log = logging.getLogger(__name__)
#: Seconds a blocked send to a network client may take before the client is dropped (it stopped reading).
SEND_TIMEOUT = 10.0
#: Seconds output waits for room on a full serial port before it is dropped (no program has the port open).
CONSOLE_WRITE_TIMEOUT = 2.0


class BoardHub:
    """The pump thread of one board; get it with `for_board`, give it back with `release`."""

    _hubs: ClassVar[dict[int, "BoardHub"]] = {}
    _hubs_lock = threading.Lock()

    def __init__(self, board: VirtualBoardTransport):
        self.board = board
        self._users = 0
        self._client: Optional[socket.socket] = None
        self._face: Optional[TcpFace] = None
        self._claimed_by: Optional[TcpFace] = None
        self._console: Optional[int] = None
        self._on_end: list[Callable[[], None]] = []
        self._slot = threading.Condition()
        self._console_released = threading.Event()
        self._wake_read, self._wake_write = os.pipe()
        self._board_input = b""
        self._stopped = False
        self._thread = threading.Thread(target=self._pump, name=f"virtual-board-hub {board.root}", daemon=True)
        self._thread.start()

    @classmethod
    def for_board(cls, board: VirtualBoardTransport) -> "BoardHub":
        """The hub of `board`, started on first use; each call must be matched by `release`."""
        with cls._hubs_lock:
            hub = cls._hubs.get(id(board))
            if hub is None:
                hub = cls._hubs[id(board)] = cls(board)
            hub._users += 1
            return hub

    def release(self) -> None:
        """Give back a `for_board` reference; the last one stops the pump (the board itself stays open)."""
        with self._hubs_lock:
            self._users -= 1
            if self._users > 0:
                return
            del self._hubs[id(self.board)]
        self._stopped = True
        self._wake()
        self._thread.join(timeout=5)
        self._drop()
        os.close(self._wake_read)
        os.close(self._wake_write)

    # -- the serial console -------------------------------------------------------------------------------

    def when_ended(self, callback: Callable[[], None]) -> None:
        """Call `callback` (on the pump's thread) when the board ends or the pump stops; now if it has."""
        with self._slot:
            if not self._stopped:
                self._on_end.append(callback)
                return
        callback()

    def set_console(self, fd: int) -> None:
        """Make `fd` (a PTY's controlling side) the board's UART console."""
        os.set_blocking(fd, False)  # output finding the port full waits a bounded time, then is dropped
        with self._slot:
            self._console = fd
        self._wake()

    def clear_console(self) -> None:
        """Stop using the console; on return the pump no longer touches its descriptor (it may be closed)."""
        with self._slot:
            self._console = None
            self._console_released.clear()
        self._wake()
        # The pump reads the console at the start of each turn and says so: the next turn drops the old one.
        if self._thread.is_alive():
            self._console_released.wait(timeout=5)

    # -- the network client slot --------------------------------------------------------------------------

    def claim(self, face: "TcpFace", timeout: float) -> bool:
        """Reserve the board for a client of `face`, waiting up to `timeout` s for the current client to leave.

        The wait covers a client that reconnects at once: its old connection's end may not have been read yet.
        """
        with self._slot:
            free = self._slot.wait_for(lambda: self._claimed_by is None or self._stopped, timeout)
            if not free or self._stopped:
                return False
            self._claimed_by = face
            return True

    def unclaim(self, face: "TcpFace") -> None:
        """Free a slot `claim` reserved but that never got a client (the handshake failed)."""
        with self._slot:
            if self._claimed_by is face and self._client is None:
                self._claimed_by = None
                self._slot.notify_all()

    def attach(self, face: "TcpFace", client: socket.socket, board_input: bytes = b"") -> None:
        """Start pumping between the board and `client` (after `claim` succeeded for `face`).

        `board_input` goes to the board first (a telnet server presses Enter so the client sees a prompt).
        """
        client.settimeout(SEND_TIMEOUT)
        with self._slot:
            self._client, self._face, self._board_input = client, face, board_input
        self._wake()

    def drop(self, face: Optional["TcpFace"] = None) -> None:
        """Close the attached client (only if it came through `face`, when given); the board keeps running."""
        with self._slot:
            if face is not None and self._face is not face:
                return
            client = self._client
        if client is not None:
            with contextlib.suppress(OSError):
                client.shutdown(socket.SHUT_RDWR)  # the pump sees the end and detaches it
        self._wake()

    @property
    def client_face(self) -> Optional["TcpFace"]:
        """The face whose client is attached now, if any."""
        return self._face

    def _drop(self) -> None:
        with self._slot:
            client, face = self._client, self._face
            self._client = self._face = self._claimed_by = None
            self._slot.notify_all()
        if client is not None:
            with contextlib.suppress(OSError):
                client.shutdown(socket.SHUT_RDWR)
            client.close()
        if face is not None:
            face.client_left()

    def _wake(self) -> None:
        with contextlib.suppress(OSError):
            os.write(self._wake_write, b"!")

    # -- the pump -----------------------------------------------------------------------------------------

    def _pump(self) -> None:
        board = self.board
        try:
            while not self._stopped:
                with self._slot:
                    client, face, console = self._client, self._face, self._console
                if console is None and not self._console_released.is_set():
                    self._console_released.set()
                waiting: list = [self._wake_read, board]
                waiting += [ready for ready in (client, console) if ready is not None]
                timeout = 0 if board.has_buffered_output() else None
                readable, _, _ = select.select(waiting, [], [], timeout)
                if self._wake_read in readable:
                    os.read(self._wake_read, 4096)
                    self._write_board_input()
                if board in readable or board.has_buffered_output():
                    output = board.read(65536, 0)
                    if output and client is not None:
                        self._send(face, client, output)
                    elif output and console is not None:
                        _write_console(console, output)
                if client is not None and client in readable and client is self._client:
                    self._receive(face, client)
                if console is not None and console in readable:
                    try:
                        typed = os.read(console, 65536)
                    except BlockingIOError:
                        typed = b""
                    if typed and client is None:
                        board.write(typed)  # else a network client has the board: the UART input is dropped
        except (ConnectionLost, OSError, ValueError):
            pass  # the board is closed or its process died: no REPL left to serve
        finally:
            self._console_released.set()
            self._drop()
            with self._slot:
                self._stopped = True
                self._slot.notify_all()
                ends, self._on_end = self._on_end, []
            for on_end in ends:
                on_end()

    def _write_board_input(self) -> None:
        with self._slot:
            board_input, self._board_input = self._board_input, b""
        if board_input:
            self.board.write(board_input)

    def _send(self, face: "TcpFace", client: socket.socket, output: bytes) -> None:
        try:
            framed = face.to_client(output)
            if framed:
                client.sendall(framed)
        except OSError:
            self._drop()
        except Exception:  # a face's bug ends its client, not the board's pump
            _log.exception("the %s face failed on board output; its client is dropped", face.kind)
            self._drop()

    def _receive(self, face: "TcpFace", client: socket.socket) -> None:
        try:
            data = client.recv(65536)
        except OSError:
            data = b""
        if not data:
            self._drop()
            return
        try:
            to_board = face.from_client(data)
        except (OSError, ValueError):
            self._drop()  # the client broke its protocol, or answering it failed
            return
        except Exception:  # a face's bug ends its client, not the board's pump
            _log.exception("the %s face failed on client input; its client is dropped", face.kind)
            self._drop()
            return
        if to_board:
            self.board.write(to_board)


def _write_console(fd: int, data: bytes) -> None:
    """Write to the serial port, waiting for a reader to make room; drop what finds no room in time."""
    view = memoryview(data)
    while view:
        _, writable, _ = select.select([], [fd], [], CONSOLE_WRITE_TIMEOUT)
        if not writable:
            return  # nobody has the port open: as on a UART, the bytes are lost
        with contextlib.suppress(BlockingIOError):
            view = view[os.write(fd, view) :]
