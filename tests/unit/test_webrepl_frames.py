import pytest

from belay_engine.transports.webrepl_frames import (
    BINARY,
    CLOSE,
    GET,
    NAME_LIMIT,
    PUT,
    REQUEST,
    TEXT,
    FileRequest,
    Frame,
    FrameDecoder,
    FrameError,
    decode_request,
    decode_status,
    encode_frame,
    encode_request,
    encode_status,
)


def test_unmasked_frames_decode_as_sent():
    wire = encode_frame(TEXT, b"print(1)\r") + encode_frame(BINARY, b"\x00\xff")
    assert FrameDecoder().feed(wire) == [Frame(TEXT, b"print(1)\r"), Frame(BINARY, b"\x00\xff")]


def test_masked_frames_decode_to_their_payload():
    wire = encode_frame(BINARY, bytes(range(256)) * 3, mask=b"\x12\x34\x56\x78")
    assert b"\x00\x01\x02\x03" not in wire  # the payload really is masked on the wire
    assert FrameDecoder().feed(wire) == [Frame(BINARY, bytes(range(256)) * 3)]


def test_frame_lengths_use_the_shortest_form():
    assert encode_frame(TEXT, b"x" * 125)[:2] == b"\x81\x7d"
    assert encode_frame(TEXT, b"x" * 126)[:4] == b"\x81\x7e\x00\x7e"
    assert encode_frame(BINARY, b"x" * 65535)[:4] == b"\x82\x7e\xff\xff"


def test_frames_split_anywhere_are_put_together():
    wire = encode_frame(TEXT, b"a" * 300, mask=b"abcd") + encode_frame(CLOSE, b"")
    decoder = FrameDecoder()
    frames = []
    for byte in wire:
        frames += decoder.feed(bytes([byte]))
    assert frames == [Frame(TEXT, b"a" * 300), Frame(CLOSE, b"")]


def test_unfinished_frames_carry_their_fin_bit():
    wire = encode_frame(TEXT, b"ab", fin=False) + encode_frame(0, b"cd")
    assert FrameDecoder().feed(wire) == [Frame(TEXT, b"ab", False), Frame(0, b"cd", True)]


def test_64_bit_lengths_are_refused_as_micropython_refuses_them():
    wire = encode_frame(BINARY, b"x" * 70000)
    with pytest.raises(FrameError):
        FrameDecoder().feed(wire)
    assert FrameDecoder(allow_long=True).feed(wire) == [Frame(BINARY, b"x" * 70000)]


def test_requests_are_82_bytes_and_decode_back():
    record = encode_request(FileRequest(PUT, b"/lib/a.py", 1234))
    assert len(record) == REQUEST.size == 82
    assert record[:4] == b"WA\x01\x00"
    assert decode_request(record) == FileRequest(PUT, b"/lib/a.py", 1234)


def test_request_names_are_read_up_to_their_first_nul_as_the_board_reads_them():
    record = REQUEST.pack(b"WA", GET, 0, 0, 0, 5, b"a.txt\x00junk")
    assert decode_request(record).name == b"a.txt"


def test_names_the_board_cannot_read_whole_are_refused():
    encode_request(FileRequest(PUT, b"x" * NAME_LIMIT))
    with pytest.raises(ValueError, match="at most 63 bytes"):
        encode_request(FileRequest(PUT, b"x" * (NAME_LIMIT + 1)))
    with pytest.raises(ValueError, match="no NUL"):
        encode_request(FileRequest(PUT, b"a\x00b"))


def test_status_records_round_trip_and_others_are_refused():
    assert encode_status(0) == b"WB\x00\x00"
    assert decode_status(encode_status(3)) == 3
    with pytest.raises(ValueError, match="not a WebREPL status"):
        decode_status(b"WA\x00\x00")
    with pytest.raises(ValueError, match="not a WebREPL request"):
        decode_request(b"WB" + bytes(80))
