"""Progress reports of sync and install, counted: Belay's ``progress_update`` keywords plus byte counts."""

from typing import Optional

from attrs import define


@define
class ProgressCounts:
    """What the sync reported so far, from Belay 0.30's keywords plus byte counts where the sync gives them."""

    description: str = ""
    files_total: int = 0
    files_done: int = 0
    bytes_total: Optional[int] = None
    bytes_done: int = 0

    def update(
        self,
        description: Optional[str] = None,
        total: Optional[int] = None,
        advance: Optional[int] = None,
        total_bytes: Optional[int] = None,
        advance_bytes: Optional[int] = None,
    ) -> None:
        """Take one report; every keyword is optional, as in Belay's ``progress_update``."""
        if description is not None:
            self.description = description
        if total is not None:
            self.files_total = total
        if advance:
            self.files_done += advance
        if total_bytes is not None:
            self.bytes_total = total_bytes
        if advance_bytes:
            self.bytes_done += advance_bytes

    @property
    def finished(self) -> bool:
        """Whether the sync said it is complete."""
        return self.description.startswith("Complete")

    def summary(self) -> str:
        """``files 1/3, KiB 0.4/1.2`` (no bytes part when the sync gives no byte counts)."""
        text = f"files {self.files_done}/{self.files_total}"
        if self.bytes_total is not None:
            text += f", KiB {self.bytes_done / 1024:.1f}/{self.bytes_total / 1024:.1f}"
        return text

    def position(self) -> tuple[int, Optional[int]]:
        """How far, and out of how much: bytes where the sync counts them, else files (None: not known yet)."""
        if self.bytes_total is not None:
            return self.bytes_done, self.bytes_total
        return self.files_done, self.files_total or None
