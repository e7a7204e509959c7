"""Sync figures: a tree of ``.py`` files first, again with nothing changed, with one file changed; one binary file.

Every tool syncs its own copy of the same sources on its own fresh board, and every file it writes is checked byte
for byte in the board's host folder (not possible on a real board). Each figure is the sync or copy call alone,
timed inside the tool's own process once it is connected.
"""

import random
import time
import traceback
from pathlib import Path
from typing import Any, Callable, Optional

from attrs import frozen
from boards import Board
from settings import Settings

from belay_engine import Device
from belay_engine.minify import minify
from belay_engine.protocol.raw_repl import RawRepl
from belay_engine.transports import open_transport

PY_FILE_BYTES = 2048


@frozen
class Sources:
    """One tool's copy of the sources, and their sizes (the same for every tool).

    Parameters
    ----------
    tree : Path
        Folder of ``.py`` files of 2 KiB in three subfolders.
    changed : Path
        The file of `tree` changed before the third sync.
    binary : Path
        Folder holding the one binary file (random bytes).
    tree_bytes, changed_bytes, binary_bytes : int
        Bytes of the tree's files, of the changed file after its change, of the binary file.
    """

    tree: Path
    changed: Path
    binary: Path
    tree_bytes: int
    changed_bytes: int
    binary_bytes: int


def make_sources(folder: Path, settings: Settings) -> Sources:
    """Write the sources into `folder` (the same bytes on every call) and return them."""
    generator = random.Random(1)
    tree = folder / "tree"
    for index in range(settings.tree_files):
        sub = tree / f"pkg{index % 3}"
        sub.mkdir(parents=True, exist_ok=True)
        lines = [f"value_{index}_{n} = {generator.randint(0, 10**9)}  # a comment to strip" for n in range(40)]
        (sub / f"module{index}.py").write_text("\n".join(lines)[: PY_FILE_BYTES - 1] + "\n")
    binary = folder / "single"
    binary.mkdir()
    (binary / "blob.bin").write_bytes(random.Random(2).randbytes(settings.binary_kib * 1024))
    changed = tree / "pkg1" / "module1.py"
    tree_bytes = sum(path.stat().st_size for path in tree.rglob("*.py"))
    return Sources(tree, changed, binary, tree_bytes, changed.stat().st_size + len(CHANGE), settings.binary_kib * 1024)


CHANGE = "extra = 1\n"
#: The board folders the syncs write (``/`` + the source folders' names).
BOARD_FOLDERS = ("/tree", "/single")
#: Board code removing a file or a folder with all it holds.
REMOVE = b"""import os
def _bench_remove(path):
    try:
        mode = os.stat(path)[0]
    except OSError:
        return
    if mode & 0x4000:
        for name in os.listdir(path):
            _bench_remove(path + "/" + name)
        os.rmdir(path)
    else:
        os.remove(path)
"""


def clear_board_folders(board: Board) -> None:
    """Remove what the syncs write from a board that is not fresh (a real one), over a bare raw REPL.

    Each tool's first sync must find none of it, whether another tool or an earlier run wrote it.
    """
    transport = open_transport(board.port, baudrate=board.baud or 115200)
    try:
        repl = RawRepl(transport)
        repl.enter()
        calls = "".join(f"_bench_remove({folder!r})\n" for folder in BOARD_FOLDERS)
        _, error = repl.exec(REMOVE + calls.encode() + b"del _bench_remove")
        if error:
            raise RuntimeError(f"could not remove {', '.join(BOARD_FOLDERS)} from the board: {error.decode()}")
    finally:
        transport.close()


def differences(expect: Path, written: Path) -> Optional[str]:
    """Why the board folder `written` does not hold exactly the files under `expect`, or None if it does."""
    if not any(expect.rglob("*")):
        return "nothing to compare against"
    for path in sorted(expect.rglob("*")):
        if path.is_file():
            relative = path.relative_to(expect)
            target = written / relative
            if not target.is_file():
                return f"{relative} missing"
            if target.read_bytes() != path.read_bytes():
                return (
                    f"{relative} differs ({target.stat().st_size} bytes on the board, {path.stat().st_size} expected)"
                )
    return None


def expect_ours(src: Path, folder: Path) -> None:
    """What our sync writes: ``.py`` files through our minifier, the rest as they are."""
    for path in sorted(src.rglob("*")):
        target = folder / path.relative_to(src)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.write_bytes(minify(path.read_text()).encode() if path.suffix == ".py" else path.read_bytes())


def sync_steps(sources: Sources) -> list[tuple[str, Path, Optional[Callable[[], None]]]]:
    """The four syncs in order: figure name, folder, and what to change in it first."""

    def change() -> None:
        sources.changed.write_text(sources.changed.read_text() + CHANGE)

    return [
        ("sync_first", sources.tree, None),
        ("sync_noop", sources.tree, None),
        ("sync_changed", sources.tree, change),
        ("binary", sources.binary, None),
    ]


def measure_sync(
    run: Callable[[Path, str, Path], dict], board: Board, sources: Sources, work: Path, errors: list
) -> dict:
    """Time the four syncs with `run(src, dst, expect)` (which answers ``{"seconds": ...}`` or ``{"error": ...}``).

    Each written tree is checked against what `run` put in `expect`; a failure goes to `errors`, not the figures.
    """
    figures = {}
    for name, src, change in sync_steps(sources):
        if change is not None:
            change()
        expect = work / f"expect-{name}"
        expect.mkdir()
        answer = run(src, "/" + src.name, expect)  # mpremote's `cp -r SRC :` puts SRC at /SRC; so are the others told
        if "error" not in answer and board.root is not None:
            wrong = differences(expect, board.root / src.name)
            if wrong:
                answer = {"error": f"files not written correctly: {wrong}"}
        if "error" in answer:
            errors.append(f"{name}: {answer['error']}")
        else:
            figures[name] = answer["seconds"]
            if name == "sync_noop" and "sent" in answer:
                figures["noop_sent"] = answer["sent"]
            if name == "sync_noop" and "skipped" in answer:
                figures["noop_skipped"] = answer["skipped"]
    return figures


def ours_runner(device: Device) -> Callable[[Path, str, Path], dict]:
    """`measure_sync`'s `run` for our `device`."""

    def run(src: Path, dst: str, expect: Path) -> dict:
        started = time.perf_counter()
        try:
            device.sync(src, dst=dst)
        except Exception as error:  # as a peer's failed sync: its row fails, the next sync still runs
            traceback.print_exc()
            return {"error": f"{type(error).__name__}: {error}"}
        seconds = time.perf_counter() - started
        expect_ours(src, expect)
        return {"seconds": seconds}

    return run


def peer_runner(peer: Any) -> Callable[[Path, str, Path], dict]:
    """`measure_sync`'s `run` for a `peers.Peer`."""

    def run(src: Path, dst: str, expect: Path) -> dict:
        return peer.ask(op="sync", src=str(src), dst=dst, expect=str(expect))

    return run
