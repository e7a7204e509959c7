"""Task calls through the board's resident call dispatcher behave as calls by the raw REPL, in fewer bytes."""

import io
import math
import threading
import time

import pytest

from belay_engine import Device, PyboardException
from belay_engine.board_values import encode


def dispatcher(device):
    return device.session.call_dispatcher()


@pytest.fixture
def add(device):
    @device.task
    def add(a, b=0):
        return a + b

    return add


class Counting:
    """Count the bytes each way through a transport."""

    def __init__(self, inner):
        self.inner, self.read_count, self.written_count = inner, 0, 0

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def read(self, max_bytes, timeout):
        data = self.inner.read(max_bytes, timeout)
        self.read_count += len(data)
        return data

    def write(self, data):
        self.written_count += len(data)
        self.inner.write(data)


def bytes_per_call(device, call, calls=10):
    counter = Counting(device.session.repl.transport)
    device.session.repl.transport = counter
    try:
        for _ in range(calls):
            call()
    finally:
        device.session.repl.transport = counter.inner
    return counter.written_count / calls, counter.read_count / calls


def test_many_calls_go_as_frames_to_one_dispatcher_run(device, add):
    assert [add(i, 1) for i in range(300)] == list(range(1, 301))
    assert dispatcher(device).starts == 1
    assert dispatcher(device).frames_sent == 298  # the first went by the raw REPL, the second started it


def test_a_tiny_call_costs_seven_bytes_out_and_twelve_back(device, add):
    add(1, 2), add(1, 2)
    assert bytes_per_call(device, lambda: add(1, 2)) == (7, 12)


def test_with_the_dispatcher_off_a_call_costs_what_a_raw_repl_exchange_does(device, add):
    dispatcher(device).enabled = False
    add(1, 2)
    assert bytes_per_call(device, lambda: add(1, 2)) == (19, 17)


VALUES = [
    0,
    -(2**70),
    1.5,
    "",
    "a,b\n'\"\\ é ✓ \x00\x03\x04",
    b"\x00\x01\x02\x03\x04\x1d\n\xff",
    bytearray(b"\x03x"),
    None,
    True,
    False,
    [1, [2, (3,)]],
    (),
    (1,),
    {1, 2},
    set(),
    {"k": [1, {"n": None}], 2: b"v"},
    range(0, 5),
]


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_arguments_of_every_encodable_kind_arrive_as_sent(device, value):
    @device.task
    def reprs(x, *rest, key=None):
        return repr(x), repr(rest), repr(key)

    on_board = device(f"repr({encode(value)})")  # the value as a call by the raw REPL makes it there
    reprs(0), reprs(0)
    sent = dispatcher(device).frames_sent
    assert reprs(value, value, key=value) == (on_board, f"({on_board},)", on_board)
    assert dispatcher(device).frames_sent == sent + 1


def test_special_float_arguments_arrive_as_sent(device, add):
    add(1), add(1)
    assert math.isnan(add(float("nan")))
    assert add(float("inf")) == float("inf")
    assert add(float("-inf"), -1.0) == float("-inf")


def test_a_proxy_argument_is_the_board_object(device, add):
    add(1), add(1)
    items = device.proxy("[1, 2]")
    assert add(items, [3]) == [1, 2, 3]


def test_a_big_argument_goes_by_the_raw_repl_and_the_dispatcher_is_started_again(device, add):
    add(1), add(1)
    big = "x" * 1000
    assert add(big, "y") == big + "y"
    assert add(1, 2) == 3


def test_printed_output_comes_with_its_call_in_order(device, capsys):
    @device.task
    def shout(n):
        for i in range(n):
            print("line", i)
        return n

    assert [shout(i) for i in range(6)] == list(range(6))
    assert capsys.readouterr().out == "".join(f"line {i}\n" for n in range(6) for i in range(n))


def test_a_raising_task_gives_the_traceback_of_a_call_by_the_raw_repl(device):
    @device.task
    def boom(x):
        return 1 // x

    def raised():
        with pytest.raises(PyboardException) as info:
            boom(0)
        return str(info.value), info.value.exception_name

    boom(1), boom(1)
    assert dispatcher(device).running
    dispatched = raised()
    assert not dispatcher(device).running  # the exception ended it
    dispatcher(device).enabled = False
    assert raised() == dispatched
    assert dispatched[1] == "ZeroDivisionError"
    assert "_belay_D" not in dispatched[0]
    assert "in boom" in dispatched[0]
    assert "return 1 // x" in dispatched[0]
    dispatcher(device).enabled = True
    assert [boom(1) for _ in range(3)] == [1, 1, 1]


def test_an_argument_the_board_cannot_evaluate_raises_as_by_the_raw_repl(device, add):
    class Point:
        def __repr__(self):
            return "Point(1, 2)"  # code, but the board has no Point

    def raised():
        with pytest.raises(PyboardException) as info:
            add(Point())
        return str(info.value)

    add(1), add(1)
    dispatched = raised()
    dispatcher(device).enabled = False
    assert raised() == dispatched
    assert "NameError" in dispatched
    assert "<string>" not in dispatched


