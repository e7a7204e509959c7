"""Fresh virtual boards for the benchmark, and a byte counter for a transport.

Every board is its own ``python -m belay_engine.virtual`` process in its own session (so that stopping it takes its
MicroPython process along), served on a serial port path, optionally throttled to a UART's speed, and optionally
with the network faces on loopback.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Optional

from attrs import define, field

LOOPBACK = "127.0.0.1"
#: Network face option of the board server → the port string a client opens it with.
FACE_URLS = {
    "tcp": "socket://{address}",
    "rfc2217": "rfc2217://{address}",
    "telnet": "telnet://{address}",
    "webrepl": "ws://{address}",
}


@define
class Board:
    """A running virtual board.

    Parameters
    ----------
    port : str
        Its serial port path.
    root : Path or None
        The host folder that is the board's ``/`` (None for a real board: its files cannot be checked).
    baud : int or None
        The UART speed the board emulates (None: unthrottled).
    faces : dict
        Network face name → the port string a client opens it with.
    """

    port: str
    root: Optional[Path]
    baud: Optional[int]
    faces: dict = field(factory=dict)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def wait_listening(number: int, deadline: float) -> None:
    """Wait until 127.0.0.1:`number` accepts a connection, or raise after `deadline` (a perf_counter time)."""
    while True:
        try:
            socket.create_connection((LOOPBACK, number), timeout=1).close()
            return
        except OSError:
            if time.perf_counter() > deadline:
                raise TimeoutError(f"nothing listens on {LOOPBACK}:{number}") from None
            time.sleep(0.05)  # polling a server that is still starting: there is no event to wait on


@contextmanager
def virtual_board(work: Path, name: str, baud: Optional[int] = None, faces: tuple = ()) -> Iterator[Board]:
    """Start a fresh virtual board; yield it and stop it (with its MicroPython process) afterwards.

    Parameters
    ----------
    work : Path
        Folder for the port path and the board's root folder.
    name : str
        Unique name of this board within `work`.
    baud : int, optional
        Emulate a UART at this speed (bits per second); None leaves the link unthrottled.
    faces : tuple of str
        Network faces to serve on loopback too (keys of `FACE_URLS`).
    """
    port, root = work / f"tty-{name}", work / f"root-{name}"
    command = [sys.executable, "-m", "belay_engine.virtual", "--port", str(port), "--root", str(root)]
    if baud:
        command += ["--baud", str(baud)]
    numbers = {face: free_port() for face in faces}
    for face, number in numbers.items():
        command += [f"--{face}", f"{LOOPBACK}:{number}"]
    server = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        if not server.stdout.readline():  # the server announces the port once it exists
            raise RuntimeError(f"the virtual board did not start: {' '.join(command)}")
        deadline = time.perf_counter() + 30
        for number in numbers.values():
            wait_listening(number, deadline)
        urls = {face: FACE_URLS[face].format(address=f"{LOOPBACK}:{number}") for face, number in numbers.items()}
        yield Board(str(port), root, baud, urls)
    finally:
        stop(server)


def stop(server: subprocess.Popen) -> None:
    """Stop a board server started in its own session; kill its whole process group if it lingers."""
    server.terminate()
    try:
        server.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    if server.stdout is not None:
        server.stdout.close()


@contextmanager
def real_board(port: str, baud: int) -> Iterator[Board]:
    """A board the user named: nothing to start or stop."""
    yield Board(port, None, baud)


@define
class WireCount:
    """Bytes a transport wrote and read since it was counted (or since `reset`)."""

    sent: int = 0
    received: int = 0

    @property
    def total(self) -> int:
        """Bytes both ways."""
        return self.sent + self.received

    def reset(self) -> None:
        """Start counting from zero again."""
        self.sent = self.received = 0


def count_bytes(transport: Any) -> WireCount:
    """Count every byte `transport` writes and reads from now on (its `read` and `write` are wrapped in place).

    Every exchange of the engine goes through these two methods, so the count is what crossed the link.
    """
    count = WireCount()
    read, write = transport.read, transport.write

    def counted_read(max_bytes: int, timeout: Optional[float]) -> bytes:
        data = read(max_bytes, timeout)
        count.received += len(data)
        return data

    def counted_write(data: bytes) -> None:
        count.sent += len(data)
        write(data)

    transport.read, transport.write = counted_read, counted_write
    return count
