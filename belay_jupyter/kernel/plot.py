"""%plot in the MicroPython kernel: what a board generator yields, drawn live by the extension's StreamPlot.

Widgets work in this wrapper kernel: `setup_comms` gives it the comm manager an IPython kernel has (ipykernel's,
answering the front end's comm messages on the shell channel), so bqplot and ipywidgets open their comms
through the ``comm`` package as they do in IPython. The plot is shown as the widget plus a PNG
(`static_image`), so a front end without widgets (nbclient, a saved notebook) shows the image; the PNG is
replaced by the final one when the stream ends.

The cell returns once the first value has arrived; the board's generator is read on a worker thread
through a `TaskStream`, which another cell pauses while it runs. Stop ends it, as does a kernel interrupt
while no cell runs (an interrupt during a cell stops that cell, as always).
"""

import contextlib
import csv
import math
import re
import threading
import uuid
from pathlib import Path
from typing import Any, Optional

from belay_engine.streams import TaskStream

from ..widgets.series import SeriesTable
from ..widgets.stream_plot import StreamPlot
from .cell_output import CellOutput

_widget_targets_registered = False


def setup_comms(kernel: Any) -> None:
    """Give `kernel` (a wrapper kernel, no IPython shell) a comm manager, so widgets can talk to the front end.

    ipykernel's IPythonKernel does the same; here it is without the shell. ``comm.create_comm`` then makes
    comms that publish on this kernel's IOPub socket.
    """
    import comm
    from ipykernel.comm import CommManager
    from ipykernel.comm.comm import BaseComm

    manager = CommManager(kernel=kernel)
    comm.create_comm = BaseComm
    comm.get_comm_manager = lambda: manager
    kernel.comm_manager = manager
    for msg_type in ("comm_open", "comm_msg", "comm_close"):
        kernel.shell_handlers[msg_type] = getattr(manager, msg_type)


def _register_widget_targets() -> None:
    # Only with the first plot: importing ipywidgets costs the kernel's start otherwise.
    global _widget_targets_registered
    if not _widget_targets_registered:
        import ipywidgets

        ipywidgets.register_comm_target()
        _widget_targets_registered = True


class _FirstThen:
    """An iterator giving `first`, then what `stream` gives; its stop and close reach the stream."""

    def __init__(self, first: Any, stream: TaskStream):
        self._first: list = [first]
        self._stream = stream

    def __iter__(self) -> "_FirstThen":
        return self

    def __next__(self) -> Any:
        if self._first:
            return self._first.pop()
        return next(self._stream)

    def request_stop(self) -> None:
        self._stream.request_stop()

    def close(self) -> None:
        self._stream.close()


#: `%plot` options at the end of the line; what comes before them is the board expression, verbatim.
_OPTION = re.compile(r"\s*--(window|fps|save)(?:=|\s+)(\S+)\s*$")


def parse_plot_line(line: str) -> tuple[str, dict]:
    """Split a ``%plot`` line into its board expression and its options (``window``, ``fps``, ``save``).

    The expression is board source, kept verbatim (quotes and all); the options come after it.

    Raises
    ------
    ValueError
        An option's value is not a number.
    """
    options: dict = {}
    rest = line.strip()
    while True:
        match = _OPTION.search(rest)
        if match is None:
            break
        name, value = match.groups()
        options[name] = value if name == "save" else (int(value) if name == "window" else float(value))
        rest = rest[: match.start()].rstrip()
    return rest, options


def _cell(number: Optional[float]) -> Any:
    """A CSV cell: whole numbers without ``.0``; nothing for a missing or non-numeric value (NaN)."""
    if number is None or math.isnan(number):
        return ""
    return int(number) if number.is_integer() else number


class KernelPlots:
    """The kernel's live plots: started by ``%plot``, stopped by their Stop button, an idle interrupt or a reset."""

    def __init__(self, kernel: Any):
        self.kernel = kernel
        self.live: list[StreamPlot] = []
        #: The plot of the last ``%plot``, whose values ``%plot --save`` writes.
        self.last: Optional[StreamPlot] = None
        self._lock = threading.Lock()

    def start(self, device: Any, expression: str, *, window: int = 200, fps: float = 20.0) -> StreamPlot:
        """Plot what the board expression `expression` yields; return once its first value has arrived.

        Raises
        ------
        PyboardException
            The expression failed on the board (a name error, not iterable, the generator raised at once).
        ValueError
            It yielded nothing.
        """
        output = CellOutput(self.kernel)
        session = device.session
        stream = TaskStream(session, session.new_stream_key(), expression, stream_out=self.kernel.jobs.wrap(output))
        try:
            first = next(stream)
        except StopIteration:
            raise ValueError(f"{expression} yielded nothing to plot") from None
        except BaseException:
            stream.close()  # an interrupt while waiting for the first value: the board's generator goes too
            raise
        plot = StreamPlot(_FirstThen(first, stream), window=window, fps=fps, title=expression)
        with self._lock:
            self.live.append(plot)
            self.last = plot
        display_id = uuid.uuid4().hex
        output.display(self._bundle(plot), display_id)
        plot.start()
        threading.Thread(
            target=self._show_end, args=(plot, output, display_id), name="belay-plot-end", daemon=True
        ).start()
        return plot

    def _bundle(self, plot: StreamPlot) -> dict:
        bundle = {}
        try:
            _register_widget_targets()
            bundle.update(plot.widget._repr_mimebundle_() or {})
        except Exception:
            self.kernel.log.exception("the plot's widget cannot be shown")
        bundle.update({"text/plain": repr(plot), "image/png": plot.png()})
        return bundle

    def _show_end(self, plot: StreamPlot, output: CellOutput, display_id: str) -> None:
        """When the stream ends: the final image in place of the first, and the error, if it failed."""
        with contextlib.suppress(Exception):  # a failure is reported below, in the plot's cell
            plot.wait()
        with self._lock:
            if plot in self.live:
                self.live.remove(plot)
        output.display(self._bundle(plot), display_id, update=True)
        if plot.error is not None:
            output.write(f"%plot failed: {plot.error}\n", name="stderr")

    def stop_all(self) -> int:
        """Stop every live plot (their board generators' ``finally`` runs); return how many there were."""
        with self._lock:
            plots = list(self.live)
        for plot in plots:
            plot.stop()
        return len(plots)

    def wait_all(self, timeout: float = 10.0) -> None:
        """Wait (at most `timeout` seconds each) for the live plots to end."""
        with self._lock:
            plots = list(self.live)
        for plot in plots:
            with contextlib.suppress(Exception):  # a failed or unfinished plot is reported in its own cell
                plot.wait(timeout)

    def save(self, path: str) -> str:
        """Write the last plot's values so far as CSV (a ``sample`` column, one column per series) to `path`."""
        plot = self.last
        if plot is None:
            raise ValueError("no plot to save: %plot EXPR first")
        table = SeriesTable()
        for value in plot.values:
            table.add(value)
        target = Path(path).expanduser()
        with target.open("w", newline="") as file:
            writer = csv.writer(file)
            writer.writerow(["sample", *table.names])
            for sample, row in enumerate(table.rows):
                writer.writerow([sample, *(_cell(row.get(name)) for name in table.names)])
        return f"Saved {len(table)} values of {plot.title} to {target}"
