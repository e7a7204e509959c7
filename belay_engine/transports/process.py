"""A local process as the board: ``exec:CMD`` (stdin/stdout pipes) or ``execpty:CMD`` (a pseudo-terminal)."""

import os
import select
import shlex
import subprocess
from typing import Optional

from ..errors import ConnectionFailedError, ConnectionLost
from ..virtual.pty_process import PtyProcess, process_lost
from .base import Transport


class _PipeProcess:
    """A process on pipes, with the same read/write/close surface as PtyProcess."""

    def __init__(self, argv: list[str]):
        try:
            self.process = subprocess.Popen(
                argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
            )
        except OSError as error:
            raise ConnectionFailedError(f"could not start {argv[0]}: {error}") from error
        self.pid = self.process.pid

    def _lost(self, error: Optional[BaseException] = None) -> ConnectionLost:
        return process_lost(self.process, os.path.basename(self.process.args[0]), error)

    def read(self, max_bytes: int, timeout: Optional[float]) -> bytes:
        readable, _, _ = select.select([self.process.stdout], [], [], timeout)
        if not readable:
            return b""
        data = os.read(self.process.stdout.fileno(), max_bytes)
        if not data:
            raise self._lost()
        return data

    def write(self, data: bytes) -> None:
        try:
            self.process.stdin.write(data)
            self.process.stdin.flush()
        except (BrokenPipeError, OSError, ValueError) as error:
            raise self._lost(error) from error

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            stream.close()


class ProcessTransport(Transport):
    """Talk to a local process as if it were a board.

    Parameters
    ----------
    command : str
        The command line, split like a shell would (no shell runs it).
    pty : bool
        Give the process a pseudo-terminal (``execpty:``) instead of pipes (``exec:``). MicroPython's unix
        port needs one: on pipes it reads stdin as a script.
    """

    def __init__(self, command: str, *, pty: bool):
        argv = shlex.split(command)
        if not argv:
            raise ConnectionFailedError("exec:/execpty: needs a command after the colon")
        self.description = f"{'execpty' if pty else 'exec'}:{command}"
        self._process = PtyProcess(argv) if pty else _PipeProcess(argv)

    @property
    def pid(self) -> int:
        """The process id of the board process."""
        return self._process.pid

    def read(self, max_bytes: int, timeout: Optional[float]) -> bytes:
        if self._process is None:
            raise ConnectionLost(f"{self.description} is closed")
        return self._process.read(max_bytes, timeout)

    def write(self, data: bytes) -> None:
        if self._process is None:
            raise ConnectionLost(f"{self.description} is closed")
        self._process.write(data)

    def close(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            process.close()
