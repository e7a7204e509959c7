"""%belay_fleet and the --fleet forms of %belay, %%belay_task and %belay_plot, on a real shell and virtual boards."""

import pytest
from IPython.core.error import UsageError

from belay_engine import Fleet, FleetResult
from belay_jupyter.widgets import fleet_view
from belay_jupyter.widgets.fleet_plot import FleetPlot

#: Generous: a bound for a broken test, not a measurement.
WAIT = 60


@pytest.fixture
def boards(ip):
    """Two more virtual boards, `left` and `right` (with the fixture's `device`, three), each knowing its name."""
    for name in ("left", "right"):
        ip.run_line_magic("belay_connect", f"virtual: --name {name}")
        ip.run_line_magic("belay", f"--device {name} name = {name!r}")
    return ip


def fleet_magics(ip):
    return ip.magics_manager.registry["FleetMagics"]


def in_a_kernel(ip, monkeypatch):
    """What ipykernel's shell looks like to the front-end checks: a `kernel`, and HTML among the formats."""
    monkeypatch.setattr(ip, "kernel", object(), raising=False)
    monkeypatch.setattr(ip.display_formatter.formatters["text/html"], "enabled", True)


def test_fleet_magic_drives_the_named_boards_without_reconnecting_them(boards, capsys):
    ip = boards
    ip.run_line_magic("belay_fleet", "left,right")
    fleet = ip.user_ns["fleet"]
    assert isinstance(fleet, Fleet)
    assert fleet.names == ["left", "right"]
    assert fleet.boards["left"] is ip.user_ns["left"]
    assert fleet.boards["right"] is ip.user_ns["right"]
    assert "Fleet of 2 boards: left, right" in capsys.readouterr().out
    ip.run_line_magic("belay_fleet", "")  # no names: shows the current fleet
    assert capsys.readouterr().out == "Fleet of 2 boards: left, right\n"


def test_fleet_magic_all_takes_every_connected_board_in_order(boards):
    ip = boards
    ip.run_line_magic("belay_fleet", "--all --name lab --timeout 30")
    fleet = ip.user_ns["lab"]
    assert fleet.names == ["device", "left", "right"]
    assert fleet.timeout == 30
    assert fleet_magics(ip).fleet is fleet


def test_fleet_magic_usage_errors(boards):
    ip = boards
    with pytest.raises(UsageError, match="no fleet"):
        ip.run_line_magic("belay", "--fleet 1 + 1")
    with pytest.raises(UsageError, match=r"no board named 'nope' \(connected: device, left, right\)"):
        ip.run_line_magic("belay_fleet", "left,nope")
    with pytest.raises(UsageError, match="names or --all, not both"):
        ip.run_line_magic("belay_fleet", "left --all")
    with pytest.raises(UsageError, match="no fleet"):
        ip.run_line_magic("belay_fleet", "")
    ip.run_line_magic("belay_fleet", "left,right")
    ip.run_line_magic("belay_disconnect", "right")
    with pytest.raises(UsageError, match="'right' was disconnected or connected again"):
        ip.run_line_magic("belay", "--fleet 1 + 1")


def test_fleet_task_cell_returns_each_board_s_value(boards):
    ip = boards
    ip.run_line_magic("belay_fleet", "left,right")
    ip.run_cell_magic("belay_task", "--fleet", "def greet(greeting):\n    return greeting + ' ' + name\n")
    result = ip.user_ns["greet"]("hello")
    assert isinstance(result, FleetResult)
    assert dict(result) == {"left": "hello left", "right": "hello right"}
    assert ip.run_line_magic("belay", "--device device 1 + 1") == 2  # without --fleet: the one board, as before


def test_fleet_line_magic_shows_a_table_with_an_error_row(boards, monkeypatch):
    ip = boards
    in_a_kernel(ip, monkeypatch)
    ip.run_line_magic("belay", "--device left divisor = 0")
    ip.run_line_magic("belay", "--device right divisor = 4")
    ip.run_line_magic("belay_fleet", "left,right")
    result = ip.run_line_magic("belay", "--fleet 10 // divisor")
    assert result["right"] == 2
    assert list(result.errors) == ["left"]
    bundle, _ = ip.display_formatter.format(result)
    table = bundle["text/html"]
    assert table.count("<tr class='belay-fleet-row") == 2
    error_row = next(row for row in table.splitlines() if "<th>left</th>" in row)
    assert "belay-fleet-error" in error_row
    assert "ZeroDivisionError" in error_row
    value_row = next(row for row in table.splitlines() if "<th>right</th>" in row)
    assert "<pre>2</pre>" in value_row
    assert "belay-fleet-error" not in value_row
    lines = bundle["text/plain"].splitlines()
    assert lines[0].split() == ["board", "value", "error"]
    assert lines[1].startswith("left")
    assert "ZeroDivisionError" in lines[1]
    assert lines[2].split() == ["right", "2"]


def test_fleet_cell_magic_runs_the_cell_everywhere_and_shows_the_board_s_repr(boards):
    ip = boards
    ip.run_line_magic("belay_fleet", "left,right")
    result = ip.run_cell_magic("belay", "--fleet", "tag = name.upper()\ntag")
    assert {board: repr(value) for board, value in result.items()} == {"left": "'LEFT'", "right": "'RIGHT'"}


