"""Stage a project's dependencies: resolve, download through the cache, check, replace safely, lock."""

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Callable, Optional

from .project import Project
from .reports import InstallReport

Progress = Optional[Callable[..., Any]]


def install(
    project: Project, *, groups: Optional[Sequence[str]] = None, frozen: bool = False, progress: Progress = None
) -> InstallReport:
    """Stage the non-optional groups (and those named in `groups`) and write belay.lock.

    Parameters
    ----------
    project : Project
        From `load_project`.
    groups : sequence of str, optional
        Optional groups to stage too (``--with``); unknown names are a ConfigError.
    frozen : bool
        Install exactly what belay.lock says; a missing or out-of-date lock or a file whose SHA-256 differs
        is an error naming it, and the lock is not written.
    progress : callable, optional
        Called with ``description=``, ``total=`` and ``advance=`` keywords, like `Device.sync`'s.
    """
    raise NotImplementedError


def update(project: Project, names: Optional[Sequence[str]] = None, *, progress: Progress = None) -> InstallReport:
    """Resolve the named dependencies (default: all, in every group) afresh, ignoring belay.lock; rewrite it."""
    raise NotImplementedError


def clean(project: Project) -> list[Path]:
    """Remove staged files and group folders that no dependency of pyproject.toml owns; the paths removed."""
    raise NotImplementedError
