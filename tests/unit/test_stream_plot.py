"""StreamPlot without a board: every value kept, redraws bounded by the frame rate, series, Pause, Stop, image."""

import math
import threading

import pandas
import pytest

from belay_jupyter.widgets import stream_plot
from belay_jupyter.widgets.series import SeriesTable, value_points
from belay_jupyter.widgets.stream_plot import StreamPlot
from belay_jupyter.widgets.throttle import FrameThrottle

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class FakeClock:
    """Seconds that advance by `step` on every reading."""

    def __init__(self, step):
        self.step = step
        self.now = 0.0

    def __call__(self):
        self.now += self.step
        return self.now


def run(values, **options):
    """A StreamPlot consumed in this thread, with a fake clock unless one is given."""
    options.setdefault("clock", FakeClock(0.001))
    return StreamPlot(iter(values), background=False, trailing_frame=False, **options).start()


def test_every_value_of_a_fast_stream_is_kept_and_redraws_are_bounded():
    clock = FakeClock(0.001)  # one clock reading per value: 100 000 values span 100 fake seconds
    live = run(range(100_000), fps=20.0, clock=clock)
    assert live.values == list(range(100_000))
    assert live.state == "finished"
    # At most one frame per 1/20 s of the 100 s, plus the final frame; never one per value.
    assert live.redraws <= 100 * 20 + 2
    assert live.redraws >= 100 * 20 // 2


def test_the_figure_shows_the_rolling_window_of_the_last_values():
    live = run(range(1000), window=50)
    assert list(live.lines.x) == list(range(950, 1000))
    assert list(live.lines.y) == list(range(950, 1000))
    assert live.count_label.value == "1000 values"


def test_tuples_give_one_series_per_position():
    live = run([(1, 10), (2, 20), (3, 30)])
    assert live.lines.y.tolist() == [[1, 2, 3], [10, 20, 30]]
    assert live.lines.labels == ["0", "1"]
    assert live.lines.display_legend
    assert live.result.values.tolist() == [[1, 10], [2, 20], [3, 30]]


def test_dicts_give_named_series_with_gaps_where_a_name_is_missing():
    live = run([{"a": 1, "b": 2}, {"a": 3}, {"a": 5, "b": 6}])
    a, b = live.lines.y.tolist()
    assert a == [1, 3, 5]
    assert b[0] == 2
    assert math.isnan(b[1])
    assert b[2] == 6
    table = live.result
    assert list(table.columns) == ["a", "b"]
    assert table["a"].tolist() == [1, 3, 5]


def test_numbers_give_one_series_named_value():
    table = run([1, 2.5, 3]).wait()
    assert isinstance(table, pandas.DataFrame)
    assert list(table.columns) == ["value"]
    assert table["value"].tolist() == [1, 2.5, 3]


def test_values_that_are_not_numbers_are_kept_but_not_drawn():
    assert value_points("text") == {"value": pytest.approx(math.nan, nan_ok=True)}
    live = run([1, "oops", 3])
    assert live.values == [1, "oops", 3]


def test_a_lone_point_draws_nothing_yet():
    live = run([7])
    assert live.lines.x.tolist() == []
    assert live.count_label.value == "1 values"


def test_pause_freezes_drawing_while_values_are_still_collected():
    table = []

    def stream():
        yield from range(10)
        live.pause()
        yield from range(10, 500)
        table.extend(live.lines.x.tolist())

    live = StreamPlot(stream(), window=20, background=False, trailing_frame=False, clock=FakeClock(1.0))
    live.start()
    assert table == list(range(10))  # while paused, the figure kept the values from before the pause
    assert len(live.values) == 500
    live.pause(False)
    assert live.lines.x.tolist() == list(range(480, 500))


def test_stop_ends_a_plain_iterable_before_its_next_value():
    def endless():
        n = 0
        while True:
            n += 1
            if n == 100:
                live.stop()
            yield n

    live = StreamPlot(endless(), background=False, trailing_frame=False)
    live.start()
    assert live.state == "stopped"
    assert live.values == list(range(1, 101))
    assert live.stop_button.disabled


def test_a_failing_stream_is_reported_and_wait_raises_its_error():
    def broken():
        yield 1
        raise ValueError("sensor gone")

    live = StreamPlot(broken(), background=False)
    live.start()
    assert live.state == "failed"
    assert isinstance(live.error, ValueError)
    assert live.values == [1]
    with pytest.raises(ValueError, match="sensor gone"):
        live.wait()


def test_a_background_plot_returns_at_once_and_wait_gives_the_table():
    live = StreamPlot(iter(range(300)), fps=1000.0).start()
    table = live.wait(30)
    assert table["value"].tolist() == list(range(300))
    assert live.state == "finished"


def test_wait_with_a_timeout_on_a_running_stream_says_what_it_waited_for():
    release = threading.Event()

    def held():
        yield 1
        release.wait(30)
        yield 2

    live = StreamPlot(held()).start()
    with pytest.raises(TimeoutError, match="still runs"):
        live.wait(0.05)
    release.set()
    assert live.wait(30)["value"].tolist() == [1, 2]


