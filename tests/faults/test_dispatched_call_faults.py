"""Faults at seeded random bytes of task calls that go as frames to a running call dispatcher.

Contract as for calls by the raw REPL (test_interrupts.py, test_board_killed.py): a Ctrl-C in the host raises
KeyboardInterrupt there and leaves the board idle with the call run once; a Ctrl-C reaching the board mid-call
raises its KeyboardInterrupt; a board that dies raises ConnectionLost, and reconnect restores it.
"""

import io
import random

import pytest

from belay_engine import ConnectionLost, PyboardException

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


def start_dispatcher(task):
    task(0), task(0)  # two calls in a row: the second starts the dispatcher, the next goes as a frame


def assert_clean_next_call(device, context):
    out = io.StringIO()
    assert device("print('next')", stream_out=out) is None, context
    assert out.getvalue() == "next\n", context
    assert device("21 * 2") == 42, context


def test_ctrl_c_in_the_host_at_any_byte_of_a_dispatched_call_leaves_the_board_ready(device, worker):
    start_dispatcher(worker)
    read, written = traffic(device, lambda: worker(40))
    assert written == len(b"\x1d0,40,\n")  # it went as a frame
    for offset in offsets("interrupt-dispatched-call", read):
        context = f"interrupted after {offset} bytes read"
        runs = device("runs")
        start_dispatcher(worker)
        wire(device, "read", offset, fault="interrupt")
        raises_within(KeyboardInterrupt, lambda: worker(40))
        assert device("runs") == runs + 3, context  # it ran once, and is not running any more
        assert_clean_next_call(device, context)
        start_dispatcher(worker)
        assert worker(3) == [0, 1, 4], context


def test_ctrl_c_reaching_the_board_at_any_byte_of_a_dispatched_call_raises_its_keyboard_interrupt(board_root):
    from belay_engine import Device

    with Device(f"virtual:{board_root}") as device:

        @device.task
        def waits(n):
            import os
            import time

            for i in range(n):
                print("line", i)
            for _ in range(1000):  # until the host says go: about 10 s at most
                try:
                    os.stat("/go")
                    return "went on"
                except OSError:
                    time.sleep_ms(10)
            return "never interrupted"

        @device.task
        def nothing(n):
            return n

        printed = sum(len(f"line {i}\n") for i in range(40))
        for offset in offsets("board-interrupt-dispatched", printed):
            context = f"Ctrl-C after {offset + 1} bytes read"
            start_dispatcher(nothing)
            wire(device, "read", offset + 1, fault="ctrl-c")  # the task runs once it printed
            error = raises_within(PyboardException, lambda: waits(40))
            assert error.exception_name == "KeyboardInterrupt", context
            assert "_belay_D" not in str(error), context
            assert_clean_next_call(device, context)
        (board_root / "go").write_text("")
        start_dispatcher(nothing)
        assert waits(40) == "went on"


def test_a_board_killed_at_any_byte_of_a_dispatched_call_raises_connection_lost_and_reconnect_restores_it(
    device, worker
):
    start_dispatcher(worker)
    read, _ = traffic(device, lambda: worker(30))
    for offset in offsets("kill-dispatched-call", read):
        context = f"killed after {offset} bytes read"
        start_dispatcher(worker)
        wire(device, "read", offset, fault="kill")
        raises_within(ConnectionLost, lambda: worker(30))
        device.reconnect()
        start_dispatcher(worker)
        assert worker(3) == [0, 1, 4], context
        assert_clean_next_call(device, context)
