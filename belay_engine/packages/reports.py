"""What package operations return: plain records with a one-line summary."""

from pathlib import Path

from attrs import field, frozen


@frozen
class DependencyResult:
    """One dependency after an install: its group, name, whether its files changed and where they came from."""

    group: str
    name: str
    changed: bool
    files: tuple[str, ...] = ()
    develop: bool = False


@frozen
class InstallReport:
    """The outcome of `install` or `update`."""

    folder: Path
    lock_path: Path
    results: tuple[DependencyResult, ...] = ()
    downloads: int = 0  # HTTP requests made (each attempt counts); 0 when everything came from the lock
    removed: tuple[Path, ...] = field(factory=tuple)

    @property
    def changed(self) -> list[DependencyResult]:
        """Dependencies whose staged files changed."""
        return [r for r in self.results if r.changed]

    def __str__(self) -> str:
        changed = len(self.changed)
        return (
            f"{len(self.results)} dependencies in {self.folder}: {changed} changed, "
            f"{len(self.results) - changed} unchanged, {self.downloads} HTTP requests; lock: {self.lock_path.name}"
        )


@frozen
class CacheEntry:
    """One entry of the download cache: a file by content hash or a git clone."""

    name: str
    path: Path
    size: int


@frozen
class CacheInfo:
    """The download cache: where it is, how many entries and bytes it holds."""

    location: Path
    elements: int
    total_bytes: int

    def __str__(self) -> str:
        return f"Location: {self.location}\nElements: {self.elements}\nTotal Size: {self.total_bytes / 1e6:0.3}MB"


@frozen
class BoardSyncReport:
    """What `Device.sync_dependencies` did in ``/lib``: board paths written and removed."""

    groups: tuple[str, ...]
    uploaded: tuple[str, ...]
    removed: tuple[str, ...]

    def __str__(self) -> str:
        return (
            f"groups {', '.join(self.groups)} on the board: {len(self.uploaded)} files sent, "
            f"{len(self.removed)} stale files removed"
        )
