"""Fetch the files of a dependency from its sources, each placed where it belongs in ``/lib``."""

import json
import re
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import Optional

from attrs import define, field, frozen

from ..sync.discover import discover
from .download import Fetcher, NotFound, check_short_hash, redirect, unpack
from .errors import DownloadError, PackageError, PackageNotFoundError
from .lock import LockedFile, Resolved
from .mip import MipPackage, MipResolver
from .models import DependencySource
from .sources import FileUrl, GitClone, IndexPackage, LocalPath, PackageJsonUrl, RepoPath, develop_path, parse_source

_COMMIT = re.compile(r"^[0-9a-f]{40}$")
GIT_TIMEOUT = 120.0


@frozen
class Fetched:
    """A file of a dependency: its path in the group folder, its bytes, and how it was fetched."""

    path: str
    data: bytes
    url: str
    via: str = "url"
    member: str = ""

    def locked(self, digest: str) -> LockedFile:
        """Its lock record."""
        return LockedFile(path=self.path, sha256=digest, url=self.url, via=self.via, member=self.member)


@define
class Resolution:
    """A dependency's files and what its sources resolved to."""

    files: list[Fetched] = field(factory=list)
    resolved: list[Resolved] = field(factory=list)


def single_file_path(name: str, filename: str, rename_to_init: bool) -> str:
    """Where a single-file source lands: ``name/__init__.py`` when renamed, else ``name/<file>``."""
    suffix = PurePosixPath(filename).suffix
    if rename_to_init and suffix in (".py", ".mpy"):
        return f"{name}/__init__{suffix}"
    return f"{name}/{filename}"


