"""%belay_fleet, and the ``--fleet`` forms of %belay, %%belay_task and %belay_plot: many named boards at once.

``--fleet`` is added to magics other classes define: this class registers after them under the same names, and
a line without ``--fleet`` goes unchanged to the magic it stands in front of (found by class name in the
shell's magics registry when called, so that magic's own options and changes keep working).
"""

import re
from typing import Any, Callable, Optional

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring

from belay_engine import Fleet, FleetResult, FleetStream
from belay_engine.cells import run_cell
from belay_engine.fleet import ON_LOST
from belay_engine.tracebacks import SourceLocation

from ..widgets.fleet_view import BoardAreas, register_result_display
from .errors import with_short_errors
from .execution import BoardValue, ExecutionMagics
from .registry import DeviceRegistry
from .views import ViewMagics

_FLEET_FLAG = re.compile(r"(^|\s)--fleet(\s|$)")


def _has_fleet_flag(line: str) -> bool:
    return bool(_FLEET_FLAG.search(line))


class FleetCellFunction:
    """A function of a ``%%belay_task --fleet`` cell: calling it calls it on every board of its fleet.

    Returns a `FleetResult` (a table in the notebook), or a `FleetStream` of ``(name, value)`` pairs for a
    generator (``%belay_plot --fleet f(...)`` plots it, one series per board). Each board's printed output goes
    to its own labelled area of the calling cell.
    """

    def __init__(self, function: Any, fleet: Fleet, areas: BoardAreas):
        self.function = function
        self.fleet = fleet
        self._areas = areas
        self.__name__ = function.__name__
        self.__doc__ = function.__doc__
        self.__wrapped__ = function

    @property
    def streams(self) -> bool:
        """Whether calling gives a stream (a generator task)."""
        return self.function.streams

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Call it on every board of its fleet, with each board's output in its area of the running cell."""
        with self._areas.calling(self.fleet):
            return self.function(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<fleet task {self.__name__} on {', '.join(self.function.on)}>"


@magic_arguments(name="belay")
@argument("--fleet", action="store_true", help="Evaluate on every board of the current fleet (see %%belay_fleet).")
@argument("expression", nargs="*", help="Expression to evaluate on every board (line form).")
def _belay_fleet_form():
    """With --fleet: evaluate EXPRESSION (or run the cell) on every board of the current fleet at once.

    The result is a FleetResult (board → value), shown as a table with one row per board; a board that failed
    shows its error in its row. Each board's printed output goes to its own labelled area of the cell.
    """


@magic_arguments(name="belay_task")
@argument("--fleet", action="store_true", help="Define the functions on every board of the current fleet.")
def _task_fleet_form():
    """With --fleet: define each ``def`` of the cell on every board of the current fleet (see %belay_fleet).

    Calling a function then runs it on every board at once and returns a FleetResult (board → value, a table
    in the notebook, `.errors`, `.to_dataframe()`); a generator gives a FleetStream of (board, value) pairs,
    which %belay_plot --fleet plots. Each board's printed output goes to its own labelled area of the cell.
    """


@magic_arguments(name="belay_plot")
@argument("--fleet", action="store_true", help="Plot a fleet generator task call: one series per board.")
@argument("--window", "-w", type=int, default=200, help="Values per series shown at a time.")
@argument("--fps", type=float, default=20.0, help="Redraws per second at most.")
@argument("call", nargs="+", help="A fleet generator task call, e.g. read_adc(100).")
def _plot_fleet_form():
    """With --fleet: plot what a fleet generator task yields, live, one series per board; return the FleetPlot.

    `.values` holds every (board, value) pair, `.series(board)` one board's numbers, `.result` a DataFrame
    with one column per board, `.errors` the boards whose generator failed; Stop stops every board.
    """


def _with_fleet_form(magic: Callable, own: Callable, form: Callable) -> Callable:
    """`magic`'s help with the ``--fleet`` form's after it (``%belay?`` shows both)."""
    own.__doc__ = f"{magic.__doc__ or ''}\n\n{form.__doc__}"
    return own


@with_short_errors
@magics_class
class FleetMagics(Magics):
    """Many named boards at once: make a fleet of connected boards current, define and run code on all of them."""

    def __init__(self, shell, devices: DeviceRegistry):
        super().__init__(shell=shell)
        self._devices = devices
        self._fleet: Optional[Fleet] = None
        self._areas: Optional[BoardAreas] = None
        register_result_display(shell)

    @property
    def fleet(self) -> Optional[Fleet]:
        """The current fleet (None before %belay_fleet)."""
        return self._fleet

    @property
    def areas(self) -> Optional[BoardAreas]:
        """The output areas of the current fleet's boards (None before %belay_fleet)."""
        return self._areas

    # -- %belay_fleet ---------------------------------------------------------------------------------------

    @magic_arguments()
    @argument("names", nargs="*", help="Boards to drive together: NAME,NAME,... as given to %%belay_connect --name.")
    @argument("--all", "-a", action="store_true", help="Every connected board, in the order they connected.")
    @argument("--name", "-n", default="fleet", help="Variable the Fleet is bound to.")
    @argument("--timeout", "-t", type=float, default=None, help="Seconds each board's call may take (default: none).")
    @argument(
        "--on-lost",
        choices=ON_LOST,
        default="skip",
        help="What a call does with a board whose link was lost: leave it out, or reconnect it first.",
    )
    @line_magic
    def belay_fleet(self, line):
        """Make a fleet of connected boards current: %belay --fleet, %%belay_task --fleet use it.

        The boards are the Devices %belay_connect --name opened (not connected again); the Fleet is bound in the
        namespace under --name. Without names or --all: show the current fleet.

        Examples: ``%belay_fleet left,right`` · ``%belay_fleet --all --timeout 5``
        """
        args = parse_argstring(self.belay_fleet, line)
        names = [name for chunk in args.names for name in chunk.split(",") if name]
        if args.all and names:
            raise UsageError("%belay_fleet takes board names or --all, not both")
        if not args.all and not names:
            print(self._describe(self._current()))
            return
        if not args.name.isidentifier():
            raise UsageError(f"--name must be a Python identifier, not {args.name!r}")
        connected = self._devices.devices
        if args.all:
            names = list(connected)
            if not names:
                raise UsageError("no board connected: %belay_connect --name NAME PORT connects one")
        names = list(dict.fromkeys(names))
        unknown = [name for name in names if name not in connected]
        if unknown:
            known = ", ".join(connected) or "none"
            raise UsageError(f"no board named {', '.join(map(repr, unknown))} (connected: {known}); see %belay_devices")
        areas = BoardAreas(names)
        # The registry owns the Devices (%belay_disconnect closes them): this fleet is never closed, only dropped.
        self._fleet = Fleet.from_devices(
            {name: connected[name] for name in names},
            timeout=args.timeout,
            on_lost=args.on_lost,
            output=areas.live_stream,
        )
        self._areas = areas
        self.shell.user_ns[args.name] = self._fleet
        print(self._describe(self._fleet) + f" (bound to {args.name})")

    # -- the --fleet forms ------------------------------------------------------------------------------------

    @line_cell_magic
    def belay(self, line, cell=None):  # noqa: D102 (the docstring is %belay's and the --fleet form's)
        if not _has_fleet_flag(line):
            return self._other(ExecutionMagics).belay(line, cell)
        args = parse_argstring(_belay_fleet_form, line)
        fleet = self._current()
        with self._areas.calling(fleet):
            if cell is None:
                expression = " ".join(args.expression)
                if not expression:
                    raise UsageError("%belay --fleet EXPRESSION, or %%belay --fleet as a cell magic")
                return fleet(expression)
            if args.expression:
                raise UsageError("%%belay --fleet runs the cell: put the code in the cell, not on the line")
            location = SourceLocation(self.shell.compile.cache(cell, self.shell.execution_count), 1)
            result = fleet.apply(lambda device: run_cell(device.session, cell, location=location))
        values = {name: _shown(result[name]) for name in result.succeeded}
        return FleetResult(values, result.errors, fleet.names, result.skipped)

    belay = _with_fleet_form(ExecutionMagics.belay, belay, _belay_fleet_form)

    @line_cell_magic
    def belay_task(self, line, cell=None):  # noqa: D102 (the docstring is %%belay_task's and --fleet's)
        if not _has_fleet_flag(line):
            return self._other(ExecutionMagics).belay_task(line, cell)
        parse_argstring(_task_fleet_form, line)
        if cell is None or not cell.strip():
            raise UsageError("%%belay_task --fleet is a cell magic: put the code in the cell below it")
        fleet, areas = self._current(), self._areas

        def define(function):
            # Not inside `calling`: defining prints nothing as a rule, and an empty box of areas would show.
            return FleetCellFunction(fleet.task(function), fleet, areas)

        return self._other(ExecutionMagics)._define(cell, define)

    belay_task = _with_fleet_form(ExecutionMagics.belay_task, belay_task, _task_fleet_form)

    @line_magic
    def belay_plot(self, line):  # noqa: D102 (the docstring is %belay_plot's and the --fleet form's)
        if not _has_fleet_flag(line):
            return self._other(ViewMagics).belay_plot(line)
        args = parse_argstring(_plot_fleet_form, line)
        fleet = self._current()
        with self._areas.calling(fleet):
            stream = self.shell.ev(" ".join(args.call))
        if not isinstance(stream, FleetStream):
            raise UsageError(
                "%belay_plot --fleet needs a fleet generator task call, e.g. %belay_plot --fleet read_adc(100)"
            )
        from ..widgets.fleet_plot import fleet_plot

        return fleet_plot(stream, window=args.window, fps=args.fps)

    belay_plot = _with_fleet_form(ViewMagics.belay_plot, belay_plot, _plot_fleet_form)

    # -- helpers ----------------------------------------------------------------------------------------------

    def _other(self, magics_class: type) -> Any:
        """The registered instance of the magics class this one stands in front of."""
        return self.shell.magics_manager.registry[magics_class.__name__]

    def _current(self) -> Fleet:
        """The current fleet, checked against the registry: its boards must still be the connected ones."""
        fleet = self._fleet
        if fleet is None:
            raise UsageError("no fleet: %belay_fleet NAME,NAME,... (or --all) makes one of the connected boards")
        stale = [name for name, device in fleet.boards.items() if self._devices.devices.get(name) is not device]
        if stale:
            raise UsageError(
                f"board {', '.join(map(repr, stale))} was disconnected or connected again since %belay_fleet; "
                "run %belay_fleet again"
            )
        return fleet

    @staticmethod
    def _describe(fleet: Fleet) -> str:
        lost = f", lost: {', '.join(fleet.lost)}" if fleet.lost else ""
        return f"Fleet of {len(fleet)} board{'s' if len(fleet) != 1 else ''}: {', '.join(fleet.names)}{lost}"


def _shown(cell_result: Any) -> Any:
    """A board cell's result as the table shows it: the board's repr of the last expression, or None."""
    value_repr = getattr(cell_result, "value_repr", None)
    return None if value_repr is None else BoardValue(value_repr)


__all__ = ["FleetCellFunction", "FleetMagics"]
