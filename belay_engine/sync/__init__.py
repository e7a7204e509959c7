"""Delta file sync: send only files whose hash differs, write each one safely, remove what is gone locally."""

import hashlib
import importlib.resources
import inspect
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Optional, Union

import pathspec
from attrs import define, field

from .. import board_calls
from ..board_code import MODULE_FOLDER
from ..errors import ConnectionLost
from ..minify import minify as minify_code
from ..session import Session
from .compile import compile_to_mpy
from .discover import discover
from .file_protocol import TEMPORARY_SUFFIX, FileWriter
from .hashing import content_hash, fnv1a32
from .plan import RemoteEntry, SyncPlan, make_plan, under
from .wire import send_file

#: Kept by a sync to ``/`` unless `keep` says otherwise; ``.belay`` holds the engine's kept helpers
#: (board_code.MODULE_FOLDER), written again by the next connect where a sync deleted them.
DEFAULT_KEEP_AT_ROOT = ["boot.py", "webrepl_cfg.py", "lib", ".belay"]


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
    """Board code for sync, with its hot loops in the fastest emitter among `emitters` (viper, native, plain)."""
    board = importlib.resources.files("belay_engine.board")
    if "viper" in emitters:
        fast = board.joinpath("fast_viper.py").read_text()
    else:
        fast = board.joinpath("fast_python.py").read_text()
        if "native" in emitters:
            fast = fast.replace("\ndef ", "\n@micropython.native\ndef ")  # the same code, compiled to machine code
    return fast + board.joinpath("sync_helpers.py").read_text()


#: Boards with less free heap than this get the sync helpers (about 4.5 KB) for one sync at a time only.
ROOMY_HEAP = 64 * 1024


@define
class BoardState:
    """What sync knows of a connected board: whether its helpers are there, and its trees as syncs left them."""

    generation: int
    inflates: bool = False
    sha256: bool = False
    roomy: bool = False
    installed: bool = False
    trees: dict[str, list[RemoteEntry]] = field(factory=dict)


_boards: "weakref.WeakKeyDictionary[Session, BoardState]" = weakref.WeakKeyDictionary()


@contextmanager
def sync_helpers(session: Session) -> Iterator[BoardState]:
    """The board side of sync for the block.

    Installed once per connection where the board has heap to spare, else for the block only.
    """
    state = _boards.get(session)
    if state is None or state.generation != session.generation:
        state = _boards[session] = BoardState(session.generation)
    if not state.installed:
        code = minify_code(board_helpers(session.implementation.emitters))
        state.inflates, state.sha256, free = session.run(code + board_calls.sync_facts() + "\n")
        state.roomy = free >= ROOMY_HEAP
        state.installed = True
    try:
        yield state
    except BaseException:
        with suppress(Exception):  # the error on its way out says what went wrong, not the clean-up
            _remove_helpers(session, state)
        raise
    _remove_helpers(session, state)


def _remove_helpers(session: Session, state: BoardState) -> None:
    if not state.roomy and state.installed and state.generation == session.generation:
        state.installed = False
        with suppress(ConnectionLost):  # a board that is gone has freed them already
            session.run(board_calls.drop_sync_helpers())


def tree_digest(entries: list[RemoteEntry], sha256: bool) -> str:
    """The board's digest of a tree listing (`board_calls.tree_digest`), computed on the host."""
    rows = sorted((e.path, int(e.is_dir), e.hash) for e in entries)
    text = "\n".join(f"{path}\x00{is_dir}\x00{digest}" for path, is_dir, digest in rows).encode()
    return hashlib.sha256(text).hexdigest()[:16] if sha256 else f"fnv{fnv1a32(text):08x}"


def remote_tree(session: Session, state: BoardState, dst: str) -> list[RemoteEntry]:
    """The board's tree under `dst`: as the last sync left it if a short digest says so, else listed in full."""
    cached = state.trees.pop(dst, None)
    if cached is not None and session.run(board_calls.tree_digest(dst)) == tree_digest(cached, state.sha256):
        return cached
    return [
        RemoteEntry(path, bool(is_dir), digest) for path, is_dir, digest in session.run(board_calls.tree_hashes(dst))
    ]


