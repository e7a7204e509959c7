"""What one benchmark run measures, and how much of it: the counts of the full and the quick mode."""

import statistics
import time
from typing import Callable, Optional

from attrs import frozen

#: Sections of the benchmark, in the order they run; ``--only`` picks some of them.
SECTIONS = ("connect", "call", "eval", "stream", "heap", "sync", "network", "kernel", "fleet")
#: Sections measured per tool on each board (the rest have their own boards).
BOARD_SECTIONS = ("connect", "call", "eval", "stream", "heap", "sync")
#: The streamed values: small ints of three digits each, so every printed value takes as many bytes.
STREAM_VALUE = "100 + i % 900"


@frozen
class Settings:
    """Counts and sizes of one run.

    Parameters
    ----------
    mode : str
        ``"full"`` or ``"quick"``.
    calls : int
        Timed tiny calls (and as many ``device("expr")`` calls) per tool and link speed.
    values : int
        Streamed values per tool and link speed.
    connects : int
        Timed connects per tool and link speed.
    rounds : int
        Rounds over the network transports (each round measures every transport once).
    tree_files : int
        ``.py`` files of 2 KiB in the synced tree.
    binary_kib : int
        Size of the one binary file synced, in KiB.
    kernel_rounds : int
        ``1+1`` cells timed in the kernel (a fifth as many print and interrupt cells).
    fleet_boards : int
        Virtual boards of the fleet in this process (the ``fleet`` section).
    fleet_connects : int
        Timed connects of each fleet (and of the one board on a cluster engine).
    fleet_naps : int
        Timed calls, over every board, of a task that sleeps 50 ms on the board.
    fleet_calls : int
        Tiny calls over every board of a fleet, back to back (one `Device` alone makes as many board calls as the
        fleet in one process makes over all its boards).
    fleet_values : int
        Values the generator of a fleet's stream yields on each board (one board alone yields as many as all the
        boards of the fleet beside it).
    cluster_engines : int
        Engines of the localhost ipyparallel cluster.
    cluster_boards : int
        Virtual boards on each engine of the cluster.
    baud : int or None
        The UART speed of the throttled runs (None: only unthrottled ones), or the real board's line speed.
    peers : bool
        Whether Belay 0.30.1 and mpremote 1.29 are measured.
    sections : tuple of str
        The sections to run.
    """

    mode: str
    calls: int
    values: int
    connects: int
    rounds: int
    tree_files: int
    binary_kib: int
    kernel_rounds: int
    fleet_boards: int
    fleet_connects: int
    fleet_naps: int
    fleet_calls: int
    fleet_values: int
    cluster_engines: int
    cluster_boards: int
    baud: Optional[int]
    peers: bool
    sections: tuple

    @property
    def link(self) -> Optional[float]:
        """Bytes per second each way on the throttled link: 8 data bits plus a start and a stop bit per byte."""
        return self.baud / 10 if self.baud else None


FULL = {
    "calls": 1000,
    "values": 20000,
    "connects": 10,
    "rounds": 5,
    "tree_files": 40,
    "binary_kib": 200,
    "kernel_rounds": 50,
    "fleet_boards": 16,
    "fleet_connects": 3,
    "fleet_naps": 10,
    "fleet_calls": 200,
    "fleet_values": 20000,
    "cluster_engines": 2,
    "cluster_boards": 4,
}
QUICK = {
    "calls": 100,
    "values": 2000,
    "connects": 3,
    "rounds": 1,
    "tree_files": 10,
    "binary_kib": 20,
    "kernel_rounds": 10,
    "fleet_boards": 8,
    "fleet_connects": 1,
    "fleet_naps": 5,
    "fleet_calls": 30,
    "fleet_values": 500,
    "cluster_engines": 2,
    "cluster_boards": 2,
}


def timings(function: Callable[[], object], repeat: int) -> list[float]:
    """Wall times in seconds of `repeat` calls of `function`, after a warm-up of a tenth as many."""
    for _ in range(max(1, repeat // 10)):
        function()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return times


def median_and_p95(times: list[float]) -> tuple[float, float]:
    """The median and the 95th percentile of `times`."""
    if len(times) < 2:
        return times[0], times[0]
    return statistics.median(times), statistics.quantiles(times, n=20)[18]
