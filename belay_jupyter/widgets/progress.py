"""Sync (and install) progress: counts of files and bytes, shown as an ipywidgets bar or as text lines."""

import sys
from typing import Any, Callable, Optional

from belay_engine.progress import ProgressCounts

PUSHING = "Pushing: "


class ProgressView:
    """A ``progress_update`` callable: counts every report, then shows it (`show`, in subclasses)."""

    def __init__(self) -> None:
        self.counts = ProgressCounts()

    def __call__(
        self,
        description: Optional[str] = None,
        total: Optional[int] = None,
        advance: Optional[int] = None,
        total_bytes: Optional[int] = None,
        advance_bytes: Optional[int] = None,
    ) -> None:
        """Take one progress report from the sync."""
        counts = self.counts
        counts.update(description, total, advance, total_bytes, advance_bytes)
        self.show(description)

    def show(self, description: Optional[str]) -> None:
        """Show the counts after a report whose description (if any) was `description`."""
        raise NotImplementedError


class WidgetProgress(ProgressView):
    """A progress bar with a label, displayed when created; pass it as ``progress_update``.

    The bar counts bytes when the sync reports them, else files.
    """

    def __init__(self, title: str = "Sync") -> None:
        import ipywidgets
        from IPython.display import display

        super().__init__()
        self.title = title
        self.bar = ipywidgets.IntProgress(value=0, min=0, max=1, description=title, bar_style="info")
        self.bar.add_class("belay-progress-bar")
        self.label = ipywidgets.Label(value="starting")
        self.label.add_class("belay-progress-label")
        self.widget = ipywidgets.HBox([self.bar, self.label])
        self.widget.add_class("belay-progress")
        display(self.widget)

    def show(self, description: Optional[str]) -> None:
        """Move the bar and rewrite the label."""
        counts = self.counts
        done, whole = (
            (counts.bytes_done, counts.bytes_total)
            if counts.bytes_total is not None
            else (counts.files_done, counts.files_total)
        )
        with self.bar.hold_sync():
            self.bar.max = max(1, whole)
            self.bar.value = min(done, self.bar.max)
            if counts.finished:
                self.bar.value = self.bar.max
                self.bar.bar_style = "success"
        step = counts.description[len(PUSHING) :] if counts.description.startswith(PUSHING) else counts.description
        self.label.value = f"{step} — {counts.summary()}" if step else counts.summary()


class TextProgress(ProgressView):
    """Progress as text: one line per file sent, and the totals at the end.

    Parameters
    ----------
    write : callable, optional
        Takes each line (with its newline); default: ``sys.stdout`` at the time of writing.
    """

    def __init__(self, write: Optional[Callable[[str], Any]] = None) -> None:
        super().__init__()
        self._write = write

    def _line(self, text: str) -> None:
        (self._write or sys.stdout.write)(text + "\n")

    def show(self, description: Optional[str]) -> None:
        """Write a line for a file being sent, and one for the end."""
        counts = self.counts
        if description and description.startswith(PUSHING):
            self._line(f"[{counts.files_done + 1}/{counts.files_total}] {description[len(PUSHING) :]}")
        elif description and counts.finished and counts.files_total:
            self._line(f"Sent {counts.summary()}")


def sync_progress(title: str = "Sync") -> ProgressView:
    """A widget progress view inside a kernel with ipywidgets, else text lines."""
    from .frontend import widget_frontend

    return WidgetProgress(title) if widget_frontend() else TextProgress()
