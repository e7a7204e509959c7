"""The download cache under the platform's user cache folder: files by SHA-256, git clones by repository."""

from pathlib import Path
from typing import Optional

from .reports import CacheEntry, CacheInfo


def cache_location() -> Path:
    """The cache folder (``BELAY_CACHE_DIR`` overrides the platform's user cache folder)."""
    raise NotImplementedError


def cache_info() -> CacheInfo:
    """Where the cache is, how many entries and bytes it holds."""
    raise NotImplementedError


def cache_list() -> list[CacheEntry]:
    """The cache's entries, by name."""
    raise NotImplementedError


def cache_clear(prefix: Optional[str] = None) -> int:
    """Remove the entries whose name starts with `prefix` (all when None); how many were removed."""
    raise NotImplementedError
