import math

import pytest

from belay_engine.replies import (
    NO_RESULT,
    RESULT,
    UNPARSABLE_RESULT,
    YIELDED,
    RecordParser,
    parse_value,
)

NONCE = b"n0Nc3xyz"
STREAM = b"before\x1en0Nc3xyzR[1, 'a']\x1fmiddle\x1en0Nc3xyzY5\x1fafter"


def parse_in_chunks(chunks):
    parser = RecordParser(NONCE)
    items = []
    for chunk in chunks:
        items.extend(parser.feed(chunk))
    tail = parser.flush()
    text = b"".join(i for i in items if isinstance(i, bytes)) + tail
    records = [i for i in items if isinstance(i, tuple)]
    return text, records


@pytest.mark.parametrize("cut", range(len(STREAM) + 1))
def test_records_are_found_however_the_output_is_split(cut):
    text, records = parse_in_chunks([STREAM[:cut], STREAM[cut:]])
    assert text == b"beforemiddleafter"
    assert records == [(RESULT, b"[1, 'a']"), (YIELDED, b"5")]


def test_records_are_found_when_output_arrives_byte_by_byte():
    text, records = parse_in_chunks([STREAM[i : i + 1] for i in range(len(STREAM))])
    assert (text, len(records)) == (b"beforemiddleafter", 2)


def test_printed_text_that_imitates_a_record_without_the_nonce_stays_text():
    forged = b"\x1eR5\x1f _BELAYR|5\n\x1eotherR7\x1f"
    text, records = parse_in_chunks([forged])
    assert (text, records) == (forged, [])


def test_output_without_trailing_newline_is_kept_before_the_result():
    text, records = parse_in_chunks([b"abc\x1en0Nc3xyzR5\x1f"])
    assert (text, records) == (b"abc", [(RESULT, b"5")])


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


def test_a_record_in_many_chunks_comes_out_whole_once_its_end_arrives():
    payload = repr("x" * 100_000).encode()
    stream = b"out\x1en0Nc3xyzR" + payload + b"\x1fafter\x1en0Nc3xyzY1\x1f"
    chunks = [stream[i : i + 4096] for i in range(0, len(stream), 4096)]
    text, records = parse_in_chunks(chunks)
    assert text == b"outafter"
    assert records == [(RESULT, payload), (YIELDED, b"1")]


def test_a_record_that_never_ends_is_dropped_not_shown_as_output():
    parser = RecordParser(NONCE)
    assert parser.feed(b"shown\x1en0Nc3xyzR'abc") == [b"shown"]
    assert parser.feed(b"def") == []
    assert parser.flush() == b""


def test_an_unfinished_marker_that_was_not_a_record_is_output_at_the_end():
    parser = RecordParser(NONCE)
    assert parser.feed(b"text\x1en0N") == [b"text"]
    assert parser.flush() == b"\x1en0N"


def test_adjacent_string_literals_from_the_display_helper_join_into_one_text():
    pieces = ["[", "'a\"\\\\'", ", ", "'b'", "]"]  # the repr text of ['a"\\', 'b'], piece by piece
    payload = "".join(repr(piece) for piece in pieces).encode()
    assert parse_value(payload) == "".join(pieces)
