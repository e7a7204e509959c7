"""TaskStream.request_stop: another thread ends a board generator cleanly, its `finally` runs."""

import threading

import pytest


def _consume_in_thread(stream):
    received = []
    errors = []

    def run():
        try:
            for value in stream:
                received.append(value)
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, received, errors


def _stop_and_wait(stream, thread, errors):
    """Stop the stream from this thread; its consumer thread must end without an error."""
    stream.request_stop()
    thread.join(10)
    assert not thread.is_alive()
    assert errors == []


def _wait_for(condition, seconds=10.0):
    event = threading.Event()
    for _ in range(int(seconds * 100)):
        if condition():
            return
        event.wait(0.01)
    raise AssertionError("condition not reached")


def test_stop_from_another_thread_runs_the_generators_finally(device, guarded):
    stream = guarded(5)
    thread, received, errors = _consume_in_thread(stream)
    _wait_for(lambda: len(received) >= 3)
    _stop_and_wait(stream, thread, errors)
    assert device("cleaned") is True
    assert received == list(range(1, device("produced") + 1))  # every value the board produced, once


def test_a_fast_stream_stopped_from_another_thread_keeps_every_value_the_board_produced(device, guarded):
    stream = guarded(0)  # no pause between values: hundreds are on the wire when Stop comes
    thread, received, errors = _consume_in_thread(stream)
    _wait_for(lambda: len(received) >= 1000)
    _stop_and_wait(stream, thread, errors)
    assert received == list(range(1, device("produced") + 1))
    assert device("cleaned") is True


def test_device_is_usable_after_a_requested_stop(device, guarded):
    stream = guarded(5)
    thread, received, _ = _consume_in_thread(stream)
    _wait_for(lambda: len(received) >= 1)
    stream.request_stop()
    thread.join(10)
    assert device("1 + 1") == 2
    assert device("g") == "a user global"  # stopping leaves user globals alone
    assert device("[k for k in _belay.o if type(k) is str]") == []  # the board keeps no generator, running or paused
    device("produced = 0")
    again = guarded(1)
    assert [next(again), next(again)] == [1, 2]  # a new stream starts from scratch
    again.close()


def test_stop_interrupts_a_generator_sleeping_between_values(device, guarded):
    stream = guarded(5000)
    thread, received, errors = _consume_in_thread(stream)
    _wait_for(lambda: len(received) >= 1)
    _stop_and_wait(stream, thread, errors)
    # The generator was interrupted in its 5 s sleep: the second value was never produced.
    assert device("produced") == 1
    assert device("cleaned") is True


def test_stop_requested_between_values_ends_the_stream_at_the_next_value(device, guarded):
    stream = guarded(5)
    first = next(stream)
    stream.request_stop()
    rest = list(stream)
    assert [first, *rest] == list(range(1, len(rest) + 2))  # values already received, then the end
    assert device("cleaned") is True
    assert stream.stop_requested


def test_stop_of_a_finished_stream_changes_nothing(device):
    @device.task
    def three():
        yield from range(3)

    stream = three()
    assert list(stream) == [0, 1, 2]
    stream.request_stop()
    assert list(stream) == []
    assert device("2 + 2") == 4


def test_stop_right_after_the_start_ends_the_stream_whatever_it_was_doing(device, guarded):
    # The request races the consumer: before the code is sent, while the board starts it, or between values.
    for _ in range(10):
        device("cleaned = False\nproduced = 0")
        stream = guarded(5)
        thread, _, errors = _consume_in_thread(stream)
        _stop_and_wait(stream, thread, errors)
        produced = device("produced")
        if produced:
            assert device("cleaned") is True  # a generator that ran had its finally run
        assert device("[k for k in _belay.o if type(k) is str]") == []  # and the board keeps no generator


@pytest.mark.parametrize("pause_ms", [0, 2, 10])
def test_calls_from_another_thread_pause_and_resume_a_stream_read_in_the_background(device, guarded, pause_ms):
    stream = guarded(pause_ms)
    thread, received, errors = _consume_in_thread(stream)
    _wait_for(lambda: len(received) >= 3)
    results = []
    for _ in range(20):
        results.append(device("1 + 1"))
    before = len(received)
    _wait_for(lambda: len(received) > before + 3)  # the stream goes on after the calls
    _stop_and_wait(stream, thread, errors)
    assert results == [2] * 20
    assert received == list(range(1, len(received) + 1))  # nothing lost, nothing twice
    assert device("cleaned") is True


def test_stop_before_the_first_value_interrupts_the_generator_at_once(board_root):
    from belay_engine import Device

    with Device(f"virtual:{board_root}") as device:
        device("cleaned = False")

        @device.task
        def slow_start():
            import time

            global cleaned
            try:
                open("/started", "w").close()  # seen from the host without a call, which would pause the stream
                time.sleep(5)
                yield 1
            finally:
                cleaned = True

        stream = slow_start()
        thread, received, errors = _consume_in_thread(stream)
        _wait_for(lambda: (board_root / "started").exists())
        _stop_and_wait(stream, thread, errors)
        assert received == []  # interrupted in its 5 s sleep, before the first value
        assert device("cleaned") is True
