"""A fleet in a notebook: each board's printed output in its own labelled area, and a FleetResult as a table.

Where a board's output goes depends on the front end:

- a kernel with ipywidgets: one labelled ``ipywidgets.Output`` per board, in a box displayed by the cell that
  made the call (worker threads append to the areas: widget updates reach the cell even after it finished,
  as a fleet plot's stream goes on);
- a kernel without ipywidgets: one display per board (``display_id``), updated with the board's text;
- terminal IPython: lines tagged ``[name]`` on stdout, as the engine does by default.
"""

import html
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Callable, Optional, TextIO

from belay_engine.fleet_output import BoardOutput, TaggedLines
from belay_engine.fleet_result import FleetResult

from .frontend import execution_count, terminal_ipython, widget_frontend

WIDGETS, DISPLAY, TEXT = "widgets", "display", "text"


def output_mode() -> str:
    """How board output is shown here: "widgets", "display" (a kernel without ipywidgets) or "text"."""
    if widget_frontend():
        return WIDGETS
    if terminal_ipython() or sys.modules.get("IPython") is None:
        return TEXT
    return DISPLAY


def _host_stdout() -> TextIO:
    # While fleet calls run, sys.stdout is the engine's per-thread router; tagged lines go to what it wraps.
    stdout = sys.stdout
    return getattr(stdout, "fallback", stdout)


#: Seconds a board's text waits before it is shown, so a chatty board sends a few updates a second, not one per
#: write (each update carries the area's whole text). A call's end shows what is left at once.
FLUSH_INTERVAL = 0.1


class _Area:
    """One board's output area: text is gathered and shown at most every `FLUSH_INTERVAL` seconds."""

    def __init__(self, name: str):
        self.name = name
        self.text = ""
        self._pending = ""
        self._timer: Optional[threading.Timer] = None
        self._lock = threading.Lock()

    def write(self, text: str) -> None:
        with self._lock:
            self._pending += text
            if self._timer is None:
                self._timer = threading.Timer(FLUSH_INTERVAL, self.flush)
                self._timer.daemon = True
                self._timer.start()

    def flush(self) -> None:
        """Show the text gathered so far."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if not self._pending:
                return
            self.text += self._pending
            self._pending = ""
            self._show()  # under the lock: two flushes must not show their text out of order

    def _show(self) -> None:
        raise NotImplementedError


class _WidgetArea(_Area):
    """One board's labelled Output widget."""

    def __init__(self, name: str):
        super().__init__(name)
        import ipywidgets

        self.label = ipywidgets.HTML(value=f"<b>{html.escape(name)}</b>")
        self.label.add_class("belay-fleet-board-label")
        self.output = ipywidgets.Output()
        self.output.add_class("belay-fleet-board-output")
        self.widget = ipywidgets.VBox([self.label, self.output])
        self.widget.add_class("belay-fleet-board")

    def _show(self) -> None:
        # Set `outputs`, not `with output:` (which captures the main thread's output only): safe from a worker.
        # One stream item with all the text, as a notebook would store the cell's stdout.
        self.output.outputs = ({"output_type": "stream", "name": "stdout", "text": self.text},)


class _DisplayArea(_Area):
    """One board's display (with a display id), updated with everything the board printed."""

    def __init__(self, name: str):
        super().__init__(name)
        self._handle: Any = None

    def bundle(self) -> dict:
        return {
            "text/plain": f"[{self.name}]\n{self.text}",
            "text/html": (
                f"<div class='belay-fleet-board'><b>{html.escape(self.name)}</b>"
                f"<pre>{html.escape(self.text)}</pre></div>"
            ),
        }

    def _show(self) -> None:
        from IPython.display import display

        if self._handle is None:
            self._handle = display(self.bundle(), raw=True, display_id=True)
        else:
            self._handle.update(self.bundle(), raw=True)


