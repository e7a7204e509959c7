"""A Belay project: the nearest pyproject.toml up from a folder, with its `[tool.belay]` table validated."""

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Optional

from attrs import frozen
from pydantic import ValidationError

from ..errors import ConfigError
from .models import BelayConfig, DependencySource

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

PYPROJECT = "pyproject.toml"
LOCK_FILE = "belay.lock"
MAIN = "main"


@frozen
class Group:
    """A dependency group: ``main`` (``[tool.belay.dependencies]``) or ``[tool.belay.group.NAME]``."""

    name: str
    optional: bool
    dependencies: dict[str, tuple[DependencySource, ...]]


@frozen
class Project:
    """A pyproject.toml and its validated `[tool.belay]` table."""

    pyproject: Path
    config: BelayConfig

    @property
    def root(self) -> Path:
        """The folder holding pyproject.toml."""
        return self.pyproject.parent

    @property
    def dependencies_folder(self) -> Path:
        """Where dependencies are staged, one sub-folder per group laid out as the board's ``/lib``."""
        return self.root / self.config.dependencies_path

    @property
    def package_folder(self) -> Optional[Path]:
        """The project's own package (``<root>/<name>``, synced to ``/<name>`` by ``belay install``), if named."""
        return self.root / self.config.name if self.config.name else None

    @property
    def lock_path(self) -> Path:
        """``belay.lock`` next to pyproject.toml."""
        return self.root / LOCK_FILE

    @property
    def groups(self) -> list[Group]:
        """Every group, ``main`` first, then the others by name."""
        groups = [Group(MAIN, False, dict(self.config.dependencies))]
        for name in sorted(self.config.group):
            config = self.config.group[name]
            groups.append(Group(name, config.optional, dict(config.dependencies)))
        return groups

    def group(self, name: str) -> Group:
        """The group called `name`; ConfigError naming the groups there are otherwise."""
        for group in self.groups:
            if group.name == name:
                return group
        known = ", ".join(g.name for g in self.groups)
        raise ConfigError(f"{self.pyproject}: no dependency group {name!r} in tool.belay (groups: {known})")

    def selected_groups(self, groups: Optional[Sequence[str]] = None) -> list[Group]:
        """The non-optional groups plus those named in `groups` (the meaning of ``--with``)."""
        wanted = set(groups or ())
        for name in wanted:
            self.group(name)
        return [g for g in self.groups if not g.optional or g.name in wanted]


def find_pyproject(start: Optional[Path] = None) -> Path:
    """The nearest pyproject.toml in `start` (default: the current folder) or one of its parents."""
    folder = Path(start if start is not None else Path.cwd()).resolve()
    if folder.is_file():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        path = candidate / PYPROJECT
        if path.is_file():
            return path
    raise ConfigError(f"no {PYPROJECT} in {folder} or any folder above it")


def _key_path(location: Sequence[Any], table: Any) -> str:
    """The TOML key path of a pydantic error location; list indices the file does not have are dropped."""
    parts = ["tool", "belay"]
    value = table
    for item in location:
        if item == "[key]":
            continue  # pydantic marks an invalid dict key after the key itself
        if isinstance(item, int):
            if isinstance(value, list):
                parts.append(str(item))
                value = value[item] if item < len(value) else None
            continue  # a single source, wrapped in a list by the normalisation
        parts.append(str(item))
        value = value.get(item) if isinstance(value, dict) else None
    return ".".join(parts)


def config_error(path: Path, error: ValidationError, table: Any = None) -> ConfigError:
    """One line naming the file, the key path and what is wrong (and how many other problems there are)."""
    problems = sorted(error.errors(include_url=False), key=lambda p: p["type"] != "extra_forbidden")
    first = problems[0]
    message = first["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    elif first["type"] == "extra_forbidden":
        message = "unknown key"
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return ConfigError(f"{path}: {_key_path(first['loc'], table)}: {message}{more}")


def parse_config(path: Path, table: Any) -> BelayConfig:
    """`table` (the `tool.belay` table of file `path`) validated."""
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: tool.belay: must be a table")
    try:
        return BelayConfig.model_validate(table)
    except ValidationError as error:
        raise config_error(path, error, table) from None


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML file's contents; ConfigError with the file and line where it does not parse."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None


def load_project(start: Optional[Path] = None) -> Project:
    """The project whose pyproject.toml is nearest to `start` (default: the current folder), walking up."""
    path = find_pyproject(start)
    table = read_toml(path).get("tool", {}).get("belay", {})
    return Project(path, parse_config(path, table))
