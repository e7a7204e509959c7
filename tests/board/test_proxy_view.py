"""ProxyView on the virtual board: what it lists, what it writes back, what Call and Refresh do."""

import math
import threading

import ipywidgets
import pytest
from ipywidgets.widgets.widget import _instances as live_widgets

from belay_jupyter.widgets import proxy_view
from belay_jupyter.widgets.proxy_view import MAX_REPR, ProxyView, parse_arguments

MOTOR = """
class Motor:
    def __init__(self):
        self.speed = 10
        self.gain = 0.5
        self.name = 'left'
        self.enabled = True
        self.ratio = float('nan')
        self.parts = [1, 2]

    def describe(self):
        return self.name + ' at ' + str(self.speed)

    def scaled(self, factor, offset=0):
        return self.speed * factor + offset

motor = Motor()
"""


@pytest.fixture
def motor(device):
    device(MOTOR)
    return device.proxy("motor")


def test_attributes_are_listed_with_types_skipping_dunders(motor):
    view = ProxyView(motor)
    names = {entry.name: entry.type_name for entry in view.snapshot.entries}
    assert names == {
        "speed": "int",
        "gain": "float",
        "name": "str",
        "enabled": "bool",
        "ratio": "float",
        "parts": "list",
        "describe": "bound_method",
        "scaled": "bound_method",
    }
    assert "belay-proxy" in view.widget._dom_classes
    assert "belay-proxy-refresh" in view.refresh_button._dom_classes
    assert "motor" in view.title.value


def test_simple_values_get_editors_of_their_type_with_the_attribute_class(motor):
    view = ProxyView(motor)
    assert isinstance(view.editors["speed"], ipywidgets.IntText)
    assert isinstance(view.editors["gain"], ipywidgets.FloatText)
    assert isinstance(view.editors["name"], ipywidgets.Text)
    assert isinstance(view.editors["enabled"], ipywidgets.Checkbox)
    assert (view.editors["speed"].value, view.editors["name"].value) == (10, "left")
    assert not view.editors["speed"].continuous_update
    assert "belay-proxy-attr-speed" in view.editors["speed"]._dom_classes
    # nan does not parse on the host and a list is no simple value: shown, not editable
    assert set(view.value_labels) == {"ratio", "parts"}
    assert view.value_labels["parts"].value == "[1, 2]"


def test_an_edit_is_written_to_the_board(device, motor):
    view = ProxyView(motor)
    view.editors["speed"].value = 42
    view.editors["enabled"].value = False
    view.editors["name"].value = "right"
    assert device("(motor.speed, motor.enabled, motor.name)") == (42, False, "right")
    assert view.status.value == "name = 'right'"


def test_refresh_shows_board_changes_without_writing_them_back(device, motor):
    view = ProxyView(motor)
    editor = view.editors["speed"]
    device("motor.speed = 7")
    view.refresh()
    assert view.editors["speed"] is editor  # same rows: the widgets stay, the values change
    assert editor.value == 7
    assert view.status.value == ""  # no write-back happened


def test_refresh_rebuilds_rows_when_attributes_change(device, motor):
    view = ProxyView(motor)
    device("motor.extra = 3")
    view.refresh_button.click()
    assert view.editors["extra"].value == 3


def test_call_passes_literal_arguments_and_shows_the_result(motor):
    view = ProxyView(motor)
    arguments, button, result = view.call_boxes["scaled"]
    arguments.value = "3, 1"
    button.click()
    assert result.value == "→ 31"
    assert view.call("describe") == "left at 10"


def test_call_with_bad_arguments_shows_the_error(motor):
    view = ProxyView(motor)
    arguments, _, result = view.call_boxes["scaled"]
    arguments.value = "open('x')"
    view.call("scaled")
    assert result.value.startswith("ValueError: arguments must be Python literals")


def test_dict_items_are_listed_and_editable(device):
    device("settings = {'rate': 100, 'label': 'sensor'}")
    view = ProxyView(device.proxy("settings"))
    assert view.snapshot.kind == "d"
    view.editors["'rate'"].value = 250
    assert device("settings['rate']") == 250
    assert "belay-proxy-attr-_rate_" in view.editors["'rate'"]._dom_classes


def test_list_items_are_listed_by_index_and_editable(device):
    device("readings = [1.5, 2.5, 'x']")
    view = ProxyView(device.proxy("readings"))
    assert [entry.name for entry in view.snapshot.entries] == ["0", "1", "2"]
    view.editors["1"].value = 9.0
    assert device("readings") == [1.5, 9.0, "x"]


def test_parse_arguments_takes_literals_only():
    assert parse_arguments("") == ()
    assert parse_arguments("1, 'a', [2]") == (1, "a", [2])
    with pytest.raises(ValueError, match="literals"):
        parse_arguments("__import__('os')")


