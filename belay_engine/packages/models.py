"""The `[tool.belay]` table of pyproject.toml as pydantic models (frozen; unknown keys are errors)."""

import re
from pathlib import Path
from typing import Annotated, Any, Optional
from urllib.parse import urlparse

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, field_validator

DEFAULT_INDEX = "https://micropython.org/pi/v2"
_VERSION = re.compile(r"^\d+(\.\d+)*$")
_RANGE_START = "^~><=!"


class DependencySource(BaseModel):
    """One source of a dependency: where its files come from and how they are laid out."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    uri: str = Field(min_length=1)
    develop: StrictBool = False
    rename_to_init: StrictBool = False


def _versioned(name: str, value: str) -> str:
    """Belay's shorthand: ``"*"``/``"latest"`` is the index package `name`, ``"1.2"`` that version of it."""
    if value in ("*", "latest"):
        return name
    if _VERSION.match(value):
        return f"{name}@{value}"
    if value[:1] and value[0] in _RANGE_START:
        raise ValueError(f"version ranges such as {value!r} are not supported; give one version or a source")
    return value


def _normalise(name: str, value: Any) -> list[Any]:
    """Every value form Belay 0.30 accepts for a dependency, as a list of source tables."""
    if isinstance(value, str):
        return [{"uri": _versioned(name, value), "rename_to_init": True}]
    if isinstance(value, dict):
        table = dict(value)
        if isinstance(table.get("uri"), str):
            table["uri"] = _versioned(name, table["uri"])
        table.setdefault("rename_to_init", True)
        return [table]
    if isinstance(value, (list, tuple)):
        sources = []
        for item in value:
            if isinstance(item, str):
                sources.append({"uri": item})
            elif isinstance(item, (dict, DependencySource)):
                sources.append(item)
            else:
                raise ValueError(f"a list of sources holds strings or tables, not {type(item).__name__}")
        if not sources:
            raise ValueError("an empty list of sources")
        return sources
    if isinstance(value, DependencySource):
        return [value]
    raise ValueError(f"a dependency is a string, a table or a list of sources, not {type(value).__name__}")


def _identifier(name: str) -> str:
    if not name.isidentifier():
        raise ValueError(f"{name!r} is not a Python identifier (it becomes the package name on the board)")
    return name


def _dependencies(value: Any) -> Any:
    """Normalise each entry that can be; the others fail again below, where the error names their key."""
    if not isinstance(value, dict):
        return value
    normalised = {}
    for name, spec in value.items():
        try:
            normalised[name] = _normalise(name, spec)
        except ValueError:
            normalised[name] = spec
    return normalised


def _sources(value: Any) -> Any:
    return _normalise("", value)


def _one_rename(value: dict[str, tuple[DependencySource, ...]]) -> dict[str, tuple[DependencySource, ...]]:
    for name, sources in value.items():
        if sum(source.rename_to_init for source in sources) > 1:
            raise ValueError(f"{name}: at most one source may have rename_to_init")
    return value


PackageName = Annotated[str, AfterValidator(_identifier)]
Dependencies = Annotated[
    dict[PackageName, Annotated[tuple[DependencySource, ...], BeforeValidator(_sources)]],
    BeforeValidator(_dependencies),
    AfterValidator(_one_rename),
]


class GroupConfig(BaseModel):
    """``[tool.belay.group.NAME]``: a named set of dependencies, synced unless `optional`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    optional: StrictBool = False
    dependencies: Dependencies = {}


class BelayConfig(BaseModel):
    """``[tool.belay]``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Optional[str] = None
    ignore: tuple[str, ...] = ()
    dependencies: Dependencies = {}
    dependencies_path: Path = Path(".belay/dependencies")
    group: dict[PackageName, GroupConfig] = {}
    mpy_version: str = "py"
    package_indices: tuple[str, ...] = (DEFAULT_INDEX,)

    @field_validator("group")
    @classmethod
    def _no_main_group(cls, value: dict[str, GroupConfig]) -> dict[str, GroupConfig]:
        if "main" in value:
            raise ValueError('"main" is the group of [tool.belay.dependencies]; give the group another name')
        return value

    @field_validator("mpy_version")
    @classmethod
    def _mpy_version(cls, value: str) -> str:
        if value != "py" and not value.isdigit():
            raise ValueError(f'{value!r} is neither "py" nor an .mpy version number such as "6"')
        return value

    @field_validator("package_indices")
    @classmethod
    def _indices(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for index in value:
            parsed = urlparse(index)
            if parsed.scheme not in ("http", "https") or not parsed.netloc:
                raise ValueError(f"{index!r} is not an http(s) URL with a host")
        return tuple(index.rstrip("/") for index in value)
