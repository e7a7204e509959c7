import pytest
from hypothesis import given
from hypothesis import strategies as st

from belay_engine import board_calls
from belay_engine.board_values import encode
from belay_engine.protocol.call_frames import (
    MAX_FRAME_BYTES,
    MAX_TARGET_BYTES,
    CallFrame,
    CallFrameReader,
    CallReplyReader,
    FrameError,
    call_frame,
    traceback_as_called,
)
from belay_engine.protocol.control_bytes import ACKNOWLEDGEMENT, CTRL_D, END_OF_OUTPUT, RAW_REPL_PROMPT, RESULT
from belay_engine.protocol.records import RecordParser

NONCE = b"n0Nc3xyz"


def record(payload: bytes) -> bytes:
    return b"\x1e" + NONCE + bytes([RESULT]) + payload + b"\x1f"


# -- host -> board: the frames ------------------------------------------------------------------------------------


def test_a_tiny_call_is_seven_bytes_on_the_wire():
    assert call_frame(0, [encode(1), encode(2)]) == b"\x1d0,1,2\n"


def test_one_argument_has_the_trailing_comma_of_a_one_tuple():
    assert call_frame(3, ["'a'"]) == b"\x1d3,'a',\n"


def test_no_arguments_is_the_target_alone():
    assert call_frame(12) == b"\x1d12\n"


def test_a_name_registers_the_task_and_keywords_go_last_as_a_dict():
    assert call_frame("add", ["1"], "{'b':2}") == b"\x1dadd*,1,{'b':2}\n"


FRAMES = [
    (0, [encode(1), encode(2)], None),
    ("work", [], None),
    (7, [encode("a,b"), encode([1, (2,)]), encode({"k": b"\xff"})], "{'x':None}"),
    (1, [encode("é \\n")], None),
    (2, [], "{'only':1.5}"),
]
STREAM = b"".join(call_frame(*parts) for parts in FRAMES)
EXPECTED = [
    CallFrame(0, "1,2"),
    CallFrame("work"),
    CallFrame(7, "'a,b',[1,(2,)],{'k':b'\\xff'},{'x':None}", keywords=True),
    CallFrame(1, "'é \\\\n',"),
    CallFrame(2, "{'only':1.5},", keywords=True),
]


@pytest.mark.parametrize("cut", range(len(STREAM) + 1))
def test_frames_are_read_as_the_board_reads_them_however_they_are_split(cut):
    reader = CallFrameReader()
    frames = reader.feed(STREAM[:cut]) + reader.feed(STREAM[cut:])
    assert frames == EXPECTED
    assert not reader.ended


def test_frame_arguments_evaluate_to_the_call_arguments():
    # The board evaluates the arguments as Python evaluates them.
    frame = CallFrameReader().feed(call_frame(7, [encode("a,b"), encode([1, (2,)])], "{'x':None}"))[0]
    assert eval(frame.arguments) == ("a,b", [1, (2,)], {"x": None})
    assert eval(CallFrameReader().feed(call_frame(1, [encode((1, 2))]))[0].arguments) == ((1, 2),)


@pytest.mark.parametrize("end", [b"\x03", b"\r", b"\x02", b"\x05A\x01"])
def test_any_byte_that_starts_no_frame_ends_the_dispatcher(end):
    reader = CallFrameReader()
    assert reader.feed(call_frame(0) + end + call_frame(1)) == [CallFrame(0)]
    assert reader.ended


@pytest.mark.parametrize("literal", ["'a\nb'", "X(\x03)", "'\x04'", "'\x7f'"])
def test_a_literal_with_a_control_byte_cannot_go_as_a_frame(literal):
    with pytest.raises(FrameError):
        call_frame(0, [literal])


def test_a_frame_above_the_limit_goes_by_the_raw_repl():
    call_frame(0, ["1" * (MAX_FRAME_BYTES - MAX_TARGET_BYTES - 4)])
    with pytest.raises(FrameError):
        call_frame(0, ["1" * (MAX_FRAME_BYTES - MAX_TARGET_BYTES - 3)])


