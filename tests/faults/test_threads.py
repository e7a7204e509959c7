"""Many host threads call one Device at once, while another thread reads a stream from it.

Contract: every result is the one its call asked for, each call's printed output arrives whole and not mixed
with another's, the stream gets every value once and in order, and every thread ends within a bound.
"""

import io
import threading

from .wire import BOUND

THREADS = 8
CALLS = 15


def expected_output(thread, call):
    return "".join(f"thread {thread} call {call} line {line}\n" for line in range(3))


def test_calls_from_many_threads_at_once_get_their_own_results_and_output(device, capsys):
    @device.task
    def echo(thread, call):
        for line in range(3):
            print(f"thread {thread} call {call} line {line}")
        return (thread, call, thread * 1000 + call)

    @device.task
    def count(n):
        for i in range(n):
            yield i

    start = threading.Barrier(THREADS + 1)
    results, outputs, errors, streamed = {}, {}, [], []

    def caller(thread):
        try:
            start.wait(BOUND)
            for call in range(CALLS):
                if thread % 2:  # through the task: its output goes to sys.stdout
                    results[thread, call] = echo(thread, call)
                else:  # through device(), with this call's own output stream
                    out = io.StringIO()
                    results[thread, call] = device(f"echo({thread}, {call})", stream_out=out)
                    outputs[thread, call] = out.getvalue()
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    def reader():
        try:
            start.wait(BOUND)
            streamed.extend(count(20000))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=caller, args=(n,), daemon=True) for n in range(THREADS)]
    threads.append(threading.Thread(target=reader, daemon=True))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(BOUND * 3)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    shared = capsys.readouterr().out
    for thread in range(THREADS):
        for call in range(CALLS):
            assert results[thread, call] == (thread, call, thread * 1000 + call)
            if thread % 2:
                assert shared.count(expected_output(thread, call)) == 1  # whole, its lines not split by others
            else:
                assert outputs[thread, call] == expected_output(thread, call)
                assert expected_output(thread, call) not in shared
    assert len(shared) == sum(len(expected_output(t, c)) for t in range(1, THREADS, 2) for c in range(CALLS))
    assert streamed == list(range(20000))
    assert device("1 + 1") == 2
