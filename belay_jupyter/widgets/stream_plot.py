"""StreamPlot: a bqplot live plot of a generator stream, consumed on a worker thread so its Stop button works."""

import atexit
import contextlib
import threading
import time
from typing import Any, Callable, Optional

import bqplot
import ipywidgets
import numpy

from .frontend import execution_count, terminal_ipython, widget_frontend
from .series import SeriesTable
from .static_image import series_png
from .throttle import FrameThrottle

RUNNING, STOPPED, FINISHED, FAILED = "running", "stopped", "finished", "failed"


class StreamPlot:
    """Draw what a stream yields as it arrives; keep every value.

    The stream is consumed on a daemon thread, so the cell that made the plot returns at once and the
    kernel goes on handling widget messages (the Stop and Pause buttons). Redraws are limited to `fps` a
    second whatever the rate of values; the figure shows the last `window` values.

    Parameters
    ----------
    stream : iterable
        Numbers, tuples or lists of numbers (one series per position) or dicts of named series; usually a
        generator task's stream. One with ``request_stop()`` (a TaskStream) is interrupted on the board by
        Stop; any other iterable stops before its next value.
    window : int
        Values drawn at a time.
    fps : float
        Redraws per second at most.
    title : str, optional
        Figure title.
    clock : callable
        Monotonic seconds for the frame-rate limit (tests inject one).
    background : bool
        Consume on a worker thread; False consumes in `start`'s caller (tests).
    trailing_frame : bool
        Draw values that arrived after the last frame once the frame interval has passed, even if no further
        value comes (a timer thread); tests turn it off to count frames deterministically.

    Notes
    -----
    `state` is "running", then "finished" (the stream ended), "stopped" (by `stop`) or "failed"; "failed"
    always comes with `error`: the stream raised, or closing it after a stop raised (a task's ``finally``).
    """

    def __init__(
        self,
        stream: Any,
        *,
        window: int = 200,
        fps: float = 20.0,
        title: Optional[str] = None,
        clock: Callable[[], float] = time.monotonic,
        background: bool = True,
        trailing_frame: bool = True,
    ):
        if window < 1:
            raise ValueError(f"window must be at least 1 value, not {window}")
        self.window = window
        self.title = title
        self.state = RUNNING
        self.error: Optional[BaseException] = None
        self.redraws = 0
        self._stream = stream
        self._table = SeriesTable()
        self._table_lock = threading.Lock()
        self._draw_lock = threading.Lock()
        self._throttle = FrameThrottle(fps, clock)
        self._background = background
        self._trailing_frame = trailing_frame
        self._timer: Optional[threading.Timer] = None
        self._stop_requested = False
        self._ended = threading.Event()
        self._thread: Optional[threading.Thread] = None
        self._display_handle: Any = None
        self._shown_in_cell: Optional[int] = None
        self._build_widgets()

    # -- widgets ------------------------------------------------------------------------------------------

    def _build_widgets(self) -> None:
        x_scale, y_scale = bqplot.LinearScale(), bqplot.LinearScale()
        self.lines = bqplot.Lines(x=[], y=[], scales={"x": x_scale, "y": y_scale}, display_legend=False)
        axes = [
            bqplot.Axis(scale=x_scale, label="sample"),
            bqplot.Axis(scale=y_scale, side="left", tick_format=".6~g"),
        ]
        self.figure = bqplot.Figure(
            marks=[self.lines],
            axes=axes,
            title=self.title or "",
            animation_duration=0,
            layout=ipywidgets.Layout(width="100%", height="320px"),
        )
        self.pause_button = ipywidgets.ToggleButton(description="Pause", value=False, tooltip="Freeze the drawing")
        self.pause_button.add_class("belay-plot-pause")
        self.pause_button.observe(self._on_pause, names="value")
        self.stop_button = ipywidgets.Button(description="Stop", tooltip="Stop the task on the board")
        self.stop_button.add_class("belay-plot-stop")
        self.stop_button.on_click(lambda _button: self.stop())
        self.count_label = ipywidgets.Label(value="0 values")
        self.count_label.add_class("belay-plot-count")
        self.state_label = ipywidgets.Label(value=RUNNING)
        self.state_label.add_class("belay-plot-state")
        controls = ipywidgets.HBox([self.pause_button, self.stop_button, self.count_label, self.state_label])
        self.widget = ipywidgets.VBox([self.figure, controls])
        self.widget.add_class("belay-plot")

    @property
    def paused(self) -> bool:
        """Whether drawing is frozen (values are still collected)."""
        return self.pause_button.value

    def pause(self, paused: bool = True) -> None:
        """Freeze (or resume) drawing; values are still collected."""
        self.pause_button.value = paused

    def _on_pause(self, change: dict) -> None:
        if not change["new"]:
            self._draw()

    # -- values ---------------------------------------------------------------------------------------------

    @property
    def values(self) -> list:
        """Every value received so far (a copy)."""
        with self._table_lock:
            return list(self._table.values)

    @property
    def result(self) -> Any:
        """Every value so far as a pandas DataFrame (one column per series), or a list without pandas."""
        with self._table_lock:
            return self._table.table()

    def __len__(self) -> int:
        return len(self._table)

    # -- running ------------------------------------------------------------------------------------------

    def start(self) -> "StreamPlot":
        """Start consuming the stream (on a worker thread unless `background` is False); return self."""
        if self._thread is not None or self._ended.is_set():
            return self
        if not self._background:
            self._consume()
            return self
        atexit.register(self._stop_at_exit)
        self._thread = threading.Thread(target=self._consume, name="belay-plot", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the stream: a task is interrupted on the board (its ``finally`` runs); values so far are kept."""
        if self._ended.is_set():
            return
        self._stop_requested = True
        request_stop = getattr(self._stream, "request_stop", None)
        if request_stop is not None:
            request_stop()

    def wait(self, timeout: Optional[float] = None) -> Any:
        """Block until the stream ends and return every value (`result`).

        Raises
        ------
        TimeoutError
            The stream still runs after `timeout` seconds.
        Exception
            The stream failed: its error (also in `error`).
        """
        self.start()
        if not self._ended.wait(timeout):
            raise TimeoutError(f"waited {timeout} s for the stream to end; it still runs (stop() ends it)")
        self._update_display()  # from the waiting cell, so a saved notebook gets the final image
        if self.error is not None:
            raise self.error
        return self.result

    def _consume(self) -> None:
        try:
            for value in self._stream:
                with self._table_lock:
                    self._table.add(value)
                if self._stop_requested and not hasattr(self._stream, "request_stop"):
                    break
                self._offer_frame()
        except Exception as error:
            self.error = error
            self.state = FAILED
        else:
            self.state = STOPPED if self._stop_requested else FINISHED
        finally:
            self._finish()

    def _finish(self) -> None:
        try:
            if self._timer is not None:
                self._timer.cancel()
            close = getattr(self._stream, "close", None)
            if self._stop_requested and close is not None:
                try:
                    close()
                except Exception as error:
                    # The stream's cleanup failed (a generator's `finally` raised): a failure like any other,
                    # so `wait` raises it rather than the thread printing it; the values so far are kept.
                    if self.error is None:
                        self.error, self.state = error, FAILED
            self.pause_button.disabled = True
            self.stop_button.disabled = True
            self.state_label.value = self.state if self.error is None else f"{self.state}: {self.error!r}"
            self._draw(force=True)
        finally:
            self._ended.set()  # whatever failed above, `wait` must not wait for a stream that has ended
            atexit.unregister(self._stop_at_exit)
        self._update_display()

    def _stop_at_exit(self) -> None:
        # The kernel is shutting down: free the board before Device.close (registered earlier) needs the link.
        self.stop()
        if self._thread is not None:
            self._thread.join(5)

    # -- drawing ----------------------------------------------------------------------------------------

    def _offer_frame(self) -> None:
        if self._throttle.ready():
            self._draw()
        elif self._trailing_frame and self._timer is None:
            self._timer = threading.Timer(self._throttle.delay(), self._trailing)
            self._timer.daemon = True
            self._timer.start()

    def _trailing(self) -> None:
        self._timer = None
        if not self._ended.is_set() and self._throttle.ready():
            self._draw()

    def _draw(self, force: bool = False) -> None:
        with self._draw_lock:
            with self._table_lock:
                count = len(self._table)
                frozen = self.paused and not force
                if not frozen:
                    x, ys = self._table.window(self.window)
                    names = list(self._table.names)
            self.redraws += 1
            self.count_label.value = f"{count} values"
            if frozen:
                return
            if len(x) < 2:
                # bqplot squeezes y: a lone point would read as one point per series. A line needs two anyway.
                x, ys = [], []
            with self.lines.hold_sync():
                self.lines.x = numpy.asarray(x, dtype=float)
                self.lines.y = numpy.asarray(ys[0] if len(ys) == 1 else ys, dtype=float)
                self.lines.labels = [str(name) for name in names]
                self.lines.display_legend = len(names) > 1

    # -- display ----------------------------------------------------------------------------------------

    def png(self) -> bytes:
        """A PNG of every value so far (matplotlib, Agg)."""
        with self._table_lock:
            table = SeriesTable(list(self._table.values), list(self._table.rows), list(self._table.names))
        return series_png(table, self.title)

    def __repr__(self) -> str:
        return f"<StreamPlot {self.state}: {len(self._table)} values>"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict:
        if terminal_ipython() or (include is not None and "image/png" not in include):
            return {"text/plain": repr(self)}  # text is all that is shown: no PNG to render
        if self._shown_in_cell is not None and self._shown_in_cell == execution_count():
            # `plot(...)` as a cell's last expression: the plot is on screen already, above this result.
            return {"text/plain": repr(self)}
        return self._bundle()

    def _bundle(self) -> dict:
        bundle = {"text/plain": repr(self), "image/png": self.png()}
        if widget_frontend():
            bundle.update(self.widget._repr_mimebundle_())
            bundle["text/plain"] = repr(self)
        return bundle

    def show(self) -> "StreamPlot":
        """Display the plot with a display id, so its output is replaced by the final image when it ends.

        In a terminal (no kernel, so no widget or rich front end) the text repr is printed once and the plot
        keeps no display: updating one would print again from the worker thread at any moment.
        """
        from IPython.display import display

        if not widget_frontend():
            display({"text/plain": repr(self)}, raw=True)
            return self
        self._display_handle = display(self._bundle(), raw=True, display_id=True)
        self._shown_in_cell = execution_count()
        return self

    def _update_display(self) -> None:
        if self._display_handle is None:
            return
        # The kernel may be shutting down; the widget view is up to date anyway.
        with contextlib.suppress(Exception):
            self._display_handle.update(self._bundle(), raw=True)


def plot(stream: Any, window: int = 200, fps: float = 20.0, *, title: Optional[str] = None) -> StreamPlot:
    """Plot a stream live and return the StreamPlot; the cell returns at once.

    In a kernel the plot is displayed (a live widget and, once the stream ends, a static image); in a terminal
    it is only started.

    Parameters
    ----------
    stream : iterable
        A generator task call (``read_adc(1000)``) or any iterable of numbers, tuples/lists of numbers, or dicts
        of named series.
    window : int
        Values drawn at a time.
    fps : float
        Redraws per second at most.
    title : str, optional
        Figure title.

    Returns
    -------
    StreamPlot
        ``.values`` (every value), ``.result`` (a DataFrame), ``.wait()``, ``.stop()``, ``.state``, ``.error``.
    """
    live = StreamPlot(stream, window=window, fps=fps, title=title)
    if widget_frontend():
        live.show()  # a terminal gets nothing printed: the returned plot's repr, if it is the cell's value
    return live.start()
