import threading

from belay_engine.fair_lock import FairLock


def test_a_free_lock_is_taken_at_once_and_a_held_one_refuses_without_blocking():
    lock = FairLock()
    assert lock.acquire(blocking=False)
    assert lock.locked()
    assert not lock.acquire(blocking=False)
    lock.release()
    assert not lock.locked()


def test_a_wait_times_out_and_leaves_no_turn_behind():
    lock = FairLock()
    lock.acquire()
    assert not lock.acquire(timeout=0.01)
    lock.release()
    assert lock.acquire(blocking=False)  # the timed-out waiter is not handed the lock


def test_a_release_hands_the_lock_to_the_waiting_thread_before_the_releaser_can_take_it_back():
    lock = FairLock()
    lock.acquire()
    order = []
    waiting = threading.Event()

    def waiter():
        waiting.set()
        lock.acquire()
        order.append("waiter")
        lock.release()

    thread = threading.Thread(target=waiter)
    thread.start()
    waiting.wait()
    for _ in range(5000):  # until the waiter has queued its turn (at most 5 s)
        if lock._turns:
            break
        threading.Event().wait(0.001)
    assert lock._turns
    lock.release()
    lock.acquire()  # a plain Lock could let this thread win again; the waiter goes first
    order.append("releaser")
    lock.release()
    thread.join()
    assert order == ["waiter", "releaser"]
