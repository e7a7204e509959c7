"""The package manager: `[tool.belay]` projects, dependency downloads, belay.lock and the board's ``/lib``.

The front ends (the ``belay`` CLI, ``%belay_install``, the kernel's ``%install``) call these functions::

    project = load_project()                      # nearest pyproject.toml up from the current folder
    report = install(project)                     # stage dependencies, write belay.lock
    print(report)                                 # one summary line
    device.sync_dependencies()                    # staged non-optional groups → the board's /lib

Dependencies are staged under ``project.dependencies_folder / <group>``, each group folder laid out as the
board's ``/lib`` (so ``import name`` works on the board and with that folder on ``sys.path``). Downloads go
through a content-addressed cache (`cache_info`); belay.lock records every file's URL and SHA-256.
"""

from .board import staged_tree, sync_dependencies
from .cache import cache_clear, cache_info, cache_list, cache_location
from .edit import add, infer_name, new_project
from .errors import (
    CircularDependencyError,
    DownloadError,
    IntegrityError,
    InvalidSourceError,
    LockError,
    PackageError,
    PackageNotFoundError,
)
from .install import clean, install, update
from .models import BelayConfig, DependencySource, GroupConfig
from .project import Group, Project, find_pyproject, load_project
from .reports import BoardSyncReport, CacheEntry, CacheInfo, DependencyResult, InstallReport

__all__ = [
    "BelayConfig",
    "BoardSyncReport",
    "CacheEntry",
    "CacheInfo",
    "CircularDependencyError",
    "DependencyResult",
    "DependencySource",
    "DownloadError",
    "Group",
    "GroupConfig",
    "InstallReport",
    "IntegrityError",
    "InvalidSourceError",
    "LockError",
    "PackageError",
    "PackageNotFoundError",
    "Project",
    "add",
    "cache_clear",
    "cache_info",
    "cache_list",
    "cache_location",
    "clean",
    "find_pyproject",
    "infer_name",
    "install",
    "load_project",
    "new_project",
    "staged_tree",
    "sync_dependencies",
    "update",
]
