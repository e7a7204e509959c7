"""The board's file receiver (``_belay.u`` in board/sync_helpers.py) run under CPython against the host's FileCredit.

The board code is the very text sync installs; its stdin and stdout are a simulated link. The host takes the
board's grants as late and as piecemeal as hypothesis likes, so every interleaving the real link allows comes up.
"""

import importlib.resources
import io
import sys
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from belay_engine.protocol.control_bytes import GRANT
from belay_engine.protocol.file_credit import FIRST_CREDIT, GRANT_SIZE, READ_AHEAD, FileCredit
from belay_engine.protocol.file_escaping import ESCAPED, escape

#: The bytes the raw REPL acts on (Ctrl-A to Ctrl-E): never on the wire.
REPL_BYTES = bytes(ESCAPED[1:])


class Link:
    """Host and board ends of a simulated serial link carrying one transfer."""

    def __init__(self, wire: bytes, takes: list[int], eager: list[bool]):
        self.credit = FileCredit(wire)
        self.sent = bytearray(self.credit.first_chunk())  # what the host wrote, in order
        self.read = 0  # what the board read of it
        self.board_output = bytearray()  # grants not yet taken by the host
        self.board_wrote = bytearray()
        self.takes = iter(takes)
        self.eager = iter(eager)
        self.most_ahead = len(self.sent)
        self.stalls: list[int] = []  # bytes on their way each time the board did slow work

    def ahead(self) -> int:
        return len(self.sent) - self.read

    def host_takes_output(self) -> None:
        """The host reads some of the board's output (at least a byte) and sends what the credit allows."""
        count = max(1, next(self.takes, len(self.board_output)))
        taken, self.board_output = self.board_output[:count], self.board_output[count:]
        self.credit.receive_data(bytes(taken))
        for chunk in self.credit.data_to_send():
            assert not any(byte in chunk for byte in REPL_BYTES)
            self.sent += chunk
        self.most_ahead = max(self.most_ahead, self.ahead())

    def board_writes(self, text: str) -> int:
        self.board_output += text.encode()
        self.board_wrote += text.encode()
        if next(self.eager, False):
            self.host_takes_output()
        return len(text)

    def board_reads_into(self, view) -> int:
        wanted = len(view)
        while self.ahead() < wanted:
            assert self.board_output, "the board waits for bytes the host has no credit to send"
            self.host_takes_output()
        view[:wanted] = self.sent[self.read : self.read + wanted]
        self.read += wanted
        return wanted


class Stdin:
    def __init__(self, link: Link):
        self.buffer = self
        self.readinto = link.board_reads_into


class Stdout:
    def __init__(self, link: Link):
        self.write = link.board_writes


class FakeDeflateIO:
    """MicroPython's deflate.DeflateIO as the board has it: it reads its source a byte at a time."""

    def __init__(self, source, _format):
        self.source = source
        self.inflater = zlib.decompressobj(10)
        self.byte = bytearray(1)

    def readinto(self, out) -> int:
        data = b""
        while not data and not self.inflater.eof:
            if not self.source.readinto(self.byte):
                break
            data = self.inflater.decompress(bytes(self.byte), len(out))
            while self.inflater.unconsumed_tail and len(data) < len(out):
                data += self.inflater.decompress(self.inflater.unconsumed_tail, len(out) - len(data))
        out[: len(data)] = data
        return len(data)


class FakeDeflate:
    ZLIB = 1
    DeflateIO = FakeDeflateIO


def board_helpers(link: Link) -> dict:
    """The sync helpers' namespace, with the receiver's slow work (file writes) checked against the link."""
    board = importlib.resources.files("belay_engine.board")
    namespace: dict = {"_belay": type("_belay", (), {})}
    exec(board.joinpath("fast_python.py").read_text() + board.joinpath("sync_helpers.py").read_text(), namespace)

    class File(io.FileIO):
        def write(self, data):
            link.stalls.append(link.ahead())
            return super().write(data)

    namespace["open"] = File
    return namespace