def test_each_board_prints_into_its_own_labelled_output_widget(boards, monkeypatch):
    ip = boards
    in_a_kernel(ip, monkeypatch)
    ip.run_line_magic("belay_fleet", "left,right")
    ip.run_cell_magic("belay_task", "--fleet", "def report(n):\n    for i in range(n):\n        print(name, i)\n")
    ip.user_ns["report"](2)
    group = fleet_magics(ip).areas.group()
    assert group.mode == fleet_view.WIDGETS
    assert [board.children[0].value for board in group.box.children] == ["<b>left</b>", "<b>right</b>"]
    assert group.box.children[0].children[1] is group.areas["left"].output
    for board in ("left", "right"):  # all of a call's output is shown when it returns
        shown = {"output_type": "stream", "name": "stdout", "text": f"{board} 0\n{board} 1\n"}
        assert group.areas[board].output.outputs == (shown,)


class FakeHandle:
    def __init__(self, shown):
        self.shown = shown

    def update(self, bundle, raw=False):
        self.shown.append(bundle)


def test_without_widgets_each_board_prints_into_its_own_display(boards, monkeypatch):
    ip = boards
    monkeypatch.setattr(ip, "kernel", object(), raising=False)
    monkeypatch.setattr(fleet_view, "widget_frontend", lambda: False)
    displays = []

    def display(bundle, raw=False, display_id=None):
        assert raw
        assert display_id is True
        displays.append([bundle])
        return FakeHandle(displays[-1])

    monkeypatch.setattr("IPython.display.display", display)
    ip.run_line_magic("belay_fleet", "left,right")
    ip.run_cell_magic("belay", "--fleet", "print('one', name)\nprint('two', name)")
    assert fleet_magics(ip).areas.group().mode == fleet_view.DISPLAY
    assert len(displays) == 2  # one display per board, updated as it prints
    last = {shown[-1]["text/plain"].splitlines()[0]: shown[-1]["text/plain"] for shown in displays}
    assert last == {"[left]": "[left]\none left\ntwo left\n", "[right]": "[right]\none right\ntwo right\n"}


def test_in_a_terminal_board_output_is_tagged_lines(boards, capsys):
    ip = boards
    ip.run_line_magic("belay_fleet", "left,right")
    capsys.readouterr()
    ip.run_cell_magic("belay", "--fleet", "print('hi from', name)")
    lines = sorted(capsys.readouterr().out.splitlines())
    assert lines == ["[left] hi from left", "[right] hi from right"]


def test_a_fleet_plot_has_one_series_per_board(boards):
    ip = boards
    ip.run_line_magic("belay", "--device left scale = 1")
    ip.run_line_magic("belay", "--device right scale = 10")
    ip.run_line_magic("belay_fleet", "left,right")
    ip.run_cell_magic("belay_task", "--fleet", "def ramp(n):\n    for i in range(n):\n        yield i * scale\n")
    plot = ip.run_line_magic("belay_plot", "--fleet ramp(4)")
    assert isinstance(plot, FleetPlot)
    plot.wait(WAIT)
    assert plot.state == "finished"
    assert not plot.errors
    assert plot.series("left") == [0, 1, 2, 3]
    assert plot.series("right") == [0, 10, 20, 30]
    assert sorted(plot.values) == sorted([("left", i) for i in range(4)] + [("right", 10 * i) for i in range(4)])
    assert list(plot.result.columns) == ["left", "right"] or list(plot.result.columns) == ["right", "left"]
    drawn = {label: list(y) for label, y in zip(plot.lines.labels, plot.lines.y)}
    assert drawn == {"left": [0, 1, 2, 3], "right": [0, 10, 20, 30]}
    assert plot.lines.x.tolist() == [[0, 1, 2, 3], [0, 1, 2, 3]]


def test_plot_fleet_refuses_what_is_not_a_fleet_stream(boards):
    ip = boards
    ip.run_line_magic("belay_fleet", "left,right")
    with pytest.raises(UsageError, match="fleet generator task call"):
        ip.run_line_magic("belay_plot", "--fleet [1, 2]")


def test_fleet_magics_have_help(ip):
    assert "--all" in ip.find_line_magic("belay_fleet").__doc__
    # The --fleet forms come after the help of the magic they stand in front of, whose options still work.
    for kind, name, own_option in (
        ("line", "belay", "--device"),
        ("line", "belay_plot", "belay_jupyter.plot("),
        ("cell", "belay_task", "--device"),
    ):
        doc = ip.magics_manager.magics[kind][name].__doc__
        assert own_option in doc
        assert "With --fleet" in doc
        assert "[--fleet]" in doc


def test_stopping_a_fleet_plot_stops_every_board_and_leaves_them_usable(boards):
    ip = boards
    ip.run_line_magic("belay_fleet", "left,right")
    ip.run_cell_magic(
        "belay_task",
        "--fleet",
        "def forever():\n    import time\n    while True:\n        time.sleep_ms(5)\n        yield 1\n",
    )
    plot = ip.run_line_magic("belay_plot", "--fleet forever()")
    plot.stop()
    plot.wait(WAIT)
    assert plot.state == "stopped"
    assert dict(ip.run_line_magic("belay", "--fleet 1 + 1")) == {"left": 2, "right": 2}


def test_a_board_whose_link_is_gone_gets_a_skipped_row(boards, monkeypatch):
    ip = boards
    in_a_kernel(ip, monkeypatch)
    ip.run_line_magic("belay_fleet", "left,right")
    ip.user_ns["right"].close()  # the registry still holds it: the fleet's on_lost="skip" leaves it out
    result = ip.run_line_magic("belay", "--fleet 1 + 1")
    assert dict(result) == {"left": 2}
    assert result.skipped == ("right",)
    table = ip.display_formatter.format(result)[0]["text/html"]
    skipped_row = next(row for row in table.splitlines() if "<th>right</th>" in row)
    assert "skipped" in skipped_row
