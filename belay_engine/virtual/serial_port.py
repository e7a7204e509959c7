"""Expose a virtual board as a serial port path, so other tools (mpremote, terminals, pyserial) can open it."""

import os
import pty
import select
import threading
import tty
from pathlib import Path
from typing import Optional

from ..errors import ConnectionLost
from .transport import VirtualBoardTransport


class SerialPortFace:
    """A PTY whose other end is a virtual board; `path` is a symlink to the PTY device.

    Parameters
    ----------
    path : Path
        Where the port appears (a symlink, like ``/dev/serial/by-id/...`` links).
    transport : VirtualBoardTransport
        The board behind the port.
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

    def serve(self) -> None:
        """Pump bytes both ways until `stop` is called or the board process ends."""
        controller = self._controller
        try:
            while not self._stop.is_set():
                waiting = [controller, self.transport._process.fd]
                readable, _, _ = select.select(waiting, [], [], 0.2)
                if self.transport._injected or self.transport._process.fd in readable:
                    data = self.transport.read(65536, 0)
                    if data:
                        os.write(controller, data)
                if controller in readable:
                    self.transport.write(os.read(controller, 65536))
        except ConnectionLost:
            pass  # the board process is gone; the port closes with it

    def serve_in_background(self) -> threading.Thread:
        """Run `serve` on a daemon thread and return it."""
        thread = threading.Thread(target=self.serve, name=f"virtual-board-port {self.path}", daemon=True)
        thread.start()
        return thread

    def stop(self, thread: Optional[threading.Thread] = None) -> None:
        """Stop serving, remove the symlink and close the PTY and the board."""
        self._stop.set()
        if thread is not None:
            thread.join(timeout=5)
        if self.path.is_symlink():
            self.path.unlink()
        for fd in (self._controller, self._terminal):
            os.close(fd)
        self.transport.close()
