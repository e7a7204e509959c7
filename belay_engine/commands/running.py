"""Running code on the board from a front end: a statement, a file, a timing, a latency measurement."""

import statistics
import time
from pathlib import Path
from typing import Any, Optional, TextIO, Union

from attrs import frozen

from ..timing import time_on_board
from ..tracebacks import SourceLocation


@frozen
class Evaluated:
    """The value of an executed statement; its text is the value's repr, or nothing for None."""

    value: Any

    def __str__(self) -> str:
        return "" if self.value is None else repr(self.value)


def execute(device: Any, statement: str, *, stream_out: Optional[TextIO] = None) -> Evaluated:
    """Run a statement or evaluate an expression on the board; what it prints streams as it arrives.

    Parameters
    ----------
    device : Device
        The board.
    statement : str
        Python code to run on the board; an expression's value is shown.
    stream_out : TextIO, optional
        Receives the board's output (default: sys.stdout).
    """
    return Evaluated(device(statement, record=False, stream_out=stream_out))


@frozen
class RanFile:
    """A host file that ran on the board (its output went by as it ran)."""

    path: str

    def __str__(self) -> str:
        return ""


def run_file(device: Any, file: Union[str, Path]) -> RanFile:
    """Run a host Python file on the board; its output streams as it arrives, tracebacks name its lines.

    Parameters
    ----------
    device : Device
        The board.
    file : str or Path
        Host Python file to run on the board.
    """
    path = Path(file).expanduser()
    code = path.read_text(encoding="utf-8")
    device.run_global(code, SourceLocation(str(path.resolve()), 1), record=False)
    return RanFile(str(path))


@frozen
class Latency:
    """Round-trip times of a tiny call, in milliseconds."""

    samples_ms: tuple[float, ...]

    def __str__(self) -> str:
        samples = self.samples_ms
        spread = statistics.stdev(samples) if len(samples) > 1 else 0.0
        rows = [
            ("Min", min(samples)),
            ("Max", max(samples)),
            ("Average", statistics.mean(samples)),
            ("Median", statistics.median(samples)),
            ("Std Dev", spread),
        ]
        return "\n".join([f"Statistics ({len(samples)} samples):", *(f"  {k}: {v:6.2f} ms" for k, v in rows)])

    def sample_lines(self) -> str:
        """One line per round trip: ``   1:   0.52 ms``."""
        return "\n".join(f"  {i:2d}: {ms:6.2f} ms" for i, ms in enumerate(self.samples_ms, 1))

    def csv(self) -> str:
        """The samples as CSV with a ``latency_ms`` header."""
        return "latency_ms\n" + "".join(f"{ms:.2f}\n" for ms in self.samples_ms)


def latency(device: Any, count: int = 10) -> Latency:
    """Time round trips of a tiny expression over the link (host and board both take part).

    Parameters
    ----------
    device : Device
        The board.
    count : int
        Round trips to time.
    """
    samples = []
    for _ in range(max(1, count)):
        started = time.perf_counter()
        device("0", record=False)
        samples.append((time.perf_counter() - started) * 1000)
    return Latency(tuple(samples))


#: Time code on the board itself (the link is not part of the figure): the engine's function is the command.
timeit = time_on_board
