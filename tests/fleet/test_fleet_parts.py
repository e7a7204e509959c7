"""The fleet's parts without boards: results, tagged output, the job runner's bounds, engine-side USB naming."""

import threading
import time

import pytest

from belay_engine import BoardTimeoutError, FleetResult, fleet_calls
from belay_engine.fleet_calls import BoardJob, run_jobs
from belay_engine.fleet_engine import usb_ports
from belay_engine.fleet_output import TaggedLines
from belay_engine.transports import usb
from tests.fakes import usb_port


def test_a_result_keeps_the_fleet_order_and_tells_values_from_errors():
    error = ValueError("bad")
    result = FleetResult({"c": 3, "a": 1}, {"b": error}, ["a", "b", "c"], skipped=("d",))
    assert list(result) == ["a", "b", "c"]
    assert result["b"] is error
    assert result.succeeded == {"a": 1, "c": 3}
    assert result.errors == {"b": error}
    assert not result.ok
    assert error.board == "b"
    assert result.skipped == ("d",)
    assert repr(result) == "FleetResult({'a': 1, 'b': ValueError('bad'), 'c': 3}, skipped=('d',))"
    with pytest.raises(ValueError, match="bad"):
        result.raise_first()


def test_tagged_lines_write_whole_lines_and_end_a_partial_one():
    written = []

    class Target:
        def write(self, text):
            written.append(text)

    lines = TaggedLines("left", lambda: Target())
    lines.write("one\ntw")
    lines.write("o\nthr")
    assert written == ["[left] one\n", "[left] two\n"]
    lines.flush_partial()
    assert written[-1] == "[left] thr\n"


def test_jobs_run_at_most_max_workers_at_a_time():
    running, most = 0, 0
    lock = threading.Lock()

    def job():
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.05)
        with lock:
            running -= 1
        return "done"

    jobs = [BoardJob(f"b{i}", job, lambda: None) for i in range(5)]
    outcomes = run_jobs(jobs, max_workers=2)
    assert outcomes.values == {f"b{i}": "done" for i in range(5)}
    assert most == 2


def test_a_job_over_its_timeout_is_interrupted_and_reported_as_a_timeout():
    stop = threading.Event()

    def stuck():
        if not stop.wait(10):
            raise AssertionError("never interrupted")
        raise KeyboardInterrupt  # as a board's call ends when its Ctrl-C arrives

    outcomes = run_jobs([BoardJob("slow", stuck, stop.set, timeout=0.2), BoardJob("fast", lambda: 1, lambda: None)])
    assert outcomes.values == {"fast": 1}
    assert isinstance(outcomes.errors["slow"], BoardTimeoutError)


def test_a_job_that_ignores_its_interrupt_is_given_up_and_frees_its_slot_for_the_next(monkeypatch):
    monkeypatch.setattr(fleet_calls, "INTERRUPT_GRACE", 0.3)
    release = threading.Event()
    interrupts = []
    jobs = [
        BoardJob("hung", lambda: release.wait(30), lambda: interrupts.append(1), timeout=0.1),
        BoardJob("next", lambda: "ran", lambda: None),
    ]
    try:
        outcomes = run_jobs(jobs, max_workers=1)
    finally:
        release.set()
    assert outcomes.values == {"next": "ran"}
    assert "did not stop" in str(outcomes.errors["hung"])
    assert interrupts  # it was asked, repeatedly, before being given up


def test_an_engine_names_its_usb_boards_after_itself_and_their_ports(monkeypatch):
    pico = usb_port("/dev/ttyACM0", 0x2E8A, 0x0005, serial_number="E661")
    zigbee = usb_port("/dev/ttyUSB1", 0x10C4, 0x8A2A, serial_number="C0FFEE")
    monkeypatch.setattr(usb, "comports", lambda: [pico, zigbee])
    assert usb_ports(3) == {"e3-ttyACM0": "/dev/ttyACM0"}
