"""Put staged dependency groups on a board's ``/lib`` through the delta sync."""

from typing import Any, Callable, Optional

from .project import Project
from .reports import BoardSyncReport


def sync_dependencies(
    device: Any,
    *groups: str,
    project: Optional[Project] = None,
    dst: str = "/lib",
    minify: bool = True,
    mpy_cross_binary: Optional[str] = None,
    progress_update: Optional[Callable[..., Any]] = None,
) -> BoardSyncReport:
    """Sync the staged non-optional groups (and the optional ones named) to `dst`; see `Device.sync_dependencies`."""
    raise NotImplementedError
