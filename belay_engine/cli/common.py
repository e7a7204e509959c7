"""What the CLI's commands share: the port and password arguments, the board connection, output, progress bars."""

import os
import re
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, Callable, Optional

from cyclopts import Parameter

from .. import commands
from ..progress import ProgressCounts
from ..transports import classify_port

Port = Annotated[
    Optional[str],
    Parameter(
        help="Where the board is: /dev/ttyACM0, COM3, socket://HOST:PORT, rfc2217://HOST:PORT, a telnet address, "
        "ws://HOST:8266, virtual:PATH or USB specifier JSON. Default: BELAY_DEVICE, else the one USB board found.",
    ),
]
Password = Annotated[Optional[str], Parameter(help="Password of a WebREPL or telnet board.")]

_WINDOWS_PORT = re.compile(r"^COM\d+$", re.IGNORECASE)


class UsageProblem(ValueError):
    """The command line asks for something that cannot be done as written."""


class Settings:
    """Options of the whole command line (``--verbose`` may stand anywhere)."""

    verbose = False


def looks_like_port(word: str) -> bool:
    """Whether `word` names a board rather than a file, a folder or code (the port may be left out)."""
    if classify_port(word) != "serial":
        return True
    if word.startswith("/dev/") or "://" in word or _WINDOWS_PORT.match(word):
        return True
    try:
        return stat.S_ISCHR(os.stat(word).st_mode)  # a serial port elsewhere, e.g. a PTY's symlink
    except (OSError, ValueError):
        return False


def take_port(port: Optional[str], *rest: Optional[str]) -> tuple[Optional[str], list[Optional[str]]]:
    """The port and the other positionals, when the first positional may be either.

    Belay's CLI always puts the port first; here it may be left out (BELAY_DEVICE or the one USB board is
    used then), so a first word that does not look like a port is the next argument.
    """
    if port is None or looks_like_port(port):
        return port, list(rest)
    shifted = [port, *rest]
    if shifted[-1] is not None:
        raise UsageProblem(f"{port!r} is not a port, and there is one argument too many")
    return None, shifted[:-1]


def required(value: Optional[str], what: str) -> str:
    """`value`, or a usage error naming the missing argument."""
    if value is None:
        raise UsageProblem(f"missing {what}")
    return value


def documented_by(command: Callable) -> Callable[[Callable], Callable]:
    """Give a CLI function the docstring of the command it runs, so ``--help`` says what the other front ends say."""

    def decorate(function: Callable) -> Callable:
        function.__doc__ = command.__doc__
        return function

    return decorate


def say(text: Any) -> None:
    """Status for the person at the terminal (stderr): announcements, summaries, progress."""
    text = "" if text is None else str(text)
    if text:
        print(text, file=sys.stderr, flush=True)


def out(text: Any) -> None:
    """What the command was asked for (stdout), for scripts to read."""
    text = "" if text is None else str(text)
    if text:
        print(text, flush=True)


@contextmanager
def board(port: Optional[str], password: Optional[str]) -> Iterator[Any]:
    """A connected Device, announced on stderr and closed at the end (the board left idle in its REPL)."""
    connected = commands.connect(port, password=password)
    try:
        say(connected)
        yield connected.device
    finally:
        connected.device.close()


def on_board(port: Optional[str], password: Optional[str], show: Callable[[Any], None], command: Callable, *args):
    """Run `command` on the board at `port` with `args` and `show` its result (`out` or `say`)."""
    with board(port, password) as device:
        show(command(device, *args))


def progress_shown() -> bool:
    """Progress bars only for a person watching: stdout and stderr both terminals."""
    return sys.stdout.isatty() and sys.stderr.isatty()


class ProgressBar:
    """A rich progress bar on stderr that takes Belay's ``progress_update`` keywords (bytes where given)."""

    def __init__(self, title: str):
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

        self.title = title
        self.counts = ProgressCounts()
        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            console=Console(stderr=True),
            disable=not progress_shown(),
            transient=False,
        )
        self.task = self.progress.add_task(title, total=None)

    def __call__(
        self,
        description: Optional[str] = None,
        total: Optional[int] = None,
        advance: Optional[int] = None,
        total_bytes: Optional[int] = None,
        advance_bytes: Optional[int] = None,
    ) -> None:
        """Take one progress report."""
        self.counts.update(description, total, advance, total_bytes, advance_bytes)
        done, whole = self.counts.position()
        self.progress.update(self.task, description=self.counts.description or self.title, total=whole, completed=done)

    def __enter__(self) -> "ProgressBar":
        self.progress.start()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.progress.stop()
