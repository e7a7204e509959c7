"""What a generator task's stream puts on the wire: numbers several to a record when the generator is fast.

The board holds the numbers a fast generator yields (each made under 1 ms after the last) and writes up to 64 as
one record; everything else goes at once. With the board's own clock, counts of fast streams are bounds: a hiccup
of the machine can make one value slow, which only costs a few more records. With its clock replaced (standing
still, or running fast) the wire is exact.
"""

import contextlib
import io

import pytest

from belay_engine import PyboardException
from belay_engine.protocol.control_bytes import NUMBERS
from belay_engine.protocol.records import RecordParser


class Recorder:
    """Wrap a Device's transport and keep every byte read from the board."""

    def __init__(self, inner):
        self.inner = inner
        self.read_bytes = bytearray()

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def read(self, max_bytes, timeout):
        data = self.inner.read(max_bytes, timeout)
        self.read_bytes += data
        return data


@contextlib.contextmanager
def recorded(device):
    """Record what the board sends while the block runs; yields the recorder."""
    recorder = Recorder(device.session.repl.transport)
    device.session.repl.transport = recorder
    try:
        yield recorder
    finally:
        device.session.repl.transport = recorder.inner


@contextlib.contextmanager
def board_clock(device, ticks_us: str):
    """Give the board's stream loop another `time` module: `ticks_us` the board source of its function (or None)."""
    device(
        "import sys, time\n"
        "class _fake_time:\n"
        f" ticks_us = {ticks_us}\n"
        " ticks_diff = time.ticks_diff\n"
        "if _fake_time.ticks_us is None:\n"
        " del _fake_time.ticks_us\n"
        "sys.modules['time'] = _fake_time"
    )
    try:
        yield
    finally:
        device("sys.modules['time'] = time")


def records_in(device, data: bytes) -> int:
    return data.count(b"\x1e" + device.session.nonce.encode())


def test_a_fast_stream_of_small_ints_costs_a_few_bytes_per_value(device):
    @device.task
    def count(start, stop):
        for i in range(start, stop):
            yield i

    with recorded(device) as wire:
        assert list(count(100, 1100)) == list(range(100, 1100))
    # One record per value took 14 bytes per 3-digit int; 64 to a record take 4.2 (the printed "123\r\n": 5).
    assert len(wire.read_bytes) < 1000 * 6
    assert records_in(device, wire.read_bytes) < 100


def test_a_slow_generator_has_each_value_written_as_it_is_made(device):
    @device.task
    def slow(n):
        import time

        for i in range(n):
            time.sleep_ms(2)  # more than the 1 ms under which the board holds a number for the next
            yield i

    with recorded(device) as wire:
        assert list(slow(20)) == list(range(20))
    assert records_in(device, wire.read_bytes) == 20


def test_a_burst_of_eight_numbers_is_never_held(device):
    @device.task
    def bursts(n):
        import time

        for i in range(n):
            for j in range(8):
                yield i * 8 + j
            time.sleep_ms(2)

    with recorded(device) as wire:
        assert list(bursts(5)) == list(range(40))
    assert records_in(device, wire.read_bytes) == 40


def test_numbers_held_when_the_generator_raises_are_delivered_before_its_error(device):
    @device.task
    def broken(n):
        for i in range(n):
            yield i
        raise ValueError("after the numbers")

    received = []
    with pytest.raises(PyboardException, match="after the numbers"):
        for value in broken(100):
            received.append(value)
    assert received == list(range(100))
    assert device("1") == 1


def test_numbers_of_every_kind_round_trip_through_their_records(device):
    @device.task
    def numbers():
        for i in range(100):
            yield i / 7
            yield -(10**40) - i
        yield float("inf")
        yield -0.0
        yield True  # not an int on the board: its own record
        yield 7

    values = list(numbers())
    expected = [v for i in range(100) for v in (i / 7, -(10**40) - i)] + [float("inf"), -0.0, True, 7]
    assert values == expected
    assert [type(v) for v in values] == [type(v) for v in expected]


def test_every_number_comes_once_in_order_when_other_calls_pause_the_stream(device):
    @device.task
    def count(n):
        for i in range(n):
            yield i

    @device.task
    def double(x):
        return 2 * x

    received = []
    for value in count(3000):
        received.append(value)
        if value % 37 == 0:
            assert double(value) == 2 * value  # pauses the board's loop, which resumes afterwards
    assert received == list(range(3000))
    assert device("[k for k in _belay.o if type(k) is str]") == []


def test_printed_lookalike_records_between_fast_numbers_stay_text(device):
    @device.task
    def forging(n):
        for i in range(n):
            print("\x1eN1,2,3\x1f\x1e" + "x" * 8 + "N4\x1f", end="")
            yield i

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert list(forging(200)) == list(range(200))
    assert out.getvalue() == ("\x1eN1,2,3\x1f\x1e" + "x" * 8 + "N4\x1f") * 200


def test_a_board_without_a_microsecond_clock_writes_each_value_at_once(device):
    # CircuitPython has no time.ticks_us: the stream loop then holds nothing.
    @device.task
    def count(n):
        for i in range(n):
            yield i

    with board_clock(device, "None"), recorded(device) as wire:
        assert list(count(100)) == list(range(100))
    assert records_in(device, wire.read_bytes) == 100


def stream_records(device, data: bytes) -> list:
    parser = RecordParser(device.session.nonce.encode())
    return [item for item in parser.feed(bytes(data)) if type(item) is tuple]


def test_with_a_clock_that_stands_still_the_board_writes_8_numbers_alone_then_64_to_a_record(device):
    # The board's clock replaced by one that never moves: every number counts as fast, so the wire is exact.
    @device.task
    def count(start, stop):
        for i in range(start, stop):
            yield i

    with board_clock(device, "lambda: 0"), recorded(device) as wire:
        assert list(count(100, 1000)) == list(range(100, 1000))
    values = [str(i).encode() for i in range(100, 1000)]
    expected = [(NUMBERS, v) for v in values[:8]] + [
        (NUMBERS, b",".join(values[i : i + 64])) for i in range(8, len(values), 64)
    ]
    assert stream_records(device, wire.read_bytes) == expected
    # 900 ints of 3 digits: 11 bytes a record, a repr and a comma each; "123\r\n" printed would be 5 bytes each.
    assert sum(11 + len(payload) for _, payload in expected) == 3820


def test_with_a_clock_that_runs_fast_every_number_is_its_own_record(device):
    device("clock = [0]\ndef fast_clock():\n clock[0] += 5000\n return clock[0]")

    @device.task
    def count(n):
        for i in range(n):
            yield i

    with board_clock(device, "fast_clock"), recorded(device) as wire:
        assert list(count(50)) == list(range(50))
    assert stream_records(device, wire.read_bytes) == [(NUMBERS, str(i).encode()) for i in range(50)]
