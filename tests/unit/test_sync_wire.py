import random
import zlib

from belay_engine.protocol.file_escaping import ESCAPE, escape, unescape
from belay_engine.sync.wire import SAMPLE, SAMPLES, encode, worth_compressing


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


def test_a_large_incompressible_file_is_judged_by_samples_and_sent_as_it_is():
    data = random.Random(3).randbytes(100_000)
    assert not worth_compressing(data)
    wire, compressed = encode(data, compress=True)
    assert not compressed
    assert unescape(wire) == data


def test_a_large_file_compressible_in_one_part_is_compressed():
    noise = random.Random(4).randbytes(60_000)
    data = noise[:30_000] + b"reading = 1234  # a log line\n" * 1500 + noise[30_000:]
    assert worth_compressing(data)
    wire, compressed = encode(data, compress=True)
    assert compressed
    assert zlib.decompress(unescape(wire), wbits=10) == data


def test_small_files_are_always_tried_whole():
    assert worth_compressing(random.Random(5).randbytes(SAMPLE * SAMPLES))