def run_git(*arguments: str, cwd: Optional[Path] = None) -> bytes:
    """The output of a git command; DownloadError with git's last line of complaint."""
    try:
        done = subprocess.run(
            ["git", *arguments],
            cwd=cwd,
            capture_output=True,
            timeout=GIT_TIMEOUT,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except FileNotFoundError:
        raise PackageError("git is needed for git+ sources and is not installed") from None
    except subprocess.TimeoutExpired:
        raise DownloadError(f"git {' '.join(arguments)}: no answer in {GIT_TIMEOUT:.0f} s") from None
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        raise DownloadError(f"git {' '.join(arguments)}: {message[-1] if message else 'failed'}")
    return done.stdout


@define
class Resolver:
    """Fetches dependencies for one project (its root, package indices and .mpy version)."""

    fetcher: Fetcher
    root: Path
    indices: Sequence[str]
    mpy_version: str = "py"
    _commits: dict[RepoPath, str] = field(factory=dict)

    def commit_of(self, source: RepoPath) -> str:
        """The commit `source.ref` names, asked of the host's API; the ref itself if the API does not say."""
        if _COMMIT.match(source.ref):
            return source.ref
        if source not in self._commits:
            try:
                body = self.fetcher.get(source.commit_url(), accept="application/vnd.github.sha")
                text = body.decode(errors="replace").strip()
                if text.startswith("{"):
                    text = str(json.loads(text).get("id", ""))
            except (DownloadError, ValueError):
                text = ""
            self._commits[source] = text if _COMMIT.match(text) else source.ref
        return self._commits[source]

    def dependency(self, name: str, sources: Sequence[DependencySource]) -> Resolution:
        """Every file of dependency `name` from all of its `sources` (develop sources are not fetched)."""
        result = Resolution()
        for spec in sources:
            if spec.develop:
                path = develop_path(spec.uri, self.root)
                if path is None:
                    raise PackageError(f"{name}: develop = true needs a local path, not {spec.uri!r}")
                if not path.exists():
                    raise PackageNotFoundError(f"{name}: {path} does not exist ({spec.uri})")
                result.resolved.append(Resolved(source=spec.uri))
                continue
            self._source(name, spec, parse_source(spec.uri, self.root), result)
        return result

    def _source(self, name: str, spec: DependencySource, source: object, result: Resolution) -> None:
        if isinstance(source, IndexPackage):
            self._mip(result, spec.uri, source.name, source.version)
        elif isinstance(source, PackageJsonUrl):
            mip = self._mip_resolver()
            mip.add(source.url, package=mip.url_package(source.url))
            self._mip_files(mip.order, result)
            result.resolved.append(Resolved(source=spec.uri, version=mip.order[-1].version))
        elif isinstance(source, RepoPath):
            self._repo(name, spec, source, result)
        elif isinstance(source, FileUrl):
            self._file_url(name, spec, source, result)
        elif isinstance(source, GitClone):
            self._git_clone(name, spec, source, result)
        elif isinstance(source, LocalPath):
            self._local(name, spec, source.path, result)
        else:  # pragma: no cover - parse_source returns one of the above
            raise PackageError(f"{spec.uri}: unknown kind of source")

    def _mip_resolver(self) -> MipResolver:
        return MipResolver(self.fetcher, self.indices, self.mpy_version, commit_of=self.commit_of)

    def _mip(self, result: Resolution, uri: str, name: str, version: str) -> None:
        mip = self._mip_resolver()
        mip.add(name, version)
        self._mip_files(mip.order, result)
        for package in mip.order:
            result.resolved.append(Resolved(source=package.location, version=package.version))

    def _mip_files(self, packages: list[MipPackage], result: Resolution) -> None:
        """Fetch the files of resolved mip packages, laid out from ``/lib`` as package.json says."""
        for package in packages:
            for item in package.files:
                try:
                    data = self.fetcher.get(item.url)
                except NotFound:
                    where = f"file {item.dest} of {package.location}"
                    raise PackageNotFoundError(f"{item.url} ({where}): not found") from None
                if item.short_hash:
                    check_short_hash(data, item.short_hash, item.url)
                result.files.append(Fetched(item.dest, data, item.url))

    def _repo(self, name: str, spec: DependencySource, source: RepoPath, result: Resolution) -> None:
        commit = self.commit_of(source)
        if source.is_file and not source.path.endswith(".json"):
            url = source.raw_url(ref=commit)
            try:
                data = self.fetcher.get(url)
            except NotFound:
                raise PackageNotFoundError(f"{url}: not found ({spec.uri})") from None
            path = single_file_path(name, PurePosixPath(source.path).name, spec.rename_to_init)
            result.files.append(Fetched(path, data, url))
        else:
            mip = self._mip_resolver()
            package = mip.repo_package(source)
            if package is not None:
                mip.add(spec.uri, package=package)
                self._mip_files(mip.order, result)
                deps = mip.order[:-1]  # the package itself is recorded below, with its commit
                result.resolved.extend(Resolved(source=p.location, version=p.version) for p in deps)
            elif source.path.endswith(".json"):
                raise PackageNotFoundError(f"{source.raw_url(ref=commit)}: not found ({spec.uri})")
            else:
                self._archive_folder(name, source.archive_url(commit), source.path, spec.uri, result)
        result.resolved.append(
            Resolved(source=spec.uri, version=source.ref, commit=commit if commit != source.ref else "")
        )

    def _archive_folder(self, name: str, url: str, folder: str, uri: str, result: Resolution) -> None:
        try:
            data = self.fetcher.get(url)
        except NotFound:
            raise PackageNotFoundError(f"{url}: no such repository or ref ({uri})") from None
        members = unpack(data, url)
        prefix = folder.strip("/") + "/" if folder.strip("/") else ""
        chosen = {m: content for m, content in members.items() if m.startswith(prefix)}
        if not chosen:
            raise PackageNotFoundError(f"{uri}: no folder {folder!r} in {url}")
        for member, content in sorted(chosen.items()):
            result.files.append(Fetched(f"{name}/{member[len(prefix):]}", content, url, "archive", member))

    def _file_url(self, name: str, spec: DependencySource, source: FileUrl, result: Resolution) -> None:
        if source.is_archive:
            self._archive_folder(name, source.url, "", spec.uri, result)
        else:
            try:
                data = self.fetcher.get(source.url)
            except NotFound:
                raise PackageNotFoundError(f"{source.url}: not found") from None
            filename = PurePosixPath(source.url.split("?", 1)[0]).name
            result.files.append(Fetched(single_file_path(name, filename, spec.rename_to_init), data, source.url))
        result.resolved.append(Resolved(source=spec.uri))

    def _git_clone(self, name: str, spec: DependencySource, source: GitClone, result: Resolution) -> None:
        with tempfile.TemporaryDirectory(prefix="belay-git-") as temporary:
            work = Path(temporary)
            run_git("init", "-q", str(work))
            run_git("fetch", "-q", "--depth", "1", redirect(source.url, self.fetcher.hosts), source.ref, cwd=work)
            commit = run_git("rev-parse", "FETCH_HEAD^{commit}", cwd=work).decode().strip()
            archive = run_git("archive", "--format=tar", commit, cwd=work)
        members = unpack(archive, source.url, strip=False)
        url = f"git+{source.url}@{commit}"
        path = source.path.strip("/")
        if path in members:
            filename = PurePosixPath(path).name
            target = single_file_path(name, filename, spec.rename_to_init)
            result.files.append(Fetched(target, members[path], url, "git", path))
        else:
            prefix = path + "/" if path else ""
            chosen = {m: content for m, content in members.items() if m.startswith(prefix)}
            if not chosen:
                raise PackageNotFoundError(f"{spec.uri}: no {path!r} at {source.ref} ({commit[:12]})")
            for member, content in sorted(chosen.items()):
                result.files.append(Fetched(f"{name}/{member[len(prefix):]}", content, url, "git", member))
        result.resolved.append(Resolved(source=spec.uri, version=source.ref, commit=commit))

    def _local(self, name: str, spec: DependencySource, path: Path, result: Resolution) -> None:
        for target, file in local_files(name, path, spec.rename_to_init, spec.uri):
            result.files.append(Fetched(target, file.read_bytes(), str(file), "local"))
        result.resolved.append(Resolved(source=spec.uri))


def local_files(name: str, path: Path, rename_to_init: bool, uri: str) -> list[tuple[str, Path]]:
    """A local file or folder's files and where they land (``name/...``), skipping caches and VCS folders."""
    if path.is_file():
        return [(single_file_path(name, path.name, rename_to_init), path)]
    if not path.is_dir():
        raise PackageNotFoundError(f"{uri}: {path} does not exist")
    files, _ = discover(path)
    return [(f"{name}/{relative}", path / relative) for relative in files]
