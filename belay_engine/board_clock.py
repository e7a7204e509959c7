"""The board's clock seen from the host: `sync_time`, timestamps of results, and reset detection by ticks."""

import importlib.resources
import time
from datetime import datetime
from typing import Any, Optional

from attrs import define, field

from .board_calls import result_of_call, timed_stream
from .minify import minify
from .time_sync import DeviceResetDetected, TimeSync, best_offset

TICKS = "__import__('time').ticks_ms()"
#: A sample whose round trip is within this of the best one seen by `sync_time` refines the offset.
TIGHT_ROUND_TRIP = 0.002
UNSYNCED = (
    "return_time=True requires time synchronization. Ensure auto_sync_time=True (default) or call sync_time() first."
)


@define
class BoardClock:
    """Relates one Device's board ticks to the host's wall clock.

    Parameters
    ----------
    device : Device
        The board; its `auto_sync_time` decides whether a timestamp asked for before any `sync_time` call
        synchronises first or raises.
    """

    device: Any
    sync: TimeSync = field(factory=TimeSync)
    best_round_trip: Optional[float] = None
    _ticks_max_generation: int = -1
    _generator_generation: int = -1

    def forget_reference(self) -> None:
        """A new connection: ticks are unwrapped against a fresh reference (the offset is kept until re-measured)."""
        self.sync.reset()

    def _read_ticks_max(self) -> None:
        if self._ticks_max_generation == self.device.generation:
            return
        name = self.device.implementation.name
        if name == "circuitpython":
            self.sync.ticks_max = (1 << 29) - 1
        else:
            self.sync.ticks_max = self.device.session.run(result_of_call("__import__('time').ticks_add(0,-1)"))
        self._ticks_max_generation = self.device.generation

    def sync_time(self, samples: int = 10) -> float:
        """Measure the board-minus-host offset from up to `samples` round trips and return it in seconds.

        Stops early, after at least five, once three samples in a row are within 2 ms of the fastest round trip.
        """
        self._read_ticks_max()
        measured: list[tuple[int, float, float]] = []
        steady = 0
        for index in range(max(1, samples)):
            before = time.time()
            tick = self.device.session.run(result_of_call(TICKS))
            after = time.time()
            measured.append((tick, before, after))
            best = min(end - start for _, start, end in measured)
            steady = steady + 1 if after - before <= best + TIGHT_ROUND_TRIP else 0
            if steady >= 3 and index >= 4:
                break
        self.best_round_trip = min(end - start for _, start, end in measured)
        return best_offset(measured, self.sync)

    @property
    def offset(self) -> float:
        """The board-minus-host offset in seconds.

        Raises
        ------
        ValueError
            No synchronisation has been performed.
        """
        if self.sync.time_offset is None:
            raise ValueError("Time synchronization has not been performed. Call sync_time() first.")
        return self.sync.time_offset

    def ensure_synced(self) -> None:
        """Synchronise now if it was never done and the Device synchronises by itself, else raise."""
        if self.sync.time_offset is None:
            if not self.device.auto_sync_time:
                raise ValueError(UNSYNCED)
            self.sync_time()

    def timed_call(self, call: str) -> str:
        """Board code reporting `call`'s value and the tick when it was computed, as a pair."""
        return result_of_call(f"(({call}\n),{TICKS})")

    def timed_generator(self, call: str) -> str:
        """A board expression streaming ``(value, tick)`` pairs from the generator `call` makes."""
        if self._generator_generation != self.device.generation:
            source = importlib.resources.files("belay_engine.board").joinpath("timed_generator.py").read_text()
            self.device.session.run(minify(source))
            self._generator_generation = self.device.generation
        return timed_stream(call)

    def timestamp(self, tick: int, sent_at: float) -> datetime:
        """The host's local time at which the board's clock read `tick` (a naive datetime, as Belay 0.30's).

        Parameters
        ----------
        tick : int
            A board tick from a timed reply.
        sent_at : float
            Host time when the call (or the stream) was sent: the tick was read after it. A reply within a
            short round trip also refines the offset.
        """
        now = time.time()
        try:
            if self.best_round_trip is not None and now - sent_at <= self.best_round_trip + TIGHT_ROUND_TRIP:
                self.sync.update_offset(tick, (sent_at + now) / 2)
            host_time = self.sync.host_time(tick, sent_at, now)
        except DeviceResetDetected:
            self.sync_time()  # the board restarted its clock: measure it again
            host_time = self.sync.host_time(tick, sent_at, now)
        return datetime.fromtimestamp(host_time)

    def stamped(self, pair: Any, sent_at: float) -> tuple[Any, datetime]:
        """``(value, datetime)`` from a ``(value, tick)`` pair of a timed reply."""
        value, tick = pair
        return value, self.timestamp(tick, sent_at)
