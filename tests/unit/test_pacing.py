import pytest

from belay_engine.virtual import pacing


class FakeClock:
    """Stands in for the time module: sleeping advances the clock."""

    def __init__(self):
        self.now = 100.0
        self.slept = 0.0

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds
        self.slept += seconds


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(pacing, "time", fake)
    return fake


def test_writes_take_as_long_as_the_bytes_need_on_the_wire(clock):
    pacer = pacing.Pacer(115200)
    for _ in range(10):
        pacer.pace_write(1152)
    assert clock.slept == pytest.approx(1.0)


def test_reads_deliver_at_most_the_link_rate(clock):
    pacer = pacing.Pacer(115200)
    delivered = 0
    while delivered < 11520 * 2:
        allowed = pacer.allowance(65536, None)
        pacer.spend(allowed)
        delivered += allowed
    # Two seconds of data, less the one burst the link may hold at the start.
    assert clock.slept == pytest.approx(2.0, abs=0.02)


def test_a_read_that_cannot_get_a_byte_in_time_returns_nothing(clock):
    pacer = pacing.Pacer(1200)  # 120 bytes/s
    pacer.spend(pacer.allowance(65536, None))
    assert pacer.allowance(10, 0.001) == 0