def receive(monkeypatch, tmp_path, data: bytes, compressed: bool, takes=(), eager=()) -> Link:
    """Send `data` to the board's receiver over a simulated link; the link once the board has the file."""
    wire = escape(zlib.compress(data, 9, wbits=10) if compressed else data)  # as sync/wire.py encodes
    link = Link(wire, list(takes), list(eager))
    namespace = board_helpers(link)
    monkeypatch.setattr(sys, "stdin", Stdin(link))
    monkeypatch.setattr(sys, "stdout", Stdout(link))
    monkeypatch.setitem(sys.modules, "deflate", FakeDeflate)
    final = tmp_path / "file.bin"
    namespace["_belay"].u(str(final), len(wire), len(data), compressed)
    monkeypatch.undo()
    assert final.read_bytes() == data
    assert not (tmp_path / "file.bin.belay-tmp").exists()
    assert bytes(link.sent) == wire  # every wire byte sent exactly once, in order
    assert link.read == len(wire)
    assert link.credit.complete
    return link


def awkward(size: int) -> bytes:
    """`size` bytes with escapes everywhere: so some escape straddles every read and buffer boundary."""
    return bytes(ESCAPED[i % 3] if i % 5 == 0 else (i * 37) % 256 for i in range(size))


@pytest.mark.parametrize(
    "size", [0, 1, 31, 32, 33, FIRST_CREDIT - 1, FIRST_CREDIT, FIRST_CREDIT + 1, 1023, 1024, 1025, 1216, 1217, 4099]
)
def test_files_of_every_awkward_size_arrive_whole(monkeypatch, tmp_path, size):
    receive(monkeypatch, tmp_path, awkward(size), compressed=False)


@pytest.mark.parametrize("offset", range(READ_AHEAD - 40, READ_AHEAD + 8))
def test_an_escape_at_any_offset_around_the_end_of_the_read_buffer_is_undone(monkeypatch, tmp_path, offset):
    data = bytearray(b"a" * 3000)
    data[offset] = ESCAPED[1]  # its two wire bytes straddle the buffer's end at offset READ_AHEAD - 1
    receive(monkeypatch, tmp_path, bytes(data), compressed=False)


def test_while_only_reading_the_board_keeps_a_buffer_of_grants_ahead_and_at_slow_work_no_more_than_any_stdin_holds(
    monkeypatch, tmp_path
):
    link = receive(monkeypatch, tmp_path, awkward(20_000), compressed=False, eager=[True] * 1000)
    assert link.most_ahead == READ_AHEAD + FIRST_CREDIT
    assert len(link.stalls) > 10
    assert max(link.stalls) <= FIRST_CREDIT


@pytest.mark.parametrize("shift", range(0, 127, 7))
def test_escaped_blocks_are_undone_wherever_they_fall(monkeypatch, tmp_path, shift):
    unclearable = bytes(range(0, 254, 2))  # no key clears it: the block goes escaped
    data = (unclearable[shift:] + unclearable[:shift]) * 20 + awkward(500)
    receive(monkeypatch, tmp_path, data, compressed=False)


def test_a_compressed_file_is_inflated_as_it_arrives(monkeypatch, tmp_path):
    text = b"".join(b"value_%d = %d  # a line of a module\n" % (i, i * 7) for i in range(3000))
    link = receive(monkeypatch, tmp_path, text, compressed=True)
    assert max(link.stalls) <= FIRST_CREDIT


def test_the_wire_carries_the_escaped_file_one_way_and_one_grant_per_grant_size_beyond_the_first_credit_back(
    monkeypatch, tmp_path
):
    data = bytes(range(256)) * 40  # 10 240 bytes: 81 blocks
    link = receive(monkeypatch, tmp_path, data, compressed=False)
    assert len(link.sent) == 10_240 + 81
    assert bytes(link.board_wrote) == GRANT * -(-(10_321 - FIRST_CREDIT) // GRANT_SIZE)  # 317 grants, nothing else


@settings(max_examples=60, deadline=None)
@given(
    st.binary(max_size=6000),
    st.booleans(),
    st.lists(st.integers(min_value=1, max_value=40), max_size=400),
    st.lists(st.booleans(), max_size=400),
)
def test_any_file_arrives_whole_however_late_and_piecemeal_the_host_takes_the_grants(
    tmp_path_factory, data, compressed, takes, eager
):
    with pytest.MonkeyPatch.context() as monkeypatch:
        link = receive(monkeypatch, tmp_path_factory.mktemp("board"), data, compressed, takes, eager)
    assert link.most_ahead <= READ_AHEAD + FIRST_CREDIT
    assert all(ahead <= FIRST_CREDIT for ahead in link.stalls)
