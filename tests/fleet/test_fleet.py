"""A Fleet in one process: calls on every board at once, what each board gave or raised, streams merged, sync."""

import socket
import time

import pytest

from belay_engine import BoardTimeoutError, Fleet, FleetResult, PyboardException

from ..board.test_sync import board_tree, make_tree
from .conftest import wait_for


def closed_port() -> str:
    """A ``socket://`` port where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"socket://127.0.0.1:{probe.getsockname()[1]}"


def test_a_task_runs_on_every_board_at_once_and_each_value_comes_back(fleet):
    @fleet.task
    def slow_square(x):
        import time

        time.sleep(1)
        return x * x

    start = time.monotonic()
    result = slow_square(7)
    elapsed = time.monotonic() - start
    assert isinstance(result, FleetResult)
    assert dict(result) == {"a": 49, "b": 49, "c": 49}
    assert result.ok
    assert result.errors == {}
    assert elapsed < 2.5, f"three 1 s calls took {elapsed:.1f} s: not at once"


def test_a_failing_board_entry_holds_its_exception_and_the_others_their_values(fleet):
    fleet("fail = False")
    fleet("fail = True", on=["b"])

    @fleet.task
    def divide(x):
        return 1 / 0 if fail else x

    result = divide(3)
    assert result.succeeded == {"a": 3, "c": 3}
    assert list(result.errors) == ["b"]
    assert isinstance(result["b"], PyboardException)
    assert "ZeroDivisionError" in str(result["b"])
    with pytest.raises(PyboardException) as raised:
        result.raise_first()
    assert raised.value.board == "b"
    frame = result.to_dataframe()
    assert list(frame.index) == ["a", "b", "c"]
    assert frame.loc["a", "value"] == 3
    assert frame.loc["b", "error"] is result["b"]


def test_an_expression_is_evaluated_on_every_board_and_on_some(fleet):
    assert dict(fleet("6 * 7")) == {"a": 42, "b": 42, "c": 42}
    assert dict(fleet("6 * 7", on=["a", "c"])) == {"a": 42, "c": 42}


def test_printed_output_is_kept_apart_per_board(fleet, outputs):
    @fleet.task
    def hello(n):
        for i in range(n):
            print("line", i)

    hello(3)
    for name in "abc":
        assert outputs[name].text == "line 0\nline 1\nline 2\n"


def test_without_an_output_factory_each_printed_line_is_tagged_with_its_board(capsys):
    with Fleet({"left": "virtual:", "right": "virtual:"}) as fleet:
        fleet("print('hi')")
    lines = sorted(capsys.readouterr().out.splitlines())
    assert lines == ["[left] hi", "[right] hi"]


def test_a_board_that_fails_to_connect_is_reported_by_name_and_the_rest_work():
    port = closed_port()
    with pytest.warns(UserWarning, match="'gone'"):
        fleet = Fleet({"here": "virtual:", "gone": port})
    with fleet:
        assert list(fleet.boards) == ["here"]
        assert list(fleet.failed) == ["gone"]
        assert dict(fleet("1 + 1")) == {"here": 2}


def test_a_board_over_its_timeout_is_interrupted_and_stays_usable(fleet):
    fleet("slow = False")
    fleet("slow = True", on=["c"])

    @fleet.task(timeout=1.5)
    def nap():
        import time

        time.sleep(30 if slow else 0)
        return "rested"

    start = time.monotonic()
    result = nap()
    assert time.monotonic() - start < 10
    assert result.succeeded == {"a": "rested", "b": "rested"}
    assert isinstance(result["c"], BoardTimeoutError)
    assert dict(fleet("1 + 1")) == {"a": 2, "b": 2, "c": 2}


def test_a_generator_task_yields_every_value_of_every_board_tagged_by_name(fleet):
    @fleet.task
    def count(n):
        for i in range(n):
            yield i

    pairs = list(count(50))
    assert len(pairs) == 150
    for name in "abc":
        assert [value for board, value in pairs if board == name] == list(range(50))


def test_closing_a_fleet_stream_stops_every_board_generator_and_runs_its_finally(fleet):
    fleet("closed = 0")

    @fleet.task
    def forever():
        import time

        global closed
        try:
            i = 0
            while True:
                yield i
                i += 1
                time.sleep_ms(5)
        finally:
            closed += 1

    stream = forever()
    seen = set()
    for name, _ in stream:
        seen.add(name)
        if seen == {"a", "b", "c"}:
            break
    stream.close()
    assert dict(fleet("closed")) == {"a": 1, "b": 1, "c": 1}
    assert dict(fleet("2 + 2")) == {"a": 4, "b": 4, "c": 4}


def test_leaving_a_for_loop_over_a_fleet_stream_stops_every_board(fleet):
    fleet("closed = 0")

    @fleet.task
    def forever():
        import time

        global closed
        try:
            while True:
                yield 1
                time.sleep_ms(5)
        finally:
            closed += 1

    for _ in forever():
        break  # the stream is dropped here
    wait_for(lambda: dict(fleet("closed")) == {"a": 1, "b": 1, "c": 1}, what="every board's finally")


def test_a_board_whose_generator_raises_ends_its_part_and_the_error_comes_after_every_value(fleet):
    fleet("fail = False")
    fleet("fail = True", on=["a"])

    @fleet.task
    def count(n):
        for i in range(n):
            if fail and i == 3:
                raise ValueError("three")
            yield i

    stream = count(10)
    pairs = []
    with pytest.raises(PyboardException, match="three") as raised:
        for pair in stream:
            pairs.append(pair)
    assert raised.value.board == "a"
    assert [value for board, value in pairs if board == "a"] == [0, 1, 2]
    assert [value for board, value in pairs if board == "b"] == list(range(10))
    assert list(stream.errors) == ["a"]


def test_sync_puts_the_folder_on_every_board_at_once(tmp_path):
    project = tmp_path / "project"
    make_tree(project, {"main.py": b"print('main')\n", "lib/tool.py": b"X = 1\n"})
    roots = {name: tmp_path / name for name in ("a", "b")}
    for root in roots.values():
        root.mkdir()
    reports = []
    with Fleet({name: f"virtual:{root}" for name, root in roots.items()}) as fleet:
        result = fleet.sync(project, progress_update=lambda name, **keywords: reports.append((name, keywords)))
        assert result.ok
        assert set(result) == {"a", "b"}
        assert dict(fleet("__import__('lib.tool').tool.X")) == {"a": 1, "b": 1}
    for root in roots.values():
        files, _ = board_tree(root)
        assert files["main.py"] == b"print('main')\n"
    assert {name for name, _ in reports} == {"a", "b"}
    assert any(keywords.get("description", "").startswith("Complete") for _, keywords in reports)


def test_sync_progress_shows_one_bar_per_board(tmp_path):
    import io

    from rich.console import Console

    from belay_engine.fleet_progress import FleetProgress

    project = tmp_path / "project"
    make_tree(project, {"data.bin": bytes(3000)})
    screen = io.StringIO()
    with (
        Fleet({"left": "virtual:", "right": "virtual:"}) as fleet,
        FleetProgress(fleet.names, console=Console(file=screen, width=100)) as progress,
    ):
        assert fleet.sync(project, progress_update=progress).ok
    assert all(counts.finished for counts in progress.counts.values())
    assert "left" in screen.getvalue()
    assert "right" in screen.getvalue()


def test_setup_thread_and_teardown_are_defined_on_every_board_or_on_some(tmp_path):
    roots = {name: tmp_path / name for name in ("a", "b")}
    for root in roots.values():
        root.mkdir()
    with Fleet({name: f"virtual:{root}" for name, root in roots.items()}) as fleet:

        @fleet.setup(autoinit=True)
        def prepare():
            ready = 1

        @fleet.setup(on=["b"])
        def configure(value):
            level = value

        @fleet.thread
        def ticker():
            global ticks
            ticks = 0
            ticks += 1

        @fleet.teardown
        def goodbye():
            with open("/bye", "w") as f:
                f.write("bye")

        assert dict(fleet("ready")) == {"a": 1, "b": 1}
        assert configure(5).ok
        assert fleet("'level' in globals()").succeeded == {"a": False, "b": True}
        assert ticker().ok
        wait_for(lambda: fleet("'ticks' in globals() and ticks").succeeded == {"a": 1, "b": 1}, what="the threads")
    for root in roots.values():
        assert (root / "bye").read_text() == "bye"


def test_boards_connect_as_a_device_subclass_with_its_class_level_tasks():
    from belay_engine import Device

    class Sensor(Device):
        @Device.setup(autoinit=True)
        def calibrate():
            offset = 10

        @Device.task
        def read(x):
            return x + offset

    with Fleet({"one": "virtual:", "two": "virtual:"}, device_class=Sensor) as fleet:
        assert dict(fleet.apply(lambda device: device.read(1))) == {"one": 11, "two": 11}


def test_unknown_board_names_are_refused(fleet):
    with pytest.raises(KeyError, match="'z'"):
        fleet("1", on=["z"])


def test_from_devices_wraps_connected_devices_and_closes_them():
    from belay_engine import Device

    devices = {"one": Device("virtual:"), "two": Device("virtual:")}
    with Fleet.from_devices(devices) as fleet:
        assert dict(fleet("3")) == {"one": 3, "two": 3}
    assert fleet.lost == ["one", "two"]


def test_a_result_without_pandas_says_how_to_get_it(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_pandas(name, *args, **kwargs):
        if name == "pandas":
            raise ImportError("no pandas here")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pandas)
    with pytest.raises(ImportError, match="pip install pandas"):
        FleetResult({"a": 1}, {}, ["a"]).to_dataframe()
