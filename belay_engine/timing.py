"""Time code on the board itself with time.ticks_us, repeated like IPython's %timeit, so the link is excluded."""

import textwrap
from typing import Any

from attrs import frozen

_TIMER = """\
def _belay_timeit(_n):
    import time
    _start = time.ticks_us()
    for _ in range(_n):
{body}
    return time.ticks_diff(time.ticks_us(), _start)
"""


@frozen
class Timing:
    """Per-loop times in microseconds over `repeat` runs of `number` loops."""

    best_us: float
    mean_us: float
    number: int
    repeat: int

    def __str__(self) -> str:
        return (
            f"{_format_us(self.mean_us)} mean, {_format_us(self.best_us)} best per loop "
            f"(timed on the board: {self.repeat} runs, {self.number} loops each)"
        )


def _format_us(value: float) -> str:
    if value >= 1_000_000:
        return f"{value / 1_000_000:.3g} s"
    if value >= 1000:
        return f"{value / 1000:.3g} ms"
    return f"{value:.3g} µs"


def time_on_board(device: Any, statement: str, *, number: int = 0, repeat: int = 5, target_us: int = 200_000) -> Timing:
    """Time `statement` on the board.

    Parameters
    ----------
    device : Device
        The board.
    statement : str
        Code to time (several lines allowed).
    number : int
        Loops per run; 0 picks one so a run takes about `target_us`.
    repeat : int
        Runs; the best and the mean are reported.
    target_us : int
        Duration of one run aimed at when `number` is 0.
    """
    body = textwrap.indent(textwrap.dedent(statement).strip("\n") or "pass", " " * 8)
    device(_TIMER.format(body=body), record=False, minify=False)
    try:
        if number <= 0:
            number = 1
            while number < 10_000_000:
                if device(f"_belay_timeit({number})", record=False) >= target_us // 10:
                    break
                number *= 10
            number = max(1, number * target_us // max(1, device(f"_belay_timeit({number})", record=False)))
        runs = [device(f"_belay_timeit({number})", record=False) / number for _ in range(max(1, repeat))]
    finally:
        device("del _belay_timeit", record=False)
    return Timing(min(runs), sum(runs) / len(runs), number, len(runs))