def test_a_task_removed_on_the_board_raises_a_name_error_as_by_the_raw_repl(device, add):
    add(1), add(1)
    device("del add")
    with pytest.raises(PyboardException) as info:
        add(1)
    assert info.value.exception_name == "NameError"
    assert "name 'add' isn't defined" in str(info.value)


def test_other_exchanges_end_the_dispatcher_and_calls_start_it_again(device, add):
    @device.task
    def count(n):
        yield from range(n)

    add(1), add(1)
    for round in range(3):
        assert dispatcher(device).running
        assert device("40 + 2") == 42
        assert not dispatcher(device).running
        assert add(round, 1) == round + 1  # by the raw REPL: it came after another exchange
        assert add(round, 2) == round + 2  # this one starts the dispatcher again
        assert list(count(3)) == [0, 1, 2]
        add(1), add(1)
        device.sync_time()
        add(1), add(1)
        device(f"open('/f{round}', 'w').write('x')")
        assert add(2, 2) == 4
        assert add(3, 3) == 6
    assert dispatcher(device).starts == 1 + 3 * 4  # each round ends it four times


def test_a_stream_read_between_calls_pauses_nothing_and_gets_every_value(device, add):
    @device.task
    def count(n):
        yield from range(n)

    add(1), add(1)
    values = []
    for value in count(50):
        values.append(value)
        assert add(value, 1) == value + 1  # the stream pauses for the call, the call ends the dispatcher
    assert values == list(range(50))


def test_sync_between_calls(device, add, tmp_path):
    (tmp_path / "a.py").write_text("A = 1\n")
    add(1), add(1)
    device.sync(tmp_path)
    assert add(1, 1) == 2
    assert add(2, 2) == 4
    assert device("__import__('a').A") == 1


def test_a_board_thread_printing_while_the_dispatcher_waits_is_shown_at_the_next_call(device, add, capsys):
    device("import _thread, time\ndef noisy():\n for i in range(3):\n  time.sleep_ms(20)\n  print('thread', i)\n")
    add(1), add(1)
    device("_thread.start_new_thread(noisy, ())")
    add(1), add(1)
    time.sleep(0.3)
    assert add(5, 5) == 10
    assert capsys.readouterr().out == "thread 0\nthread 1\nthread 2\n"


def test_a_board_thread_printing_meanwhile_is_shown_when_another_exchange_ends_the_dispatcher(device, add, capsys):
    device("import _thread, time\ndef noisy():\n time.sleep_ms(50)\n print('late')\n")
    add(1), add(1)
    device("_thread.start_new_thread(noisy, ())")
    add(1), add(1)
    time.sleep(0.3)
    assert device("7") == 7
    assert capsys.readouterr().out == "late\n"


def test_host_threads_calling_at_once_each_get_their_own_result(device, add, capsys):
    @device.task
    def echo(thread, call):
        print("thread", thread, "call", call)
        return thread, call

    results, errors = {}, []

    def caller(thread):
        try:
            for call in range(20):
                results[thread, call] = echo(thread, call)
                if call % 7 == 0:
                    assert device(f"{thread} + {call}") == thread + call
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=caller, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert all(results[t, c] == (t, c) for t in range(4) for c in range(20))
    out = capsys.readouterr().out
    assert all(out.count(f"thread {t} call {c}\n") == 1 for t in range(4) for c in range(20))


def test_a_ctrl_c_reaching_the_idle_dispatcher_ends_it_and_the_next_call_still_runs_once(device, add):
    device("runs = 0")

    @device.task
    def counted():
        global runs
        runs += 1
        return runs

    counted(), counted()
    for expected in range(3, 6):
        device.session.interrupt()  # as a stray Ctrl-C: the waiting dispatcher reads it as its end
        time.sleep(0.05)
        assert counted() == expected
    device.session.interrupt()
    time.sleep(0.05)
    assert device("runs") == 5


def test_soft_reset_ends_the_dispatcher_and_calls_work_after_it(device, add):
    add(1), add(1)
    device.soft_reset()
    assert not dispatcher(device).running
    assert [add(i) for i in range(5)] == list(range(5))
    assert dispatcher(device).running


def test_reconnect_with_attempts_after_the_board_dies_mid_call(board_root):
    from .boards import kill_boards

    with Device(f"virtual:{board_root}", attempts=2) as device:

        @device.task
        def add(a, b):
            return a + b

        add(1, 2), add(1, 2)
        assert dispatcher(device).running
        kill_boards()
        assert add(2, 3) == 5  # reconnected: the task was sent again with the replayed definitions
        assert add(3, 4) == 7
        assert add(4, 5) == 9
        assert dispatcher(device).running


