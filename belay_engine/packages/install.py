"""Stage a project's dependencies: resolve, download through the cache, check, replace safely, lock."""

import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Callable, Optional

from attrs import define, field

from ..errors import ConfigError
from .cache import cached, store
from .download import Fetcher, check_parses, redirect, sha256, unpack
from .errors import IntegrityError, LockError, PackageError
from .lock import Lock, LockedDependency, LockedFile, read_lock, write_lock
from .models import DependencySource
from .project import Group, Project
from .reports import DependencyResult, InstallReport
from .resolve import Fetched, Resolver, run_git
from .sources import LocalPath, parse_source

Progress = Optional[Callable[..., Any]]
STAGING_PREFIX = ".staging-"


def _report(progress: Progress, **fields: Any) -> None:
    if progress is not None:
        progress(**fields)


def _is_local(project: Project, sources: Sequence[DependencySource]) -> bool:
    return any(not s.develop and isinstance(parse_source(s.uri, project.root), LocalPath) for s in sources)


def _staged_digest(path: Path) -> Optional[str]:
    try:
        return sha256(path.read_bytes())
    except OSError:
        return None


@define
class _Run:
    """One install or update: the project, the lock as it was, and what has been decided so far."""

    project: Project
    lock: Optional[Lock]
    frozen: bool
    fetcher: Fetcher = field(factory=Fetcher)
    entries: dict[tuple[str, str], LockedDependency] = field(factory=dict)
    owners: dict[str, dict[str, tuple[str, str]]] = field(factory=dict)  # group → path → (name, sha256)
    _archives: dict[str, dict[str, bytes]] = field(factory=dict)

    def __attrs_post_init__(self) -> None:
        configured = {(g.name, n) for g in self.project.groups for n in g.dependencies}
        for entry in self.lock.dependency if self.lock else ():
            if (entry.group, entry.name) in configured:
                self.entries[(entry.group, entry.name)] = entry
                for file in entry.files:
                    self.owners.setdefault(entry.group, {})[file.path] = (entry.name, file.sha256)

    def folder(self, group: str) -> Path:
        return self.project.dependencies_folder / group

    # -- one dependency ------------------------------------------------------------------------------------

    def dependency(self, group: Group, name: str, fresh: bool) -> DependencyResult:
        sources = tuple(group.dependencies[name])
        locked = self.lock.find(group.name, name) if self.lock else None
        if locked is not None and locked.sources != sources:
            locked = None  # pyproject.toml changed since the lock was written
        if self.frozen and locked is None:
            raise LockError(
                f"{self.project.lock_path}: {group.name}.{name} is not locked as pyproject.toml has it; "
                "run install without frozen (or update) to lock it"
            )
        if locked is not None and not fresh and (self.frozen or not _is_local(self.project, sources)):
            try:
                changed = self.from_lock(locked)
                return DependencyResult(
                    group.name, name, changed, tuple(f.path for f in locked.files), _develop(sources)
                )
            except IntegrityError:
                if self.frozen:
                    raise
        resolution = Resolver(
            self.fetcher, self.project.root, self.project.config.package_indices, self.project.config.mpy_version
        ).dependency(name, sources)
        entry, changed = self.stage(group.name, name, sources, resolution.files, resolution.resolved)
        return DependencyResult(group.name, name, changed, tuple(f.path for f in entry.files), _develop(sources))

    def from_lock(self, locked: LockedDependency) -> bool:
        """Make the staged files of `locked` what the lock says, from the folder, the cache or their URLs."""
        folder = self.folder(locked.group)
        wanted: list[tuple[LockedFile, bytes]] = []
        for file in locked.files:
            if _staged_digest(folder / file.path) == file.sha256:
                continue
            data = cached(file.sha256)
            if data is None:
                data = self.refetch(file)
                if sha256(data) != file.sha256:
                    raise IntegrityError(
                        f"{file.path} of {locked.group}.{locked.name} from {file.url}: SHA-256 {sha256(data)} "
                        f"is not {file.sha256} as in belay.lock (the file changed upstream; update to take it)"
                    )
                store(data)
            wanted.append((file, data))
        if wanted:
            _replace(folder, [(file.path, data) for file, data in wanted], self.project.dependencies_folder)
        self.entries[(locked.group, locked.name)] = locked
        return bool(wanted)

    def refetch(self, file: LockedFile) -> bytes:
        if file.via == "url":
            return self.fetcher.get(file.url)
        if file.via == "local":
            try:
                return Path(file.url).read_bytes()
            except OSError as error:
                raise IntegrityError(f"{file.path}: {file.url} cannot be read: {error}") from None
        if file.via in ("archive", "git"):
            if file.url not in self._archives:
                self._archives[file.url] = self._fetch_archive(file)
            members = self._archives[file.url]
            if file.member not in members:
                raise IntegrityError(f"{file.path}: {file.member} is no longer in {file.url}")
            return members[file.member]
        raise LockError(f"{self.project.lock_path}: {file.path}: unknown way to fetch {file.via!r}")

    def _fetch_archive(self, file: LockedFile) -> dict[str, bytes]:
        if file.via == "archive":
            return unpack(self.fetcher.get(file.url), file.url)
        url, commit = file.url[len("git+") :].rsplit("@", 1)
        with tempfile.TemporaryDirectory(prefix="belay-git-") as temporary:
            run_git("init", "-q", temporary)
            run_git("fetch", "-q", "--depth", "1", redirect(url, self.fetcher.hosts), commit, cwd=Path(temporary))
            return unpack(run_git("archive", "--format=tar", commit, cwd=Path(temporary)), url, strip=False)

    def stage(
        self, group: str, name: str, sources: tuple[DependencySource, ...], files: list[Fetched], resolved: list[Any]
    ) -> tuple[LockedDependency, bool]:
        """Check freshly fetched files and put them in place of the dependency's previous ones."""
        by_path: dict[str, Fetched] = {}
        for item in files:
            check_parses(item.path, item.data, item.url)
            by_path[item.path] = item  # a later source overrides an earlier one, as in Belay
        owners = self.owners.setdefault(group, {})
        digests = {path: sha256(item.data) for path, item in by_path.items()}
        for path, digest in digests.items():
            owner = owners.get(path)
            if owner is not None and owner[0] != name and owner[1] != digest:
                raise PackageError(f"{group}.{name} and {group}.{owner[0]} both install {path}, with different content")
        folder = self.folder(group)
        previous = self.entries.get((group, name))
        old_paths = {f.path for f in previous.files} if previous else set()
        changed_files = [(p, by_path[p].data) for p, d in digests.items() if _staged_digest(folder / p) != d]
        _replace(folder, changed_files, self.project.dependencies_folder)
        others = {p for p, (owner, _) in owners.items() if owner != name}
        for path in old_paths - set(by_path) - others:
            (folder / path).unlink(missing_ok=True)
            _prune(folder / path, folder)
            owners.pop(path, None)
        for path, item in by_path.items():
            if item.via != "local":
                store(item.data)
            owners[path] = (name, digests[path])
        entry = LockedDependency(
            group=group,
            name=name,
            sources=sources,
            resolved=tuple(resolved),
            files=tuple(item.locked(digests[path]) for path, item in sorted(by_path.items())),
        )
        self.entries[(group, name)] = entry
        return entry, bool(changed_files) or old_paths != set(by_path)


