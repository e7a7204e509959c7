"""MicroPython ``mip`` packages: package.json files and index packages, resolved depth first with their deps."""

import json
import re
from collections.abc import Sequence
from typing import Any, Callable, Optional
from urllib.parse import urljoin

from attrs import define, field, frozen

from .download import Fetcher, NotFound
from .errors import CircularDependencyError, PackageError, PackageNotFoundError
from .sources import IndexPackage, PackageJsonUrl, RepoPath, parse_source

_SHORT_HASH = re.compile(r"^[0-9a-fA-F]{8,64}$")


@frozen
class MipFile:
    """A file of a mip package: where it goes (relative to ``/lib``), its URL, and its index hash if any."""

    dest: str
    url: str
    short_hash: str = ""


@frozen
class MipPackage:
    """A package.json as read: its files and deps, where it came from, and its version."""

    key: str
    location: str
    version: str
    files: tuple[MipFile, ...]
    deps: tuple[tuple[str, str], ...]


def normalised(name: str) -> str:
    """Package names compare case-insensitively, ``_`` and ``-`` alike."""
    return name.lower().replace("_", "-")


def _pairs(data: dict[str, Any], key: str, location: str) -> list[tuple[str, str]]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(
        isinstance(item, list) and len(item) == 2 and all(isinstance(part, str) for part in item) for item in value
    ):
        raise PackageError(f"{location}: {key!r} must be a list of [string, string] pairs")
    return [(a, b) for a, b in value]


def _file_url(src: str, base_url: str, branch: str) -> str:
    if src.startswith(("github:", "gitlab:")):
        source = parse_source(src)
        assert isinstance(source, RepoPath)
        return source.raw_url(ref=branch if source.ref == "HEAD" else source.ref)
    if src.startswith(("http://", "https://")):
        return src
    return urljoin(base_url, src)


def parse_package_json(text: bytes, location: str, key: str, index: Optional[str], branch: str = "HEAD") -> MipPackage:
    """A package.json's files and deps; relative URLs are relative to `location`, hashes name `index` files."""
    try:
        data = json.loads(text)
    except ValueError as error:
        raise PackageError(f"{location}: not valid JSON: {error}") from None
    if not isinstance(data, dict):
        raise PackageError(f"{location}: a package.json must be a JSON object")
    version = data.get("version", "")
    if not isinstance(version, str):
        raise PackageError(f"{location}: 'version' must be a string")
    files = []
    for dest, short_hash in _pairs(data, "hashes", location):
        if not _SHORT_HASH.match(short_hash):
            raise PackageError(f"{location}: {short_hash!r} is not a hex hash")
        if index is None:
            raise PackageError(f"{location}: file {dest} is given by hash, but there is no package index")
        files.append(MipFile(dest, f"{index}/file/{short_hash[:2]}/{short_hash}", short_hash))
    for dest, src in _pairs(data, "urls", location):
        files.append(MipFile(dest, _file_url(src, location, branch)))
    for item in files:
        if item.dest.startswith("/") or ".." in item.dest.split("/"):
            raise PackageError(f"{location}: destination {item.dest!r} leaves /lib")
    return MipPackage(key, location, version, tuple(files), tuple(_pairs(data, "deps", location)))


@define
class MipResolver:
    """Resolves mip packages and their deps depth first; dependencies come before the packages that need them."""

    fetcher: Fetcher
    indices: Sequence[str]
    mpy_version: str = "py"
    commit_of: Optional[Callable[[RepoPath], str]] = None
    resolved: dict[str, MipPackage] = field(factory=dict)
    order: list[MipPackage] = field(factory=list)
    _stack: list[tuple[str, str, str]] = field(factory=list)

    def index_package(self, name: str, version: str = "latest") -> MipPackage:
        """An index package's package.json from the first index that has it."""
        for index in self.indices:
            url = f"{index}/package/{self.mpy_version}/{name}/{version}.json"
            try:
                text = self.fetcher.get(url)
            except NotFound:
                continue
            return parse_package_json(text, url, normalised(name), index)
        tried = ", ".join(self.indices) or "no package_indices"
        raise PackageNotFoundError(f"package {name!r} version {version} is in no index ({tried})")

    def url_package(self, url: str, branch: str = "HEAD") -> MipPackage:
        """A package.json at `url`."""
        try:
            text = self.fetcher.get(url)
        except NotFound:
            raise PackageNotFoundError(f"{url}: no package.json there") from None
        return parse_package_json(text, url, url, self.indices[0] if self.indices else None, branch)

    def repo_package(self, source: RepoPath) -> Optional[MipPackage]:
        """The package.json in a repository folder, or None when the folder has none."""
        ref = self.commit_of(source) if self.commit_of is not None else source.ref
        folder = source.path.rstrip("/")
        path = folder if folder.endswith(".json") else f"{folder}/package.json".lstrip("/")
        url = source.raw_url(path, ref)
        try:
            text = self.fetcher.get(url)
        except NotFound:
            return None
        return parse_package_json(text, url, url, self.indices[0] if self.indices else None, ref)

    def _fetch(self, spec: str, version: str) -> MipPackage:
        source = parse_source(spec) if not re.match(r"^[A-Za-z0-9_-]+$", spec) else IndexPackage(spec)
        if isinstance(source, IndexPackage):
            return self.index_package(source.name, version or source.version)
        if isinstance(source, RepoPath):
            if version and version != "latest" and source.ref == "HEAD":
                source = RepoPath(source.host, source.owner, source.repo, source.path, version)
            package = self.repo_package(source)
            if package is None:
                raise PackageNotFoundError(f"{spec}: no package.json in {source.raw_url(source.path or '.')}")
            return package
        if isinstance(source, PackageJsonUrl):
            return self.url_package(source.url)
        raise PackageError(f"{spec!r} is not a mip package (an index name, github:/gitlab: or a package.json URL)")

    def _key(self, spec: str) -> str:
        return normalised(spec) if re.match(r"^[A-Za-z0-9_-]+$", spec) else spec

    def add(self, spec: str, version: str = "latest", package: Optional[MipPackage] = None) -> None:
        """Resolve `spec` (fetched unless `package` is given) and, first, everything it depends on.

        A package is known by its spec and by where its package.json came from: either seen again on the way
        down is a cycle, either seen before elsewhere is skipped.
        """
        key = package.key if package is not None else self._key(spec)
        self._check_cycle(key, spec)
        if key in self.resolved:
            return  # the first version asked for wins, as mip and Belay do
        package = package if package is not None else self._fetch(spec, version)
        self._check_cycle(package.location, spec)
        if package.location in self.resolved:
            return
        self._stack.append((key, package.location, spec))
        try:
            for dep, dep_version in package.deps:
                self.add(dep, dep_version)
        finally:
            self._stack.pop()
        self.resolved[key] = self.resolved[package.location] = package
        self.order.append(package)

    def _check_cycle(self, key: str, spec: str) -> None:
        if any(key in (k, location) for k, location, _ in self._stack):
            chain = " → ".join([name for _, _, name in self._stack] + [spec])
            raise CircularDependencyError(f"package.json dependencies form a cycle: {chain}")
