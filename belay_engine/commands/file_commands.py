"""Files on the board from a front end: sync a folder, list, print, copy in and out, remove."""

from pathlib import Path
from typing import Any, Callable, Optional, Union

from attrs import frozen

from .. import files
from ..sync import sync as sync_tree
from ..sync.plan import SyncPlan


@frozen
class Synced:
    """A finished sync: what was sent and removed."""

    folder: str
    dst: str
    plan: SyncPlan

    def __str__(self) -> str:
        sent, removed = len(self.plan.uploads), len(self.plan.remove_files)
        return f"Synced {self.folder} to {self.dst}: {sent} sent, {removed} removed, rest unchanged."


def sync(
    device: Any,
    folder: Union[str, Path] = ".",
    dst: str = "/",
    keep: Optional[list[str]] = None,
    ignore: Optional[list[str]] = None,
    minify: bool = True,
    mpy_cross: Optional[str] = None,
    progress: Optional[Callable[..., Any]] = None,
) -> Synced:
    """Make a board folder match a host folder, sending only files whose hash differs.

    Board files under the destination that are not in the host folder are deleted, except kept ones (by
    default at the root: boot.py, webrepl_cfg.py, lib and .belay, the engine's kept helpers). Each file is
    written to a temporary name and renamed into place, so an interrupted sync leaves no half-written file.

    Parameters
    ----------
    device : Device
        The board.
    folder : str or Path
        Host folder (or file) to mirror (default: the current folder).
    dst : str
        Board folder to sync into.
    keep : list of str, optional
        Board paths never deleted (gitignore-style patterns).
    ignore : list of str, optional
        Host paths not to sync (gitignore-style patterns).
    minify : bool
        Minify .py files before sending them (--no-minify sends them as they are).
    mpy_cross : str, optional
        Compile .py files with this mpy-cross binary.
    progress : callable, optional
        Belay's ``progress_update`` callback (description, total, advance, total_bytes, advance_bytes).
    """
    plan = sync_tree(
        device.session,
        Path(folder).expanduser(),
        dst=dst,
        keep=keep,
        ignore=ignore,
        minify=minify,
        mpy_cross_binary=mpy_cross,
        progress_update=progress,
    )
    return Synced(str(folder), dst, plan)


@frozen
class Listing:
    """The entries of a board folder: folders with a slash, files with their size (blank where the board has none)."""

    path: str
    entries: tuple[files.Entry, ...]

    def __str__(self) -> str:
        return "\n".join(f"{e.name}/" if e.is_dir else f"{_size(e.size):>10}  {e.name}" for e in self.entries)


def _size(size: int) -> str:
    return str(size) if size >= 0 else ""


def ls(device: Any, path: str = "/") -> Listing:
    """List a board folder (folders first, then files with their sizes).

    Parameters
    ----------
    device : Device
        The board.
    path : str
        Board folder to list.
    """
    return Listing(path, tuple(files.list_dir(device, path)))


@frozen
class FileContents:
    """A board file's bytes; its text is the file decoded as UTF-8."""

    path: str
    data: bytes

    def __str__(self) -> str:
        return self.data.decode("utf-8", "replace")


def cat(device: Any, path: str) -> FileContents:
    """Print a board file.

    Parameters
    ----------
    device : Device
        The board.
    path : str
        Board file to print.
    """
    return FileContents(path, files.read_file(device, path))


@frozen
class Copied:
    """A file copied between the host and the board."""

    source: str
    target: str
    size: int

    def __str__(self) -> str:
        return f"{self.source} -> {self.target} ({self.size} bytes)"


def put(device: Any, local: Union[str, Path], remote: Optional[str] = None) -> Copied:
    """Copy a host file to the board (written safely: a temporary file, then renamed).

    Parameters
    ----------
    device : Device
        The board.
    local : str or Path
        Host file to copy.
    remote : str, optional
        Board path to write (default: the file's name in /).
    """
    source = Path(local).expanduser()
    target = remote or "/" + source.name
    data = source.read_bytes()
    files.write_file(device, target, data)
    return Copied(str(source), target, len(data))


def get(device: Any, remote: str, local: Union[str, Path, None] = None) -> Copied:
    """Copy a board file to the host.

    Parameters
    ----------
    device : Device
        The board.
    remote : str
        Board file to copy.
    local : str or Path, optional
        Host path to write (default: the file's name in the current folder).
    """
    target = Path(local if local else Path(remote).name).expanduser()
    data = files.read_file(device, remote)
    target.write_bytes(data)
    return Copied(remote, str(target), len(data))


@frozen
class Removed:
    """A board file or folder that was removed."""

    path: str

    def __str__(self) -> str:
        return f"Removed {self.path}"


def rm(device: Any, path: str) -> Removed:
    """Remove a board file or empty folder.

    Parameters
    ----------
    device : Device
        The board.
    path : str
        Board file or empty folder to remove.
    """
    files.remove(device, path)
    return Removed(path)
