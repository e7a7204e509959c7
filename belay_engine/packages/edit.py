"""Change a project's files: add a dependency to pyproject.toml (the rest kept byte for byte), lay out a project."""

import keyword
import re
from pathlib import Path
from typing import Any, Optional

from ..errors import ConfigError
from .atomic_write import write_atomically
from .download import Fetcher, check_parses
from .lock import toml_value
from .models import DependencySource
from .project import MAIN, PYPROJECT, Project, load_project, parse_config, read_toml, tomllib
from .resolve import Resolver
from .sources import IndexPackage, develop_path, parse_source, suggested_name

_HEADER = re.compile(r"^\s*\[\[?\s*([^\[\]]+?)\s*\]\]?\s*(#.*)?$")


def importable_name(text: str) -> str:
    """`text` as a Python package name: lower case, ``-``, ``.`` and spaces as ``_``, no leading digit."""
    name = re.sub(r"[^0-9a-zA-Z_]", "_", text.strip().lower())
    name = re.sub(r"_+", "_", name).strip("_") or "package"
    if name[0].isdigit() or keyword.iskeyword(name):
        name = "_" + name
    return name


def infer_name(source: str) -> str:
    """The package name a source suggests: an index name, a file's stem, a repository's folder or name."""
    name = suggested_name(parse_source(source[len("mip:") :] if source.startswith("mip:") else source))
    if not name.isidentifier():
        raise ConfigError(f"{source!r}: cannot infer a package name from it ({name!r}); give one")
    return name


def _table_name(group: str) -> str:
    return "tool.belay.dependencies" if group == MAIN else f"tool.belay.group.{group}.dependencies"


def _normal_header(text: str) -> str:
    return ".".join(part.strip().strip('"').strip("'") for part in text.split("."))


def insert_dependency(text: str, group: str, name: str, value: Any) -> str:
    """`text` (pyproject.toml) with ``name = value`` added at the end of the group's dependencies table."""
    table = _table_name(group)
    line = f"{name} = {toml_value(value)}\n"
    lines = text.splitlines(keepends=True)
    start = None
    for number, content in enumerate(lines):
        match = _HEADER.match(content)
        if match and _normal_header(match.group(1)) == table and not content.lstrip().startswith("[["):
            start = number
            break
    if start is None:
        tail = "" if not text or text.endswith("\n") else "\n"
        return f"{text}{tail}\n[{table}]\n{line}"
    end = len(lines)
    for number in range(start + 1, len(lines)):
        if _HEADER.match(lines[number]):
            end = number
            break
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    if end == len(lines) and lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    return "".join([*lines[:end], line, *lines[end:]])


def _pop(data: dict[str, Any], keys: list[str]) -> Any:
    """Remove ``data[k1][k2]...``; the value removed (None if absent)."""
    node = data
    for key in keys[:-1]:
        node = node.get(key)
        if not isinstance(node, dict):
            return None
    return node.pop(keys[-1], None)


def _with_tables(data: dict[str, Any], keys: list[str]) -> dict[str, Any]:
    """`data` with the (empty) tables `keys` names added where missing."""
    node = data
    for key in keys:
        node = node.setdefault(key, {})
        if not isinstance(node, dict):
            break
    return data


def _write_text(path: Path, text: str) -> None:
    write_atomically(path, text.encode("utf-8"))