def test_without_attempts_a_dead_board_raises_connection_lost(device, add):
    from belay_engine import ConnectionLost

    from .boards import kill_boards

    add(1), add(1)
    kill_boards()
    with pytest.raises(ConnectionLost):
        add(1)


def test_a_board_without_kbd_intr_keeps_calls_on_the_raw_repl(device):
    device("import sys\nsys.modules['micropython'] = type('m', (), {})")  # as a board without kbd_intr

    @device.task
    def add(a, b):
        return a + b

    assert [add(i, i) for i in range(5)] == [0, 2, 4, 6, 8]
    assert dispatcher(device).supported is False
    assert dispatcher(device).starts == 0
    assert bytes_per_call(device, lambda: add(1, 2)) == (19, 17)


def test_recorded_calls_and_timed_calls_go_by_the_raw_repl_as_before(device):
    @device.task(record=True)
    def remembered(x):
        return x

    assert [remembered(i) for i in range(3)] == [0, 1, 2]
    assert dispatcher(device).starts == 0
    device.reconnect()  # replays the recorded calls
    assert remembered(7) == 7


def test_closing_with_the_dispatcher_running_leaves_the_board_at_its_friendly_prompt(board_root):
    device = Device(f"virtual:{board_root}")

    @device.task
    def add(a, b):
        return a + b

    add(1, 2), add(1, 2)
    session = device.session
    transport = session.repl.transport
    closed = transport.close
    seen = []

    def close():
        received = b""
        deadline = time.monotonic() + 10
        while not received.endswith(b">>> ") and time.monotonic() < deadline:
            received += transport.read(4096, 0.5)
        seen.append(received)
        closed()

    transport.close = close
    device.close()
    assert seen[0].endswith(b">>> ")


def test_a_stream_dropped_while_the_dispatcher_waits_is_stopped_at_the_next_exchange(device, add):
    import gc

    device("closed = 0")

    @device.task
    def count(n):
        global closed
        try:
            yield from range(n)
        finally:
            closed += 1

    stream = count(100)
    assert next(stream) == 0
    add(1), add(1), add(1)  # the stream paused, the dispatcher runs
    del stream
    gc.collect()  # its clean-up waits: the link is free but the board runs the dispatcher
    assert add(1, 1) == 2
    assert device("closed") == 1
    assert device("[k for k in _belay.o if type(k) is str]") == []


def test_a_host_stream_raising_during_a_call_leaves_the_board_ready(device):
    @device.task
    def shout():
        print("x")
        return 1

    shout(), shout()

    class Broken(io.StringIO):
        def write(self, text):
            raise RuntimeError("broken stream")

    import contextlib

    with contextlib.redirect_stdout(Broken()), pytest.raises(RuntimeError):
        shout()
    assert device("1 + 1") == 2
    assert shout() == 1


def test_a_proxy_released_while_the_dispatcher_waits_is_released_at_the_next_call(device, add):
    import gc

    add(1), add(1)
    kept = device.proxy("[1, 2]")
    assert add(kept, [3]) == [1, 2, 3]
    assert add(1, 2) == 3
    del kept
    gc.collect()
    assert add(2, 2) == 4  # the release goes first, by the raw REPL, then the dispatcher starts again
    assert add(3, 3) == 6
    assert device("len(_belay.o)") == 0


def test_a_task_printing_ctrl_d_still_returns_its_value_and_output(device, capsys):
    @device.task
    def spill(n):
        import sys

        sys.stdout.write("a\x04b\x04c")
        return n

    @device.task
    def fine():
        return 1

    fine(), fine()
    assert dispatcher(device).running
    assert spill(5) == 5  # the framing held the value back until the dispatcher was told to end
    assert capsys.readouterr().out == "a\x04b\x04c"
    assert [spill(i) for i in range(3)] == [0, 1, 2]
    assert capsys.readouterr().out == "a\x04b\x04c" * 3
    assert device("6 * 7") == 42


def test_a_long_call_is_answered_and_the_next_calls_start_the_dispatcher_again(device, add):
    @device.task
    def slow(ms):
        import time

        time.sleep_ms(ms)
        return ms

    slow(0), slow(0)
    assert slow(1500) == 1500  # nudged: the dispatcher ends after it
    assert not dispatcher(device).running
    assert [slow(0) for _ in range(3)] == [0, 0, 0]
    assert dispatcher(device).running


def test_a_task_raising_after_a_long_run_gives_its_traceback(device):
    @device.task
    def late(ms):
        import time

        time.sleep_ms(ms)
        raise ValueError("late " * 40)

    @device.task
    def fine():
        return 1

    fine(), fine()
    with pytest.raises(PyboardException) as info:
        late(1200)
    assert info.value.exception_name == "ValueError"
    assert "_belay_D" not in str(info.value)
    assert device("1 + 1") == 2
