"""Emulate a UART's speed: at most baud/10 bytes per second each way (8N1 framing)."""

import time
from typing import Optional

#: Bytes a UART delivers in one burst (its FIFO); reads never return more than the link carried.
BURST_SECONDS = 0.01


class Pacer:
    """Token buckets for the two directions of an emulated serial link.

    The waits here are the emulated link's transfer time, not polling: each one lasts exactly as long as
    the bytes take on a real wire at this speed.
    """

    def __init__(self, baud: int):
        self.bytes_per_second = baud / 10
        self._burst = max(1, int(self.bytes_per_second * BURST_SECONDS))
        now = time.monotonic()
        self._write_free_at = now
        self._read_tokens = float(self._burst)
        self._read_checked_at = now

    def pace_write(self, count: int) -> None:
        """Wait as long as `count` bytes take to leave the host."""
        now = time.monotonic()
        self._write_free_at = max(now, self._write_free_at) + count / self.bytes_per_second
        time.sleep(max(0.0, self._write_free_at - now))  # pacing of the emulated wire

    def allowance(self, wanted: int, timeout: Optional[float]) -> int:
        """How many bytes a read may return now, waiting (within `timeout`) for the link to carry one."""
        self._refill()
        if self._read_tokens < 1:
            wait = (1 - self._read_tokens) / self.bytes_per_second
            if timeout is not None and wait > timeout:
                time.sleep(timeout)  # pacing: the link carries nothing in this time
                return 0
            time.sleep(wait)  # pacing: the time one byte takes on the wire
            self._refill()
        return max(1, min(wanted, int(self._read_tokens)))

    def spend(self, count: int) -> None:
        """Account for `count` bytes read."""
        self._read_tokens -= count

    def _refill(self) -> None:
        now = time.monotonic()
        self._read_tokens = min(self._burst, self._read_tokens + (now - self._read_checked_at) * self.bytes_per_second)
        self._read_checked_at = now
