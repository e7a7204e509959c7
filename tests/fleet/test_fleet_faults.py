"""Faults of a Fleet in one process: a board killed mid-call, Ctrl-C mid-call and mid-stream.

Contract: the killed board's entry is `ConnectionLost` and the others give their values; the next call skips it
or reconnects it, as the fleet's `on_lost` says; Ctrl-C stops every board's code within a bound and leaves
every board usable, with no reconnect.
"""

import os
import signal
import threading
import time

import pytest

from belay_engine import ConnectionLost

from ..faults.wire import kill_board
from .conftest import BOUND


@pytest.fixture
def napper(fleet):
    """A task that says it started, naps `seconds` on the board, then counts its completed runs in `done`."""
    fleet("done = 0")

    @fleet.task
    def nap(seconds):
        import time

        global done
        print("started")
        time.sleep(seconds)
        done += 1
        return "rested"

    return nap


def interrupt_main_thread_when(ready) -> threading.Thread:
    """Send SIGINT to this process (the main thread gets KeyboardInterrupt, as from Ctrl-C) once `ready()` returns."""

    def send() -> None:
        ready()
        os.kill(os.getpid(), signal.SIGINT)

    thread = threading.Thread(target=send, daemon=True)
    thread.start()
    return thread


def test_a_board_killed_mid_call_holds_connection_lost_and_the_others_their_values(fleet, outputs, napper):
    def kill_b_once_started():
        outputs["b"].wait_for("started")
        kill_board(fleet["b"].session.repl.transport)

    killer = threading.Thread(target=kill_b_once_started, daemon=True)
    killer.start()
    start = time.monotonic()
    result = napper(2)
    assert time.monotonic() - start < BOUND
    killer.join(BOUND)
    assert result.succeeded == {"a": "rested", "c": "rested"}
    assert isinstance(result["b"], ConnectionLost)
    assert fleet.lost == ["b"]

    skipped = fleet("done")
    assert dict(skipped) == {"a": 1, "c": 1}
    assert skipped.skipped == ("b",)


def test_a_lost_board_is_reconnected_by_the_next_call_when_the_fleet_says_so(fleet, napper):
    kill_board(fleet["c"].session.repl.transport)
    assert isinstance(fleet("1 + 1")["c"], ConnectionLost)
    fleet.on_lost = "reconnect"
    result = napper(0)  # the task's definition is replayed on the new connection
    assert dict(result) == {"a": "rested", "b": "rested", "c": "rested"}
    assert fleet.lost == []


def test_ctrl_c_mid_call_stops_every_board_and_leaves_all_usable(fleet, outputs, napper):
    interrupt_main_thread_when(lambda: [outputs[name].wait_for("started") for name in "abc"])
    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        napper(30)
    assert time.monotonic() - start < BOUND
    assert dict(fleet("done")) == {"a": 0, "b": 0, "c": 0}  # no board went on to finish its nap
    assert dict(napper(0)) == {"a": "rested", "b": "rested", "c": "rested"}


def test_ctrl_c_while_a_fleet_stream_waits_stops_every_board_generator(fleet, outputs):
    fleet("closed = 0")

    @fleet.task
    def slow_values():
        import time

        global closed
        try:
            print("started")
            while True:
                time.sleep(1)
                yield 1
        finally:
            closed += 1

    interrupt_main_thread_when(lambda: [outputs[name].wait_for("started") for name in "abc"])
    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        for _ in slow_values():
            pass
    assert time.monotonic() - start < BOUND
    assert dict(fleet("closed")) == {"a": 1, "b": 1, "c": 1}
    assert dict(fleet("3 * 3")) == {"a": 9, "b": 9, "c": 9}
