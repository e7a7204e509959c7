"""The pause and stop protocol of a pushed stream, fed bytes and requests the way the board and threads make them."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from belay_engine.errors import NotBelayResponseError
from belay_engine.protocol.control_bytes import CTRL_C, PAUSE
from belay_engine.protocol.records import RecordParser
from belay_engine.protocol.stream_control import (
    PAUSE_GRACE,
    Displayed,
    Ended,
    Paused,
    Printed,
    StreamControl,
    StreamState,
    Value,
)

NONCE = b"n0Nc3xyz"
INTERRUPTED = b"Traceback (most recent call last):\r\nKeyboardInterrupt: \r\n"


def record(kind: bytes, payload: bytes = b"") -> bytes:
    return b"\x1e" + NONCE + kind + payload + b"\x1f"


VALUES = [1, "a", [1, (2, 3)], 2.5, None]
STDOUT = b"start\n" + b"".join(record(b"Y", repr(v).encode()) + b"tick\n" for v in VALUES)
PAUSED_STDOUT = STDOUT + record(b"W")


def running(attended=True, now=0.0):
    control = StreamControl(RecordParser(NONCE))
    control.start()
    if attended:
        control.attend(now)
    return control


def feed(control, chunks):
    for chunk in chunks:
        control.receive_data(chunk)
    return control.events_received()


def values_and_text(events):
    values = [event.value for event in events if type(event) is Value]
    text = b"".join(event.data for event in events if type(event) is Printed)
    return values, text


def split(data, cuts):
    cuts = sorted(cuts)
    return [data[start:end] for start, end in zip([0, *cuts], [*cuts, len(data)])]


# -- values and printed text -----------------------------------------------------------------------


@pytest.mark.parametrize("cut", range(len(STDOUT) + 1))
def test_values_and_printed_text_come_out_however_stdout_is_split(cut):
    control = running()
    events = feed(control, [STDOUT[:cut], STDOUT[cut:]])
    control.receive_end()
    events += control.events_received()
    assert values_and_text(events) == (VALUES, b"start\n" + b"tick\n" * len(VALUES))
    assert events[-1] == Ended()
    assert control.state is StreamState.DONE
    assert control.data_to_send() == []


@given(st.lists(st.integers(min_value=0, max_value=len(PAUSED_STDOUT)), max_size=20))
def test_a_paused_exchange_comes_out_the_same_in_any_random_chunking(cuts):
    control = running()
    control.request_pause()
    assert control.data_to_send() == [PAUSE]
    events = feed(control, split(PAUSED_STDOUT, cuts))
    control.receive_end()
    events += control.events_received()
    assert values_and_text(events) == (VALUES, b"start\n" + b"tick\n" * len(VALUES))
    assert events[-1] == Paused()
    assert control.state is StreamState.PAUSED
    assert control.data_to_send() == []  # the board read the pause byte: nothing to clear


def test_a_value_record_cut_in_the_middle_comes_out_once_its_end_arrives():
    control = running()
    data = record(b"Y", b"12345")
    assert feed(control, [data[:9]]) == []
    assert feed(control, [data[9:]]) == [Value(12345)]


def test_a_forged_record_with_another_nonce_stays_printed_text():
    control = running()
    forged = b"\x1eotherNonY5\x1f\x1eW\x1f"
    events = feed(control, [forged])
    assert values_and_text(events) == ([], forged)
    control.receive_end()
    assert control.events_received() == [Ended()]  # no W from the forgery: not paused


def test_a_record_that_has_no_place_in_a_stream_is_an_error():
    control = running()
    with pytest.raises(NotBelayResponseError):
        control.receive_data(record(b"R", b"5"))


def test_untrusted_reprs_that_are_not_literals_stay_unparsable():
    control = running()
    (event,) = feed(control, [record(b"Y", b"<object>")])
    assert repr(event.value) == "<UNPARSABLE_RESULT>"


#: A fast generator's numbers as the board writes them, several to a record, with a value of another kind and
#: printed text between: the exchange ends paused (the board read the pause byte after its last write).
NUMBERS = [*range(40), 2.5, -1e30]
NUMBERS_STDOUT = (
    record(b"N", b"0")
    + b"text\n"
    + record(b"N", b",".join(str(n).encode() for n in range(1, 33)))
    + record(b"Y", b"'s'")
    + record(b"N", b"33,34,35,36,37,38,39,2.5,-1e+30")
    + record(b"W")
)


@pytest.mark.parametrize("cut", range(len(NUMBERS_STDOUT) + 1))
def test_numbers_several_to_a_record_come_out_in_order_however_stdout_is_split(cut):
    control = running()
    control.request_pause()
    assert control.data_to_send() == [PAUSE]
    events = feed(control, [NUMBERS_STDOUT[:cut], NUMBERS_STDOUT[cut:]])
    control.receive_end()
    events += control.events_received()
    values, text = values_and_text(events)
    assert values == [*NUMBERS[:33], "s", *NUMBERS[33:]]
    assert text == b"text\n"
    assert events[-1] == Paused()
    assert control.data_to_send() == []


@given(st.lists(st.integers(min_value=0, max_value=len(NUMBERS_STDOUT)), max_size=20))
def test_numbers_come_out_once_each_in_any_random_chunking(cuts):
    control = running()
    events = feed(control, split(NUMBERS_STDOUT, cuts))
    assert values_and_text(events)[0] == [*NUMBERS[:33], "s", *NUMBERS[33:]]


def test_a_numbers_record_that_is_cut_short_by_a_stop_gives_no_values():
    # A Ctrl-C while the board writes a record leaves it without its end: dropped, never half taken.
    control = running()
    control.request_stop(0.0)
    events = feed(control, [record(b"N", b"1,2"), record(b"N", b"3,4")[:-1]])
    control.advance(PAUSE_GRACE)  # the generator yielded nothing more: Ctrl-C
    assert control.data_to_send() == [PAUSE, CTRL_C]
    control.receive_error(INTERRUPTED)
    control.receive_end()
    events += control.events_received()
    assert values_and_text(events) == ([1, 2], b"")
    assert events[-1] == Ended(close_generator=True)


# -- pause -----------------------------------------------------------------------------------------


def test_a_pause_sends_one_byte_and_ends_with_the_generator_kept():
    control = running()
    control.request_pause()
    control.request_pause()
    assert control.data_to_send() == [PAUSE]
    assert control.state is StreamState.PAUSE_SENT
    feed(control, [record(b"W")])
    control.receive_end()
    assert control.events_received() == [Paused()]
    control.start()  # the next exchange resumes the generator
    assert control.state is StreamState.RUNNING


def test_a_pause_requested_while_values_arrive_keeps_every_value():
    control = running()
    first = feed(control, [STDOUT[:40]])
    control.request_pause()
    assert control.data_to_send() == [PAUSE]
    rest = feed(control, [STDOUT[40:], record(b"W")])
    control.receive_end()
    events = first + rest + control.events_received()
    assert values_and_text(events)[0] == VALUES
    assert events[-1] == Paused()


def test_a_pause_requested_while_nobody_reads_the_exchange_waits_for_the_reader():
    control = running(attended=False)
    control.request_pause()
    assert control.data_to_send() == []  # it could land in another exchange
    control.attend(1.0)
    assert control.data_to_send() == [PAUSE]


def test_a_pause_requested_between_exchanges_is_forgotten():
    control = StreamControl(RecordParser(NONCE))
    control.request_pause()
    control.start()
    control.attend(0.0)
    assert control.data_to_send() == []
    assert control.state is StreamState.RUNNING


def test_a_pause_request_before_the_exchange_started_is_met_by_the_start():
    control = running()
    control.request_pause()
    control.data_to_send()
    feed(control, [record(b"W")])
    control.receive_end()
    control.request_pause()  # late: the exchange is over
    control.start()
    control.attend(0.0)
    assert control.data_to_send() == []


def test_a_pause_byte_the_generator_never_read_is_cleared_from_the_input_line():
    control = running()
    control.request_pause()
    assert control.data_to_send() == [PAUSE]
    feed(control, [STDOUT])  # the generator ended before its loop read the byte
    control.receive_end()
    assert control.data_to_send() == [CTRL_C]
    assert control.events_received()[-1] == Ended()


# -- stop ------------------------------------------------------------------------------------------


def test_a_stop_pauses_first_and_interrupts_after_the_grace_once():
    control = running(now=10.0)
    control.request_stop(10.0)
    assert control.data_to_send() == [PAUSE]
    assert control.state is StreamState.STOPPING
    assert control.next_deadline() == pytest.approx(10.0 + PAUSE_GRACE)
    control.advance(10.0 + PAUSE_GRACE / 2)
    assert control.data_to_send() == []
    control.advance(10.0 + PAUSE_GRACE)
    assert control.data_to_send() == [CTRL_C]
    assert control.state is StreamState.INTERRUPTED
    assert control.next_deadline() is None
    control.advance(100.0)
    control.request_stop(100.0)
    control.request_pause()
    control.attend(100.0)
    assert control.data_to_send() == []  # exactly one Ctrl-C, and never a pause byte after it


def test_the_keyboard_interrupt_of_a_stop_is_a_requested_end():
    control = running()
    control.request_stop(0.0)
    control.advance(PAUSE_GRACE)
    assert control.data_to_send() == [PAUSE, CTRL_C]
    control.receive_error(INTERRUPTED)
    control.receive_end()
    assert control.events_received() == [Ended(close_generator=True)]
    assert control.data_to_send() == [CTRL_C]  # the pause byte the interrupted generator never read


def test_a_stop_the_board_answers_in_time_needs_no_ctrl_c():
    control = running()
    values = feed(control, [STDOUT[:30]])
    control.request_stop(0.0)
    assert control.data_to_send() == [PAUSE]
    values += feed(control, [STDOUT[30:], record(b"W")])
    assert control.next_deadline() is None  # the board has answered
    control.advance(10.0)
    assert control.data_to_send() == []
    control.receive_end()
    assert values_and_text(values)[0] == VALUES  # values up to the stop are still delivered
    assert control.events_received() == [Paused()]  # the driver now halts to close the generator
    control.halt(10.0)
    assert control.events_received() == [Ended(close_generator=True)]
    assert control.state is StreamState.DONE


def test_a_stop_requested_while_paused_closes_the_kept_generator_without_a_byte():
    control = running()
    control.request_pause()
    feed(control, [record(b"W")])
    control.receive_end()
    control.events_received()
    control.data_to_send()
    control.request_stop(5.0)
    assert control.data_to_send() == []
    assert control.stop_requested
    control.halt(5.0)
    assert control.events_received() == [Ended(close_generator=True)]
    assert control.data_to_send() == []


def test_a_stop_requested_before_the_exchange_starts_sends_nothing_until_it_is_read():
    control = StreamControl(RecordParser(NONCE))
    control.request_stop(1.0)
    assert control.data_to_send() == []
    control.start()  # the request raced the start: the code went out anyway
    assert control.data_to_send() == []
    control.attend(2.0)
    assert control.data_to_send() == [PAUSE]
    assert control.next_deadline() == pytest.approx(2.0 + PAUSE_GRACE)


def test_a_stop_requested_before_anything_ran_ends_the_stream_at_the_halt():
    control = StreamControl(RecordParser(NONCE))
    control.request_stop(1.0)
    control.halt(1.0)
    assert control.events_received() == [Ended(close_generator=True)]
    assert control.data_to_send() == []
    control.halt(2.0)
    assert control.events_received() == []


def test_no_ctrl_c_while_nobody_reads_the_exchange_and_a_fresh_grace_once_someone_does():
    control = running(now=0.0)
    control.request_stop(0.0)
    control.data_to_send()
    control.leave()  # the consumer went off with values; the board may have answered already
    assert control.next_deadline() is None
    control.advance(5.0)
    assert control.data_to_send() == []
    control.attend(5.0)
    assert control.next_deadline() == pytest.approx(5.0 + PAUSE_GRACE)
    assert control.data_to_send() == []  # the pause byte went already


def test_a_stop_after_a_pause_byte_sends_no_second_one():
    control = running()
    control.request_pause()
    assert control.data_to_send() == [PAUSE]
    control.request_stop(3.0)
    assert control.data_to_send() == []
    assert control.state is StreamState.STOPPING
    assert control.next_deadline() == pytest.approx(3.0 + PAUSE_GRACE)


def test_a_board_error_during_a_stop_is_reported_unless_it_is_the_interrupt():
    control = running()
    control.request_stop(0.0)
    control.receive_error(b"Traceback (most recent call last):\r\nValueError: boom\r\n")
    control.receive_end()
    (ended,) = control.events_received()
    assert ended.error.endswith(b"ValueError: boom\r\n")
    assert ended.close_generator


def test_a_board_error_ends_the_stream_and_closes_the_generator():
    control = running()
    feed(control, [STDOUT])
    control.receive_error(b"Traceback (most recent call last):\r\nValueError: x\r\n")
    control.receive_end()
    assert control.events_received() == [
        Ended(b"Traceback (most recent call last):\r\nValueError: x\r\n", close_generator=True)
    ]


# -- halt: the link holder ends the stream ---------------------------------------------------------


def test_a_halt_pauses_keeps_the_values_and_drops_what_the_board_said():
    control = running(attended=False)
    control.halt(7.0)
    assert control.data_to_send() == [PAUSE]
    assert control.next_deadline() == pytest.approx(7.0 + PAUSE_GRACE)
    events = feed(control, [STDOUT, record(b"R", b"5")])  # a stray record while halting is not an error
    control.receive_error(b"Traceback (most recent call last):\r\nValueError: x\r\n")
    control.receive_end()
    events += control.events_received()
    assert values_and_text(events)[0] == VALUES
    assert events[-1] == Ended(close_generator=True)
    assert control.data_to_send() == [CTRL_C]  # the pause byte was never read


def test_a_reply_the_host_cut_short_ends_the_stream_with_the_generator_to_close():
    control = running()
    control.receive_end(cut_short=True)
    assert control.events_received() == [Ended(close_generator=True)]
    assert control.data_to_send() == []  # no pause byte went: nothing to clear


def test_a_reply_cut_short_after_a_pause_byte_clears_the_line():
    control = running()
    control.request_pause()
    control.data_to_send()
    control.receive_end(cut_short=True)
    assert control.data_to_send() == [CTRL_C]


def test_a_forgotten_stream_sends_nothing_more():
    control = running()
    control.request_stop(0.0)
    control.forget()
    assert control.data_to_send() == []
    assert control.state is StreamState.DONE
    control.advance(10.0)
    assert control.data_to_send() == []


def test_an_exchange_cannot_start_while_one_runs():
    control = running()
    with pytest.raises(RuntimeError):
        control.start()


# -- any interleaving ------------------------------------------------------------------------------

OPERATIONS = st.one_of(
    st.tuples(st.just("data"), st.integers(min_value=1, max_value=25)),
    st.tuples(st.just("pause")),
    st.tuples(st.just("stop")),
    st.tuples(st.just("leave")),
    st.tuples(st.just("attend")),
    st.tuples(st.just("tick"), st.floats(min_value=0, max_value=0.2)),
)


@given(st.lists(OPERATIONS, max_size=40), st.booleans(), st.booleans())
def test_any_interleaving_of_requests_bytes_and_time_keeps_the_rules(operations, answered, interrupted_board):
    # The board pushes STDOUT; it answers the pause byte (W) if it has one and `answered`; else it ends.
    control = running(now=0.0)
    now = 0.0
    sent: list[bytes] = []
    events = []
    position = 0
    for operation in operations:
        if operation[0] == "data":
            chunk = STDOUT[position : position + operation[1]]
            position += len(chunk)
            control.receive_data(chunk)
        elif operation[0] == "pause":
            control.request_pause()
        elif operation[0] == "stop":
            control.request_stop(now)
        elif operation[0] == "leave":
            control.leave()
        elif operation[0] == "attend":
            control.attend(now)
        else:
            now += operation[1]
            control.advance(now)
        sent += control.data_to_send()
        events += control.events_received()
    control.receive_data(STDOUT[position:])
    if PAUSE in sent and answered and CTRL_C not in sent:
        control.receive_data(record(b"W"))
    elif CTRL_C in sent and interrupted_board:
        control.receive_error(INTERRUPTED)
    control.receive_end()
    at_end = control.data_to_send()
    events += control.events_received()

    assert sent.count(PAUSE) <= 1  # one pause byte per exchange
    assert sent.count(CTRL_C) <= 1  # one Ctrl-C
    if CTRL_C in sent:
        assert PAUSE in sent
        assert sent.index(PAUSE) < sent.index(CTRL_C)  # never a pause byte after it
        assert control.stop_requested
    assert at_end == ([CTRL_C] if PAUSE in sent and not (answered and CTRL_C not in sent) else [])
    assert values_and_text(events)[0] == VALUES  # every value, once, in order
    assert type(events[-1]) in (Ended, Paused)
    if CTRL_C in sent and interrupted_board:
        assert events[-1] == Ended(close_generator=True)  # a requested end: the generator is closed on the board
    assert all(type(event) is not Ended or not event.error for event in events)  # our Ctrl-C is no error


DISPLAYED_STDOUT = b"a" + record(b"Y", b"1") + record(b"D", b"(None,{'plain':'2'})") + b"b" + record(b"C", b"1")


@pytest.mark.parametrize("cut", range(len(DISPLAYED_STDOUT) + 1))
def test_display_records_come_out_in_order_with_values_and_text_however_split(cut):
    events = feed(running(), [DISPLAYED_STDOUT[:cut], DISPLAYED_STDOUT[cut:]])
    kinds = [type(event).__name__ for event in events]
    # Printed text may arrive in pieces; what matters is the order of text, value, display, text, clear.
    collapsed = [
        kind for index, kind in enumerate(kinds) if index == 0 or kind != kinds[index - 1] or kind != "Printed"
    ]
    assert collapsed == ["Printed", "Value", "Displayed", "Printed", "Displayed"]
    assert [event for event in events if type(event) is Displayed] == [
        Displayed(b"D"[0], b"(None,{'plain':'2'})"),
        Displayed(b"C"[0], b"1"),
    ]
