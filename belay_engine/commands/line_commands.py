"""The file commands as `%` lines: one table that the IPython magics and the kernel both build their parsers from.

Each row names a command function and its arguments in ``argparse.add_argument`` form; the help of each
argument is taken from the function's docstring, so the magics, the kernel and the CLI say the same.
"""

import argparse
from typing import Any, Callable, Optional

from attrs import field, frozen

from . import file_commands
from .docs import parameter_help, summary


@frozen
class LineArgument:
    """One argument: its names (``"path"`` or ``"--dst"``) and the other `add_argument` options but help."""

    flags: tuple[str, ...]
    options: dict = field(factory=dict)

    @property
    def dest(self) -> str:
        """The name the parsed value goes by (the function's parameter)."""
        if "dest" in self.options:
            return self.options["dest"]
        return self.flags[0].lstrip("-").replace("-", "_")


@frozen
class LineCommand:
    """A command offered as a `%` line: the function, its arguments, whether it reports progress."""

    name: str
    function: Callable[..., Any]
    arguments: tuple[LineArgument, ...]
    reports_progress: bool = False

    @property
    def description(self) -> str:
        """The function's docstring summary."""
        return summary(self.function)

    def argument_specs(self) -> list[tuple[tuple[str, ...], dict]]:
        """``(flags, options)`` for each argument, help from the function's docstring."""
        helps = parameter_help(self.function)
        return [(a.flags, {**a.options, "help": helps.get(a.dest, "")}) for a in self.arguments]

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        """Add this command's arguments to `parser`."""
        for flags, options in self.argument_specs():
            parser.add_argument(*flags, **options)

    def call(self, device: Any, parsed: Any, progress: Optional[Callable[..., Any]] = None) -> Any:
        """Run the command on `device` with the parsed arguments (a namespace with one attribute per argument)."""
        values = {a.dest: getattr(parsed, a.dest) for a in self.arguments}
        if self.reports_progress:
            values["progress"] = progress
        return self.function(device, **values)


def _arg(*flags: str, **options: Any) -> LineArgument:
    return LineArgument(tuple(flags), options)


FILE_COMMANDS: dict[str, LineCommand] = {
    command.name: command
    for command in [
        LineCommand(
            "sync",
            file_commands.sync,
            (
                _arg("folder", nargs="?", default="."),
                _arg("--dst", default="/"),
                _arg("--ignore", nargs="*", default=None),
                _arg("--keep", nargs="*", default=None),
                _arg("--no-minify", dest="minify", action="store_false"),
                _arg("--mpy-cross", default=None, metavar="BINARY"),
            ),
            reports_progress=True,
        ),
        LineCommand("ls", file_commands.ls, (_arg("path", nargs="?", default="/"),)),
        LineCommand("cat", file_commands.cat, (_arg("path"),)),
        LineCommand("put", file_commands.put, (_arg("local"), _arg("remote", nargs="?", default=None))),
        LineCommand("get", file_commands.get, (_arg("remote"), _arg("local", nargs="?", default=None))),
        LineCommand("rm", file_commands.rm, (_arg("path"),)),
    ]
}
