"""Delta file sync: send only files whose hash differs, write each one safely, remove what is gone locally."""

import importlib.resources
import inspect
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Optional, Union

import pathspec

from ..minify import minify as minify_code
from .compile import compile_to_mpy
from .discover import discover
from .hashing import content_hash
from .plan import RemoteEntry, SyncPlan, make_plan
from .wire import send_file

TEMPORARY_SUFFIX = ".belay-tmp"
DEFAULT_KEEP_AT_ROOT = ["boot.py", "webrepl_cfg.py", "lib"]


def _keep_list(keep: Union[str, list, tuple, bool, None], dst: str) -> Optional[list[str]]:
    """Belay 0.30's keep rules; None means keep everything (no deletions)."""
    if keep is True:
        return None
    if keep is None:
        return list(DEFAULT_KEEP_AT_ROOT) if dst == "/" else []
    if keep is False:
        return []
    if isinstance(keep, str):
        return [keep]
    if isinstance(keep, (list, tuple)):
        return list(keep)
    raise TypeError(f"keep must be None, a bool, a string or a list of strings, not {type(keep).__name__}")


def _ignore_list(ignore: Union[str, list, tuple, None]) -> list[str]:
    if ignore is None:
        return []
    if isinstance(ignore, str):
        return [ignore]
    if isinstance(ignore, (list, tuple)):
        return list(ignore)
    raise TypeError(f"ignore must be None, a string or a list of strings, not {type(ignore).__name__}")


def _board_path(dst: str, relative: str) -> str:
    return f"{dst.rstrip('/')}/{relative}"


def _report(progress_update: Optional[Callable[..., Any]], **fields: Any) -> None:
    if progress_update is not None:
        progress_update(**fields)


def _counts_bytes(progress_update: Optional[Callable[..., Any]]) -> bool:
    """Whether `progress_update` takes byte counts too (Belay 0.30's callbacks take description/total/advance)."""
    if progress_update is None:
        return False
    try:
        parameters = inspect.signature(progress_update).parameters
    except (TypeError, ValueError):
        return False
    if any(parameter.kind is inspect.Parameter.VAR_KEYWORD for parameter in parameters.values()):
        return True
    return {"total_bytes", "advance_bytes"} <= parameters.keys()


def board_helpers(emitters: tuple[str, ...]) -> str:
    """Board code for sync, with FNV-1a in the fastest emitter among `emitters` (viper, native, plain)."""
    board = importlib.resources.files("belay_engine.board")
    variant = "viper" if "viper" in emitters else "native" if "native" in emitters else "python"
    return board.joinpath(f"fast_{variant}.py").read_text() + board.joinpath("sync_helpers.py").read_text()


@contextmanager
def installed_helpers(device: Any) -> Iterator[bool]:
    """Install the board side of sync for the duration of the block, then remove it from the board's globals.

    Yields whether the board takes compressed files.
    """
    inflates = device._execute(board_helpers(device.implementation.emitters) + "_belay.r(_belay_inflates())\n")
    try:
        yield inflates
    finally:
        device._execute(
            "del _belay_tree,_belay_recv,_belay_rename,_belay_inflates,_belay_remove,_belay_mkdirs,_belay_fnv,"
            "_belay_unesc"
        )


def local_tree(folder: Path, ignore: list[str], minify: bool) -> tuple[dict[str, bytes], list[str], bool]:
    """Files (relative path → content as sent) and folders to sync, and whether the source is a single file."""
    if folder.is_file():
        files, folders, root, single = [folder.name], [], folder.parent, True
    else:
        (files, folders), root, single = discover(folder, ignore), folder, False
    contents = {}
    for relative in files:
        data = (root / relative).read_bytes()
        if minify and relative.endswith(".py"):
            data = minify_code(data.decode("utf-8")).encode("utf-8")
        contents[relative] = data
    return contents, folders, single


def sync(
    device: Any,
    folder: Union[str, Path],
    dst: str = "/",
    keep: Union[str, list, tuple, bool, None] = None,
    ignore: Union[str, list, tuple, None] = None,
    minify: bool = True,
    mpy_cross_binary: Union[str, Path, None] = None,
    progress_update: Optional[Callable[..., Any]] = None,
) -> SyncPlan:
    """Make the board's `dst` folder match the local `folder`; see `Device.sync`."""
    folder = Path(folder).resolve()
    if not folder.exists():
        raise ValueError(f'"{folder}" does not exist.')
    dst = str(dst)
    if not dst.startswith("/"):
        raise ValueError('dst must start with "/"')
    dst = dst.rstrip("/") or "/"
    keep_patterns = _keep_list(keep, dst)
    files, folders, single = local_tree(folder, _ignore_list(ignore), minify and mpy_cross_binary is None)
    if mpy_cross_binary is not None:
        files = compile_to_mpy(files, str(mpy_cross_binary), device.implementation)

    _report(progress_update, description="Bootstrapping sync...")
    with installed_helpers(device) as inflates:
        _report(progress_update, description="Fetching remote hashes...")
        remote = [
            RemoteEntry(path, bool(is_dir), digest)
            for path, is_dir, digest in device._execute(f"_belay.r(_belay_tree({dst!r}))")
        ]
        delete = not single and keep_patterns is not None
        keep_spec = pathspec.GitIgnoreSpec.from_lines(keep_patterns or [])
        plan = make_plan(files, folders, remote, content_hash, keep_spec, delete=delete)
        if plan.remove_files or plan.remove_folders:
            _report(progress_update, description="Removing stale files...")
            device._execute(
                f"_belay_remove({[_board_path(dst, p) for p in plan.remove_files]!r},"
                f"{[_board_path(dst, p) for p in plan.remove_folders]!r})"
            )
        targets = ([dst] if dst != "/" else []) + [_board_path(dst, p) for p in plan.make_folders]
        if targets:
            _report(progress_update, description="Creating remote directories...")
            prefixes = [dst[:i] for i in range(1, len(dst)) if dst[i] == "/"] if dst != "/" else []
            device._execute(f"_belay_mkdirs({prefixes + targets!r})")
        by_bytes = _counts_bytes(progress_update)
        sizes = {"total_bytes": sum(len(files[p]) for p in plan.uploads)} if by_bytes else {}
        _report(progress_update, total=len(plan.uploads), **sizes)
        on_sent = (lambda count: _report(progress_update, advance_bytes=count)) if by_bytes else None
        for relative in plan.uploads:
            _report(progress_update, description=f"Pushing: {relative}")
            put_file(device, _board_path(dst, relative), files[relative], compress=inflates, on_sent=on_sent)
            _report(progress_update, advance=1)
    _report(progress_update, description="Complete.")
    return plan


def put_file(
    device: Any,
    path: str,
    data: bytes,
    *,
    compress: bool = False,
    on_sent: Optional[Callable[[int], None]] = None,
) -> None:
    """Write `data` to board file `path` safely: into a temporary file first, then renamed into place.

    A transfer cut short (Ctrl-C, unplugged board, killed process) leaves the old file untouched and only a
    temporary file, which the next sync removes. Needs `installed_helpers`; `compress` only where it yielded
    True. `on_sent(n)` hears of file bytes as they reach the board.
    """
    send_file(device, path + TEMPORARY_SUFFIX, path, data, compress=compress, on_sent=on_sent)
