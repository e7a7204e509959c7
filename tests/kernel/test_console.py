import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path


def _read_until(fd, marker, timeout):
    deadline = time.monotonic() + timeout
    seen = b""
    while marker not in seen:
        remaining = deadline - time.monotonic()
        ready, _, _ = select.select([fd], [], [], max(0.0, remaining))
        if not ready:
            raise AssertionError(f"waited {timeout} s for {marker!r}; the console showed {seen[-400:]!r}")
        seen += os.read(fd, 4096)
    return seen


def _start_console():
    """A jupyter console on the Belay kernel in a PTY, at its first prompt; return (process, controller fd)."""
    jupyter = Path(sys.executable).with_name("jupyter")
    controller, terminal = pty.openpty()
    environment = {**os.environ, "TERM": "dumb", "BELAY_DEVICE": "virtual:"}
    process = subprocess.Popen(
        [str(jupyter), "console", "--kernel", "belay", "--simple-prompt"],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        env=environment,
        start_new_session=True,
    )
    os.close(terminal)
    _read_until(controller, b"In [1]", 90)
    # jupyter console shows its first prompt before its IOPub subscription is live (ZMQ's slow joiner), so
    # output of a cell typed at once can be lost and the console waits forever; the stock python3 kernel
    # does the same. A person never types that fast: wait as long as one would before typing.
    time.sleep(1.0)
    return process, controller


def _stop_console(process, controller):
    if process.poll() is None:
        process.kill()
        process.wait()
    os.close(controller)


def test_jupyter_console_runs_a_cell_on_the_board():
    process, controller = _start_console()
    try:
        os.write(controller, b"print(6 * 7)\n")
        output = _read_until(controller, b"In [2]", 60)
        assert b"42" in output
        os.write(controller, b"\x04")  # EOF ends the console, after a confirmation
        _read_until(controller, b"exit", 30)
        os.write(controller, b"y\n")
        process.wait(timeout=30)
    finally:
        _stop_console(process, controller)


def test_exit_in_a_cell_ends_jupyter_console_without_asking():
    process, controller = _start_console()
    try:
        os.write(controller, b"x = 1; exit\n")  # the kernel's ask_exit payload: the console shuts down and leaves
        assert process.wait(timeout=30) == 0
    finally:
        _stop_console(process, controller)
