"""A child process on a raw pseudo-terminal: spawn, read with a deadline, write, kill by pid."""

import contextlib
import os
import pty
import select
import signal
import subprocess
import time
import tty
from collections.abc import Sequence
from typing import Optional

from ..errors import ConnectionFailedError, ConnectionLost


def process_lost(process: subprocess.Popen, name: str, error: Optional[BaseException] = None) -> ConnectionLost:
    """The error for a child that closed its side of the link, with its exit status when it has one."""
    try:
        status = process.wait(timeout=1)  # it closed its side: it is exiting, so get the status
    except subprocess.TimeoutExpired:
        status = None
    how = "stopped answering" if status is None else f"exited with status {status}"
    return ConnectionLost(f"the {name} process (pid {process.pid}) {how}" + (f": {error}" if error else ""))


#: x86_64 system calls the unix port makes only outside the garbage collector: read, write, poll, writev,
#: select, nanosleep, clock_nanosleep, pselect6, ppoll (the virtual board runs on x86_64 Linux only).
SAFE_SYSCALLS = frozenset({0, 1, 7, 20, 23, 35, 230, 270, 271})
#: How many times to look for the child in such a call before interrupting it wherever it is, and how long
#: to let it run between two looks: about 10 ms in all, far below a person's reaction to Ctrl-C.
SAFE_POINT_LOOKS = 10
SAFE_POINT_INTERVAL = 0.001


class PtyProcess:
    """A process whose stdin, stdout and stderr are one raw PTY; we hold the controlling side.

    The child gets its own session, so a Ctrl-C or a Jupyter interrupt aimed at the host's process group
    never reaches it: only the transport decides when the board sees SIGINT.
    """

    def __init__(self, argv: Sequence[str], *, cwd: Optional[str] = None, env: Optional[dict] = None):
        controller, terminal = pty.openpty()
        tty.setraw(terminal)
        try:
            self.process = subprocess.Popen(
                list(argv), stdin=terminal, stdout=terminal, stderr=terminal, cwd=cwd, env=env, start_new_session=True
            )
        except OSError as error:
            os.close(controller)
            raise ConnectionFailedError(f"could not start {argv[0]}: {error}") from error
        finally:
            os.close(terminal)
        self.fd: Optional[int] = controller
        self.pid = self.process.pid
        self.name = os.path.basename(argv[0])

    def _lost(self, error: Optional[BaseException] = None) -> ConnectionLost:
        return process_lost(self.process, self.name, error)

    def ready(self, timeout: Optional[float]) -> bool:
        """Whether output is waiting, after at most `timeout` seconds."""
        if self.fd is None:
            raise self._lost()
        readable, _, _ = select.select([self.fd], [], [], timeout)
        return bool(readable)

    def read(self, max_bytes: int, timeout: Optional[float]) -> bytes:
        """Up to `max_bytes` as soon as any arrive; ``b""`` after `timeout` seconds of silence."""
        if not self.ready(timeout):
            return b""
        try:
            data = os.read(self.fd, max_bytes)
        except OSError as error:  # EIO: the child closed its side (it exited)
            raise self._lost(error) from error
        if not data:
            raise self._lost()
        return data

    def write(self, data: bytes) -> None:
        """Send all of `data` (blocks while the PTY buffer is full)."""
        if self.fd is None:
            raise self._lost()
        view = memoryview(data)
        try:
            while view:
                view = view[os.write(self.fd, view) :]
        except OSError as error:
            raise self._lost(error) from error

    def catches_sigint(self) -> bool:
        """Whether the child has a SIGINT handler now: MicroPython installs one only while it runs code."""
        try:
            with open(f"/proc/{self.pid}/status") as file:
                for line in file:
                    if line.startswith("SigCgt:"):
                        return bool(int(line.split()[1], 16) & (1 << (signal.SIGINT - 1)))
        except (OSError, ValueError):
            pass
        return False

    def interrupt_if_caught(self) -> bool:
        """Send SIGINT only if the child catches it, and say whether it was sent.

        The child is stopped while it is looked at and the signal sent, so it cannot finish its code and drop
        its handler in between (a SIGINT then would kill it); the signal is delivered when it continues. The
        unix port raises KeyboardInterrupt straight from its signal handler, wherever the code is: caught inside
        the garbage collector, that leaves the heap locked for good. So the signal goes preferably while the
        child waits in a system call that never runs with the heap locked (writing output, reading input,
        sleeping); code that makes none is interrupted wherever it is after a few looks.
        """
        for attempt in range(SAFE_POINT_LOOKS):
            if self.process.poll() is not None:
                return False
            try:
                os.kill(self.pid, signal.SIGSTOP)
            except ProcessLookupError:
                return False
            try:
                # Wait, without reaping, until it has stopped (or exited meanwhile).
                state = os.waitid(os.P_PID, self.pid, os.WSTOPPED | os.WEXITED | os.WNOWAIT)
                if state is None or state.si_code != os.CLD_STOPPED or not self.catches_sigint():
                    return False
                if attempt == SAFE_POINT_LOOKS - 1 or self._waits_in_a_safe_call():
                    os.kill(self.pid, signal.SIGINT)  # pending until it continues, under the handler just seen
                    return True
            except ChildProcessError:
                return False
            finally:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self.pid, signal.SIGCONT)
            time.sleep(SAFE_POINT_INTERVAL)  # let it run on to its next system call
        return False

    def _waits_in_a_safe_call(self) -> bool:
        try:
            with open(f"/proc/{self.pid}/syscall") as file:
                number = file.read().split(maxsplit=1)[0]
        except (OSError, IndexError):
            return False
        return number.isdigit() and int(number) in SAFE_SYSCALLS

    def close(self) -> None:
        """Kill the child by pid, reap it and release the PTY; a second call does nothing."""
        if self.process.poll() is None:
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)  # it cannot outlive SIGKILL; if slow, the OS reaps it with us
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