def test_a_refresh_interval_rereads_the_board_until_it_is_turned_off(device, motor):
    view = ProxyView(motor, refresh_interval=1.0)
    assert view.interval.value == 1.0
    device("motor.speed = 99")
    changed = threading.Event()
    view.editors["speed"].observe(lambda change: changed.set(), names="value")
    assert changed.wait(30)  # no click: the interval refreshed the view
    assert view.editors["speed"].value == 99
    view.close()
    assert view.interval.value == 0.0


def test_a_value_that_stops_being_editable_gets_a_label_and_its_old_editor_writes_nothing(device, motor):
    view = ProxyView(motor)
    old_gain = view.editors["gain"]
    device(f"motor.gain = float('nan')\nmotor.name = 'x' * {MAX_REPR + 100}")
    view.refresh()
    assert "gain" not in view.editors
    assert "name" not in view.editors
    assert view.value_labels["gain"].value == "nan"
    assert view.value_labels["name"].value.startswith("'xxx")
    old_gain.value = 0.75  # an editor of the rows before the refresh
    assert device("motor.gain != motor.gain")  # still nan
    assert view.status.value == ""


def test_an_int_whose_repr_reaches_max_repr_is_not_editable(device, motor):
    device("motor.speed = 10 ** 250")
    view = ProxyView(motor)
    assert "speed" not in view.editors
    assert len(view.value_labels["speed"].value) == MAX_REPR
    device("motor.speed = 3")
    view.refresh()
    assert view.editors["speed"].value == 3


def test_rebuilt_rows_are_closed(device, motor):
    view = ProxyView(motor)
    device("motor.extra = 1")
    view.refresh()
    before = len(live_widgets)
    for _ in range(5):
        device("del motor.extra")
        view.refresh()
        device("motor.extra = 1")
        view.refresh()
    assert "extra" in view.editors
    assert len(live_widgets) == before
    view.close()
    assert view.widget.comm is None
    assert view.editors["speed"].comm is None


def test_an_attribute_that_raises_shows_its_error_and_the_others_are_listed(device):
    device("class P:\n    @property\n    def bad(self):\n        raise OSError(5)\n    ok = 1\np = P()")
    view = ProxyView(device.proxy("p"))
    rows = {entry.name: entry for entry in view.snapshot.entries}
    assert rows["bad"].type_name == "OSError"
    assert rows["bad"].failed
    assert not rows["bad"].editable
    assert "belay-proxy-error" in view.value_labels["bad"]._dom_classes
    assert "OSError" in view.value_labels["bad"].value
    assert view.editors["ok"].value == 1
    assert view.status.value == ""


def test_infinite_floats_are_written_from_the_view(device, motor):
    view = ProxyView(motor)
    view.editors["gain"].value = float("inf")
    assert view.status.value == "gain = inf"
    assert device("motor.gain") == math.inf
    view.editors["speed"].value = -5
    view.refresh()  # inf is no longer editable: the row becomes a label
    assert view.value_labels["gain"].value == "inf"


def _refreshing_view(motor):
    view = ProxyView(motor, refresh_interval=1.0)
    timer = view._timer
    assert timer is not None
    assert timer.is_alive()
    return view, timer


def test_automatic_refresh_ends_when_the_widget_is_closed(motor):
    view, timer = _refreshing_view(motor)
    view.widget.close()  # as Widget.close_all() or a front end would
    timer.join(10)
    assert not timer.is_alive()
    assert view.closed


def test_automatic_refresh_stops_with_the_error_when_the_object_is_gone(device, motor):
    view, timer = _refreshing_view(motor)
    device("del motor")
    timer.join(10)
    assert not timer.is_alive()
    assert view.interval.value == 0.0
    assert "NameError" in view.status.value
    assert "automatic refresh stopped" in view.status.value


def test_automatic_refresh_stops_when_the_device_is_closed(device, motor):
    device.attempts = 3  # a refresh must not reconnect a closed device
    view, timer = _refreshing_view(motor)
    device.close()
    timer.join(10)
    assert not timer.is_alive()
    assert "closed" in view.status.value
    assert repr(device).startswith("<Device closed")


def test_a_displayed_view_is_kept_so_code_can_close_it(motor):
    bundle = proxy_view.proxy_mimebundle(motor)
    assert "application/vnd.jupyter.widget-view+json" in bundle
    (view,) = proxy_view.displayed_views(motor)
    assert view.widget.model_id == bundle["application/vnd.jupyter.widget-view+json"]["model_id"]
    proxy_view.close_displayed_views(motor)
    assert view.closed
    assert proxy_view.displayed_views(motor) == []
