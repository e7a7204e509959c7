"""Relate the board's millisecond ticks to the host's clock (pure: no I/O, the caller supplies both clocks).

The board's ``time.ticks_ms()`` wraps every ``ticks_max + 1`` milliseconds (2**30 on most ports, about 12.4
days). `TimeSync` unwraps each tick it is given against the host time it was read at, so a timestamp stays
right across wraps, and notices when a tick cannot be explained by the time that passed: the board reset.

The offset is **board minus host**, in seconds, as Belay 0.30's code computes it (its documentation says the
opposite): ``host_time = board_ms / 1000 - time_offset``.
"""

from typing import Optional

from attrs import define

from .errors import BelayException

#: How many milliseconds an unwrapped tick may stray from the host's expectation, plus this share of the
#: time elapsed since the reference (1 %: crystal drift is far smaller, scheduling noise is not).
BASE_TOLERANCE_MS = 200
DRIFT_TOLERANCE = 0.01


class DeviceResetDetected(BelayException):
    """The board's tick does not follow from the time that passed: it was reset (or its clock jumped)."""


@define
class TimeSync:
    """Unwrapped board ticks and the board-minus-host clock offset.

    Parameters
    ----------
    ticks_max : int, optional
        The largest tick the board reports (``time.ticks_add(0, -1)``); None: the ticks never wrap.
    alpha : float
        Weight of a new sample in the running offset (an exponential moving average).
    """

    ticks_max: Optional[int] = None
    alpha: float = 0.1
    time_offset: Optional[float] = None
    _reference_host_time: Optional[float] = None
    _reference_tick: Optional[int] = None

    @property
    def period(self) -> Optional[int]:
        """Milliseconds after which the tick wraps, or None."""
        return None if self.ticks_max is None else self.ticks_max + 1

    def reset(self) -> None:
        """Forget the tick reference (after a reconnect or a reset); the offset stays until re-measured."""
        self._reference_host_time = None
        self._reference_tick = None

    def unwrap_tick(self, raw_tick: int, host_time: float) -> int:
        """The board's tick `raw_tick`, read at `host_time`, counted from the reference without wrapping.

        Raises
        ------
        DeviceResetDetected
            The tick is further from the host's expectation than drift and delay explain.
        """
        if self._reference_tick is None or self._reference_host_time is None:
            self._reference_tick, self._reference_host_time = raw_tick, host_time
            return raw_tick
        return self.unwrap_within(raw_tick, host_time, host_time)

    def update_offset(self, raw_tick: int, host_mid: float) -> float:
        """Fold one sample (the tick, and the host time halfway through its round trip) into the offset.

        A tick that shows a reset starts a new reference instead of being averaged in.
        """
        try:
            tick = self.unwrap_tick(raw_tick, host_mid)
        except DeviceResetDetected:
            self.reset()
            tick = self.unwrap_tick(raw_tick, host_mid)
            self.time_offset = None
        sample = tick / 1000 - host_mid
        self.time_offset = (
            sample if self.time_offset is None else (1 - self.alpha) * self.time_offset + self.alpha * sample
        )
        return self.time_offset

    def unwrap_within(self, raw_tick: int, earliest: float, latest: float) -> int:
        """The unwrapped tick of a reading the board took between host times `earliest` and `latest`.

        Raises
        ------
        DeviceResetDetected
            No unwrapping of the tick falls in that interval, give or take drift and delay.
        ValueError
            There is no reference yet.
        """
        if self._reference_tick is None or self._reference_host_time is None:
            raise ValueError("time synchronisation has not been performed; call sync_time() first")
        low = self._reference_tick + int((earliest - self._reference_host_time) * 1000)
        high = self._reference_tick + int((latest - self._reference_host_time) * 1000)
        tolerance = BASE_TOLERANCE_MS + int(abs(latest - self._reference_host_time) * 1000 * DRIFT_TOLERANCE)
        candidate = raw_tick
        if self.period is not None:
            turns = max(0, round((high - raw_tick) / self.period))
            nearby = [raw_tick + n * self.period for n in (turns - 1, turns, turns + 1) if n >= 0]
            candidate = min(nearby, key=lambda tick: (max(low - tick, tick - high, 0), -tick))  # nearest the interval
        if not low - tolerance <= candidate <= high + tolerance:
            expected = f"{low}" if low == high else f"{low}-{high}"
            raise DeviceResetDetected(
                f"the board's clock reads {candidate} ms where {expected} ms (±{tolerance}) was expected: "
                "the board was reset or its clock jumped"
            )
        return candidate

    def host_time(self, raw_tick: int, earliest: float, latest: float) -> float:
        """The host time (seconds since the epoch) at which the board's clock read `raw_tick`.

        The reading was taken between host times `earliest` (say, when the call was sent) and `latest` (when
        its reply arrived); that interval picks the wrap and catches a board whose clock restarted.
        """
        if self.time_offset is None:
            raise ValueError("time synchronisation has not been performed; call sync_time() first")
        if self._reference_tick is None:
            # A new connection kept the offset but not the reference: this reading, taken within the interval,
            # becomes the reference (its host time is known to within half the interval).
            self.unwrap_tick(raw_tick, (earliest + latest) / 2)
        return self.unwrap_within(raw_tick, earliest, latest) / 1000 - self.time_offset


def best_offset(samples: list[tuple[int, float, float]], sync: TimeSync, spread_ms: float = 2.0) -> float:
    """Set `sync` from round-trip samples ``(tick, host_before, host_after)`` and return the offset.

    The sample with the shortest round trip is the reference; samples within `spread_ms` of it are averaged,
    each weighted by the inverse of its round trip, since a short trip bounds the tick's true host time best.
    """
    if not samples:
        raise ValueError("no time samples")
    sync.reset()
    sync.time_offset = None
    best = min(samples, key=lambda sample: sample[2] - sample[1])
    best_rtt = best[2] - best[1]
    sync.update_offset(best[0], (best[1] + best[2]) / 2)
    close = [sample for sample in samples if (sample[2] - sample[1]) <= best_rtt + spread_ms / 1000]
    if len(close) > 1:
        weights = [1 / max(sample[2] - sample[1], 1e-6) for sample in close]
        offsets = [
            sync.unwrap_tick(tick, (before + after) / 2) / 1000 - (before + after) / 2 for tick, before, after in close
        ]
        sync.time_offset = sum(w * o for w, o in zip(weights, offsets)) / sum(weights)
    return sync.time_offset
