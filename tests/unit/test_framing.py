import pytest

from belay_engine.errors import ConnectionLost
from belay_engine.protocol.framing import ErrorOutput, Finished, Output, RawReplFramer

REPLY = b"OKhello\nworld\x04Traceback\nNameError: x\n\x04>"


def collect(chunks, acknowledgement=b"OK"):
    framer = RawReplFramer(acknowledgement)
    events = []
    for chunk in chunks:
        events.extend(framer.feed(chunk))
    return framer, events


def summarize(events):
    stdout = b"".join(e.data for e in events if isinstance(e, Output))
    stderr = b"".join(e.data for e in events if isinstance(e, ErrorOutput))
    finished = [e for e in events if isinstance(e, Finished)]
    return stdout, stderr, finished


@pytest.mark.parametrize("cut", range(len(REPLY) + 1))
def test_reply_split_at_any_offset_gives_the_same_output(cut):
    framer, events = collect([REPLY[:cut], REPLY[cut:]])
    assert summarize(events) == (b"hello\nworld", b"Traceback\nNameError: x\n", [Finished(b"")])
    assert framer.finished


def test_reply_fed_byte_by_byte_gives_the_same_output():
    _, events = collect([REPLY[i : i + 1] for i in range(len(REPLY))])
    assert summarize(events)[:2] == (b"hello\nworld", b"Traceback\nNameError: x\n")


def test_output_is_passed_on_before_the_reply_ends():
    framer = RawReplFramer()
    assert framer.feed(b"OKpartial line") == [Output(b"partial line")]
    assert not framer.finished


def test_bytes_after_the_prompt_are_handed_back_as_leftover():
    _, events = collect([b"OK1\x04\x04>stray"])
    assert events[-1] == Finished(b"stray")


def test_raw_paste_reply_has_no_acknowledgement():
    _, events = collect([b"42\n\x04\x04>"], acknowledgement=b"")
    assert summarize(events)[0] == b"42\n"


def test_stray_output_before_the_acknowledgement_is_not_lost():
    _, events = collect([b"thread says hi\n", b"OK\x04\x04>"])
    assert summarize(events)[0] == b"thread says hi\n"


PRINTED_CONTROL_D = b"OKa\x04b\x04c\x04\x04>"  # the code printed a\x04b\x04c


@pytest.mark.parametrize("cut", range(len(PRINTED_CONTROL_D) + 1))
def test_a_control_d_the_code_printed_is_output_not_the_end_of_it(cut):
    framer, events = collect([PRINTED_CONTROL_D[:cut], PRINTED_CONTROL_D[cut:]])
    assert summarize(events) == (b"a\x04b\x04c", b"", [Finished(b"")])
    assert framer.finished


SOFT_REBOOT_REPLY = b"OKbefore\n\x04\x04MPY: soft reboot\r\nraw REPL; CTRL-B to exit\r\n>"


@pytest.mark.parametrize("cut", range(len(SOFT_REBOOT_REPLY) + 1))
def test_a_board_that_reset_itself_mid_reply_is_a_lost_connection(cut):
    framer = RawReplFramer()
    with pytest.raises(ConnectionLost, match="reset itself"):
        framer.feed(SOFT_REBOOT_REPLY[:cut])
        framer.feed(SOFT_REBOOT_REPLY[cut:])


def test_the_framer_says_when_the_board_has_acknowledged_the_code():
    framer = RawReplFramer()
    assert not framer.acknowledged
    framer.feed(b"O")
    assert not framer.acknowledged
    framer.feed(b"K\x04")
    assert framer.acknowledged
    assert not framer.running
    assert RawReplFramer(b"").acknowledged  # a raw paste's reply has no acknowledgement
