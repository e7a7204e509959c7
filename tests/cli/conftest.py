"""CLI tests run ``python -m belay`` in a child process, as a shell user would, against real virtual boards."""

import os
import queue
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Optional

import pytest
from attrs import define, field

TIMEOUT = 60


def belay_env(**changes: Optional[str]) -> dict[str, str]:
    """This environment without BELAY_DEVICE, with `changes` (None removes a variable)."""
    env = {k: v for k, v in os.environ.items() if k != "BELAY_DEVICE"}
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def belay(
    *args: str, env: Optional[dict] = None, cwd: Optional[Path] = None, stdin: str = ""
) -> subprocess.CompletedProcess:
    """Run ``python -m belay ARGS`` to the end; stdout and stderr kept apart."""
    return subprocess.run(
        [sys.executable, "-m", "belay", *args],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=TIMEOUT,
        env=env or belay_env(),
        cwd=cwd,
    )


class LineReader:
    """The lines a child prints, read on a thread so the test can wait for one with a deadline."""

    def __init__(self, stream):
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream) -> None:
        for line in stream:
            self.lines.put(line)

    def wait_for(self, pattern: str, timeout: float = TIMEOUT) -> re.Match:
        """The first line (from now) matching `pattern`."""
        while True:
            try:
                line = self.lines.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"no line matched {pattern!r} in {timeout} s; saw {self.seen}") from None
            self.seen.append(line)
            found = re.search(pattern, line)
            if found:
                return found


@define
class ServedBoard:
    """A virtual board served by ``belay virtual-board`` on a serial port path (and a telnet face)."""

    process: subprocess.Popen
    port: str
    root: Path
    telnet: Optional[str] = None
    output: Optional[LineReader] = field(default=None)

    def stop(self) -> None:
        """Stop the server as a user does (Ctrl-C) and wait for it."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(TIMEOUT)


def serve_board(folder: Path, *options: str) -> ServedBoard:
    """Start ``belay virtual-board --port FOLDER/tty --root FOLDER/root OPTIONS`` and wait until it serves."""
    root = folder / "root"
    root.mkdir(parents=True, exist_ok=True)
    port = folder / "tty"
    process = subprocess.Popen(
        [sys.executable, "-m", "belay", "virtual-board", "--port", str(port), "--root", str(root), *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=belay_env(),
    )
    output = LineReader(process.stdout)
    served = ServedBoard(process, str(port), root, output=output)
    try:
        output.wait_for(rf"virtual board on {re.escape(str(port))}")
        if "--telnet" in options:
            served.telnet = output.wait_for(r"telnet face on [\d.]+:\d+: (\S+)").group(1)
    except BaseException:
        served.stop()
        raise
    return served


@pytest.fixture(scope="module")
def served_board(tmp_path_factory) -> Iterator[ServedBoard]:
    """One served board for the tests of a module (each test uses its own file names on it)."""
    served = serve_board(tmp_path_factory.mktemp("served"), "--telnet", "127.0.0.1:0", "--password", "s3cret")
    yield served
    served.stop()


@pytest.fixture
def root(tmp_path) -> Path:
    """A fresh board root for ``virtual:ROOT`` (the CLI starts the board, real MicroPython, for one command)."""
    folder = tmp_path / "board"
    folder.mkdir()
    return folder


from tests.packages.conftest import server  # noqa: E402, F401  (the package manager's stand-in hosts)
