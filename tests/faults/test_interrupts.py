"""Ctrl-C at seeded random points: KeyboardInterrupt in the host mid-call and mid-stream, and the board's own
KeyboardInterrupt from a Ctrl-C that reaches it mid-call (as another thread's Stop sends one).

Contract: the interrupt surfaces within a bound, the board is left idle (the code does not go on running),
the next call works without a reconnect and sees none of the interrupted call's bytes.
"""

import io
import random

import pytest

from belay_engine import Device, PyboardException

from .wire import raises_within, traffic, wire

OFFSETS = 8


def offsets(name: str, total: int) -> list[int]:
    return sorted(random.Random(name).sample(range(total), min(OFFSETS, total)))


@pytest.fixture
def worker(device):
    device("runs = 0")

    @device.task
    def work(n):
        global runs
        runs += 1
        for i in range(n):
            print("line", i)
        return [i * i for i in range(n)]

    return work


def assert_clean_next_call(device, context):
    out = io.StringIO()
    assert device("print('next')", stream_out=out) is None, context
    assert out.getvalue() == "next\n", context  # nothing left over from the interrupted call
    assert device("21 * 2") == 42, context


def test_ctrl_c_in_the_host_at_any_byte_of_a_call_leaves_the_board_ready(device, worker):
    read, _ = traffic(device, lambda: worker(40))
    for offset in offsets("interrupt-call", read):
        context = f"interrupted after {offset} bytes read"
        runs = device("runs")
        wire(device, "read", offset, fault="interrupt")
        raises_within(KeyboardInterrupt, lambda: worker(40))
        assert device("runs") == runs + 1, context  # it ran once, and is not running any more
        assert_clean_next_call(device, context)


ASSIGNED = "[n for n in globals() if n[:1] == 'v' and n[1:].isdigit()]"


def test_ctrl_c_in_the_host_while_a_big_call_is_sent_runs_all_of_it_or_none(device):
    # Over 256 bytes: the code goes by raw paste, in windows the board acknowledges, so Ctrl-C can land mid-paste.
    code = "\n".join(f"v{i} = {i}" for i in range(150)) + "\nopen('/ran', 'w').close()\n"
    forget = f"import os\nfor n in {ASSIGNED}:\n del globals()[n]\ntry:\n os.remove('/ran')\nexcept OSError:\n pass"
    _, written = traffic(device, lambda: device(code, minify=False))
    for offset in offsets("interrupt-send", written):
        context = f"interrupted after {offset} bytes written"
        device(forget)
        wire(device, "write", offset, fault="interrupt")
        raises_within(KeyboardInterrupt, lambda: device(code, minify=False))
        assert_clean_next_call(device, context)  # and not glued to the half-sent code
        ran = device("'ran' in __import__('os').listdir('/')")
        assert len(device(ASSIGNED)) == (150 if ran else 0), context


@pytest.fixture
def count(device):
    """A generator task counting to n; the board global `closed` counts the times its `finally` ran."""
    device("closed = 0")

    @device.task
    def count(n):
        global closed
        try:
            for i in range(n):
                yield i
        finally:
            closed += 1

    return count


def test_ctrl_c_in_the_host_at_any_byte_of_a_stream_closes_the_board_generator(device, count):
    read, _ = traffic(device, lambda: list(count(200)))
    device("closed = 0")
    for number, offset in enumerate(offsets("interrupt-stream", read), 1):
        context = f"interrupted after {offset} bytes read"
        received = []
        wire(device, "read", offset, fault="interrupt")

        def consume(received=received):
            for value in count(200):
                received.append(value)

        raises_within(KeyboardInterrupt, consume)
        assert received == list(range(len(received))), context
        assert device("closed") == number, context  # its finally ran: closed, not left paused
        assert device("[k for k in _belay.o if type(k) is str]") == [], context
        assert_clean_next_call(device, context)


def test_ctrl_c_reaching_the_board_at_any_byte_of_a_call_raises_its_keyboard_interrupt(board_root):
    with Device(f"virtual:{board_root}") as device:

        @device.task
        def waits(n):
            import os
            import time

            for i in range(n):
                print("line", i)
            for _ in range(1000):  # until the host says go: about 10 s at most, so a stuck test still ends
                try:
                    os.stat("/go")
                    return "went on"
                except OSError:
                    time.sleep_ms(10)
            return "never interrupted"

        printed = len(b"OK") + sum(len(f"line {i}\n") for i in range(40))
        for offset in offsets("board-interrupt", printed - 2):
            context = f"Ctrl-C after {offset + 2} bytes read"
            wire(device, "read", offset + 2, fault="ctrl-c")  # after the OK: the code runs
            error = raises_within(PyboardException, lambda: waits(40))
            assert error.exception_name == "KeyboardInterrupt", context
            assert_clean_next_call(device, context)
        (board_root / "go").write_text("")
        assert waits(40) == "went on"


def test_ctrl_c_reaching_the_board_at_any_byte_of_a_stream_ends_it_cleanly(device, count):
    read, _ = traffic(device, lambda: list(count(300)))
    device("closed = 0")
    for number, offset in enumerate(offsets("board-interrupt-stream", read), 1):
        context = f"Ctrl-C after {offset} bytes read"
        received, errors = [], []
        wire(device, "read", offset, fault="ctrl-c")
        try:
            for value in count(300):
                received.append(value)
        except PyboardException as error:  # the Ctrl-C found the stream running; else it had ended
            errors.append(error.exception_name)
        assert errors in ([], ["KeyboardInterrupt"]), context
        assert received == list(range(len(received))), context
        assert device("closed") == number, context  # the generator's finally ran, whichever way it ended
        assert device("[k for k in _belay.o if type(k) is str]") == [], context
        assert_clean_next_call(device, context)
