import pytest

from belay_engine.errors import BoardTimeoutError, ProtocolError
from belay_engine.protocol.framing import Output
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


def test_interrupt_is_one_ctrl_c_write():
    transport = ScriptedTransport(lambda w: b"")
    RawRepl(transport).interrupt()
    assert transport.written == [b"\x03"]


def test_closing_a_reply_early_stops_the_code_and_keeps_what_follows_its_prompt():
    def board(written):
        if written == b"loop()\x04":
            return b"OKtick\r\n"
        if written == b"\x03":
            return b"\x04Traceback (most recent call last):\r\nKeyboardInterrupt: \r\n\x04>stray"
        return b""

    transport = ScriptedTransport(board)
    repl = RawRepl(transport)
    reply = repl.execute(b"loop()")
    assert next(reply) == Output(b"tick\r\n")
    reply.close()
    assert reply.finished
    assert transport.written[-1] == b"\x03"
    assert repl.read_until(b"stray", 1) == b"stray"  # the stop read through the buffer the next read uses


def test_a_board_that_ends_a_raw_paste_early_gets_its_acknowledgement_and_the_error_comes_back():
    error = b"Traceback (most recent call last):\r\nSyntaxError: invalid syntax\r\n"

    def board(written):
        if written == b"\x05A\x01":
            return b"R\x01" + (32).to_bytes(2, "little") + b"\x01"
        if written == b"\x04":
            return b"\x04" + error + b"\x04>"
        return b"\x04"  # the first window had the syntax error

    transport = ScriptedTransport(board)
    repl = RawRepl(transport)
    assert repl.exec(b"x = (\n" * 100) == (b"", error)
    assert transport.written == [b"\x05A\x01", (b"x = (\n" * 100)[:64], b"\x04"]


def test_an_unexpected_byte_during_a_raw_paste_is_a_protocol_error():
    transport = ScriptedTransport(lambda w: b"R\x01\x20\x00?" if w == b"\x05A\x01" else b"")
    with pytest.raises(ProtocolError, match="unexpected byte"):
        RawRepl(transport).exec(b"x=1\n" * 100)


def test_a_send_cut_by_an_interrupt_leaves_the_board_idle_and_keeps_what_follows_the_banner():
    def board(written):
        if written.endswith(b"\x04"):
            raise KeyboardInterrupt  # the user pressed Ctrl-C while the code went out
        if written == b"\x03\x01":
            return b"\r\nKeyboardInterrupt\r\n" + RAW_REPL_BANNER + b"thread output"
        return b""

    transport = ScriptedTransport(board, chunk=5)
    repl = RawRepl(transport)
    with pytest.raises(KeyboardInterrupt):
        repl.execute(b"x=1")
    assert transport.written[-1] == b"\x03\x01"
    assert repl.read_until(b"output", 1) == b"thread output"


def test_code_that_does_not_stop_raises_a_timeout_that_says_so():
    transport = ScriptedTransport(lambda w: b"OKrunning" if w == b"loop()\x04" else b"")
    repl = RawRepl(transport, interrupt_timeout=0.05)
    reply = repl.execute(b"loop()")
    next(reply)
    with pytest.raises(BoardTimeoutError, match="did not stop"):
        reply.close()
    assert transport.written.count(b"\x03") >= 1


class TimedBoard(ScriptedTransport):
    """A board whose reply chunks arrive at given times of a clock it shares with the engine's deadlines."""

    def __init__(self, clock: list, chunks: list[tuple[float, bytes]]):
        super().__init__(lambda written: b"")
        self._clock = clock
        self._chunks = list(chunks)

    def read(self, max_bytes: int, timeout):
        if not self._chunks:
            return b""
        ready, data = self._chunks[0]
        if timeout is not None and self._clock[0] + timeout < ready:
            self._clock[0] += timeout  # nothing arrives within the wait
            return b""
        self._clock[0] = max(self._clock[0], ready)
        self._chunks.pop(0)
        return data


def _scripted_clock(monkeypatch) -> list:
    import types

    from belay_engine.protocol import deadline

    clock = [0.0]
    monkeypatch.setattr(deadline, "time", types.SimpleNamespace(monotonic=lambda: clock[0]))
    return clock


def test_a_reply_whose_end_arrives_after_a_long_run_is_not_timed_out(monkeypatch):
    # The code runs for 30 s (no timeout of its own); its stdout ends, and the prompt follows in the next read.
    clock = _scripted_clock(monkeypatch)
    board = TimedBoard(clock, [(0.0, b"OK"), (30.0, b"done\x04"), (30.01, b"\x04>")])
    events = list(RawRepl(board, acknowledge_timeout=10).execute(b"x=1"))
    assert [event for event in events if isinstance(event, Output)] == [Output(b"done")]


def test_a_board_that_never_accepts_the_code_times_out_naming_what_was_awaited(monkeypatch):
    clock = _scripted_clock(monkeypatch)
    board = TimedBoard(clock, [(60.0, b"OK")])
    with pytest.raises(BoardTimeoutError) as raised:
        list(RawRepl(board, acknowledge_timeout=10, interrupt_timeout=0.05).execute(b"x=1"))
    # The board then does not answer the Ctrl-C either: that error goes up, with the wait it ended as its context.
    assert "waited 10 s for the board to accept the code" in str(raised.value.__context__ or raised.value)


def test_a_reply_that_stops_after_its_stdout_times_out_naming_the_prompt(monkeypatch):
    clock = _scripted_clock(monkeypatch)
    board = TimedBoard(clock, [(0.0, b"OK"), (30.0, b"done\x04")])
    with pytest.raises(BoardTimeoutError) as raised:
        list(RawRepl(board, acknowledge_timeout=10, interrupt_timeout=0.05).execute(b"x=1"))
    assert "the end of the reply (traceback and prompt)" in str(raised.value.__context__ or raised.value)


def test_read_stdout_gives_running_code_output_and_leaves_the_rest_to_the_events():
    from belay_engine.protocol.deadline import Deadline
    from belay_engine.protocol.framing import ErrorOutput, Finished

    replies = {b"serve()\x04": b"OK", b"a": b"first", b"b": b"last\x04err\x04>"}
    transport = ScriptedTransport(lambda written: replies.get(written, b""))
    repl = RawRepl(transport)
    reply = repl.execute(b"serve()")
    assert reply.read_stdout(Deadline(1)) is None  # not acknowledged yet: nothing read
    assert not reply.finish(0)  # reads the acknowledgement
    transport.write(b"a")
    assert reply.read_stdout(Deadline(1)) == b"first"
    transport.write(b"b")
    assert reply.read_stdout(Deadline(1)) is None  # the end of stdout among the bytes: queued as events
    assert list(reply) == [Output(b"last"), ErrorOutput(b"err"), Finished()]
    assert reply.read_stdout(Deadline(1)) is None
