"""Find the local files to sync: walk a folder, skip ignored paths (gitignore-style), VCS folders and caches."""

from pathlib import Path
from typing import Optional

import pathspec

#: Never synced: version control, caches, editor and OS clutter, and the sync's own temporary names.
ALWAYS_IGNORED = [
    ".git/",
    ".hg/",
    ".svn/",
    "__pycache__/",
    "*.pyc",
    ".pytest_cache/",
    ".mypy_cache/",
    ".ruff_cache/",
    ".ipynb_checkpoints/",
    ".DS_Store",
    "*.belay-tmp",
]
IGNORE_FILE = ".belayignore"


def ignore_spec(folder: Path, ignore: Optional[list[str]] = None) -> pathspec.GitIgnoreSpec:
    """Patterns for paths relative to `folder`: the built-in ones, `ignore`, and those of a ``.belayignore``."""
    lines = list(ALWAYS_IGNORED) + list(ignore or [])
    ignore_file = folder / IGNORE_FILE
    if ignore_file.is_file():
        lines += ignore_file.read_text().splitlines()
        lines.append(IGNORE_FILE)
    return pathspec.GitIgnoreSpec.from_lines(lines)


def discover(folder: Path, ignore: Optional[list[str]] = None) -> tuple[list[str], list[str]]:
    """Relative POSIX paths of the files and of the folders under `folder` that are not ignored, sorted.

    Patterns match paths relative to `folder` (``/build`` is the top-level build folder only), as in a
    ``.gitignore`` at its root; an ignored folder is not descended.
    """
    spec = ignore_spec(folder, ignore)
    files: list[str] = []
    folders: list[str] = []

    def walk(directory: Path, prefix: str) -> None:
        for entry in sorted(directory.iterdir(), key=lambda p: p.name):
            relative = prefix + entry.name
            if entry.is_dir():
                if spec.match_file(relative + "/"):
                    continue
                folders.append(relative)
                walk(entry, relative + "/")
            elif not spec.match_file(relative):
                files.append(relative)

    walk(folder, "")
    return files, folders
