import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from belay_engine.errors import NotBelayResponseError
from belay_engine.protocol.control_bytes import NUMBERS, RESULT, YIELDED
from belay_engine.protocol.records import RecordParser, numbers_of

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


@given(st.lists(st.integers(min_value=0, max_value=len(STREAM)), max_size=12))
def test_records_are_found_in_any_random_chunking(cuts):
    cuts = sorted(cuts)
    chunks = [STREAM[start:end] for start, end in zip([0, *cuts], [*cuts, len(STREAM)])]
    assert parse_in_chunks(chunks) == (b"beforemiddleafter", [(RESULT, b"[1, 'a']"), (YIELDED, b"5")])


# -- streamed numbers, several to a record -------------------------------------------------------------------


def numbers_record(values) -> bytes:
    return b"\x1e" + NONCE + b"N" + b",".join(repr(v).encode() for v in values) + b"\x1f"


def fast_stream(values) -> bytes:
    """What the board writes for a fast generator of numbers: 8 alone (a burst of 8 is never held), then 64s."""
    head, rest = values[:8], values[8:]
    return b"".join(numbers_record([v]) for v in head) + b"".join(
        numbers_record(rest[i : i + 64]) for i in range(0, len(rest), 64)
    )


#: Numbers of every kind the board's repr makes, with printed text (a forged numbers record among it) between.
MIXED_NUMBERS = [0, -7, 123456789012345678901234567890, 2.5, -0.0, 1e30, float("inf"), float("-inf")]
NUMBERS_STREAM = b"a\n" + numbers_record(MIXED_NUMBERS[:3]) + b"\x1eN1,2\x1f" + numbers_record(MIXED_NUMBERS[3:]) + b"z"


def test_the_numbers_of_a_record_come_back_as_ints_and_floats_in_order():
    payload = numbers_record(MIXED_NUMBERS)[len(NONCE) + 2 : -1]
    numbers = numbers_of(payload)
    assert numbers == MIXED_NUMBERS
    assert [type(n) for n in numbers] == [type(n) for n in MIXED_NUMBERS]
    assert math.copysign(1, numbers[4]) == -1  # -0.0 stays negative
    assert math.isnan(numbers_of(b"1,nan")[1])


def test_a_numbers_record_with_a_piece_that_is_no_number_is_an_error():
    for payload in (b"1,,2", b"1,'a'", b"True", b"1+2j"):
        with pytest.raises(NotBelayResponseError):
            numbers_of(payload)


@pytest.mark.parametrize("cut", range(len(NUMBERS_STREAM) + 1))
def test_numbers_records_are_found_however_the_output_is_split(cut):
    text, records = parse_in_chunks([NUMBERS_STREAM[:cut], NUMBERS_STREAM[cut:]])
    assert text == b"a\n\x1eN1,2\x1fz"  # the forgery has no nonce: it stays text
    assert [numbers_of(payload) for kind, payload in records] == [MIXED_NUMBERS[:3], MIXED_NUMBERS[3:]]
    assert {kind for kind, payload in records} == {NUMBERS}


@given(st.lists(st.integers(min_value=-(10**12), max_value=10**12), max_size=200), st.data())
def test_a_fast_stream_of_numbers_comes_out_whole_in_any_random_chunking(values, data):
    stream = fast_stream(values)
    cuts = sorted(data.draw(st.lists(st.integers(min_value=0, max_value=len(stream)), max_size=30)))
    chunks = [stream[start:end] for start, end in zip([0, *cuts], [*cuts, len(stream)])]
    text, records = parse_in_chunks(chunks)
    assert text == b""
    assert [n for kind, payload in records for n in numbers_of(payload)] == values


def test_a_fast_stream_of_small_ints_costs_a_comma_per_value_not_a_record():
    # Each record costs 11 bytes (start, nonce, kind, end); each number its repr and a comma but the first.
    values = list(range(100, 1000))  # 900 ints of 3 digits: 4 bytes each when printed as "123\n"
    stream = fast_stream(values)
    assert len(stream) == 8 * (11 + 3) + 13 * (11 + 64 * 4 - 1) + (11 + 60 * 4 - 1) == 3820
    assert len(stream) / len(values) < 4.25  # one record per value: 11 + 3 = 14 bytes; "123\r\n" 5
    _, records = parse_in_chunks([stream])
    assert [n for kind, payload in records for n in numbers_of(payload)] == values


def test_a_chunk_that_is_one_whole_record_is_that_record_as_feed_reads_it():
    chunk = b"\x1en0Nc3xyzR[1, 'a']\x1f"
    assert RecordParser(NONCE).sole_record(chunk) == (RESULT, b"[1, 'a']")
    assert RecordParser(NONCE).feed(chunk) == [(RESULT, b"[1, 'a']")]


@pytest.mark.parametrize(
    "chunk",
    [
        b"text",
        b"x\x1en0Nc3xyzR1\x1f",  # printed text before it
        b"\x1en0Nc3xyzR1\x1fx",  # and after it
        b"\x1en0Nc3xyzR1\x1f\x1en0Nc3xyzY2\x1f",  # two records
        b"\x1en0Nc3xyzR1",  # cut
        b"\x1eotherR1\x1f",  # without the nonce
        b"",
    ],
)
def test_any_other_chunk_is_no_sole_record(chunk):
    assert RecordParser(NONCE).sole_record(chunk) is None


def test_a_whole_record_after_a_cut_one_is_no_sole_record():
    parser = RecordParser(NONCE)
    parser.feed(b"\x1en0Nc3")  # the start of a record held back
    assert parser.sole_record(b"\x1en0Nc3xyzR1\x1f") is None
    parser = RecordParser(NONCE)
    parser.feed(b"\x1en0Nc3xyzR12")  # a record open
    assert parser.sole_record(b"\x1en0Nc3xyzR1\x1f") is None
