import random
import zlib

from belay_engine.protocol.file_escaping import BLOCK, ESCAPE, KEYS, escape, unescape
from belay_engine.sync.wire import SAMPLE, SAMPLES, encode, worth_compressing


def test_escaping_round_trips_every_byte_value():
    data = bytes(range(256)) * 3 + bytes([ESCAPE, ESCAPE, 3, ESCAPE])
    assert unescape(escape(data)) == data


def test_the_wire_never_holds_a_repl_control_byte():
    wire = escape(bytes(range(256)) * 4)
    assert not any(byte in wire for byte in (1, 2, 3, 4, 5))


def test_each_block_of_127_file_bytes_costs_one_header_byte():
    assert len(escape(bytes(range(256)) * 40)) == 10_240 + 81
    assert escape(b"plain text") == b"\x00plain text"  # key 0: as it is
    assert len(escape(random.Random(6).randbytes(200 * 1024))) == 204_800 + 1613  # 0.8 %, where escapes cost 2.3 %
    assert escape(b"") == b""


def test_the_wire_is_blocks_each_with_a_key_that_clears_it_of_control_bytes():
    data = random.Random(7).randbytes(5000)
    wire = escape(data)
    for start in range(0, len(wire), BLOCK):
        key, body = wire[start], wire[start + 1 : start + BLOCK]
        assert key in KEYS
        assert bytes(byte ^ key for byte in body) == data[start - start // BLOCK : start - start // BLOCK + len(body)]


#: 127 even values: every key is ruled out (b ^ 2 and b ^ 4 cover the even keys, b ^ 1, 3, 5 the odd ones).
UNCLEARABLE = bytes(range(0, 254, 2))


def test_a_block_no_key_clears_goes_escaped():
    wire = escape(UNCLEARABLE)
    assert wire[0] == ESCAPE
    assert unescape(wire) == UNCLEARABLE
    assert not any(byte in wire for byte in (1, 2, 3, 4, 5))


def ends_on_padding(block: bytes) -> bool:
    pending = False
    for byte in block[1:]:
        pending = not pending and byte == ESCAPE
    return pending


def test_an_escape_pair_never_straddles_two_blocks_whatever_the_offset():
    padded = 0
    for shift in range(len(UNCLEARABLE)):
        data = (UNCLEARABLE[shift:] + UNCLEARABLE[:shift]) * 3
        wire = escape(data)
        blocks = [wire[start : start + BLOCK] for start in range(0, len(wire), BLOCK)]
        assert blocks[0][0] == ESCAPE
        assert b"".join(unescape(block) for block in blocks) == data  # each block decodes on its own
        padded += sum(ends_on_padding(block) for block in blocks)
    assert padded  # some shift puts an escaped byte where only its first half fits


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
