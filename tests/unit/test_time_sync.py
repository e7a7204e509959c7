import pytest

from belay_engine.time_sync import DeviceResetDetected, TimeSync, best_offset


def test_ticks_are_unwrapped_across_several_wraps():
    sync = TimeSync(ticks_max=100)  # the tick wraps every 101 ms
    readings = [(95, 0.000), (97, 0.002), (5, 0.011), (10, 0.016), (95, 0.101), (2, 0.109)]
    assert [sync.unwrap_tick(tick, t) for tick, t in readings] == [95, 97, 106, 111, 196, 204]


def test_a_tick_that_time_cannot_explain_is_a_reset():
    sync = TimeSync(ticks_max=0xFFFFFFFF)
    sync.unwrap_tick(50000, 1000.0)
    assert sync.unwrap_tick(51000, 1001.0) == 51000
    with pytest.raises(DeviceResetDetected, match="reset"):
        sync.unwrap_tick(100, 1011.0)
    # The failed reading changed nothing: a consistent one still unwraps against the old reference.
    assert sync.unwrap_tick(61000, 1011.0) == 61000


def test_update_offset_starts_a_new_reference_after_a_reset():
    sync = TimeSync(ticks_max=0xFFFFFFFF)
    sync.update_offset(50000, 1000.0)
    assert sync.time_offset == pytest.approx(50.0 - 1000.0)
    sync.update_offset(100, 1011.0)  # the board rebooted: its clock restarted near zero
    assert sync.time_offset == pytest.approx(0.1 - 1011.0)
    assert sync.unwrap_tick(1100, 1012.0) == 1100


def test_the_offset_is_board_minus_host_and_averages_new_samples():
    sync = TimeSync(alpha=0.5)
    assert sync.update_offset(10_000, 4.0) == pytest.approx(6.0)
    assert sync.update_offset(10_600, 4.5) == pytest.approx(0.5 * 6.0 + 0.5 * 6.1)


def test_host_time_converts_a_board_tick_with_the_offset():
    sync = TimeSync(ticks_max=2**30 - 1)
    sync.update_offset(1_000, 500.0)  # board 1.0 s at host 500 s: offset -499 s
    assert sync.host_time(3_000, 501.5, 502.0) == pytest.approx(502.0)


def test_host_time_of_a_reading_taken_long_before_its_reply_arrived():
    sync = TimeSync(ticks_max=100)  # wraps every 101 ms
    sync.update_offset(50, 0.0)
    # A stream started at 0.02 s; a value read at board tick 90 (host 0.04 s) is only looked at at 0.09 s.
    assert sync.host_time(90, 0.02, 0.09) == pytest.approx(0.04)
    # After the tick wrapped twice, the interval still picks the right turn.
    assert sync.host_time(30, 0.15, 0.20) == pytest.approx(0.030 + 0.202 - 0.050)


def test_a_reading_outside_its_interval_is_a_reset():
    sync = TimeSync(ticks_max=2**30 - 1)
    sync.update_offset(500_000, 1000.0)
    with pytest.raises(DeviceResetDetected):
        sync.host_time(1_200, 1010.0, 1010.5)  # the board's clock restarted about a second before


def test_host_time_after_a_new_connection_uses_the_kept_offset_with_the_reading_as_reference():
    # A reconnect forgets the reference tick (the board may have restarted its clock) but keeps the offset; a timed
    # reply whose round trip is too slow to refine the offset is still stamped, and starts the new reference.
    sync = TimeSync(ticks_max=2**30 - 1)
    sync.update_offset(1_000, 500.0)  # offset -499 s
    sync.reset()
    assert sync.host_time(20_000, 519.0, 519.2) == pytest.approx(20.0 + 499.0)
    assert sync.host_time(21_000, 520.0, 520.1) == pytest.approx(21.0 + 499.0)  # unwrapped against the new one


def test_host_time_before_any_sample_says_to_sync_first():
    with pytest.raises(ValueError, match="sync_time"):
        TimeSync().host_time(5, 1.0, 1.0)


def test_best_offset_weights_the_shortest_round_trips():
    sync = TimeSync()
    samples = [
        (10_000, 0.000, 0.0025),  # 2.5 ms round trip: within 2 ms of the best, so it counts
        (10_012, 0.010, 0.011),  # 1 ms: the reference
        (10_050, 0.040, 0.060),  # 20 ms: too slow to count
    ]
    offset = best_offset(samples, sync)
    tight = [10.012 - 0.0105, 10.000 - 0.00125]
    assert offset == pytest.approx((tight[0] / 0.001 + tight[1] / 0.0025) / (1 / 0.001 + 1 / 0.0025))
    assert sync.time_offset == offset


def test_best_offset_needs_samples():
    with pytest.raises(ValueError, match="no time samples"):
        best_offset([], TimeSync())
