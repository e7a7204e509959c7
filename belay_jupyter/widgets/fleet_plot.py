"""A live plot of a fleet generator task: one series per board, each drawn against its own sample count.

The boards' values arrive merged, as ``(name, value)`` pairs; drawn against the merged count each board's line
would be broken by the others' samples, so every series keeps its own x (bqplot Lines take one x row per line).
"""

import io
import math
import threading
from typing import Any, Optional

from attrs import define, field

from .frontend import widget_frontend
from .series import SCALAR, SeriesTable, value_points
from .stream_plot import StreamPlot


def series_name(board: str, key: Any) -> str:
    """The series of `key` in board `board`'s values: the board's name for plain numbers, else ``board.key``."""
    return board if key == SCALAR else f"{board}.{key}"


@define
class FleetSeries(SeriesTable):
    """Every ``(name, value)`` pair of a fleet stream, with each series' points in the order they came.

    `values` holds the pairs; `names` the series (one per board, or ``board.key`` for tuples and dicts).
    """

    points: dict = field(factory=dict)

    def add(self, pair: Any) -> None:
        """Keep one ``(name, value)`` pair and its points."""
        board, value = pair
        self.values.append(pair)
        for key, number in value_points(value).items():
            name = series_name(board, key)
            if name not in self.points:
                self.points[name] = []
                self.names.append(name)
            self.points[name].append(number)

    def window(self, size: int) -> tuple[list, list]:
        """The last `size` points of every series: x rows and y rows, padded with NaN to the longest.

        One series gives a flat x (what `StreamPlot` draws for one line); more give one x row per series.
        """
        xs, ys = [], []
        for name in self.names:
            points = self.points[name]
            start = max(0, len(points) - size)
            xs.append([float(index) for index in range(start, len(points))])
            ys.append(list(points[start:]))
        if len(xs) == 1:
            return xs[0], ys
        width = max((len(row) for row in xs), default=0)
        pad = [math.nan]
        return [row + pad * (width - len(row)) for row in xs], [row + pad * (width - len(row)) for row in ys]

    def series(self, name: str) -> list:
        """Every point of series `name` (a board's numbers), in order."""
        return list(self.points.get(name, []))

    def table(self) -> Any:
        """Every point as a pandas DataFrame: one column per series, row i is each board's i-th value.

        Without pandas: a dict of series name to its points.
        """
        try:
            import pandas
        except ImportError:
            return {name: list(points) for name, points in self.points.items()}
        return pandas.DataFrame({name: pandas.Series(points, dtype=float) for name, points in self.points.items()})


class _FleetPairs:
    """A FleetStream as `StreamPlot` consumes it: Stop closes every board's generator without blocking the kernel."""

    def __init__(self, stream: Any):
        self.stream = stream

    def __iter__(self) -> "_FleetPairs":
        return self

    def __next__(self) -> tuple:
        return next(self.stream)

    def request_stop(self) -> None:
        # Called from the widget's Stop button (the kernel's thread): closing joins every board's thread, so it
        # runs on its own thread; the consumer's next() ends once the boards have stopped.
        threading.Thread(target=self.stream.close, name="belay-fleet-plot-stop", daemon=True).start()

    def close(self) -> None:
        self.stream.close()


class FleetPlot(StreamPlot):
    """A `StreamPlot` of a fleet generator task: one line per board (``board.key`` for tuples and dicts).

    `values` holds every ``(name, value)`` pair, `result` a DataFrame with one column per series, `series(name)`
    one board's numbers, `errors` the boards whose generator failed. Stop ends every board's generator.
    """

    def __init__(self, stream: Any, **options: Any):
        self.fleet_stream = stream
        super().__init__(_FleetPairs(stream), **options)
        self._table = FleetSeries()

    @property
    def errors(self) -> dict:
        """Board name → exception of every board whose generator failed."""
        return self.fleet_stream.errors

    def series(self, name: str) -> list:
        """Every point of series `name` (usually a board's name) so far."""
        with self._table_lock:
            return self._table.series(name)

    def png(self) -> bytes:
        """A PNG of every series, each against its own sample count (matplotlib, Agg)."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        with self._table_lock:
            series = {name: list(points) for name, points in self._table.points.items()}
            count = len(self._table)
        figure = Figure(figsize=(6.4, 3.2), dpi=80)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        for name, points in series.items():
            axes.plot(range(len(points)), points, label=str(name), linewidth=1)
        if len(series) > 1:
            axes.legend(loc="upper right")
        axes.set_xlabel("sample")
        axes.set_title(self.title or f"{count} values")
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        return buffer.getvalue()

    def __repr__(self) -> str:
        return f"<FleetPlot {self.state}: {len(self._table)} values from {len(self._table.names)} series>"


def fleet_plot(stream: Any, window: int = 200, fps: float = 20.0, *, title: Optional[str] = None) -> FleetPlot:
    """Plot a fleet generator task's stream live, one series per board, and return the FleetPlot.

    Parameters
    ----------
    stream : FleetStream
        A fleet generator task call (``read_adc(100)`` of a ``%%belay_task --fleet`` cell).
    window : int
        Values per series drawn at a time.
    fps : float
        Redraws per second at most.
    title : str, optional
        Figure title.
    """
    live = FleetPlot(stream, window=window, fps=fps, title=title)
    if widget_frontend():
        live.show()
    return live.start()
