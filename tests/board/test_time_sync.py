"""Belay's time synchronisation on the virtual board: offsets, timestamps of results and streams."""

import time
from datetime import datetime

import pytest

from belay_engine import Device

#: How far a timestamp may stray from the interval it was taken in: the offset's error is about half a round
#: trip, so this is generous on a loaded machine and still far below what a wrong sign or unit would give.
SLACK = 0.25


def board_reading(device):
    """The board's tick, with the host times just before and after it was read."""
    before = time.time()
    tick = device("__import__('time').ticks_ms()")
    return tick, before, time.time()


@pytest.mark.parametrize("samples", [1, 5, 10, 20])
def test_sync_time_returns_the_board_minus_host_offset(device, samples):
    offset = device.sync_time(samples=samples)
    assert isinstance(offset, float)
    assert device.time_offset == offset
    tick, before, after = board_reading(device)
    assert tick / 1000 - after - SLACK <= offset <= tick / 1000 - before + SLACK


def test_time_offset_synchronises_by_itself_on_first_use(device):
    tick, before, after = board_reading(device)
    assert tick / 1000 - after - SLACK <= device.time_offset <= tick / 1000 - before + SLACK


def test_without_auto_sync_time_a_timestamp_asks_for_sync_time_first():
    with Device("virtual:", auto_sync_time=False) as device:
        with pytest.raises(ValueError, match="sync_time"):
            device.time_offset  # the property raises
        with pytest.raises(ValueError, match=r"return_time=True requires time synchronization"):
            device("1 + 1", return_time=True)
        device.sync_time(samples=3)
        value, stamp = device("1 + 1", return_time=True)
        assert value == 2
        assert isinstance(stamp, datetime)


def test_a_task_with_return_time_gives_its_value_and_when_the_board_computed_it(device):
    @device.task(return_time=True)
    def slow_square(x):
        import time

        time.sleep_ms(300)
        return x * x

    device.sync_time()
    before = time.time()
    value, stamp = slow_square(7)
    after = time.time()
    assert value == 49
    # The value was computed at the end of the task's 300 ms, not when the call was sent.
    assert before + 0.3 - SLACK / 2 <= stamp.timestamp() <= after + SLACK / 2
    assert stamp.timestamp() - before >= 0.3 - 0.05


def test_device_call_with_return_time_stamps_expressions_and_statements(device):
    before = time.time()
    value, stamp = device("6 * 7", return_time=True)
    assert value == 42
    assert before - SLACK <= stamp.timestamp() <= time.time() + SLACK
    nothing, stamp = device("x = 5", return_time=True)
    assert nothing is None
    assert device("x") == 5
    assert device("2 + 2", with_timing=True) == 4  # timed, but only the value is returned


def test_a_streamed_task_with_return_time_stamps_every_value_as_produced(device):
    @device.task(return_time=True)
    def ticking(n):
        import time

        for i in range(n):
            time.sleep_ms(100)
            yield i

    device.sync_time()
    before = time.time()
    pairs = list(ticking(4))
    after = time.time()
    assert [value for value, _ in pairs] == [0, 1, 2, 3]
    stamps = [stamp.timestamp() for _, stamp in pairs]
    assert stamps == sorted(stamps)
    assert stamps[-1] - stamps[0] >= 0.3 - 0.05  # 100 ms apart on the board, whenever the host read them
    assert before - SLACK <= stamps[0]
    assert stamps[-1] <= after + SLACK


def test_stopping_a_timed_stream_closes_the_users_generator(device):
    @device.task(return_time=True)
    def counting():
        global closed
        closed = False
        try:
            i = 0
            while True:
                yield i
                i += 1
        finally:
            closed = True

    for value, _stamp in counting():
        if value == 3:
            break
    assert device("closed") is True


def test_a_timed_generator_still_receives_sent_values(device):
    @device.task(return_time=True)
    def echo():
        received = yield "ready"
        while True:
            received = yield received * 2

    stream = echo()
    assert next(stream)[0] == "ready"
    assert stream.send(21)[0] == 42
    assert stream.send(5)[0] == 10
    stream.close()


def test_reconnect_starts_a_new_tick_reference(device):
    device.sync_time()
    assert device._clock.sync._reference_tick is not None
    device.reconnect()
    assert device._clock.sync._reference_tick is None
    value, _ = device("3", return_time=True)  # still stamps: the kept offset and a fresh reference
    assert value == 3


def test_a_timed_call_after_a_reconnect_is_stamped_even_when_its_round_trip_is_slow(device):
    # A loaded host makes every round trip slower than the best one sync_time saw: the reply then cannot refine
    # the offset, and must still be stamped against the kept offset (it used to say "call sync_time() first").
    device.sync_time()
    device.reconnect()
    device._clock.best_round_trip = -1.0  # no reply counts as a tight round trip
    before = time.time()
    value, stamp = device("3", return_time=True)
    after = time.time()
    assert value == 3
    assert before - SLACK <= stamp.timestamp() <= after + SLACK
