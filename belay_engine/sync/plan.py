"""Pure sync planning: from the local tree and the board's tree with hashes, what to remove, create and send."""

from typing import Callable, Optional

import pathspec
from attrs import frozen


@frozen
class RemoteEntry:
    """A path under the sync destination on the board, relative to it, with its hash (files only)."""

    path: str
    is_dir: bool
    hash: str = ""


@frozen
class SyncPlan:
    """What a sync does, in order: remove files, remove folders (deepest first), make folders, send files."""

    remove_files: tuple[str, ...]
    remove_folders: tuple[str, ...]
    make_folders: tuple[str, ...]
    uploads: tuple[str, ...]


def under(path: str, folder: str) -> bool:
    """Whether `path` is `folder` or inside it."""
    return path == folder or path.startswith(folder + "/")


def make_plan(
    local_files: dict[str, bytes],
    local_folders: list[str],
    remote: list[RemoteEntry],
    hash_like: Callable[[bytes, str], str],
    keep: Optional[pathspec.PathSpec] = None,
    delete: bool = True,
) -> SyncPlan:
    """Plan a sync.

    Parameters
    ----------
    local_files : dict[str, bytes]
        Relative path → content as it should be on the board.
    local_folders : list[str]
        Relative paths of the local folders.
    remote : list[RemoteEntry]
        The board's tree under the destination.
    hash_like : callable
        ``hash_like(content, board_hash)`` hashes content in the format of `board_hash`.
    keep : pathspec.PathSpec, optional
        Board paths never removed (unless a local file or folder must take their place).
    delete : bool
        Remove board files and folders that are not in the local tree.
    """
    remote_files = {e.path: e.hash for e in remote if not e.is_dir}
    remote_folders = {e.path for e in remote if e.is_dir}
    local_folder_set = set(local_folders)

    def kept(path: str, is_dir: bool) -> bool:
        return keep is not None and keep.match_file(path + "/" if is_dir else path)

    # A local file where the board has a folder (or the reverse) must replace it, kept or not.
    conflicting_folders = {p for p in remote_folders if p in local_files}
    conflicting_files = {p for p in remote_files if p in local_folder_set}
    doomed_files = {p for p in remote_files if any(under(p, folder) for folder in conflicting_folders)}
    doomed_files |= conflicting_files
    if delete:
        doomed_files |= {
            p for p in remote_files if p not in local_files and p not in local_folder_set and not kept(p, False)
        }
    surviving_files = set(remote_files) - doomed_files
    doomed_folders = set()
    for folder in remote_folders:
        forced = any(under(folder, conflict) for conflict in conflicting_folders)
        stale = delete and folder not in local_folder_set and not kept(folder, True)
        survivors = any(under(path, folder) for path in surviving_files) or any(
            under(local, folder) for local in local_folder_set
        )
        if forced or (stale and not survivors):
            doomed_folders.add(folder)
    # A stale folder that holds a kept folder survives too.
    doomed_folders = {
        f for f in doomed_folders if not any(under(g, f) and g not in doomed_folders for g in remote_folders)
    }

    existing_folders = remote_folders - doomed_folders
    make_folders = sorted((f for f in local_folders if f not in existing_folders), key=lambda f: (f.count("/"), f))
    uploads = []
    for path, content in local_files.items():
        board_hash = remote_files.get(path) if path not in doomed_files else None
        if not board_hash or hash_like(content, board_hash) != board_hash:
            uploads.append(path)
    return SyncPlan(
        remove_files=tuple(sorted(doomed_files)),
        remove_folders=tuple(sorted(doomed_folders, key=lambda f: (-f.count("/"), f))),
        make_folders=tuple(make_folders),
        uploads=tuple(sorted(uploads)),
    )