def test_bytes_per_tiny_call_against_the_raw_repl_exchange():
    # add(1, 2): what goes out and comes back, through the dispatcher and through its own raw-REPL exchange.
    raw_repl_out = len(board_calls.result_of_call("add(1,2)").encode() + CTRL_D)
    raw_repl_in = len(ACKNOWLEDGEMENT + record(b"3") + END_OF_OUTPUT * 2 + RAW_REPL_PROMPT)
    dispatched_out, dispatched_in = len(call_frame(0, ["1", "2"])), len(record(b"3"))
    assert (raw_repl_out, raw_repl_in) == (19, 17)
    assert (dispatched_out, dispatched_in) == (7, 12)


def test_starting_the_dispatcher_costs_about_the_call_by_the_raw_repl():
    start = board_calls.dispatcher_start().encode() + CTRL_D + call_frame("add", ["1", "2"])
    assert len(start) <= len(board_calls.result_of_call("add(1,2)").encode() + CTRL_D) + 1


# -- board -> host: the reply of a call -------------------------------------------------------------------------------

REPLY = b"printed line\n" + record(b"[1, 'two']") + b"a thread prints"


def read_reply(chunks):
    reader = CallReplyReader(RecordParser(NONCE))
    printed = []
    results = []
    for chunk in chunks:
        printed += reader.feed(chunk)
        results.append(reader.result)
    return b"".join(printed) + reader.flush(), reader.result, results


@pytest.mark.parametrize("cut", range(len(REPLY) + 1))
def test_the_value_and_printed_text_are_found_however_the_reply_is_split(cut):
    printed, result, _ = read_reply([REPLY[:cut], REPLY[cut:]])
    assert (printed, result) == (b"printed line\na thread prints", b"[1, 'two']")


@given(st.lists(st.integers(min_value=0, max_value=len(REPLY)), max_size=12))
def test_the_value_is_found_in_any_chunking(cuts):
    cuts = sorted(cuts)
    chunks = [REPLY[a:b] for a, b in zip([0, *cuts], [*cuts, len(REPLY)])]
    printed, result, results = read_reply(chunks)
    assert (printed, result) == (b"printed line\na thread prints", b"[1, 'two']")
    # The value is known as soon as the chunk that ends its record arrived, not later.
    end = REPLY.index(b"\x1f") + 1
    boundaries = [b for b in [*cuts, len(REPLY)]]
    arrived = next(index for index, boundary in enumerate(boundaries) if boundary >= end)
    assert results[arrived] == b"[1, 'two']"
    assert all(r is None for r in results[:arrived])


def test_a_record_without_the_nonce_is_printed_text_not_the_value():
    printed, result, _ = read_reply([b"\x1eR5\x1f\x1eABCDEFGHR6\x1f" + record(b"7")])
    assert (printed, result) == (b"\x1eR5\x1f\x1eABCDEFGHR6\x1f", b"7")


# -- tracebacks ---------------------------------------------------------------------------------------------------


def test_the_dispatchers_frame_goes_from_a_tasks_traceback():
    board = (
        b'Traceback (most recent call last):\r\n  File "<stdin>", line 1, in <module>\r\n'
        b'  File "<belay>", line 14, in _belay_D\r\n  File "app.py", line 3, in add\r\n'
        b"ZeroDivisionError: divide by zero\r\n"
    )
    assert traceback_as_called(board) == (
        b'Traceback (most recent call last):\r\n  File "<stdin>", line 1, in <module>\r\n'
        b'  File "app.py", line 3, in add\r\nZeroDivisionError: divide by zero\r\n'
    )


def test_the_evaluation_of_the_arguments_goes_too_and_boards_without_lines_are_handled():
    board = (
        b'Traceback (most recent call last):\n  File "<stdin>", line 1, in <module>\n'
        b'  File "<stdin>", in _belay_D\n  File "<string>", line 1, in <module>\n'
        b"NameError: name 'Point' isn't defined\n"
    )
    assert traceback_as_called(board) == (
        b'Traceback (most recent call last):\n  File "<stdin>", line 1, in <module>\n'
        b"NameError: name 'Point' isn't defined\n"
    )


def test_a_task_name_too_long_for_a_frame_is_refused():
    with pytest.raises(FrameError):
        call_frame("n" * (MAX_TARGET_BYTES + 1))
