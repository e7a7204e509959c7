import math

import pytest

from belay_engine.replies import NO_RESULT, UNPARSABLE_RESULT, parse_value


@pytest.mark.parametrize(
    ("payload", "value"),
    [
        (b"5", 5),
        (b"-12", -12),
        (b"1.5", 1.5),
        (b"'abc'", "abc"),
        (b"b'\\x00'", b"\x00"),
        (b"[1, (2, 3), {'a': None}]", [1, (2, 3), {"a": None}]),
        (b"{1, 2}", {1, 2}),
        (b"True", True),
        (b"dict_keys(['a'])", ["a"]),
        (b"bytearray(b'12')", bytearray(b"12")),
        (b"inf", math.inf),
        ("'\u00e9t\u00e9'".encode(), "\u00e9t\u00e9"),
    ],
)
def test_board_reprs_become_host_values(payload, value):
    assert parse_value(payload) == value


def test_a_repr_that_is_not_a_literal_is_unparsable_unless_trusted():
    assert parse_value(b"<function foo at 0x7f>") is UNPARSABLE_RESULT
    assert parse_value(b"[1] * 3", trusted=True) == [1, 1, 1]


def test_sentinels_are_falsy_named_classes_that_cannot_be_instantiated():
    assert not NO_RESULT
    assert repr(UNPARSABLE_RESULT) == "<UNPARSABLE_RESULT>"
    with pytest.raises(ValueError, match="sentinel"):
        NO_RESULT()


def test_adjacent_string_literals_from_the_display_helper_join_into_one_text():
    pieces = ["[", "'a\"\\\\'", ", ", "'b'", "]"]  # the repr text of ['a"\\', 'b'], piece by piece
    payload = "".join(repr(piece) for piece in pieces).encode()
    assert parse_value(payload) == "".join(pieces)
