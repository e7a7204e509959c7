"""ProxyView on the virtual board: what it lists, what it writes back, what Call and Refresh do."""

import threading

import ipywidgets
import pytest

from belay_jupyter.widgets.proxy_view import ProxyView, parse_arguments

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
