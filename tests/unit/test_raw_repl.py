import pytest

from belay_engine.errors import BoardTimeoutError
from belay_engine.protocol.raw_repl import RAW_REPL_BANNER, RawRepl
from tests.fakes import ScriptedTransport


def plain_board(written):
    """A board without raw-paste support that runs `print(...)` by echoing the argument."""
    if written == b"\x05A\x01":
        return b"R\x00"
    if written.endswith(b"\x01"):
        return b"\r\n" + RAW_REPL_BANNER
    if written.endswith(b"\x04"):
        return b"OKout\x04\x04>"
    return b""


def test_enter_discards_what_the_board_printed_before_the_banner():
    transport = ScriptedTransport(lambda w: b"junk from main.py\r\n>>> \r\n" + RAW_REPL_BANNER if b"\x01" in w else b"")
    repl = RawRepl(transport)
    repl.enter()
    assert transport.written[0].endswith(b"\x03\x03\x01")


def test_small_code_is_sent_in_one_write_with_ctrl_d():
    transport = ScriptedTransport(plain_board)
    repl = RawRepl(transport)
    assert repl.exec(b"x=1") == (b"out", b"")
    assert transport.written == [b"x=1\x04"]


def test_large_code_falls_back_to_the_plain_raw_repl_when_raw_paste_is_refused():
    transport = ScriptedTransport(plain_board)
    repl = RawRepl(transport)
    code = b"x=1\n" * 200
    assert repl.exec(code) == (b"out", b"")
    assert repl.raw_paste_supported is False
    assert b"".join(transport.written[1:]) == code + b"\x04"


def test_raw_paste_respects_the_window_and_flow_control():
    window = 32
    received = []

    def board(written):
        if written == b"\x05A\x01":
            return b"R\x01" + window.to_bytes(2, "little") + b"\x01"
        if written == b"\x04":
            return b"\x04done\x04\x04>"
        received.append(written)
        return b"\x01" if sum(map(len, received)) % window == 0 else b""

    transport = ScriptedTransport(board)
    repl = RawRepl(transport)
    code = bytes(range(48, 58)) * 40
    assert repl.exec(code) == (b"done", b"")
    assert b"".join(received) == code
    assert max(map(len, received)) <= 2 * window


def test_a_silent_board_raises_a_timeout_that_says_what_was_awaited():
    repl = RawRepl(ScriptedTransport(lambda w: b""), acknowledge_timeout=0.05)
    with pytest.raises(BoardTimeoutError, match="raw REPL banner"):
        repl.enter()