class _AreaStream:
    """The text stream a board's output is written to: it goes to that board's area of one group."""

    def __init__(self, group: "AreaGroup", name: str):
        self._group = group
        self._name = name

    def write(self, text: str) -> int:
        if text:
            self._group.area(self._name).write(text)
        return len(text)

    def flush(self) -> None:
        """Nothing to do: text is shown in batches, and all of it when the call ends (`flush_partial`)."""

    def flush_partial(self) -> None:
        """The board's call ended (the engine calls this): show its text now."""
        area = self._group.areas.get(self._name)
        if area is not None:
            area.flush()


class AreaGroup:
    """The output areas of one cell's fleet calls: one per board, made when the board first prints.

    Parameters
    ----------
    order : sequence of str
        The fleet's boards, the order areas are shown in.
    mode : str
        "widgets", "display" or "text" (see `output_mode`).
    """

    def __init__(self, order: Sequence[str], mode: str):
        self.order = list(order)
        self.mode = mode
        self.areas: dict[str, Any] = {}
        self._lines: dict[str, TaggedLines] = {}
        self._lock = threading.Lock()
        self.box: Any = None
        if mode == WIDGETS:
            import ipywidgets

            self.box = ipywidgets.VBox([])
            self.box.add_class("belay-fleet-output")

    def show(self) -> None:
        """Display the (empty until a board prints) box of widget areas in the running cell."""
        if self.box is not None:
            from IPython.display import display

            display(self.box)

    def stream(self, name: str) -> TextIO:
        """The stream for board `name`'s output (the engine's `BoardOutput` factory)."""
        if self.mode == TEXT:
            with self._lock:
                if name not in self._lines:
                    self._lines[name] = TaggedLines(name, _host_stdout)
                return self._lines[name]
        return _AreaStream(self, name)  # type: ignore[return-value]

    def area(self, name: str) -> Any:
        """Board `name`'s area (a `_WidgetArea` or `_DisplayArea`), made on first use."""
        with self._lock:
            area = self.areas.get(name)
            if area is None:
                area = self.areas[name] = _WidgetArea(name) if self.mode == WIDGETS else _DisplayArea(name)
                if self.box is not None:
                    rank = {board: index for index, board in enumerate(self.order)}
                    shown = sorted(self.areas, key=lambda board: rank.get(board, len(rank)))
                    self.box.children = tuple(self.areas[board].widget for board in shown)
            return area

    def text(self, name: str) -> str:
        """What board `name` printed into this group and is shown (widgets and displays)."""
        area = self.areas.get(name)
        return "" if area is None else area.text


class _LiveStream:
    """A board's stream that finds its group at each write: the group of the cell running then."""

    def __init__(self, areas: "BoardAreas", name: str):
        self._areas = areas
        self._name = name
        self._last: Optional[TextIO] = None

    def write(self, text: str) -> int:
        self._last = target = self._areas.group().stream(self._name)
        return target.write(text)

    def flush(self) -> None:
        """Nothing to flush here."""

    def flush_partial(self) -> None:
        """The board's call ended: show what it wrote (in the group it wrote to, whatever cell runs now)."""
        flush_partial = getattr(self._last, "flush_partial", None)
        if flush_partial is not None:
            flush_partial()


class BoardAreas:
    """The output areas of a fleet's boards in a notebook: a new group of areas per cell.

    The fleet is made with ``output=areas.live_stream``: output of calls made outside the magics goes to the
    areas of the cell running at the time. The magics and the functions of ``%%belay_task --fleet`` cells run
    their calls inside `calling`, which shows the cell's group first and pins the call's output to it (a
    generator's boards keep printing into the cell that started them).

    Parameters
    ----------
    names : sequence of str
        The fleet's boards, in order.
    mode : callable
        Returns the output mode at the time a group is made (see `output_mode`).
    """

    def __init__(self, names: Sequence[str], mode: Callable[[], str] = output_mode):
        self.names = list(names)
        self._mode = mode
        self._lock = threading.Lock()
        self._group: Optional[AreaGroup] = None
        self._cell: Any = None

    def group(self, show: bool = True) -> AreaGroup:
        """The group of the running cell, made (and, with widgets, shown) when the cell has none yet."""
        with self._lock:
            cell = execution_count()
            if self._group is None or cell != self._cell:
                self._group, self._cell = AreaGroup(self.names, self._mode()), cell
                fresh = True
            else:
                fresh = False
            group = self._group
        if fresh and show:
            group.show()
        return group

    def live_stream(self, name: str) -> TextIO:
        """The fleet's output factory: board `name`'s stream, going to the running cell's group."""
        return _LiveStream(self, name)  # type: ignore[return-value]

    @contextmanager
    def calling(self, fleet: Any) -> Iterator[AreaGroup]:
        """Run a fleet call of the running cell: its group is shown, and the call's board output goes to it.

        The engine reads the fleet's output when a call starts (a generator task's stream keeps it), so the
        fleet's output is set to this group's for the block and put back after.
        """
        group = self.group()
        previous = fleet._output
        fleet._output = BoardOutput(group.stream)
        try:
            yield group
        finally:
            fleet._output = previous