def tree_after(remote: list[RemoteEntry], plan: SyncPlan, files: dict[str, bytes], sha256: bool) -> list[RemoteEntry]:
    """The board's tree once `plan` has run."""
    entries = {e.path: e for e in remote}
    for path in (*plan.remove_files, *plan.remove_folders):
        del entries[path]
    for path in plan.make_folders:
        entries[path] = RemoteEntry(path, True, "")
    for path in plan.uploads:
        entries[path] = RemoteEntry(path, False, content_hash(files[path], "" if sha256 else "fnv"))
    return list(entries.values())


#: Re-syncing an unchanged tree must not cost the host a minification per file: the source text is the key.
_minified = lru_cache(maxsize=1024)(minify_code)


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
            data = _minified(data.decode("utf-8")).encode("utf-8")
        contents[relative] = data
    return contents, folders, single


def sync(
    session: Session,
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
        files = compile_to_mpy(files, str(mpy_cross_binary), session.implementation)

    _report(progress_update, description="Bootstrapping sync...")
    with sync_helpers(session) as state:
        _report(progress_update, description="Fetching remote hashes...")
        remote = remote_tree(session, state, dst)
        leftovers = [e.path for e in remote if not e.is_dir and e.path.endswith(TEMPORARY_SUFFIX)]
        if leftovers:
            # Left by an interrupted upload: removed whatever `keep` says (a kept folder may hold one).
            session.run(board_calls.remove([_board_path(dst, p) for p in leftovers]))
            remote = [e for e in remote if e.path not in leftovers]
        delete = not single and keep_patterns is not None
        keep_spec = pathspec.GitIgnoreSpec.from_lines(keep_patterns or [])
        plan = make_plan(files, folders, remote, content_hash, keep_spec, delete=delete)
        if plan.remove_files or plan.remove_folders:
            _report(progress_update, description="Removing stale files...")
            removed_files = [_board_path(dst, p) for p in plan.remove_files]
            removed_folders = [_board_path(dst, p) for p in plan.remove_folders]
            if session.helpers_kept and any(under(path, MODULE_FOLDER) for path in removed_files + removed_folders):
                # The kept helpers' files go: the parts they import on first use are imported now, for this
                # connection (the next connect writes the files again).
                session.run(board_calls.import_lazy_parts())
            session.run(board_calls.remove(removed_files, removed_folders))
        targets = ([dst] if dst != "/" else []) + [_board_path(dst, p) for p in plan.make_folders]
        if targets:
            _report(progress_update, description="Creating remote directories...")
            prefixes = [dst[:i] for i in range(1, len(dst)) if dst[i] == "/"] if dst != "/" else []
            session.run(board_calls.make_dirs(prefixes + targets))
        by_bytes = _counts_bytes(progress_update)
        sizes = {"total_bytes": sum(len(files[p]) for p in plan.uploads)} if by_bytes else {}
        _report(progress_update, total=len(plan.uploads), **sizes)
        on_sent = (lambda count: _report(progress_update, advance_bytes=count)) if by_bytes else None
        # Through the link's own file protocol where it has one (renamed into place together at the end).
        writer = FileWriter(session, on_sent)
        for relative in plan.uploads:
            _report(progress_update, description=f"Pushing: {relative}")
            path, data = _board_path(dst, relative), files[relative]
            if not writer.write(path, data):
                send_file(session, path, data, compress=state.inflates, on_sent=on_sent)
            _report(progress_update, advance=1)
        writer.finish()
        state.trees[dst] = tree_after(remote, plan, files, state.sha256)
    _report(progress_update, description="Complete.")
    return plan


def put_file(
    session: Session,
    path: str,
    data: bytes,
    *,
    compress: bool = False,
    on_sent: Optional[Callable[[int], None]] = None,
) -> None:
    """Write `data` to board file `path` safely: into a temporary file first, then renamed into place.

    A transfer cut short (Ctrl-C, unplugged board, killed process) leaves the old file untouched and only a
    temporary file, which the next sync removes. Needs `sync_helpers`; `compress` only where it says the
    board inflates. `on_sent(n)` hears of file bytes as they reach the board. Links with a file protocol of
    their own (WebREPL) carry the bytes; the REPL only renames.
    """
    writer = FileWriter(session, on_sent)
    if writer.write(path, data):
        writer.finish()
    else:
        send_file(session, path, data, compress=compress, on_sent=on_sent)
