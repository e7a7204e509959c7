"""Host values reach the board as equal values: each is checked there by code written by hand, not encoded."""

from fractions import Fraction

import pytest

from belay_engine.board_values import encode

TEXT = 'it\'s "quoted"\n\ttab \\ back, é ☃ 😀 \x00'


class Int64(int):
    """Like numpy's integers: an Integral whose repr is no board literal."""

    def __repr__(self):
        return f"np.int64({int(self)})"


@pytest.fixture
def keep(device):
    """A task storing its argument in the board global `got`."""

    @device.task
    def keep(x):
        global got
        got = x

    return keep


@pytest.mark.parametrize(
    ("value", "check"),
    [
        (float("nan"), "type(got) is float and got != got"),
        (float("inf"), "type(got) is float and got > 1e308 and got == got * 2"),
        (float("-inf"), "type(got) is float and got < -1e308 and got == got * 2"),
        (-0.5, "got == -0.5"),
        (bytes(range(256)), "type(got) is bytes and got == bytes(range(256))"),
        (bytearray(b"\x00ab\xff"), "type(got) is bytearray and got == b'\\x00ab\\xff'"),
        (
            [1, (2, [3.5, None]), {"k": {4, 5}}, (True,), []],
            "got == [1, (2, [3.5, None]), {'k': {4, 5}}, (True,), []] and type(got[1]) is tuple",
        ),
        ({(1, 2): float("nan"), "s": {3}}, "got[(1, 2)] != got[(1, 2)] and got['s'] == {3}"),
        ((5,), "type(got) is tuple and len(got) == 1 and got[0] == 5"),
        ((), "got == () and type(got) is tuple"),
        (set(), "type(got) is set and len(got) == 0"),
        ({}, "type(got) is dict and len(got) == 0"),
        (2**200 + 1, "got == 2**200 + 1"),
        (-(2**70), "got == -(2**70)"),
        (TEXT, f"type(got) is str and got.encode() == {TEXT.encode()!r}"),
        (Int64(7), "type(got) is int and got == 7"),
        ([Int64(-3)], "got == [-3]"),
        (Fraction(1, 4), "type(got) is float and got == 0.25"),
        (None, "got is None"),
        (False, "got is False"),
        (range(0, 5), "list(got) == [0, 1, 2, 3, 4]"),  # a repr that is code is sent, as Belay 0.30 did
    ],
)
def test_a_task_argument_reaches_the_board_as_an_equal_value(device, keep, value, check):
    keep(value)
    assert device(check) is True


def test_a_task_called_with_nan_and_nested_containers_sees_them_as_values(device):
    @device.task
    def describe(x, items, key=None):
        return (x != x, type(items[0]).__name__, items[0][0] != items[0][0], items[1]["b"], key == float("-inf"))

    assert describe(float("nan"), [(float("nan"),), {"b": {1, 2}}], key=float("-inf")) == (
        True,
        "tuple",
        True,
        {1, 2},
        True,
    )


def test_a_generator_task_sent_nan_receives_a_float(device):
    @device.task
    def checks():
        x = yield "ready"
        while True:
            x = yield (type(x).__name__, x != x)

    values = checks()
    assert next(values) == "ready"
    assert values.send(float("nan")) == ("float", True)
    assert values.send([1]) == ("list", False)
    values.close()


def test_a_setup_argument_of_nan_becomes_a_board_global_float(device):
    @device.setup
    def configure(limit, scale=1):
        got = limit

    configure(float("nan"), scale=float("inf"))
    assert device("type(limit) is float and got != got and scale == float('inf')") is True


def test_a_thread_argument_of_nan_reaches_the_thread(device):
    device("got = None")

    @device.thread
    def worker(x, items=()):
        global got
        got = (x != x, items)

    worker(float("nan"), items=[(1,)])
    device("import time\nfor _ in range(200):\n if got is not None: break\n time.sleep_ms(5)")
    assert device("got") == (True, [(1,)])


def test_a_proxy_method_called_with_nan_receives_a_float(device):
    device(
        "class Taker:\n def take(self, x):\n  self.got = x\n  return x != x\ntaker = Taker()\n",
        minify=False,
    )
    taker = device.proxy("taker")
    assert taker.take(float("nan")) is True
    taker.got = [float("inf"), (b"\xff",)]
    assert device("taker.got == [float('inf'), (b'\\xff',)]") is True


def test_a_proxy_inside_a_task_argument_is_the_board_object_itself(device, keep):
    device("thing = [1, 2]")
    thing = device.proxy("thing")
    keep({"it": [thing]})
    assert device("got['it'][0] is thing") is True


def test_a_value_the_board_cannot_read_is_refused_before_anything_is_sent(device):
    device("calls = 0\nclass Counter:\n def __call__(self, x):\n  global calls\n  calls += 1\ncounter = Counter()\n")

    @device.task
    def count(x):
        global calls
        calls += 1

    @device.task
    def count_values(x):
        global calls
        calls += 1
        yield x

    @device.setup
    def count_setup(x):
        counter(x)

    counter = device.proxy("counter")
    for send in (
        lambda: count(object()),
        lambda: count_values(object()),
        lambda: count_setup(object()),
        lambda: counter(object()),
    ):
        with pytest.raises(TypeError, match=r"^object value <object object at .*> cannot be sent to the board"):
            send()
    for send in (lambda: count(1, [2, object()]), lambda: count(x={"k": object()})):
        with pytest.raises(TypeError, match=r"value .* cannot be sent to the board: it holds object value <object"):
            send()
    assert device("calls") == 0
    count(1)  # the link is as it was
    assert device("calls") == 1


def test_every_value_the_tests_send_is_encoded_without_a_bare_nan_or_inf():
    # `nan` and `inf` are no names on the board: they must never appear bare in board source.
    source = encode([float("nan"), float("inf"), float("-inf"), {"k": (float("nan"),)}])
    assert source == "[float('nan'),float('inf'),float('-inf'),{'k':(float('nan'),)}]"
