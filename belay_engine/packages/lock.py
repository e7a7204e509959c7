"""belay.lock: every dependency's sources as configured, what they resolved to, and each file's SHA-256."""

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, ValidationError

from .atomic_write import write_atomically
from .errors import LockError
from .models import DependencySource
from .project import read_toml

LOCK_VERSION = 1
HEADER = "# belay.lock: written by `belay install` / `belay update` from pyproject.toml. Do not edit by hand.\n"


class LockedFile(BaseModel):
    """A staged file: its path in the group folder (as in ``/lib``), its SHA-256, and how to fetch it again.

    `via` is ``url`` (the bytes at `url`), ``archive`` (member `member` of the archive at `url`), ``git``
    (`member` of the commit `url` names, ``git+URL@COMMIT``) or ``local`` (the file at `url`, a path).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    path: str
    sha256: str
    url: str
    via: str = "url"
    member: str = ""


class Resolved(BaseModel):
    """What one source (or one mip package it brought in) resolved to."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: str
    version: str = ""
    commit: str = ""


class LockedDependency(BaseModel):
    """A dependency of a group as installed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    group: str
    name: str
    sources: tuple[DependencySource, ...]
    resolved: tuple[Resolved, ...] = ()
    files: tuple[LockedFile, ...] = ()


class Lock(BaseModel):
    """The whole lock file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int = LOCK_VERSION
    dependency: tuple[LockedDependency, ...] = ()

    def find(self, group: str, name: str) -> Optional[LockedDependency]:
        """The locked dependency `name` of `group`, or None."""
        for entry in self.dependency:
            if entry.group == group and entry.name == name:
                return entry
        return None


def read_lock(path: Path) -> Optional[Lock]:
    """The lock at `path`, None if there is none; LockError naming the file if it cannot be read."""
    if not path.is_file():
        return None
    try:
        data = read_toml(path)
        lock = Lock.model_validate(data)
    except ValidationError as error:
        problem = error.errors(include_url=False)[0]
        where = ".".join(str(part) for part in problem["loc"])
        raise LockError(f"{path}: {where}: {problem['msg']}") from None
    except Exception as error:  # a TOML error already names the line
        raise LockError(f"{path}: {error}") from None
    if lock.version != LOCK_VERSION:
        raise LockError(f"{path}: lock version {lock.version} is not {LOCK_VERSION}; run update")
    return lock


def _string(value: str) -> str:
    # A JSON string without ASCII escaping is a TOML basic string, but for DEL, which TOML wants escaped.
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def toml_value(value: Any) -> str:
    """`value` (a bool, int, string, table or array of them) as inline TOML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key} = {toml_value(item)}" for key, item in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    raise TypeError(f"no TOML form for {type(value).__name__}")


def _table(header: str, fields: dict[str, Any]) -> list[str]:
    return [f"[[{header}]]"] + [f"{key} = {toml_value(value)}" for key, value in fields.items()]


def render_lock(lock: Lock) -> str:
    """The lock as TOML text, in a stable order (groups, then names), so that it diffs well."""
    lines = [HEADER.rstrip("\n"), f"version = {lock.version}"]
    for entry in sorted(lock.dependency, key=lambda e: (e.group != "main", e.group, e.name)):
        sources = [source.model_dump() for source in entry.sources]
        lines += ["", *_table("dependency", {"group": entry.group, "name": entry.name, "sources": sources})]
        for resolved in entry.resolved:
            lines += _table("dependency.resolved", resolved.model_dump())
        for file in sorted(entry.files, key=lambda f: f.path):
            lines += _table("dependency.files", file.model_dump())
    return "\n".join(lines) + "\n"


def write_lock(path: Path, entries: Iterable[LockedDependency]) -> Lock:
    """Write the lock with `entries` (written aside, then renamed into place); the lock written."""
    lock = Lock(dependency=tuple(entries))
    write_atomically(path, render_lock(lock).encode("utf-8"))
    return lock
