"""Change a project's files: add a dependency to pyproject.toml, lay out a new project."""

from pathlib import Path
from typing import Optional

from .project import Project


def infer_name(source: str) -> str:
    """The package name a source suggests: an index name, a file's stem, a repository's folder or name."""
    raise NotImplementedError


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

    The rest of the file is kept byte for byte. The new dependency is downloaded and checked first, so a
    source that does not work is not written. Returns the project as reloaded.
    """
    raise NotImplementedError


def new_project(path: Path, name: Optional[str] = None) -> Path:
    """Lay out a new Belay project in `path` (created if missing); its package name is importable."""
    raise NotImplementedError