def test_a_window_below_one_value_is_refused():
    with pytest.raises(ValueError, match="at least 1"):
        StreamPlot(iter(()), window=0)


def test_the_static_image_is_a_png_and_the_bundle_has_text(monkeypatch):
    # Not in terminal IPython, whatever shell earlier tests left behind: a front end that shows images.
    monkeypatch.setattr(stream_plot, "terminal_ipython", lambda: False)
    live = run([(i, i * i) for i in range(50)])
    bundle = live._repr_mimebundle_()
    assert bundle["image/png"].startswith(PNG_SIGNATURE)
    assert bundle["text/plain"] == "<StreamPlot finished: 50 values>"
    assert "application/vnd.jupyter.widget-view+json" not in bundle  # no kernel here: no widget view


def test_the_widget_carries_the_classes_the_browser_test_uses():
    live = run([1, 2])
    assert "belay-plot" in live.widget._dom_classes
    assert "belay-plot-pause" in live.pause_button._dom_classes
    assert "belay-plot-stop" in live.stop_button._dom_classes
    assert live.stop_button.description == "Stop"
    assert "belay-plot-count" in live.count_label._dom_classes


def test_frame_throttle_allows_one_frame_per_interval():
    clock = FakeClock(0.01)
    throttle = FrameThrottle(10.0, clock)
    frames = [throttle.ready() for _ in range(100)]  # one second of readings every 10 ms
    assert 9 <= sum(frames) <= 11
    assert frames[0]


def test_series_table_window_pads_missing_series_with_nan():
    table = SeriesTable()
    for value in (1, {"x": 2}):
        table.add(value)
    x, (value, named) = table.window(10)
    assert x == [0, 1]
    assert value[0] == 1
    assert math.isnan(value[1])
    assert math.isnan(named[0])
    assert named[1] == 2


def _cleanup_fails(stopper=None):
    try:
        n = 0
        while True:
            n += 1
            if stopper is not None and n == 3:
                stopper()
            yield n
    finally:
        raise RuntimeError("cleanup failed")


def test_a_stream_whose_close_raises_after_stop_ends_failed_with_that_error():
    live = StreamPlot(_cleanup_fails(lambda: live.stop()), background=False, trailing_frame=False)
    live.start()
    assert live.state == "failed"
    assert isinstance(live.error, RuntimeError)
    assert live.values == [1, 2, 3]
    assert live.stop_button.disabled
    assert live.state_label.value.startswith("failed: RuntimeError")
    with pytest.raises(RuntimeError, match="cleanup failed"):
        live.wait(1)


def test_a_background_stream_whose_close_raises_is_not_waited_for_forever():
    started = threading.Event()
    live = StreamPlot(_cleanup_fails(started.set)).start()
    assert started.wait(30)
    live.stop()
    with pytest.raises(RuntimeError, match="cleanup failed"):
        live.wait(30)
    assert live.state == "failed"


class _Shell:
    """What `get_ipython()` gives: a terminal shell has no kernel."""

    def __init__(self, kernel=None):
        self.kernel = kernel
        self.execution_count = 1


@pytest.fixture
def shown(monkeypatch):
    """Every display() call and every PNG rendered by stream_plot."""
    import IPython.display

    from belay_jupyter.widgets import stream_plot

    calls = {"display": [], "png": 0}

    def display(*objects, **options):
        calls["display"].append((objects, options))
        return _Handle(calls)

    def png(*args):
        calls["png"] += 1
        return PNG_SIGNATURE

    monkeypatch.setattr(IPython.display, "display", display)
    monkeypatch.setattr(stream_plot, "series_png", png)
    return calls


class _Handle:
    def __init__(self, calls):
        self.calls = calls

    def update(self, *objects, **options):
        self.calls["display"].append((objects, options))


def test_plot_in_a_terminal_only_starts_the_plot(monkeypatch, shown):
    import IPython

    from belay_jupyter.widgets.stream_plot import plot

    monkeypatch.setattr(IPython, "get_ipython", lambda: _Shell())
    live = plot(iter(range(5)))
    assert live.wait(30)["value"].tolist() == list(range(5))
    assert shown["display"] == []  # nothing printed by plot() nor later by the worker thread
    assert live._repr_mimebundle_() == {"text/plain": "<StreamPlot finished: 5 values>"}
    assert shown["png"] == 0


def test_plot_in_a_kernel_shows_the_widget_and_the_final_image(monkeypatch, shown):
    import IPython

    from belay_jupyter.widgets.stream_plot import plot

    monkeypatch.setattr(IPython, "get_ipython", lambda: _Shell(kernel=object()))
    live = plot(iter(range(5)))
    live.wait(30)
    first, *updates = shown["display"]
    assert first[1]["display_id"] is True
    assert "application/vnd.jupyter.widget-view+json" in first[0][0]
    assert updates  # the end replaced the output: the saved notebook has the final image
    assert updates[-1][0][0]["image/png"] == PNG_SIGNATURE
