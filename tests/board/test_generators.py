import pytest

from belay_engine import Device, PyboardException


def test_generator_task_streams_every_value(device):
    @device.task
    def count(n):
        for i in range(n):
            yield i

    assert list(count(1000)) == list(range(1000))


def test_generator_values_of_many_types_round_trip(device):
    @device.task
    def mixed():
        yield 1
        yield 2.5
        yield "text with \x1e and \n"
        yield (1, [2, {"k": None}])
        yield b"\x00\x1f"

    assert list(mixed()) == [1, 2.5, "text with \x1e and \n", (1, [2, {"k": None}]), b"\x00\x1f"]


def test_generator_values_arrive_before_the_generator_ends(board_root):
    # The board waits for a file that the host writes only once it holds the first value: a host that
    # buffered the values until the generator ended would never write it, and the board would say so.
    with Device(f"virtual:{board_root}") as device:

        @device.task
        def waits_for_the_host():
            import os
            import time

            yield "first"
            for _ in range(1000):  # a bound of about 10 s, so a host that never answers ends the test
                try:
                    os.stat("/host-got-first")
                    yield "the host had the first value while this generator ran"
                    return
                except OSError:
                    time.sleep_ms(10)
            yield "the host never saw the first value"

        stream = waits_for_the_host()
        assert next(stream) == "first"
        (board_root / "host-got-first").write_text("")
        assert list(stream) == ["the host had the first value while this generator ran"]


def test_breaking_out_early_closes_the_board_generator(device):
    device("steps = 0\nclosed = False")

    @device.task
    def forever():
        global steps, closed
        try:
            while True:
                steps += 1
                yield steps
        finally:
            closed = True

    for value in forever():
        if value == 3:
            break
    assert device("closed") is True  # the generator's finally ran: closed, not only paused
    assert device("[k for k in _belay.o if type(k) is str]") == []  # the board keeps no generator
    first = device("steps")
    assert device("steps") == first  # nothing runs on the board any more
    assert device("1 + 1") == 2


def test_another_call_inside_the_stream_loop_pauses_and_resumes_it(device):
    @device.task
    def numbers(n):
        for i in range(n):
            yield i

    @device.task
    def square(x):
        return x * x

    squares = [square(value) for value in numbers(50)]
    assert squares == [i * i for i in range(50)]


def test_two_streams_can_be_interleaved(device):
    @device.task
    def letters(text):
        for character in text:
            yield character

    first, second = letters("abc"), letters("xyz")
    assert [next(first), next(second), next(first), next(second)] == ["a", "x", "b", "y"]
    assert list(first) + list(second) == ["c", "z"]


def test_generator_that_receives_values_supports_send(device):
    @device.task
    def accumulate():
        total = 0
        while True:
            value = yield total
            total += value

    stream = accumulate()
    assert next(stream) == 0
    assert stream.send(5) == 5
    assert stream.send(10) == 15
    stream.close()


def test_generator_exception_is_raised_with_the_host_line(device):
    @device.task
    def broken():
        yield 1
        raise ValueError("stop here")

    stream = broken()
    assert next(stream) == 1
    with pytest.raises(PyboardException) as info:
        next(stream)
    line = broken.__wrapped__.__code__.co_firstlineno + 3
    assert f'File "{__file__}", line {line}, in broken' in str(info.value)
    assert device("[k for k in _belay.o if type(k) is str]") == []  # the failed generator is not kept
    assert device("1") == 1


def test_generator_output_is_forwarded_between_values(device, capsys):
    @device.task
    def talk():
        print("before")
        yield 1
        print("after")

    assert list(talk()) == [1]
    assert capsys.readouterr().out == "before\nafter\n"