# -- FleetResult as a table ---------------------------------------------------------------------------------


def error_summary(error: BaseException) -> str:
    """One line for a board's error: the last line of a board traceback, else ``Type: message``."""
    text = str(error).strip()
    last = text.splitlines()[-1].strip() if text else ""
    name = type(error).__name__
    if not last:
        return name
    if "Traceback (most recent call last)" in text:
        return last  # the board's own "ZeroDivisionError: divide by zero"
    return f"{name}: {last}"


def _value_text(value: Any) -> str:
    return repr(value)


def result_rows(result: FleetResult) -> list[tuple[str, str, str]]:
    """``(board, value, error)`` text per board of `result`, in fleet order; skipped boards last."""
    errors = result.errors
    rows = []
    for name in result:
        if name in errors:
            rows.append((name, "", error_summary(errors[name])))
        else:
            rows.append((name, _value_text(result[name]), ""))
    for name in result.skipped:
        rows.append((name, "", "skipped: its link is lost (on_lost='skip')"))
    return rows


def result_html(result: FleetResult) -> str:
    """`result` as an HTML table (pandas' look: class ``dataframe``), one row per board, errors in their row."""
    errors = result.errors
    lines = [
        "<table class='dataframe belay-fleet-result'>",
        "<thead><tr><th>board</th><th>value</th><th>error</th></tr></thead>",
        "<tbody>",
    ]
    for name, value, error in result_rows(result):
        full = errors.get(name)
        # The whole error (a board traceback) as the cell's tooltip; &#10; keeps its lines and the row on one line.
        tooltip = html.escape(str(full).strip(), quote=True).replace("\n", "&#10;") if full is not None else ""
        title = f" title='{tooltip}'" if tooltip else ""
        style = " style='color: var(--jp-error-color1, #c00)'" if error else ""
        lines.append(
            f"<tr class='belay-fleet-row{' belay-fleet-error' if error else ''}'>"
            f"<th>{html.escape(name)}</th><td><pre>{html.escape(value)}</pre></td>"
            f"<td{style}{title}>{html.escape(error)}</td></tr>"
        )
    lines += ["</tbody>", "</table>"]
    return "\n".join(lines)


def result_text(result: FleetResult) -> str:
    """`result` as an aligned text table (terminal IPython)."""
    rows = [("board", "value", "error"), *result_rows(result)]
    widths = [max(len(row[column].splitlines()[0]) if row[column] else 0 for row in rows) for column in range(2)]
    lines = []
    for name, value, error in rows:
        value = value.splitlines()[0] if value else ""
        lines.append(f"{name:<{widths[0]}}  {value:<{widths[1]}}  {error}".rstrip())
    return "\n".join(lines)


def register_result_display(shell: Any) -> None:
    """Make `shell` show every FleetResult as a table (HTML in a notebook, aligned text in a terminal)."""
    formatters = shell.display_formatter.formatters
    formatters["text/html"].for_type(FleetResult, result_html)
    formatters["text/plain"].for_type(FleetResult, lambda result, printer, cycle: printer.text(result_text(result)))
