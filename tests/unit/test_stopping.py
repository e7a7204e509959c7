"""CodeStopper and InterruptedSendRecovery: when Ctrl-C goes (again), with the time passed in, bytes split anyhow."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from belay_engine.protocol.control_bytes import RAW_REPL_BANNER
from belay_engine.protocol.framing import RawReplFramer
from belay_engine.protocol.stopping import CTRL_C_REPEAT, CodeStopper, InterruptedSendRecovery

EXAMPLES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
INTERRUPTED = b"tick\r\n\x04Traceback (most recent call last):\r\nKeyboardInterrupt: \r\n\x04>"
AFTER = b"next"


def running_framer() -> RawReplFramer:
    framer = RawReplFramer()
    framer.feed(b"OKtick\r\n")
    assert framer.running
    return framer


def split(stream: bytes, *cuts: int) -> list[bytes]:
    points = sorted({0, len(stream), *cuts})
    return [stream[start:end] for start, end in zip(points, points[1:]) if end > start]


# -- CodeStopper ----------------------------------------------------------------------------------------------


def test_the_stopper_sends_ctrl_c_at_once():
    stopper = CodeStopper(running_framer(), now=100.0, timeout=2.0)
    assert stopper.data_to_send() == [b"\x03"]
    assert stopper.data_to_send() == []
    assert not stopper.finished


def test_ctrl_c_repeats_every_quarter_second_while_the_code_runs():
    stopper = CodeStopper(running_framer(), now=0.0, timeout=2.0)
    stopper.data_to_send()
    assert stopper.timeout(0.0) == CTRL_C_REPEAT
    stopper.receive_data(b"", 0.1)  # a read that ended early brings nothing new
    assert stopper.data_to_send() == []
    assert stopper.timeout(0.1) == CTRL_C_REPEAT - 0.1
    stopper.receive_data(b"more output", CTRL_C_REPEAT)
    assert stopper.data_to_send() == [b"\x03"]
    stopper.receive_data(b"", CTRL_C_REPEAT + 0.2)
    assert stopper.data_to_send() == []
    stopper.receive_data(b"", 2 * CTRL_C_REPEAT + 0.01)
    assert stopper.data_to_send() == [b"\x03"]
    assert stopper.timeout(2 * CTRL_C_REPEAT + 0.01) == CTRL_C_REPEAT


def test_ctrl_c_repeats_while_the_code_has_not_started():
    framer = RawReplFramer()  # no OK yet: the board still reads or compiles the code, and took Ctrl-C as input
    stopper = CodeStopper(framer, now=0.0, timeout=2.0)
    stopper.data_to_send()
    stopper.receive_data(b"", CTRL_C_REPEAT)
    assert stopper.data_to_send() == [b"\x03"]
    stopper.receive_data(b"O", 2 * CTRL_C_REPEAT)
    assert stopper.data_to_send() == [b"\x03"]


def test_no_ctrl_c_once_the_code_has_ended_and_the_board_prints_its_traceback():
    stopper = CodeStopper(running_framer(), now=0.0, timeout=2.0)
    stopper.data_to_send()
    stopper.receive_data(b"\x04Traceback (most recent call last):\r\n", 0.1)
    stopper.receive_data(b"", 1.0)
    assert stopper.data_to_send() == []
    assert stopper.timeout(1.0) == 1.0  # only the deadline is left to wait for


def test_the_stopper_finishes_with_the_reply_and_keeps_what_follows_it():
    stopper = CodeStopper(running_framer(), now=0.0, timeout=2.0)
    stopper.data_to_send()
    stopper.receive_data(INTERRUPTED + AFTER, 5.0)  # late, but the reply ended: no timeout, no Ctrl-C
    assert stopper.finished
    assert stopper.leftover == AFTER
    assert not stopper.timed_out
    assert stopper.data_to_send() == []


def test_the_stopper_times_out_on_silence_after_the_deadline_not_on_output():
    stopper = CodeStopper(running_framer(), now=0.0, timeout=2.0)
    stopper.receive_data(b"still printing", 2.5)  # the board still talks: its traceback may be on its way
    assert not stopper.timed_out
    assert stopper.timeout(2.5) == 0.0
    stopper.receive_data(b"", 2.6)
    assert stopper.timed_out
    assert not stopper.finished


def test_an_interrupted_reply_split_at_every_offset_ends_the_stop():
    stream = INTERRUPTED + AFTER
    for cut in range(len(stream) + 1):
        stopper = CodeStopper(running_framer(), now=0.0, timeout=2.0)
        chunks = split(stream, cut)
        while not stopper.finished:
            stopper.receive_data(chunks.pop(0), 0.01)
        assert stopper.leftover + b"".join(chunks) == AFTER, cut


@EXAMPLES
@given(
    cuts=st.sets(st.integers(1, len(INTERRUPTED) + len(AFTER) + 1), max_size=12),
    steps=st.lists(st.tuples(st.floats(0, 0.6), st.booleans()), min_size=1, max_size=40),
    started=st.booleans(),
)
def test_ctrl_c_schedule_in_any_chunking_and_timing(cuts, steps, started):
    """After each read: a Ctrl-C goes exactly when one is due and the code runs or has not started yet."""
    framer = running_framer() if started else RawReplFramer()
    stream = (b"" if started else b"OK") + INTERRUPTED + AFTER
    chunks = split(stream, *(cut for cut in cuts if cut < len(stream)))
    now = 0.0
    stopper = CodeStopper(framer, now=now, timeout=2.0)
    assert stopper.data_to_send() == [b"\x03"]
    last_ctrl_c = now
    for gap, delivers in steps:
        now += gap
        data = chunks.pop(0) if delivers and chunks else b""
        stopper.receive_data(data, now)
        if not data and now >= 2.0:
            assert stopper.timed_out
            break
        assert not stopper.timed_out
        may_need_one = not framer.finished and (framer.running or not framer.acknowledged)
        due = now >= last_ctrl_c + CTRL_C_REPEAT
        assert stopper.data_to_send() == ([b"\x03"] if may_need_one and due else [])
        if may_need_one and due:
            last_ctrl_c = now
        wake = min(2.0, last_ctrl_c + CTRL_C_REPEAT) if may_need_one else 2.0
        assert stopper.timeout(now) == pytest.approx(max(0.0, wake - now))
        if stopper.finished:
            assert stopper.leftover + b"".join(chunks) == AFTER
            break


# -- InterruptedSendRecovery ----------------------------------------------------------------------------------


def test_recovery_sends_ctrl_c_and_ctrl_a_at_once():
    recovery = InterruptedSendRecovery(now=0.0, timeout=10.0)
    assert recovery.data_to_send() == [b"\x03\x01"]
    assert not recovery.done


def test_recovery_repeats_ctrl_c_every_quarter_second_until_the_banner():
    recovery = InterruptedSendRecovery(now=0.0, timeout=10.0)
    recovery.data_to_send()
    assert recovery.timeout(0.0) == CTRL_C_REPEAT
    recovery.receive_data(b"", 0.2)
    assert recovery.data_to_send() == []
    recovery.receive_data(b"", CTRL_C_REPEAT)
    assert recovery.data_to_send() == [b"\x03"]
    recovery.receive_data(b"Traceback...", CTRL_C_REPEAT + 0.1)
    assert recovery.data_to_send() == []
    recovery.receive_data(b"", 2 * CTRL_C_REPEAT)
    assert recovery.data_to_send() == [b"\x03"]
    recovery.receive_data(RAW_REPL_BANNER, 2 * CTRL_C_REPEAT + 0.1)
    assert recovery.finished
    assert recovery.data_to_send() == []


def test_recovery_gives_up_at_its_deadline():
    recovery = InterruptedSendRecovery(now=0.0, timeout=0.2)
    recovery.data_to_send()
    assert recovery.timeout(0.1) == pytest.approx(0.1)  # the deadline comes before the next Ctrl-C
    recovery.receive_data(b"noise", 0.2)
    assert recovery.gave_up
    assert recovery.done
    assert not recovery.finished
    assert recovery.data_to_send() == []


def test_recovery_split_at_every_offset_drops_what_precedes_the_banner_and_keeps_what_follows():
    stream = b"x=1\r\nTraceback (most recent call last):\r\nKeyboardInterrupt: \r\n>" + RAW_REPL_BANNER + AFTER
    for cut in range(len(stream) + 1):
        recovery = InterruptedSendRecovery(now=0.0, timeout=10.0)
        chunks = split(stream, cut)
        while not recovery.done:
            recovery.receive_data(chunks.pop(0), 0.01)
        assert recovery.finished, cut
        assert recovery.leftover + b"".join(chunks) == AFTER, cut


@EXAMPLES
@given(cuts=st.sets(st.integers(1, 200), max_size=20))
def test_recovery_finds_the_banner_in_any_chunking(cuts):
    stream = b"junk " * 30 + RAW_REPL_BANNER[:-3] + RAW_REPL_BANNER + AFTER  # a false start of the banner first
    chunks = split(stream, *(cut for cut in cuts if cut < len(stream)))
    recovery = InterruptedSendRecovery(now=0.0, timeout=10.0)
    while not recovery.done:
        recovery.receive_data(chunks.pop(0), 0.0)
    assert recovery.finished
    assert recovery.leftover + b"".join(chunks) == AFTER
