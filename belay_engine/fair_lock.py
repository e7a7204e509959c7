"""A lock that waiting threads get in the order they asked for it."""

import threading
from collections import deque
from typing import Optional


class FairLock:
    """Like ``threading.Lock``, but a release hands the lock to the longest-waiting thread.

    A thread that reads a stream in a loop releases and takes the device's link again between values; with a
    plain lock it could take it straight back ahead of a thread that is waiting for one call.
    """

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._held = False
        self._turns: deque[threading.Event] = deque()

    def acquire(self, blocking: bool = True, timeout: Optional[float] = None) -> bool:
        """Take the lock; False if `blocking` is False and it is taken, or `timeout` seconds passed."""
        with self._mutex:
            if not self._held and not self._turns:
                self._held = True
                return True
            if not blocking:
                return False
            turn = threading.Event()
            self._turns.append(turn)
        if turn.wait(timeout):
            return True
        with self._mutex:
            if turn.is_set():
                return True  # handed over just as the wait timed out
            self._turns.remove(turn)
            return False

    def release(self) -> None:
        """Hand the lock to the next waiting thread, or free it."""
        with self._mutex:
            if self._turns:
                self._turns.popleft().set()  # the lock stays held: it changes hands
            else:
                self._held = False

    def locked(self) -> bool:
        """Whether some thread holds the lock."""
        return self._held