def _develop(sources: Sequence[DependencySource]) -> bool:
    return any(s.develop for s in sources)


def _replace(folder: Path, files: list[tuple[str, bytes]], staging_root: Path) -> None:
    """Write `files` into a staging folder first, then rename each into `folder` (nothing lands half-written)."""
    if not files:
        return
    staging_root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=staging_root))
    try:
        for path, data in files:
            target = staging / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        for path, _ in files:
            destination = folder / path
            destination.parent.mkdir(parents=True, exist_ok=True)
            if destination.is_dir():
                shutil.rmtree(destination)
            os.replace(staging / path, destination)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _prune(path: Path, top: Path) -> None:
    """Remove the empty folders between `path` and `top`."""
    parent = path.parent
    while parent != top and top in parent.parents:
        try:
            parent.rmdir()
        except OSError:
            return
        parent = parent.parent


def _run(
    project: Project, groups: list[Group], fresh: Callable[[str, str], bool], frozen: bool, progress: Progress
) -> InstallReport:
    lock = read_lock(project.lock_path)
    if frozen and lock is None:
        raise LockError(f"{project.lock_path}: no lock file to install from; run install without frozen first")
    run = _Run(project, lock, frozen)
    results = []
    _report(progress, description="Installing dependencies...", total=sum(len(g.dependencies) for g in groups))
    for group in groups:
        for name in group.dependencies:
            _report(progress, description=f"{group.name}: {name}")
            results.append(run.dependency(group, name, fresh(group.name, name)))
            _report(progress, advance=1)
    if not frozen:
        write_lock(project.lock_path, run.entries.values())
    removed = clean(project)
    _report(progress, description="Complete.")
    return InstallReport(
        project.dependencies_folder, project.lock_path, tuple(results), run.fetcher.requests, tuple(removed)
    )


