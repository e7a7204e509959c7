import zlib

from belay_engine.protocol.file_escaping import ESCAPE, escape, unescape
from belay_engine.sync.wire import encode


def test_escaping_round_trips_every_byte_value():
    data = bytes(range(256)) * 3 + bytes([ESCAPE, ESCAPE, 3, ESCAPE])
    assert unescape(escape(data)) == data


def test_the_wire_never_holds_a_repl_control_byte():
    wire = escape(bytes(range(256)) * 4)
    assert not any(byte in wire for byte in (1, 2, 3, 4, 5))


def test_escapes_cost_two_bytes_each_and_nothing_else():
    data = bytes(range(256))
    assert len(escape(data)) == 256 + 6
    assert escape(b"plain text") == b"plain text"


def test_text_is_compressed_when_that_is_smaller():
    text = b"value = 12345  # a line of the sort modules hold\n" * 40
    wire, compressed = encode(text, compress=True)
    assert compressed
    assert zlib.decompress(unescape(wire)) == text
    assert len(wire) < len(text) / 4


def test_random_data_is_sent_as_it_is():
    data = bytes((i * 97 + 13) % 256 for i in range(4096))
    data = zlib.compress(data)  # incompressible
    wire, compressed = encode(data, compress=True)
    assert not compressed
    assert unescape(wire) == data


def test_no_compression_where_the_board_cannot_inflate():
    text = b"x = 1\n" * 100
    wire, compressed = encode(text, compress=False)
    assert not compressed
    assert unescape(wire) == text
