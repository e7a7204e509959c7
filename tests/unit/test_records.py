import pytest
from hypothesis import given
from hypothesis import strategies as st

from belay_engine.protocol.control_bytes import RESULT, YIELDED
from belay_engine.protocol.records import RecordParser

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