def install(
    project: Project, *, groups: Optional[Sequence[str]] = None, frozen: bool = False, progress: Progress = None
) -> InstallReport:
    """Stage the non-optional groups (and those named in `groups`) and write belay.lock.

    A dependency locked as pyproject.toml has it is installed from the lock: its staged files are kept if
    they match, else taken from the cache or fetched from the locked URLs, so a second install downloads
    nothing. A dependency that is new or changed in pyproject.toml is resolved afresh; so is one whose locked
    file changed upstream (unless `frozen`). Local (non-develop) sources are copied again each time.
    Staged files that no configured dependency owns any more are removed (see `clean`).

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
    return _run(project, project.selected_groups(groups), lambda group, name: False, frozen, progress)


def update(project: Project, names: Optional[Sequence[str]] = None, *, progress: Progress = None) -> InstallReport:
    """Resolve the named dependencies (default: all) afresh in every group that has them, optional ones too.

    The others are installed from belay.lock as `install` does; the lock is rewritten. An unknown name is a
    ConfigError.
    """
    groups = project.groups
    wanted = set(names or ())
    known = {name for group in groups for name in group.dependencies}
    unknown = sorted(wanted - known)
    if unknown:
        raise ConfigError(f"{project.pyproject}: no dependency named {', '.join(unknown)} in tool.belay")
    return _run(project, groups, lambda group, name: not wanted or name in wanted, False, progress)


def clean(project: Project) -> list[Path]:
    """Remove staged files and group folders that no dependency of pyproject.toml owns; the paths removed.

    Ownership comes from belay.lock; without one only folders of groups no longer configured (and staging
    leftovers) are removed.
    """
    folder = project.dependencies_folder
    if not folder.is_dir():
        return []
    removed: list[Path] = []
    groups = {group.name: group for group in project.groups}
    for child in sorted(folder.iterdir()):
        if child.is_dir() and (child.name.startswith(STAGING_PREFIX) or child.name not in groups):
            shutil.rmtree(child)
            removed.append(child)
    lock = read_lock(project.lock_path)
    if lock is None:
        return removed
    for name, group in groups.items():
        group_folder = folder / name
        if not group_folder.is_dir():
            continue
        owned = {
            file.path
            for entry in lock.dependency
            if entry.group == name and entry.name in group.dependencies
            for file in entry.files
        }
        for path in sorted(group_folder.rglob("*"), reverse=True):
            relative = path.relative_to(group_folder).as_posix()
            if path.is_dir():
                if not any(path.iterdir()):
                    path.rmdir()
            elif relative not in owned:
                path.unlink()
                removed.append(path)
    return removed
