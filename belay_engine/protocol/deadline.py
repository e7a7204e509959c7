"""A point in time that every blocking wait of one operation counts down to."""

import time
from typing import Optional


class Deadline:
    """Remaining time of an operation; ``None`` seconds means no limit.

    Parameters
    ----------
    seconds : float or None
        Time allowed from now.
    """

    __slots__ = ("_end", "seconds")

    def __init__(self, seconds: Optional[float]):
        self.seconds = seconds
        self._end = None if seconds is None else time.monotonic() + seconds

    def remaining(self) -> Optional[float]:
        """Seconds left (never negative), or ``None`` without a limit."""
        if self._end is None:
            return None
        return max(0.0, self._end - time.monotonic())

    def expired(self) -> bool:
        """Whether the time is up."""
        return self._end is not None and time.monotonic() >= self._end
