"""Kernel magics: `%` lines of a cell run on the host, each one engine command; the rest of the cell goes to the board.

The file commands (``%sync %ls %cat %put %get %rm``) are built from the same table as the IPython extension's
``%belay_*`` magics, so both offer the same options with the same help.
"""

import argparse
import contextlib
import shlex
import sys
from typing import Any, Callable

from belay_engine import commands
from belay_engine.commands import package_commands
from belay_engine.commands.docs import parameter_help, summary
from belay_engine.commands.line_commands import FILE_COMMANDS, LineCommand

from ..widgets.progress import TextProgress
from .background import NoThreadsError
from .plot import parse_plot_line


class MagicError(Exception):
    """A magic line could not be run; the message says what to type."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:
        raise MagicError(f"%{self.prog}: {message}\nusage: {self.format_usage().strip()}")


def _parser(name: str, description: str) -> _Parser:
    return _Parser(prog=name, description=description, add_help=False)


def file_command_parser(command: LineCommand) -> _Parser:
    """The parser of a file command's `%` line, from the command table."""
    parser = _parser(command.name, command.description)
    command.add_arguments(parser)
    return parser


def _usage(parser: argparse.ArgumentParser) -> str:
    return "%" + parser.format_usage().removeprefix("usage: ").strip()


class KernelMagics:
    """The host-side magics of the Belay MicroPython kernel."""

    def __init__(self, kernel: Any):
        self.kernel = kernel
        self.parsers: dict[str, _Parser] = {name: file_command_parser(c) for name, c in FILE_COMMANDS.items()}
        self.parsers.update(connect=self._connect_parser(), install=self._install_parser())
        self.parsers.update(timeit=self._timeit_parser(), latency=self._latency_parser(), reset=self._reset_parser())
        self.table: dict[str, tuple[Callable[[list[str]], None], str]] = {
            "connect": (self.connect, f"{_usage(self.parsers['connect'])}  {summary(commands.connect)}"),
            "disconnect": (self.disconnect, "%disconnect  close the board connection"),
            "reset": (self.reset, f"{_usage(self.parsers['reset'])}  {summary(commands.reset)}"),
            "info": (self.info, f"%info  {summary(commands.info)}"),
            **{
                name: (self._file_magic(command), f"{_usage(self.parsers[name])}  {command.description}")
                for name, command in FILE_COMMANDS.items()
            },
            "install": (self.install, f"{_usage(self.parsers['install'])}  {summary(package_commands.install)}"),
            "timeit": (self.timeit, f"%timeit STATEMENT  {summary(commands.timeit)}"),
            "latency": (self.latency, f"{_usage(self.parsers['latency'])}  {summary(commands.latency)}"),
            "plot": (
                self.plot,
                "%plot EXPR [--window N] [--fps F]  plot live what the board expression EXPR yields (numbers, "
                "tuples, dicts); %plot --save FILE.csv  write the last plot's values",
            ),
            "jobs": (self.list_jobs, "%jobs  list the background jobs (%%background cells)"),
            "kill": (self.kill, "%kill N  stop background job N at its next print (its finally runs)"),
            "lsmagic": (self.lsmagic, "%lsmagic  list these magics"),
        }
        #: Cell magics: the first line of a cell, the rest of the cell is theirs.
        self.cell_table: dict[str, tuple[Callable[[str, str], None], str]] = {
            "background": (
                self.background,
                "%%background  run the cell in a board thread (needs _thread); its output stays in the cell",
            ),
        }

    def run_leading_magics(self, code: str) -> str:
        """Run the `%` lines at the top of a cell; return the rest of the cell (blank lines kept in their place)."""
        # The engine commands print board output to sys.stdout; a background job's output may come inside it.
        with contextlib.redirect_stdout(self.kernel.jobs.wrap(sys.stdout)):
            return self._run_leading_magics(code)

    def _run_leading_magics(self, code: str) -> str:
        lines = code.splitlines(keepends=True)
        for index, line in enumerate(lines):
            stripped = line.strip()
            if stripped.startswith("%%"):
                # The cell magic's line becomes a blank line: the cell's lines keep their numbers.
                self.run_cell_magic(stripped[2:], "\n" * (index + 1) + "".join(lines[index + 1 :]))
                return ""
            if stripped.startswith("%"):
                self.run(stripped[1:])
                lines[index] = "\n"
            elif stripped:
                break
        return "".join(lines)

    def run(self, line: str) -> None:
        """Run one magic line (without its `%`)."""
        name, _, rest = line.strip().partition(" ")
        if not name:
            raise MagicError("an empty magic; %lsmagic lists them")
        handler = self.table.get(name)
        if handler is None:
            raise MagicError(f"unknown magic %{name}; %lsmagic lists the magics of this kernel")
        # %timeit and %plot take board code verbatim; the others take shell-like words.
        handler[0]([rest] if name in ("timeit", "plot") else shlex.split(rest))

    def run_cell_magic(self, line: str, body: str) -> None:
        """Run the cell magic of a cell's first line (without its ``%%``) on `body`, the rest of the cell."""
        name, _, rest = line.strip().partition(" ")
        handler = self.cell_table.get(name)
        if handler is None:
            raise MagicError(f"unknown cell magic %%{name}; %lsmagic lists the magics of this kernel")
        handler[0](rest, body)

    # -- parsers of the magics that are not file commands ------------------------------------------------

    @staticmethod
    def _connect_parser() -> _Parser:
        parser = _parser("connect", summary(commands.connect))
        helps = parameter_help(commands.connect)
        parser.add_argument("port", nargs="?", default=None, help=helps["port"])
        parser.add_argument("--password", default=None, help=helps["password"])
        return parser

    @staticmethod
    def _install_parser() -> _Parser:
        parser = _parser("install", summary(package_commands.install))
        helps = parameter_help(package_commands.install)
        parser.add_argument(
            "--with", dest="groups", action="append", default=None, metavar="GROUP", help=helps["groups"]
        )
        parser.add_argument("--frozen", action="store_true", help=helps["frozen"])
        return parser

    @staticmethod
    def _timeit_parser() -> _Parser:
        return _parser("timeit", summary(commands.timeit))

    @staticmethod
    def _latency_parser() -> _Parser:
        parser = _parser("latency", summary(commands.latency))
        parser.add_argument("--count", "-c", type=int, default=10, help=parameter_help(commands.latency)["count"])
        return parser

    @staticmethod
    def _reset_parser() -> _Parser:
        parser = _parser("reset", summary(commands.reset))
        parser.add_argument("--hard", action="store_true", help=parameter_help(commands.reset)["hard"])
        return parser

    # -- the magics ------------------------------------------------------------------------------------

    @property
    def _device(self) -> Any:
        return self.kernel.device or self.kernel.connect()

    def _say(self, result: Any) -> None:
        text = str(result)
        if text and not text.endswith("\n") and not isinstance(result, commands.FileContents):
            text += "\n"  # a file is shown as it is, like cat
        if text:
            self.kernel.say(text)

    def connect(self, words: list[str]) -> None:
        """Connect to a board."""
        args = self.parsers["connect"].parse_args(words)
        self.kernel.connect(args.port, args.password)

    def disconnect(self, words: list[str]) -> None:
        """Close the board connection."""
        self.kernel.disconnect()
        self.kernel.say("Disconnected.\n")

    def reset(self, words: list[str]) -> None:
        """Reset the board."""
        args = self.parsers["reset"].parse_args(words)
        self._say(commands.reset(self._device, args.hard))

    def info(self, words: list[str]) -> None:
        """Print the board's link and implementation."""
        device = self._device
        self._say(f"{device!r}\n{commands.info(device)}")

    def _file_magic(self, command: LineCommand) -> Callable[[list[str]], None]:
        def magic(words: list[str]) -> None:
            args = self.parsers[command.name].parse_args(words)
            progress = TextProgress(write=self.kernel.say) if command.reports_progress else None
            self._say(command.call(self._device, args, progress))

        return magic

    def install(self, words: list[str]) -> None:
        """Stage the project's dependencies and put them on the board."""
        args = self.parsers["install"].parse_args(words)
        progress = TextProgress(write=self.kernel.say)
        self._say(package_commands.install(self._device, groups=args.groups, frozen=args.frozen, progress=progress))

    def timeit(self, words: list[str]) -> None:
        """Time a statement on the board itself."""
        if not words or not words[0].strip():
            raise MagicError("usage: %timeit STATEMENT")
        self._say(commands.timeit(self._device, words[0]))

    def latency(self, words: list[str]) -> None:
        """Time round trips over the link."""
        args = self.parsers["latency"].parse_args(words)
        self._say(commands.latency(self._device, args.count))

    def plot(self, words: list[str]) -> None:
        """Plot what a board expression yields, live; or save the last plot's values."""
        try:
            expression, options = parse_plot_line(words[0])
        except ValueError as error:
            raise MagicError(f"%plot: {error}\nusage: {self.table['plot'][1].split('  ')[0]}") from None
        if expression.startswith("--"):
            raise MagicError(
                f"%plot: the options come after the expression\nusage: {self.table['plot'][1].split('  ')[0]}"
            )
        if "save" in options:
            if expression:
                raise MagicError("%plot --save FILE.csv takes no expression: it saves the last plot")
            self._say(self.kernel.plots.save(options["save"]))
            return
        if not expression:
            raise MagicError("usage: %plot EXPR [--window N] [--fps F], e.g. %plot (x * x for x in range(100))")
        window = options.get("window", 200)
        if window < 1:
            raise MagicError("%plot: --window must be at least 1")
        try:
            self.kernel.plots.start(self._device, expression, window=window, fps=options.get("fps", 20.0))
        except ValueError as error:
            raise MagicError(str(error)) from None

    def background(self, line: str, body: str) -> None:
        """Run the cell in a board thread."""
        if line.strip():
            raise MagicError("%%background takes no arguments")
        if not body.strip():
            raise MagicError("%%background needs code below it")
        cell = self.kernel.remember_cell(body)
        try:
            job = self.kernel.jobs.start(self._device, body, cell)
        except NoThreadsError as error:
            raise MagicError(str(error)) from None
        self.kernel.say(f"[job {job.id}] running in the background (%jobs lists the jobs, %kill {job.id} stops it)\n")

    def list_jobs(self, words: list[str]) -> None:
        """List the background jobs."""
        self._say(self.kernel.jobs.listing())

    def kill(self, words: list[str]) -> None:
        """Stop a background job."""
        if len(words) != 1 or not words[0].isdigit():
            raise MagicError("usage: %kill N (%jobs lists the jobs)")
        try:
            self._say(self.kernel.jobs.kill(self._device, int(words[0])))
        except ValueError as error:
            raise MagicError(str(error)) from None

    def lsmagic(self, words: list[str]) -> None:
        """List the magics."""
        helps = [*(h for _, h in self.table.values()), *(h for _, h in self.cell_table.values())]
        self.kernel.say("".join(f"{help_text}\n" for help_text in helps))
