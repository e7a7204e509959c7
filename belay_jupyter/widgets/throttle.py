"""A frame-rate limit: redraw at most `fps` times a second, whatever the rate of values."""

import time
from typing import Callable, Optional

from attrs import define


@define
class FrameThrottle:
    """Says when the next frame may be drawn.

    Parameters
    ----------
    fps : float
        Frames per second at most.
    clock : callable
        Seconds, monotonic; injectable so tests are deterministic.
    """

    fps: float
    clock: Callable[[], float] = time.monotonic
    last: Optional[float] = None

    @property
    def interval(self) -> float:
        """Seconds between two frames."""
        return 1.0 / self.fps if self.fps > 0 else 0.0

    def ready(self) -> bool:
        """Whether a frame may be drawn now; if so, the frame is counted as drawn."""
        now = self.clock()
        if self.last is None or now - self.last >= self.interval:
            self.last = now
            return True
        return False

    def delay(self) -> float:
        """Seconds until the next frame may be drawn."""
        if self.last is None:
            return 0.0
        return max(0.0, self.last + self.interval - self.clock())
