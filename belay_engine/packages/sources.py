"""Dependency source strings → frozen Source objects that say where the files are and how to fetch them."""

import re
from pathlib import Path, PurePosixPath
from typing import Optional, Union
from urllib.parse import quote, urlparse

from attrs import frozen

from .errors import InvalidSourceError

_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
_ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".zip")


def has_extension(path: str) -> bool:
    """Whether the last component of `path` has a dot that is not its first character."""
    last = PurePosixPath(path).name
    return last.rfind(".") > 0


@frozen
class IndexPackage:
    """A package by name in the `package_indices` (micropython-lib layout), at a version or ``latest``."""

    name: str
    version: str = "latest"


@frozen
class PackageJsonUrl:
    """A ``package.json`` at an http(s) URL; its `urls` and `deps` say what to fetch."""

    url: str


@frozen
class FileUrl:
    """One file (or a ``.tar.gz``/``.zip`` archive, unpacked) at an http(s) URL."""

    url: str

    @property
    def is_archive(self) -> bool:
        """Whether the URL names an archive to unpack rather than a file to keep."""
        return urlparse(self.url).path.endswith(_ARCHIVE_SUFFIXES)


@frozen
class RepoPath:
    """A file or folder in a GitHub or GitLab repository at `ref` (branch, tag or commit; ``HEAD`` by default)."""

    host: str  # "github" or "gitlab"
    owner: str
    repo: str
    path: str = ""
    ref: str = "HEAD"

    @property
    def is_file(self) -> bool:
        """Whether `path` names a file (it has an extension)."""
        return has_extension(self.path)

    def raw_url(self, path: Optional[str] = None, ref: Optional[str] = None) -> str:
        """The URL of a file's bytes in this repository (default: `path` at `ref`)."""
        path = self.path if path is None else path
        ref = ref or self.ref
        if self.host == "github":
            return f"https://raw.githubusercontent.com/{self.owner}/{self.repo}/{ref}/{path}"
        return f"https://gitlab.com/{self.owner}/{self.repo}/-/raw/{ref}/{path}"

    def archive_url(self, ref: Optional[str] = None) -> str:
        """The URL of the repository's ``.tar.gz`` archive at `ref`."""
        ref = ref or self.ref
        if self.host == "github":
            return f"https://codeload.github.com/{self.owner}/{self.repo}/tar.gz/{ref}"
        return f"https://gitlab.com/{self.owner}/{self.repo}/-/archive/{ref}/{self.repo}-{ref}.tar.gz"

    def commit_url(self) -> str:
        """The host API URL that names the commit `ref` points at."""
        if self.host == "github":
            return f"https://api.github.com/repos/{self.owner}/{self.repo}/commits/{self.ref}"
        project = quote(f"{self.owner}/{self.repo}", safe="")
        return f"https://gitlab.com/api/v4/projects/{project}/repository/commits/{self.ref}"

    @property
    def package_name(self) -> str:
        """The name the source suggests: its last path component without extension, else the repository's."""
        return PurePosixPath(self.path).stem if self.path else self.repo


@frozen
class GitClone:
    """A folder (or file) of any git repository, fetched with a shallow ``git fetch`` at `ref`."""

    url: str
    ref: str = "HEAD"
    path: str = ""


@frozen
class LocalPath:
    """A file or folder on this machine (relative paths are relative to the project root)."""

    path: Path


Source = Union[IndexPackage, PackageJsonUrl, FileUrl, RepoPath, GitClone, LocalPath]


def _split_version(text: str) -> tuple[str, Optional[str]]:
    for separator in ("==", "@"):
        if separator in text:
            name, version = text.rsplit(separator, 1)
            return name, version
    return text, None


def _shorthand(uri: str) -> RepoPath:
    host, rest = uri.split(":", 1)
    rest = rest.strip("/")
    ref = "HEAD"
    if "@" in rest:
        rest, ref = rest.rsplit("@", 1)
    parts = [p for p in rest.split("/") if p]
    if len(parts) < 2 or not ref:
        raise InvalidSourceError(f"{uri!r}: expected {host}:owner/repo[/path][@ref]")
    return RepoPath(host, parts[0], parts[1], "/".join(parts[2:]), ref)


def _repo_root(host: str, owner: str, repo: str) -> RepoPath:
    return RepoPath(host, owner, repo[: -len(".git")] if repo.endswith(".git") else repo)


def _web_url(uri: str) -> Optional[RepoPath]:
    """GitHub and GitLab web and raw URLs as repository paths; None for other hosts."""
    parsed = urlparse(uri)
    parts = [p for p in parsed.path.split("/") if p]
    host = parsed.netloc.lower()
    if host == "raw.githubusercontent.com" and len(parts) >= 4:
        return RepoPath("github", parts[0], parts[1], "/".join(parts[3:]), parts[2])
    if host in ("github.com", "www.github.com") and len(parts) >= 2:
        if len(parts) == 2:
            return _repo_root("github", *parts)
        if len(parts) >= 4 and parts[2] in ("blob", "tree", "raw"):
            return RepoPath("github", parts[0], parts[1], "/".join(parts[4:]), parts[3])
    if host in ("gitlab.com", "www.gitlab.com") and len(parts) >= 2:
        if "-" in parts:
            at = parts.index("-")
            kind = parts[at + 1 : at + 2]
            if at >= 2 and kind and kind[0] in ("raw", "blob", "tree") and len(parts) > at + 2:
                owner, repo = "/".join(parts[: at - 1]), parts[at - 1]
                return RepoPath("gitlab", owner, repo, "/".join(parts[at + 3 :]), parts[at + 2])
        elif len(parts) == 2:
            return _repo_root("gitlab", *parts)
    return None


