"""The ``belay`` command line: the Cyclopts app, and the exit codes and short errors a shell user expects.

Exit 0 on success; 1 with one ``error: ...`` line for a user error (a board exception shows its mapped
traceback first); 130 on Ctrl-C, the board left idle. ``--verbose``, anywhere on the line, shows the host
traceback too.
"""

import shutil
import sys
import traceback
from typing import Optional

from cyclopts import App, CycloptsError

from .. import commands
from ..errors import PyboardException
from . import board_commands, package_commands, select_board, servers
from .common import Settings, say

INTERRUPTED = 130


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("belay-jupyter")
    except PackageNotFoundError:
        return "unknown"


app = App(
    name="belay",
    help="Program MicroPython boards from the shell: sync files, run code, manage dependencies.\n\n"
    "The port may be left out: BELAY_DEVICE is used, else the one USB board found. "
    "--verbose (anywhere) shows the host traceback of an error.",
    version=_version,
    version_flags=("--version",),
    help_format="markdown",
    suppress_keyboard_interrupt=False,
)

for _function, _name in [
    (board_commands.sync, "sync"),
    (board_commands.exec_, "exec"),
    (board_commands.run, "run"),
    (board_commands.terminal, "terminal"),
    (board_commands.info, "info"),
    (board_commands.latency, "latency"),
    (board_commands.ls, "ls"),
    (board_commands.cat, "cat"),
    (board_commands.put, "put"),
    (board_commands.get, "get"),
    (board_commands.rm, "rm"),
    (board_commands.reset, "reset"),
    (select_board.select, "select"),
    (package_commands.install, "install"),
    (package_commands.update, "update"),
    (package_commands.add, "add"),
    (package_commands.clean, "clean"),
    (servers.virtual_board, "virtual-board"),
]:
    app.command(_function, name=_name)
app.command(package_commands.new, name="new", alias="init")
app.command(package_commands.cache_app)

#: Entry point group through which other packages add commands (belay_jupyter adds ``kernel``): the engine's
#: command line names none of them, so it imports nothing above the engine.
COMMAND_PLUGINS = "belay.commands"


def _add_plugin_commands() -> None:
    from importlib.metadata import entry_points

    for entry in entry_points(group=COMMAND_PLUGINS):
        try:
            # Loaded now, not by import path, so `belay --help` shows the command's own help line.
            command = entry.load()
        except ImportError:
            continue  # a package that cannot be imported here offers no command; the engine's own still work
        app.command(command, name=entry.name)


_add_plugin_commands()


def _show_error(error: BaseException) -> None:
    if Settings.verbose:
        traceback.print_exception(type(error), error, error.__traceback__, file=sys.stderr)
    message = commands.user_message(error)
    if isinstance(error, PyboardException):
        # The frames go above, the exception (all the lines of its message) on the error line.
        lines = message.splitlines() or [""]
        split = len(lines) - (error.board_error.exception_text.count("\n") + 1)
        if split > 0:
            say("\n".join(lines[:split]))
        message = "\n".join(lines[max(split, 0) :])
    say(f"error: {message}")


def _is_local_run(argv: list[str]) -> bool:
    """``belay run micropython main.py``: the word after ``run`` is a program on PATH, not a port or a file."""
    return len(argv) >= 2 and argv[0] == "run" and shutil.which(argv[1]) is not None


def main(argv: Optional[list[str]] = None) -> int:
    """Run the ``belay`` command line; return its exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    end = argv.index("--") if "--" in argv else len(argv)
    Settings.verbose = "--verbose" in argv[:end]
    argv = [word for i, word in enumerate(argv) if not (i < end and word == "--verbose")]
    try:
        if _is_local_run(argv):
            from .local_run import run_local

            return run_local(argv[1:])
        result = app(argv, exit_on_error=False, result_action="return_value")
    except CycloptsError:
        return 1  # Cyclopts has shown the error and the usage
    except KeyboardInterrupt:
        say("interrupted")
        return INTERRUPTED
    except commands.USER_ERRORS as error:
        _show_error(error)
        return 1
    return result if isinstance(result, int) else 0