def add(
    project: Project,
    name: Optional[str],
    source: str,
    group: Optional[str] = None,
    *,
    develop: bool = False,
    rename_to_init: Optional[bool] = None,
) -> Project:
    """Add dependency `name` (inferred from `source` when None) to `group` (default ``main``) in pyproject.toml.

    The rest of the file is kept byte for byte: the line goes at the end of the group's dependencies table
    (made at the end of the file if there is none), and the result is checked to parse to the old contents
    plus the new key. The source is fetched and checked first (not staged), so one that does
    not work is never written; `install` stages it. Written as the plain source string (Belay's form, with
    ``rename_to_init`` on), or as an inline table for ``develop = true`` or ``rename_to_init = false``.

    Raises
    ------
    ConfigError
        The name is not an identifier or is already a dependency of the group, `develop` with a source that
        is not a local path, or the file's layout cannot take the line safely.
    """
    group = group or MAIN
    name = name or infer_name(source)
    where = f"{project.pyproject}: {_table_name(group)}.{name}"
    if not name.isidentifier():
        raise ConfigError(f"{where}: not a Python identifier")
    if any(g.name == group and name in g.dependencies for g in project.groups):
        raise ConfigError(f"{where}: already a dependency")
    parsed = parse_source(source, project.root)
    if develop and develop_path(source, project.root) is None:
        raise ConfigError(f"{where}: develop = true is for local paths, not {source!r}")
    if isinstance(parsed, IndexPackage) and not develop:
        rename_to_init = True  # index packages lay themselves out; the flag is Belay's default
    value: Any = source
    if develop or rename_to_init is False:
        value = {"uri": source}
        if develop:
            value["develop"] = True
        if rename_to_init is not None:
            value["rename_to_init"] = rename_to_init
    spec = DependencySource(uri=source, develop=develop, rename_to_init=rename_to_init is not False)
    resolution = Resolver(Fetcher(), project.root, project.config.package_indices, project.config.mpy_version)
    for item in resolution.dependency(name, [spec]).files:
        check_parses(item.path, item.data, item.url)

    old_text = project.pyproject.read_text(encoding="utf-8")
    new_text = insert_dependency(old_text, group, name, value)
    try:
        new_data = tomllib.loads(new_text)
    except tomllib.TOMLDecodeError:
        new_data = None
    keys = [*_table_name(group).split("."), name]
    old_data = _with_tables(read_toml(project.pyproject), keys[:-1])
    if new_data is not None and _pop(new_data, keys) == value and new_data == old_data:
        parse_config(project.pyproject, tomllib.loads(new_text)["tool"]["belay"])
        _write_text(project.pyproject, new_text)
        return load_project(project.root)
    raise ConfigError(f"{where}: the file's layout does not take a new line safely; add it by hand")


_PYPROJECT = """[project]
name = "{dist}"
version = "0.1.0"
requires-python = ">=3.9"

[tool.belay]
name = "{name}"

[tool.belay.dependencies]
# ntptime = "*"                              # a micropython-lib package, by name
# sensor = "github:owner/repo/sensor.py"     # one file from a repository

[tool.pytest.ini_options]
pythonpath = ".belay/dependencies/main"
"""

_MAIN = """import {name}

print("Hello from", {name}.__name__)
"""

_README = """# {dist}

A MicroPython project managed with Belay.

* `belay install PORT` stages the dependencies of `pyproject.toml` (`[tool.belay.dependencies]`) and syncs
  them to the board's `/lib`, with the `{name}` package and `main.py`.
* `belay.lock` records exactly which files were installed: commit it.
"""


def new_project(path: Path, name: Optional[str] = None) -> Path:
    """Lay out a new Belay project in `path` (created if missing); its package name is importable.

    With no pyproject.toml there: pyproject.toml, README.md, main.py (``import <name>``), ``<name>/__init__.py``
    and a .gitignore for ``.belay/``; files that exist are left alone. With a pyproject.toml that has no
    ``[tool.belay]``: the tables are appended to it. `name` defaults to the folder's name, made importable
    (``my-project`` → ``my_project``). Returns the project folder.

    Raises
    ------
    ConfigError
        pyproject.toml has a ``[tool.belay]`` table already, or `name` is not a Python identifier.
    """
    path = Path(path).resolve()
    package = name if name is not None else importable_name(path.name)
    if not package.isidentifier() or keyword.iskeyword(package):
        raise ConfigError(f"{package!r} is not an importable package name (try {importable_name(package)!r})")
    dist = re.sub(r"[_.]+", "-", package).strip("-") or package
    path.mkdir(parents=True, exist_ok=True)
    pyproject = path / PYPROJECT
    if pyproject.is_file():
        data = read_toml(pyproject)
        if "belay" in data.get("tool", {}):
            raise ConfigError(f"{pyproject}: tool.belay: there is one already")
        text = pyproject.read_text(encoding="utf-8")
        addition = f'[tool.belay]\nname = "{package}"\n\n[tool.belay.dependencies]\n'
        if "pytest" not in data.get("tool", {}):
            addition += '\n[tool.pytest.ini_options]\npythonpath = ".belay/dependencies/main"\n'
        _write_text(pyproject, text + ("" if not text or text.endswith("\n") else "\n") + "\n" + addition)
    else:
        _write_text(pyproject, _PYPROJECT.format(dist=dist, name=package))
    files = {
        path / "README.md": _README.format(dist=dist, name=package),
        path / "main.py": _MAIN.format(name=package),
        path / package / "__init__.py": "",
        path / ".gitignore": ".belay/\n",
    }
    for file, text in files.items():
        if not file.exists():
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text(text, encoding="utf-8")
    return path
