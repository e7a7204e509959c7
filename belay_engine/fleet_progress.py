"""FleetProgress: one rich progress bar per board, fed by `Fleet.sync`'s ``progress_update(name, **keywords)``."""

import threading
from typing import Any, Optional

from .progress import ProgressCounts


class FleetProgress:
    """Progress bars of a fleet's sync, one per board, on a rich console (stderr by default).

    Parameters
    ----------
    names : list of str
        The boards, in the order their bars are shown.
    console : rich.console.Console, optional
        Where to draw (default: a console on stderr).

    Examples
    --------
    >>> with FleetProgress(fleet.names) as progress:      # doctest: +SKIP
    ...     fleet.sync("src", progress_update=progress)
    """

    def __init__(self, names: list, console: Optional[Any] = None):
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

        self.progress = Progress(
            TextColumn("[bold]{task.fields[board]}"),
            TextColumn("{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            console=console if console is not None else Console(stderr=True),
        )
        self.counts = {name: ProgressCounts() for name in names}
        self._tasks = {name: self.progress.add_task("", total=None, board=name) for name in names}
        self._lock = threading.Lock()  # each board reports from its own thread

    def __call__(self, name: str, **keywords: Any) -> None:
        """Take one report of board `name` (Belay's ``progress_update`` keywords)."""
        with self._lock:
            counts = self.counts[name]
            counts.update(**keywords)
            done, whole = counts.position()
            self.progress.update(self._tasks[name], description=counts.description, total=whole, completed=done)

    def __enter__(self) -> "FleetProgress":
        self.progress.start()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.progress.stop()
