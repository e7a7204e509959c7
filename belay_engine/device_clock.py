"""Device's clock methods: `sync_time`, and `time_offset` (board time minus host time)."""


class ClockMethods:
    """The clock side of `Device` (a base class of it), over the Device's `BoardClock`."""

    def sync_time(self, samples: int = 10) -> float:
        """Measure the offset between the board's clock and the host's, and return it.

        Parameters
        ----------
        samples : int
            Round trips to measure at most; it stops after five once three in a row are as fast as the best.

        Returns
        -------
        float
            `time_offset`: board time minus host time, in seconds.
        """
        return self._clock.sync_time(samples)

    @property
    def time_offset(self) -> float:
        """Board time minus host time, in seconds.

        The sign is the one Belay 0.30's code uses (its documentation says the opposite):
        ``host_time = board_ms / 1000 - time_offset``.

        Raises
        ------
        ValueError
            `sync_time` was never run (with `auto_sync_time`, reading this runs it).
        """
        if self.auto_sync_time:
            self._clock.ensure_synced()
        return self._clock.offset
