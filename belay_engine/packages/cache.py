"""The download cache under the platform's user cache folder: downloaded files stored by their SHA-256."""

import os
import shutil
from pathlib import Path
from typing import Optional

import platformdirs

from .atomic_write import write_atomically
from .download import sha256
from .reports import CacheEntry, CacheInfo

CACHE_VARIABLE = "BELAY_CACHE_DIR"
_FILES = "files"


def cache_location() -> Path:
    """The cache folder: ``BELAY_CACHE_DIR`` if set, else the platform's user cache folder for belay."""
    override = os.environ.get(CACHE_VARIABLE)
    return Path(override) if override else Path(platformdirs.user_cache_dir("belay", appauthor=False))


def _file_path(digest: str) -> Path:
    return cache_location() / _FILES / digest[:2] / digest


def cached(digest: str) -> Optional[bytes]:
    """The cached content whose SHA-256 is `digest`, or None; a corrupted entry is dropped."""
    path = _file_path(digest)
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if sha256(data) != digest:
        path.unlink(missing_ok=True)
        return None
    return data


def store(data: bytes) -> str:
    """Keep `data` in the cache (written aside, then renamed into place); its SHA-256."""
    digest = sha256(data)
    path = _file_path(digest)
    if path.is_file():
        return digest
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, data)
    return digest


def cache_list() -> list[CacheEntry]:
    """The cached files, named ``files/<sha256>``, sorted by name."""
    folder = cache_location() / _FILES
    if not folder.is_dir():
        return []
    entries = []
    for path in folder.glob("*/*"):
        if path.is_file() and not path.name.startswith("."):
            entries.append(CacheEntry(f"{_FILES}/{path.name}", path, path.stat().st_size))
    return sorted(entries, key=lambda e: e.name)


def cache_info() -> CacheInfo:
    """Where the cache is, how many entries and bytes it holds."""
    entries = cache_list()
    return CacheInfo(cache_location(), len(entries), sum(e.size for e in entries))


def cache_clear(prefix: Optional[str] = None) -> int:
    """Remove the entries whose name starts with `prefix` (all when None); how many were removed."""
    entries = [e for e in cache_list() if prefix is None or e.name.startswith(prefix)]
    for entry in entries:
        entry.path.unlink(missing_ok=True)
    if prefix is None:
        shutil.rmtree(cache_location() / _FILES, ignore_errors=True)
    return len(entries)
