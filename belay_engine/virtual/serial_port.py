"""Expose a virtual board as a serial port path, so other tools (mpremote, terminals, pyserial) can open it."""

import os
import pty
import threading
import tty
from pathlib import Path
from typing import Optional

from .board_hub import BoardHub
from .transport import VirtualBoardTransport


class SerialPortFace:
    """A PTY whose other end is a virtual board; `path` is a symlink to the PTY device.

    The port is the board's UART console: network faces of the same board take the board over while their
    client is connected (see `BoardHub`).

    Parameters
    ----------
    path : Path
        Where the port appears (a symlink, like ``/dev/serial/by-id/...`` links).
    transport : VirtualBoardTransport
        The board behind the port; `stop` closes it.
    """

    def __init__(self, path: Path, transport: VirtualBoardTransport):
        self.path = Path(path)
        self.transport = transport
        self._controller, self._terminal = pty.openpty()
        tty.setraw(self._terminal)  # bytes pass untouched, as on a USB CDC port
        if self.path.is_symlink() or self.path.exists():
            self.path.unlink()
        self.path.symlink_to(os.ttyname(self._terminal))
        self._stop = threading.Event()
        self._hub = BoardHub.for_board(transport)
        self._hub.set_console(self._controller)
        self._hub.when_ended(self._stop.set)
        self._stopped = False

    def serve(self) -> None:
        """Serve until `stop` is called or the board process ends (the board's pump does the work)."""
        self._stop.wait()

    def serve_in_background(self) -> threading.Thread:
        """Run `serve` on a daemon thread and return it."""
        thread = threading.Thread(target=self.serve, name=f"virtual-board-port {self.path}", daemon=True)
        thread.start()
        return thread

    def stop(self, thread: Optional[threading.Thread] = None) -> None:
        """Stop serving, remove the symlink and close the PTY and the board; a second call does nothing."""
        self._stop.set()
        if thread is not None:
            thread.join(timeout=5)
        if self._stopped:
            return
        self._stopped = True
        self._hub.clear_console()
        self._hub.release()
        if self.path.is_symlink():
            self.path.unlink()
        for fd in (self._controller, self._terminal):
            os.close(fd)
        self.transport.close()
