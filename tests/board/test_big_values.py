"""Big values come back whole from the 256 KB-heap virtual board: the helpers write their repr in pieces.

Each value is built on the board and checked against the same value built on the host. The sizes are
chosen so that the value fits the board's heap but two more copies of its repr (the repr and a record
string holding it) do not. (Lists of about 1000 short strings are avoided: after building one, the unix
port failed to compile any further code here, a MicroPython behaviour outside the engine.)
"""

import pytest

from belay_engine.cells import run_cell

# Quotes of both kinds, a backslash, control characters and a non-ASCII one: every kind of escape, and a
# pattern of 13 characters, so escapes fall across the 512-character slices the board writes.
PATTERN = "ab'\"\\\n\t\x00\x7fq é"


def text_of(length: int) -> str:
    return (PATTERN * (length // len(PATTERN) + 1))[:length]


@pytest.fixture
def tasks(device):
    @device.task
    def text(length, pattern):
        return (pattern * (length // len(pattern) + 1))[:length]

    @device.task
    def data(length):
        return bytes(range(256)) * (length // 256)

    @device.task
    def mutable_data(length):
        # Filled in place: bytearray(bytes(...) * n) held two 100 KB copies at once, which fitted the heap or
        # not depending on where earlier tests' objects had landed.
        value = bytearray(length // 256 * 256)
        pattern = bytes(range(256))
        for start in range(0, len(value), 256):
            value[start : start + 256] = pattern
        return value

    @device.task
    def strings(count, width):
        return ["%05d" % i + "s" * (width - 5) for i in range(count)]

    @device.task
    def mapping(count, width):
        return {"key%d" % i: "v" * width for i in range(count)}

    @device.task
    def yielding(length, pattern):
        yield (pattern * (length // len(pattern) + 1))[:length]

    return device


def test_a_60000_character_str_comes_back_from_a_task(tasks):
    assert tasks.task.text(60_000, PATTERN) == text_of(60_000)


@pytest.mark.parametrize("pattern", ["plain", "it's", 'say "hi"', "both ' and \""])
def test_a_long_str_keeps_every_quote_whatever_quote_its_repr_uses(tasks, pattern):
    assert tasks.task.text(20_000, pattern) == (pattern * (20_000 // len(pattern) + 1))[:20_000]


def test_100_kb_of_bytes_come_back(tasks):
    assert tasks.task.data(102_400) == bytes(range(256)) * 400


def test_a_100_kb_bytearray_comes_back_as_a_bytearray(tasks):
    value = tasks.task.mutable_data(102_400)
    assert type(value) is bytearray
    assert value == bytearray(range(256)) * 400


def test_a_list_of_many_strings_comes_back(tasks):
    assert tasks.task.strings(900, 60) == ["%05d" % i + "s" * 55 for i in range(900)]


def test_a_list_of_a_few_long_strings_comes_back(tasks):
    assert tasks.task.strings(3, 30_000) == ["%05d" % i + "s" * 29_995 for i in range(3)]


def test_a_dict_of_strings_comes_back(tasks):
    assert tasks.task.mapping(100, 1000) == {f"key{i}": "v" * 1000 for i in range(100)}


def test_nested_containers_and_one_element_tuples_keep_their_shape(device):
    value = device("(['x' * 40000], {'k': ('y' * 30000,)}, (), [])")
    assert value == (["x" * 40000], {"k": ("y" * 30000,)}, (), [])


def test_an_expression_sent_as_a_string_gives_its_big_value(device):
    assert device("'z' * 60000") == "z" * 60000
    assert device("b'\\x00\\xff' * 50000") == b"\x00\xff" * 50000


def test_a_generator_yields_a_big_str(tasks):
    assert list(tasks.task.yielding(60_000, PATTERN)) == [text_of(60_000)]


def test_a_cell_shows_the_board_repr_of_a_big_str(device):
    # ASCII only: for it the board's repr and the host's agree character for character.
    pattern = "ab'\"\\\n\t\x00\x7fq"
    result = run_cell(device.session, f"p = {pattern!r}\ns = (p * 6000)[:60000]\ns")
    assert result.value_repr == repr((pattern * 6000)[:60000])


def test_a_cell_shows_the_board_repr_of_a_big_list(device):
    result = run_cell(device.session, "['%05d' % i + 's' * 55 for i in range(900)]")
    assert result.value_repr == repr(["%05d" % i + "s" * 55 for i in range(900)])


def test_small_values_still_come_back_as_before(tasks):
    assert tasks.task.text(5, "ab") == "ababa"
    assert tasks("[1, 'a', b'b', (2,), {'k': None}]") == [1, "a", b"b", (2,), {"k": None}]
    assert run_cell(tasks.session, "'it' + \"'s\"").value_repr == '"it\'s"'
