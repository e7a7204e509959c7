"""CodeSender: code to the raw REPL, plain or in raw-paste mode, fed the board's bytes however they are split."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from belay_engine.errors import ProtocolError
from belay_engine.protocol.control_bytes import RAW_PASTE_REQUEST, RAW_REPL_BANNER
from belay_engine.protocol.raw_paste import PLAIN_WRITE_LIMIT, PLAIN_WRITE_PAUSE, CodeSender, CodeSent

CODE = bytes(range(0x20, 0x7F)) * 4  # larger than PLAIN_WRITE_LIMIT: raw paste is asked for
REPLY = b"out\r\n\x04\x04>"  # what follows the sender's part: the reply, for the framer
WINDOW = 32
HEADER = b"R\x01" + WINDOW.to_bytes(2, "little")

EXAMPLES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def split(stream: bytes, *cuts: int) -> list[bytes]:
    points = sorted({0, len(stream), *cuts})
    return [stream[start:end] for start, end in zip(points, points[1:]) if end > start]


def exchange(sender: CodeSender, chunks: list[bytes]):
    """Feed `chunks` until the code is sent; return the writes, the `CodeSent` (or None) and the bytes not fed.

    Checks raw-paste flow control after every read: the code written never exceeds the windows received.
    (The plain raw REPL has none: its code goes whole, in `PLAIN_WRITE_LIMIT`-byte writes.)
    """
    writes = sender.data_to_send()
    fed = b""
    chunks = list(chunks)
    while True:
        events = sender.events_received()
        if events:
            (sent,) = events
            assert sender.sent
            return writes, sent, b"".join(chunks)
        if not chunks:
            return writes, None, b""
        chunk = chunks.pop(0)
        sender.receive_data(chunk)
        fed += chunk
        writes += sender.data_to_send()
        if sender.raw_paste_supported:
            assert pasted(writes) <= allowed(fed), (fed, writes)


def pasted(writes: list[bytes]) -> int:
    """Code bytes the host has written in raw-paste mode (not the request, not the Ctrl-Ds)."""
    return sum(len(w) for w in writes if w not in (RAW_PASTE_REQUEST, b"\x04"))


def allowed(fed: bytes) -> int:
    """Code bytes the windows in `fed` allow (the header's window, one more per flow-control byte before Ctrl-D)."""
    if not fed.startswith(b"R\x01") or len(fed) < 4:
        return 0
    window = int.from_bytes(fed[2:4], "little")
    return window * (1 + fed[4:].split(b"\x04")[0].count(b"\x01"))


def raw_paste_stream(code: bytes, window: int) -> tuple[bytes, bytes]:
    """A board that pastes `code`: what it sends before the host's final Ctrl-D, and what after.

    As MicroPython's reader does: the window size and one ``\\x01`` (two windows free), then one ``\\x01`` for
    every window it reads; its ``\\x04`` answers the host's.
    """
    before = b"R\x01" + window.to_bytes(2, "little") + b"\x01" + b"\x01" * (len(code) // window)
    return before, b"\x04" + REPLY


class PastingBoard:
    """MicroPython's raw-paste reader (``mp_reader_stdin`` in shared/runtime), reacting to each host write.

    `end_early_after` code bytes, it ends the paste itself (as on a syntax error) and reads on up to the host's
    Ctrl-D, dropping what comes before it.
    """

    def __init__(self, window: int, end_early_after=None):
        self.window = window
        self.window_remain = window
        self.end_early_after = end_early_after
        self.output = b"R\x01" + window.to_bytes(2, "little") + b"\x01"
        self.code = b""
        self.state = "reading"

    def receive(self, data: bytes) -> None:
        for byte in data:
            assert self.state != "done", "the host wrote after the paste ended"
            if byte == 0x04:
                self.output += (b"\x04" if self.state == "reading" else b"") + REPLY
                self.state = "done"
            elif self.state == "reading":
                self.code += bytes([byte])
                self.window_remain -= 1
                if self.window_remain == 0:
                    self.output += b"\x01"
                    self.window_remain = self.window
                if len(self.code) == self.end_early_after:
                    self.output += b"\x04"
                    self.state = "closing"


def paste_with(board: PastingBoard, code: bytes, sizes) -> tuple[CodeSent, int]:
    """Run a CodeSender against `board`; `sizes(n)` picks how many of `n` waiting bytes the next read gets."""
    sender = CodeSender(code)
    delivered = b""
    while True:
        for write in sender.data_to_send():
            if write != RAW_PASTE_REQUEST:
                board.receive(write)
            assert len(board.code) <= allowed(delivered) or board.state != "reading"
        events = sender.events_received()
        if events:
            (sent,) = events
            return sent, len(delivered)
        waiting = board.output[len(delivered) :]
        assert waiting, "host and board both wait"
        chunk = waiting[: sizes(len(waiting))]
        delivered += chunk
        sender.receive_data(chunk)


# -- plain raw REPL ---------------------------------------------------------------------------------------------


def test_small_code_goes_in_one_write_with_ctrl_d_and_nothing_is_asked():
    sender = CodeSender(b"x=1")
    assert sender.data_to_send() == [b"x=1\x04"]
    assert sender.events_received() == [CodeSent(b"OK")]
    assert sender.write_pause == 0.0


def test_large_code_for_a_board_known_without_raw_paste_goes_in_paced_writes():
    code = b"x=1\n" * 200
    sender = CodeSender(code, raw_paste_supported=False)
    writes = sender.data_to_send()
    assert b"".join(writes) == code + b"\x04"
    assert max(map(len, writes)) <= PLAIN_WRITE_LIMIT
    assert writes[-1] == b"\x04"
    assert sender.write_pause == PLAIN_WRITE_PAUSE
    assert sender.events_received() == [CodeSent(b"OK")]


def test_large_code_asks_for_raw_paste_first():
    sender = CodeSender(CODE)
    assert sender.data_to_send() == [RAW_PASTE_REQUEST]
    assert sender.events_received() == []
    assert sender.awaited == "the answer to the raw-paste request"


# -- raw paste supported ----------------------------------------------------------------------------------------


def test_raw_paste_split_at_every_offset_sends_all_code_within_the_windows():
    before, after = raw_paste_stream(CODE, WINDOW)
    stream = before + after
    for cut in range(len(stream) + 1):
        # The board's final \x04 answers the host's, so it never comes in the same read as the windows before it.
        sender = CodeSender(CODE)
        writes, sent, rest = exchange(sender, split(stream, cut, len(before)))
        assert writes[0] == RAW_PASTE_REQUEST, cut
        assert b"".join(writes[1:]) == CODE + b"\x04", cut
        assert sent.acknowledgement == b"", cut
        assert sent.leftover + rest == REPLY, cut
        assert sender.raw_paste_supported is True


def test_several_flow_control_bytes_in_one_read_make_one_larger_write():
    sender = CodeSender(CODE)
    window = 16
    grants = b"\x01" * (len(CODE) // window)
    writes, sent, _ = exchange(sender, [b"R\x01" + window.to_bytes(2, "little") + grants])
    assert writes == [RAW_PASTE_REQUEST, CODE, b"\x04"]
    assert sent is None  # the board's \x04 has not come yet
    assert sender.awaited == "the end of a raw paste"


def test_flow_control_bytes_one_per_read_give_one_window_per_write():
    sender = CodeSender(CODE)
    window = 16
    chunks = [b"R\x01", window.to_bytes(2, "little")] + [b"\x01"] * (len(CODE) // window) + [b"\x04" + REPLY]
    writes, sent, rest = exchange(sender, chunks)
    assert all(len(write) <= window for write in writes[1:])
    assert b"".join(writes[1:]) == CODE + b"\x04"
    assert sent.leftover + rest == REPLY


def test_the_host_waits_for_a_window_when_the_last_one_is_used_up():
    sender = CodeSender(CODE)
    writes, sent, _ = exchange(sender, [HEADER])
    assert writes == [RAW_PASTE_REQUEST, CODE[:WINDOW]]
    assert sent is None
    assert sender.awaited == "a raw-paste flow-control byte"


def test_flow_control_bytes_after_all_code_is_sent_are_skipped():
    sender = CodeSender(CODE)
    window = 1024
    writes, sent, rest = exchange(sender, [b"R\x01" + window.to_bytes(2, "little"), b"\x01\x01", b"\x01\x04" + REPLY])
    assert writes == [RAW_PASTE_REQUEST, CODE, b"\x04"]
    assert sent == CodeSent(b"", REPLY)
    assert rest == b""


@EXAMPLES
@given(
    window=st.integers(1, 80),
    size=st.integers(PLAIN_WRITE_LIMIT + 1, 700),
    data=st.data(),
)
def test_raw_paste_with_a_reacting_board_in_any_chunking(window, size, data):
    code = (CODE * 3)[:size]
    board = PastingBoard(window)
    sent, delivered = paste_with(board, code, lambda waiting: data.draw(st.integers(1, waiting)))
    assert board.code == code
    assert board.state == "done"
    assert sent.acknowledgement == b""
    assert sent.leftover + board.output[delivered:] == REPLY


# -- the board ends the paste early -----------------------------------------------------------------------------


def test_a_board_that_ends_the_paste_early_is_acknowledged_at_every_offset():
    stream = HEADER + b"\x04" + REPLY  # the board found a syntax error in the first window
    for cut in range(len(stream) + 1):
        sender = CodeSender(CODE)
        writes, sent, rest = exchange(sender, split(stream, cut))
        assert writes[-1] == b"\x04", cut
        assert b"".join(writes[1:-1]) in (b"", CODE[:WINDOW]), cut  # no code after the board's \x04
        assert sent.acknowledgement == b"", cut
        assert sent.leftover + rest == REPLY, cut


@EXAMPLES
@given(
    window=st.integers(1, 80),
    size=st.integers(PLAIN_WRITE_LIMIT + 1, 700),
    end=st.floats(0, 1),
    data=st.data(),
)
def test_a_paste_ended_early_by_a_reacting_board_in_any_chunking(window, size, end, data):
    code = (CODE * 3)[:size]
    board = PastingBoard(window, end_early_after=max(1, int(size * end)))
    sent, delivered = paste_with(board, code, lambda waiting: data.draw(st.integers(1, waiting)))
    assert code.startswith(board.code)
    assert board.state == "done"  # the host's \x04 reached it: acknowledgement or end of code
    assert sent.leftover + board.output[delivered:] == REPLY


# -- raw paste not supported ------------------------------------------------------------------------------------


def plain_fallback_writes(code: bytes) -> list[bytes]:
    return [code[start : start + PLAIN_WRITE_LIMIT] for start in range(0, len(code), PLAIN_WRITE_LIMIT)] + [b"\x04"]


def test_a_board_that_understands_but_refuses_raw_paste_gets_plain_code_at_every_offset():
    stream = b"R\x00" + b"OK" + REPLY  # bytes after the answer belong to the reply (its acknowledgement first)
    for cut in range(len(stream) + 1):
        sender = CodeSender(CODE)
        writes, sent, rest = exchange(sender, split(stream, cut))
        assert writes == [RAW_PASTE_REQUEST, *plain_fallback_writes(CODE)], cut
        assert sent.acknowledgement == b"OK", cut
        assert sent.leftover + rest == b"OK" + REPLY, cut
        assert sender.raw_paste_supported is False
        assert sender.write_pause == PLAIN_WRITE_PAUSE


@pytest.mark.parametrize("before_banner", [b"", b"\r\n", b"raw REPL; CTRL-B to exit\r"])
def test_an_old_board_that_took_the_request_as_input_gets_plain_code_after_its_banner(before_banner):
    stream = before_banner + RAW_REPL_BANNER + b"OK" + REPLY
    for cut in range(len(stream) + 1):
        sender = CodeSender(CODE)
        writes, sent, rest = exchange(sender, split(stream, cut))
        assert writes == [RAW_PASTE_REQUEST, *plain_fallback_writes(CODE)], cut
        assert sent.acknowledgement == b"OK", cut
        assert sent.leftover + rest == b"OK" + REPLY, cut
        assert sender.raw_paste_supported is False


def test_an_old_board_is_waited_for_until_its_banner_comes_whole():
    sender = CodeSender(CODE)
    sender.data_to_send()
    sender.receive_data(RAW_REPL_BANNER[:-1])
    assert sender.events_received() == []
    assert sender.awaited == "the raw REPL banner after a raw-paste request"
    sender.receive_data(RAW_REPL_BANNER[-1:])
    assert sender.events_received() == [CodeSent(b"OK")]


@EXAMPLES
@given(
    answer=st.sampled_from([b"R\x00", RAW_REPL_BANNER, b"\r\n" + RAW_REPL_BANNER]),
    cuts=st.sets(st.integers(1, 60), max_size=8),
)
def test_fallbacks_in_any_chunking(answer, cuts):
    stream = answer + b"OK" + REPLY
    writes, sent, rest = exchange(CodeSender(CODE), split(stream, *(cut for cut in cuts if cut < len(stream))))
    assert writes == [RAW_PASTE_REQUEST, *plain_fallback_writes(CODE)]
    assert sent.leftover + rest == b"OK" + REPLY


# -- protocol errors --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("stream", [HEADER + b"x", HEADER + b"\x01\x01?", HEADER + b"\x01" * 20 + b"\x00"])
def test_an_unexpected_byte_during_a_raw_paste_is_a_protocol_error_at_every_offset(stream):
    for cut in range(len(stream) + 1):
        with pytest.raises(ProtocolError, match="unexpected byte"):
            exchange(CodeSender(CODE), split(stream, cut))


def test_a_window_of_zero_bytes_is_a_protocol_error():
    with pytest.raises(ProtocolError, match="window of 0"):
        exchange(CodeSender(CODE), [b"R\x01\x00\x00"])


def test_bytes_after_the_code_is_sent_are_for_the_reply_not_the_sender():
    sender = CodeSender(b"x=1")
    with pytest.raises(RuntimeError, match="framer"):
        sender.receive_data(b"OK")
