"""%belay %%belay %%belay_setup %%belay_task %%belay_thread %%belay_teardown %belay_timeit: run code on the board."""

import ast
from typing import Any, Callable

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring

from belay_engine import commands
from belay_engine.cells import run_cell
from belay_engine.commands.docs import parameter_help
from belay_engine.tracebacks import SourceLocation

from .arguments import device_argument, doc_from
from .errors import with_short_errors
from .registry import DeviceRegistry

_TIMEIT = parameter_help(commands.timeit)


class BoardValue:
    """The board's repr of a cell's last expression, displayed as the board wrote it."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text


@with_short_errors
@magics_class
class ExecutionMagics(Magics):
    """Run code on the board from notebook cells."""

    def __init__(self, shell, devices: DeviceRegistry):
        super().__init__(shell=shell)
        self._devices = devices

    def _cell_location(self, cell: str) -> SourceLocation:
        # Registering the cell with IPython's compiler puts it in linecache, so tracebacks show its lines.
        return SourceLocation(self.shell.compile.cache(cell, self.shell.execution_count), 1)

    @magic_arguments()
    @device_argument
    @argument("expression", nargs="*", help="Expression to evaluate on the board (line form).")
    @line_cell_magic
    def belay(self, line, cell=None):
        """Evaluate an expression on the board and return its value, or run the cell there.

        In the cell form, output streams into the cell as the board prints it, and the board's repr of a last
        bare expression is shown.
        """
        args = parse_argstring(self.belay, line)
        device = self._devices.get(args.device)
        if cell is None:
            expression = " ".join(args.expression)
            if not expression:
                raise UsageError("%belay EXPRESSION, or %%belay as a cell magic")
            return device(expression)
        result = run_cell(device.session, cell, location=self._cell_location(cell))
        return None if result.value_repr is None else BoardValue(result.value_repr)

    @magic_arguments()
    @device_argument
    @argument("--autoinit", action="store_true", help="Run the cell again after every soft reset.")
    @line_cell_magic
    def belay_setup(self, line, cell=None):
        """Run the cell in the board's global context, like ``@device.setup``; it is replayed on reconnect."""
        args = parse_argstring(self.belay_setup, line)
        device = self._devices.get(args.device)
        code = self._require_cell(cell, "belay_setup")
        location = self._cell_location(code)
        device.run_global(code, location)
        if args.autoinit:
            device._belay_setup.autoinit.append(lambda: device.run_global(code, location, record=False))

    @magic_arguments()
    @device_argument
    @line_cell_magic
    def belay_task(self, line, cell=None):
        """Send each ``def`` of the cell to the board and bind it here as a task (generators stream)."""
        args = parse_argstring(self.belay_task, line)
        device = self._devices.get(args.device)
        return self._define(self._require_cell(cell, "belay_task"), device.task)

    @magic_arguments()
    @device_argument
    @line_cell_magic
    def belay_thread(self, line, cell=None):
        """Send each ``def`` of the cell to the board; calling it here starts it as a board thread."""
        args = parse_argstring(self.belay_thread, line)
        device = self._devices.get(args.device)
        return self._define(self._require_cell(cell, "belay_thread"), device.thread)

    @magic_arguments()
    @device_argument
    @line_cell_magic
    def belay_teardown(self, line, cell=None):
        """Register each ``def`` of the cell as teardown code, run on the board when the device closes."""
        args = parse_argstring(self.belay_teardown, line)
        device = self._devices.get(args.device)
        return self._define(self._require_cell(cell, "belay_teardown"), device.teardown)

    @magic_arguments()
    @device_argument
    @argument("--number", "-n", type=int, default=0, help=_TIMEIT["number"])
    @argument("--repeat", "-r", type=int, default=5, help=_TIMEIT["repeat"])
    @argument("statement", nargs="*", help=_TIMEIT["statement"] + " Line form; or the cell.")
    @doc_from(commands.timeit)
    @line_cell_magic
    def belay_timeit(self, line, cell=None):  # noqa: D102 (the docstring is the command's)
        args = parse_argstring(self.belay_timeit, line)
        statement = cell if cell is not None else " ".join(args.statement)
        if not statement.strip():
            raise UsageError("%belay_timeit STATEMENT, or %%belay_timeit as a cell magic")
        print(commands.timeit(self._devices.get(args.device), statement, number=args.number, repeat=args.repeat))

    # -- helpers -------------------------------------------------------------------------------------------

    @staticmethod
    def _require_cell(cell, name: str) -> str:
        if cell is None or not cell.strip():
            raise UsageError(f"%%{name} is a cell magic: put the code in the cell below it")
        return cell

    def _define(self, cell: str, decorator: Callable) -> None:
        tree = ast.parse(cell)
        functions = [node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
        others = [node for node in tree.body if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
        if others or not functions:
            raise UsageError("the cell must hold only function definitions (def ...)")
        # Define the functions on the host first, so their source and lines come from IPython's cell cache.
        filename = self.shell.compile.cache(cell, self.shell.execution_count)
        scratch: dict[str, Any] = {}
        exec(compile(cell, filename, "exec"), scratch)
        for name in functions:
            self.shell.user_ns[name] = decorator(scratch[name])