def _git_clone(uri: str) -> GitClone:
    url = uri[len("git+") :]
    path = ""
    if "#" in url:
        url, path = url.split("#", 1)
    ref = "HEAD"
    scheme_end = url.find("://")
    path_start = url.find("/", scheme_end + 3) if scheme_end >= 0 else 0
    at = url.rfind("@")
    if at > path_start >= 0:
        url, ref = url[:at], url[at + 1 :]
    if not url or not ref:
        raise InvalidSourceError(f"{uri!r}: expected git+URL[@ref][#path]")
    return GitClone(url, ref, path.strip("/"))


def _looks_local(uri: str) -> bool:
    return uri.startswith(("./", "../", "/", "~", ".\\", "..\\")) or re.match(r"^[A-Za-z]:[\\/]", uri) is not None


def parse_source(uri: str, root: Optional[Path] = None) -> Source:
    """The source a dependency string names.

    Forms: ``mip:NAME[@VERSION]`` or a plain ``NAME[@VERSION]`` / ``NAME==VERSION`` (index package);
    ``github:owner/repo[/path][@ref]``, ``gitlab:...`` and their web/raw URLs; ``git+URL[@ref][#path]``
    (shallow git fetch); ``https://...`` URLs of files, archives (``.tar.gz``, ``.zip``) or ``package.json``
    (a URL without extension means its ``package.json``); local paths and ``file://`` URLs (relative to
    `root`, default the current folder).
    """
    uri = uri.strip()
    if not uri:
        raise InvalidSourceError("an empty source")
    if uri.startswith("mip:"):
        rest = uri[len("mip:") :]
        if rest.startswith(("github:", "gitlab:", "http://", "https://")):
            return parse_source(rest, root)  # a folder's package.json is tried first anyway
        name, version = _split_version(rest)
        if not _NAME.match(name):
            raise InvalidSourceError(f"{uri!r}: not a package name")
        return IndexPackage(name, version or "latest")
    if uri.startswith("git+"):
        return _git_clone(uri)
    if uri.startswith(("github:", "gitlab:")):
        return _shorthand(uri)
    parsed = urlparse(uri)
    if parsed.scheme in ("http", "https"):
        if not parsed.netloc:
            raise InvalidSourceError(f"{uri!r}: a URL without a host")
        web = _web_url(uri)
        if web is not None:
            return web
        if parsed.path.endswith(".json"):
            return PackageJsonUrl(uri)
        if has_extension(parsed.path):
            return FileUrl(uri)
        return PackageJsonUrl(uri.rstrip("/") + "/package.json")
    if parsed.scheme == "file":
        return LocalPath(Path(parsed.path))
    if not _looks_local(uri):
        name, version = _split_version(uri)
        if _NAME.match(name) and (version is None or version):
            return IndexPackage(name, version or "latest")
        if "://" in uri or (":" in uri and len(parsed.scheme) > 1):
            raise InvalidSourceError(f"{uri!r}: unknown kind of source")
    path = Path(uri).expanduser()
    if not path.is_absolute():
        path = (root or Path.cwd()) / path
    return LocalPath(path)


def develop_path(uri: str, root: Optional[Path] = None) -> Optional[Path]:
    """The local path a ``develop = true`` source names (a bare word is a folder here), or None for a URL."""
    source = parse_source(uri, root)
    if isinstance(source, LocalPath):
        return source.path
    if isinstance(source, IndexPackage) and not uri.startswith("mip:"):
        return (root or Path.cwd()) / uri
    return None


def suggested_name(source: Source) -> str:
    """The package name `source` suggests, sanitised into an identifier where it can be."""
    if isinstance(source, IndexPackage):
        raw = source.name
    elif isinstance(source, RepoPath):
        raw = source.package_name
    elif isinstance(source, GitClone):
        raw = PurePosixPath(source.path).stem if source.path else PurePosixPath(urlparse(source.url).path).name
        raw = raw[: -len(".git")] if raw.endswith(".git") else raw
    elif isinstance(source, LocalPath):
        raw = source.path.stem if source.path.is_file() or has_extension(source.path.name) else source.path.name
    else:
        path = PurePosixPath(urlparse(source.url).path)
        if path.name == "package.json":
            path = path.parent
        raw = path.name
        for suffix in (*_ARCHIVE_SUFFIXES, ".py", ".mpy", ".json"):
            if raw.endswith(suffix):
                raw = raw[: -len(suffix)]
                break
    return raw.replace("-", "_").replace(".", "_")
