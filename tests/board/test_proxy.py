import gc

import pytest

from belay_engine import ProxyObject


@pytest.fixture
def board_object(device):
    device(
        "class Thing:\n"
        "    def __init__(self):\n"
        "        self.value = 1\n"
        "        self.items = [1, 2, 3]\n"
        "        self.child = None\n"
        "    def add(self, x, y=0):\n"
        "        return self.value + x + y\n"
        "thing = Thing()\n"
        "thing.child = Thing()\n"
        "table = {'a': 1}\n",
        minify=False,
    )
    return device.proxy("thing")


def test_attributes_are_read_and_written_on_the_board(device, board_object):
    assert board_object.value == 1
    board_object.value = 41
    assert device("thing.value") == 41


def test_methods_are_called_on_the_board(board_object):
    assert board_object.add(2, y=3) == 6


def test_values_that_are_not_immutable_come_back_as_nested_proxies(board_object):
    child = board_object.child
    assert isinstance(child, ProxyObject)
    assert child.value == 1
    items = board_object.items
    assert isinstance(items, ProxyObject)
    assert len(items) == 3
    assert items[0] == 1
    assert items[1:] == [2, 3]
    items[0] = 10
    assert list(items) == [10, 2, 3]
    assert 2 in items


def test_items_of_a_board_dict_are_read_and_written(device):
    device("table = {'a': 1}")
    table = device.proxy("table")
    table["b"] = 2
    assert table["b"] == 2
    assert device("table") == {"a": 1, "b": 2}


def test_missing_keys_and_attributes_raise_the_builtin_errors(device, board_object):
    device("table = {'a': 1}")
    with pytest.raises(KeyError):
        device.proxy("table")["missing"]
    with pytest.raises(AttributeError):
        board_object.no_such_attribute
    assert getattr(board_object, "no_such_attribute", "default") == "default"


def test_repr_shows_the_board_repr(device):
    assert repr(device.proxy("[1, 2, 3]")) == "<ProxyObject [1, 2, 3]>"


def test_ipython_probes_are_answered_on_the_host(board_object):
    with pytest.raises(AttributeError):
        board_object._ipython_canary_method_should_not_exist_
    assert not hasattr(board_object, "_repr_html_")
    assert not hasattr(board_object, "__wrapped__")


def test_a_proxied_expression_is_released_on_the_board_when_collected(device):
    before = device("len(_belay.o)")
    proxy = device.proxy("[1, 2, 3]")
    assert device("len(_belay.o)") == before + 1
    del proxy
    gc.collect()
    assert device("len(_belay.o)") == before


def test_import_proxies_return_immutables_as_values(device):
    cos, pi = device.proxy("from math import cos, pi")
    assert isinstance(cos, ProxyObject)
    assert pi == pytest.approx(3.14159265)
    assert cos(0) == 1.0


def test_a_proxy_can_be_passed_to_a_task(device):
    device("data = [5, 6]")

    @device.task
    def total(values):
        return sum(values)

    assert total(device.proxy("data")) == 11


def _record_sent(device, monkeypatch):
    sent = []
    execute = device.session.run

    def recording(code, **options):
        sent.append(code)
        return execute(code, **options)

    monkeypatch.setattr(device.session, "run", recording)
    return sent


def test_ipython_inspection_sends_nothing_the_board_cannot_run(device, board_object, monkeypatch):
    from IPython.core.oinspect import Inspector

    sent = _record_sent(device, monkeypatch)
    Inspector(theme_name="nocolor")._get_info(board_object, "thing")  # what `thing?` does
    assert not [code for code in sent if "getdoc" in code or "_partialmethod" in code or "<class" in code]
    for code in sent:
        compile(code, "<board>", "exec")  # no host repr as code: everything sent is Python
    with pytest.raises(AttributeError):
        board_object.getdoc


def test_comparing_with_a_value_that_is_no_literal_does_not_reach_the_board(device, board_object, monkeypatch):
    sent = _record_sent(device, monkeypatch)
    assert (board_object == int) is False  # noqa: E721 - IPython's inspector does compare with types
    assert board_object != object()
    with pytest.raises(TypeError):
        assert board_object < type
    assert sent == []
    # literals and proxies still compare on the board, as in Belay 0.30
    assert board_object.items == [1, 2, 3]
    assert board_object.items != (1,)
    assert board_object.child.value <= 1
    assert board_object.items == device.proxy("thing.items")
    assert len(sent) >= 4


def test_a_value_whose_repr_is_not_code_is_refused_on_the_host(device, board_object, monkeypatch):
    add = board_object.add
    sent = _record_sent(device, monkeypatch)
    with pytest.raises(TypeError, match="cannot be sent to the board"):
        board_object.value = object()
    with pytest.raises(TypeError, match="cannot be sent to the board"):
        add(type)
    with pytest.raises(TypeError, match="cannot be sent to the board"):
        add([1, object()])
    assert sent == []
    assert add(2, y=True) == 4


def test_a_value_whose_repr_is_code_is_sent_as_belay_does(device, board_object):
    board_object.value = range(2, 5)
    assert device("list(thing.value)") == [2, 3, 4]


def test_infinite_and_nan_floats_are_sent_as_float_calls(device, board_object):
    board_object.value = float("inf")
    assert device("thing.value") == float("inf")
    board_object.value = float("nan")
    assert device("thing.value != thing.value")  # nan
    board_object.items[0] = [float("-inf"), (float("nan"),), {"x": float("inf")}]
    assert device("repr(thing.items[0])") == "[-inf, (nan,), {'x': inf}]"
    assert board_object.child.add(float("inf")) == float("inf")
    assert board_object.child.value < float("inf")
