"""The package manager from a front end: install, update, add, clean, the download cache, new projects."""

from pathlib import Path
from typing import Any, Callable, Optional, Sequence, Union

from attrs import frozen


def _manager() -> Any:
    from .. import packages  # pydantic models and the lock format load only when a package command runs

    return packages


def _project(project: Any) -> Any:
    return project if project is not None else _manager().load_project()


@frozen
class Installed:
    """Dependencies staged (and, with a board, put in its /lib)."""

    report: Any
    board_report: Any = None

    def __str__(self) -> str:
        return "\n".join(str(part) for part in (self.report, self.board_report) if part is not None)


def install(
    device: Any = None,
    *,
    groups: Optional[Sequence[str]] = None,
    frozen: bool = False,
    project: Any = None,
    progress: Optional[Callable[..., Any]] = None,
) -> Installed:
    """Download the project's dependencies, write belay.lock and, with a board, sync them to its /lib.

    Parameters
    ----------
    device : Device, optional
        The board whose /lib receives the dependencies (none: only stage them on the host).
    groups : list of str, optional
        Optional dependency groups to install too (--with GROUP).
    frozen : bool
        Install exactly what belay.lock says; fail if it is missing or out of date.
    project : Project, optional
        The project (default: the nearest pyproject.toml up from the current folder).
    progress : callable, optional
        Belay's ``progress_update`` callback.
    """
    project = _project(project)
    report = _manager().install(project, groups=groups, frozen=frozen, progress=progress)
    board_report = None if device is None else put_dependencies(device, groups, project=project, progress=progress)
    return Installed(report, board_report)


def put_dependencies(
    device: Any,
    groups: Optional[Sequence[str]] = None,
    *,
    project: Any = None,
    progress: Optional[Callable[..., Any]] = None,
) -> Any:
    """Sync the staged dependencies to the board's /lib (the non-optional groups and those named).

    Parameters
    ----------
    device : Device
        The board.
    groups : list of str, optional
        Optional dependency groups to put there too.
    project : Project, optional
        The project (default: the nearest pyproject.toml up from the current folder).
    progress : callable, optional
        Belay's ``progress_update`` callback.
    """
    return _manager().sync_dependencies(device, *(groups or ()), project=_project(project), progress_update=progress)


def update(
    names: Optional[Sequence[str]] = None, *, project: Any = None, progress: Optional[Callable[..., Any]] = None
) -> Installed:
    """Fetch the named dependencies (default: all) afresh, ignoring belay.lock, and rewrite the lock.

    Parameters
    ----------
    names : list of str, optional
        Dependencies to update (default: every one).
    project : Project, optional
        The project (default: the nearest pyproject.toml up from the current folder).
    progress : callable, optional
        Belay's ``progress_update`` callback.
    """
    return Installed(_manager().update(_project(project), list(names) if names else None, progress=progress))


@frozen
class Added:
    """A dependency written to pyproject.toml."""

    name: str
    source: str
    group: str
    pyproject: Path

    def __str__(self) -> str:
        return f"Added {self.name} ({self.source}) to the {self.group} group of {self.pyproject}"


def add(
    name_or_source: str,
    source: Optional[str] = None,
    *,
    group: Optional[str] = None,
    develop: bool = False,
    project: Any = None,
) -> Added:
    """Add a dependency to pyproject.toml, after downloading and checking it.

    Parameters
    ----------
    name_or_source : str
        The package name, or its source alone (name inferred): an index name, a URL, a git repository or a path.
    source : str, optional
        Where the package comes from, when a name was given first.
    group : str, optional
        Dependency group to add it to (default: main).
    develop : bool
        Use a local folder in place (not copied), for packages under development.
    project : Project, optional
        The project (default: the nearest pyproject.toml up from the current folder).
    """
    name, source = (name_or_source, source) if source is not None else (None, name_or_source)
    project = _project(project)
    _manager().add(project, name, source, group, develop=develop)
    return Added(name or _manager().infer_name(source), source, group or "main", project.pyproject)


@frozen
class Cleaned:
    """Staged files removed because no dependency owns them any more."""

    removed: tuple[Path, ...]

    def __str__(self) -> str:
        return "\n".join([f"Removed {len(self.removed)} stale paths.", *(f"  {p}" for p in self.removed)])


def clean(*, project: Any = None) -> Cleaned:
    """Remove staged dependency files and group folders that pyproject.toml no longer names.

    Parameters
    ----------
    project : Project, optional
        The project (default: the nearest pyproject.toml up from the current folder).
    """
    return Cleaned(tuple(_manager().clean(_project(project))))


def cache_info() -> Any:
    """Where the download cache is, how many entries and bytes it holds."""
    return _manager().cache_info()


@frozen
class CacheListing:
    """The download cache's entries."""

    entries: tuple[Any, ...]

    def __str__(self) -> str:
        return "\n".join(entry.name for entry in self.entries)


def cache_list() -> CacheListing:
    """The names of the download cache's entries."""
    return CacheListing(tuple(_manager().cache_list()))


@frozen
class CacheCleared:
    """Cache entries removed."""

    count: int
    prefix: Optional[str]

    def __str__(self) -> str:
        what = f' starting with "{self.prefix}"' if self.prefix else ""
        return f"Removed {self.count} cache entries{what}."


def cache_clear(prefix: Optional[str] = None) -> CacheCleared:
    """Remove download cache entries.

    Parameters
    ----------
    prefix : str, optional
        Remove only entries whose name starts with this (default: all).
    """
    return CacheCleared(_manager().cache_clear(prefix), prefix)


@frozen
class NewProject:
    """A new project laid out on disk."""

    path: Path

    def __str__(self) -> str:
        return f"New Belay project in {self.path}"


def new(path: Union[str, Path] = ".", name: Optional[str] = None) -> NewProject:
    """Lay out a new Belay project (pyproject.toml with [tool.belay], main.py, a package).

    Parameters
    ----------
    path : str or Path
        Folder of the project (created if missing).
    name : str, optional
        Package name (default: from the folder's name, made importable).
    """
    return NewProject(Path(_manager().new_project(Path(path), name)))
