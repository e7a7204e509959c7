"""The board helper API (`_belay.*`, see belay_engine/board/) as host functions that build the board code calling it.

The helpers are installed on the board once per connection (board/helpers.py, board_info.py, and streams.py,
value_pieces.py and display.py, which a board that keeps the helpers imports on first use: board_code's
LAZY_MODULES; sync's in sync_helpers.py, the timed generator in timed_generator.py). This is the only host module that
names them: everything else asks here for the code to send. Host values in that code go through
`board_values.encode`; an argument named `expression`, `call` or `body` is board source the caller built.

A value the board reports comes back as a record (``R`` value, ``P`` proxy, ``Y`` streamed, ``N`` streamed
numbers, ``W`` paused; see board/helpers.py), which `RecordParser` reads.
"""

import base64
from collections.abc import Iterable, Sequence
from typing import Any, Optional

from .board_code import LAZY_MODULE_HELPERS, STREAM_MODULE
from .board_values import encode

#: Sync's helpers and facts on `_belay` (board/sync_helpers.py), dropped again where heap is short.
SYNC_HELPER_NAMES = ("st", "sd", "u", "mv", "rm", "mk", "fnv", "ue", "z", "sha")
#: The expression naming an object the engine keeps on the board for a proxy: ``_belay.o[<id>]``.
_KEPT_PREFIX = "_belay.o["

# -- values and proxies -------------------------------------------------------------------------------------


def result_of(expression: str) -> str:
    """Board code reporting the value of any expression text, a user's too (``a, b``, a trailing comment).

    The parentheses keep a bare tuple one value; the newline ends a trailing comment before they close.
    """
    return f"_belay.r(({expression}\n))"


def result_of_call(call: str) -> str:
    """Board code reporting the value of a single expression the engine built (a call, a name, a parenthesised tuple).

    Sent as it is, three bytes shorter than `result_of`: the hot path of every task call.
    """
    return f"_belay.r({call})"


def proxy_of(expression: str) -> str:
    """Board code reporting an expression's value if immutable, else keeping the object and reporting its id."""
    return f"_belay.p(({expression}\n))"


def proxy_of_name(name: str) -> str:
    """Board code reporting the global `name`'s value if immutable, else an empty proxy record (the name stays)."""
    return f"_belay.p({name},1)"


def show_value(expression: str) -> str:
    """Board code reporting an expression's repr as text for display (a cell's last expression); None shows nothing."""
    return f"_belay.v(({expression}\n))"


def kept_object(object_id: int) -> str:
    """The board expression of the object kept under `object_id` by `proxy_of`."""
    return f"{_KEPT_PREFIX}{int(object_id)}]"


def kept_object_id(target: str) -> Optional[int]:
    """The id in a `kept_object` expression, or None for any other board expression (a global's name)."""
    if target.startswith(_KEPT_PREFIX) and target.endswith("]"):
        number = target[len(_KEPT_PREFIX) : -1]
        if number.isdigit():
            return int(number)
    return None


def release(ids: Iterable[Any]) -> str:
    """Board code forgetting kept objects and generators: proxy ids (int) and stream keys (str); unknown ones pass."""
    return f"_belay.d({','.join(encode(i) for i in ids)})"


# -- running code -------------------------------------------------------------------------------------------


def run_located(body: str, file: str, line: int) -> str:
    """Board code running `body` compiled as lines `line`, `line` + 1, ... of host file `file`.

    Its frames, and those of the functions it defines, then name the host file and line. Needs compile() on
    the board.
    """
    return f"_belay.c({encode(body)},{encode(file)},{max(int(line), 1)})"


def install_helpers(parts: Sequence[str], nonce: str, file: str) -> str:
    """Board code installing the helpers' parts, each compiled on its own as `file` where the board has compile().

    ``@@`` in a part becomes the connection's `nonce`, which every record then carries. Collecting garbage
    before each compile lets the helpers' code settle low in the heap, leaving the free space above it in one
    piece for big values. The last part's value (board_info.py's report) is the code's reply.
    """
    sources = ",".join(encode(part.replace("@@", nonce)) for part in parts)
    return (
        f"for _belay_h in ({sources}):\n __import__('gc').collect()\n try:\n"
        f"  _belay_h=compile(_belay_h,{encode(file)},'exec')\n except NameError:\n  pass\n exec(_belay_h)\n"
        "del _belay_h\n__import__('gc').collect()\n"
    )


def load_helper_module(path: str, nonce: str, version: str) -> str:
    """Board code installing the helpers from their kept file `path` (board/helper_module.py) under `nonce`.

    It reports the board's facts as `install_helpers` does; nothing when the file is another engine's (not
    `version`) or damaged, and an exception when it is missing or unreadable: the host then writes the files
    again. One short line, the whole of a connect's install when the files are there.
    """
    return f"exec(open({encode(path)}).read());_belay_load({encode(nonce.encode())},{encode(version.encode())})"


def import_lazy_parts() -> str:
    """Board code importing every part the kept helpers import on first use, before their files go."""
    return ";".join(f"_belay.l({encode(helper)},{encode(module)})" for module, helper in LAZY_MODULE_HELPERS.items())


def mpy_version_probe() -> str:
    """Board code printing the implementation's name and its ``_mpy`` (0 where it has none), before any helper."""
    return "import sys\nprint(sys.implementation.name,getattr(sys.implementation,'_mpy',0))"


def run_kept_source(path: str) -> str:
    """Board code running the board source kept in the file `path` (a startup), in the REPL's globals."""
    return f"exec(open({encode(path)}).read())"


def prepare_helper_module(folder: str, helpers_path: str, stale: Sequence[str]) -> str:
    """Board code making `folder`, removing the kept helpers' file `helpers_path` and `stale`, before new files go in.

    Opening a file for writing raises OSError where the board cannot write files (a read-only filesystem, as
    CircuitPython's while its USB drive is mounted): found out before any file's bytes are sent. The `stale`
    files are removed where they are there (files of another form that the new ones would not replace).
    """
    return (
        f"import os\ntry:os.mkdir({encode(folder)})\nexcept OSError:pass\n"
        f"open({encode(helpers_path)},'wb').close()\nos.remove({encode(helpers_path)})\n"
        f"for _belay_p in ({''.join(encode(path) + ',' for path in stale)}):\n"
        " try:os.remove(_belay_p)\n except OSError:pass\n"
        "del _belay_p\n"
    )


def write_helper_module(files: Sequence[tuple[str, bytes]]) -> str:
    """Board code writing `files` (``(path, content)``) in order; the helpers' file goes last.

    `prepare_helper_module` removed the helpers' file, so a connect finds it only once every file before it is
    complete; a helpers' file cut short by a lost link does not compile, or fails its digest, and is written
    again. (No rename into place: the unix port's VfsPosix renames wrongly.) Text goes as a bytes literal,
    binary (.mpy) in base64, a third of its size where a literal would take up to four bytes for one.
    """
    entries = [_file_bytes(content) for _path, content in files]
    decodes = any(entry.startswith("_belay_b(") for entry in entries)
    listed = ",".join(f"({encode(path)},{entry})" for (path, _content), entry in zip(files, entries))
    start = "from binascii import a2b_base64 as _belay_b\n" if decodes else ""
    loop = (
        f"for _belay_p,_belay_c in ({listed}):\n"
        " _belay_f=open(_belay_p,'wb')\n _belay_f.write(_belay_c)\n _belay_f.close()\n"
    )
    return (
        start + loop + ("del _belay_p,_belay_c,_belay_f,_belay_b\n" if decodes else "del _belay_p,_belay_c,_belay_f\n")
    )


def _file_bytes(content: bytes) -> str:
    literal = encode(content)
    if len(literal) <= len(content) * 4 // 3 + 16:
        return literal
    return f"_belay_b({encode(base64.b64encode(content).decode())})"


# -- streams ------------------------------------------------------------------------------------------------


#: The stream helper (board/streams.py), imported on first use where the board keeps the helpers.
_STREAM = f"_belay.l('s',{encode(STREAM_MODULE)})"


def stream_start(key: int, call: str) -> str:
    """Board code keeping the generator `call` makes under `key` and pushing its values until done or paused."""
    return f"{_STREAM}({encode(key)},{call})"


def stream_resume(key: int) -> str:
    """Board code pushing the values of the generator kept under `key` again, after a pause."""
    return f"{_STREAM}({encode(key)})"


def lockstep_start(key: int, call: str) -> str:
    """Board statement keeping the generator `call` makes under `key`, to be stepped by `lockstep_step`."""
    return f"_belay.o[{encode(key)}]={call}"


def lockstep_step(key: int, sent: Any) -> str:
    """Board code sending the host value `sent` into the generator under `key` and reporting what it yields.

    Nothing is reported when the generator returns; it is then forgotten.

    Raises
    ------
    TypeError
        `sent` cannot be sent to the board (see `board_values.encode`).
    """
    return f"_belay.x({encode(key)},{encode(sent)})"


def close_stream(key: int) -> str:
    """Board code closing the generator under `key` (its ``finally`` runs) and forgetting it; none there is fine."""
    return f"(lambda g:g and g.close())(_belay.o.pop({encode(key)},None))"


def timed_stream(call: str) -> str:
    """A board expression streaming ``(value, tick)`` pairs from the generator `call` makes (timed_generator.py)."""
    return f"_belay_tg({call})"


# -- files and sync (board/sync_helpers.py) -----------------------------------------------------------------


def sync_facts() -> str:
    """Board code reporting ``(inflates, has_sha256, free_heap)`` once the sync helpers are installed."""
    return "_belay.r((_belay.z,_belay.sha,__import__('gc').mem_free()))"


def drop_sync_helpers() -> str:
    """Board code removing the sync helpers again (where the board's heap is short)."""
    return "del " + ",".join(f"_belay.{name}" for name in SYNC_HELPER_NAMES)


def tree_hashes(folder: str) -> str:
    """Board code reporting ``(path, is_dir, hash)`` for every entry under `folder` (empty if it does not exist)."""
    return result_of_call(f"_belay.st({encode(folder)})")


def tree_digest(folder: str) -> str:
    """Board code reporting the short digest of `folder`'s `tree_hashes` listing (`sync.tree_digest` on the host)."""
    return result_of_call(f"_belay.sd({encode(folder)})")


def remove(files: Sequence[str], folders: Sequence[str] = ()) -> str:
    """Board code removing `files`, then the (empty) `folders`, in that order."""
    return f"_belay.rm({encode(list(files))},{encode(list(folders))})"


def make_dirs(folders: Sequence[str]) -> str:
    """Board code making each folder in order (parents first), those that exist left as they are."""
    return f"_belay.mk({encode(list(folders))})"


def receive_file(final: str, wire_length: int, data_length: int, compressed: bool) -> str:
    """Board code writing the file `final` from `wire_length` coded bytes (protocol/file_escaping) on its stdin.

    The file holds `data_length` bytes (zlib-inflated first when `compressed`); it is written to a temporary
    and moved into place whole. The board grants credit with the grant byte as it reads (see sync/wire.py).
    """
    return f"_belay.u({encode(final)},{int(wire_length)},{int(data_length)},{int(bool(compressed))})"


def move_into_place(moves: Sequence[tuple[str, str, int]]) -> str:
    """Board code checking each ``(temporary, final, size)`` temporary holds `size` bytes, then moving it to `final`.

    A temporary of the wrong size (a board that could not write it all) is removed and the code raises
    OSError; the moves before it stay done.
    """
    return (
        "def _belay_moves(moves):\n"
        " import os\n"
        " for t,f,n in moves:\n"
        "  if os.stat(t)[6]!=n:\n"
        "   _belay.rm([t],[])\n"
        "   raise OSError('the board wrote a short copy of '+f)\n"
        "  _belay.mv(t,f)\n"
        "try:\n"
        f" _belay_moves({encode([tuple(move) for move in moves])})\n"
        "finally:\n"
        " del _belay_moves\n"
    )


# -- the resident call dispatcher (board/dispatcher.py) -------------------------------------------------------------


def dispatcher_start() -> str:
    """Board code running the call dispatcher (installed from board/dispatcher.py), which then reads call frames.

    The first frame follows the code on stdin; the dispatcher reads frames until a byte that starts none.
    """
    return "_belay.D()"


# -- background jobs (board/background.py) ---------------------------------------------------------------


def install_background(source: str, nonce: str, file: str) -> str:
    """Board code installing the background jobs' helper `source` (``@@`` becoming the jobs' `nonce`), once.

    Compiled as `file` where the board has compile(). Raises ImportError on the board when it has no ``_thread``.
    """
    code = encode(source.replace("@@", nonce))
    return (
        "try:\n _belay_j\nexcept NameError:\n import _thread\n"
        " if not hasattr(_thread,'start_new_thread'):\n  raise ImportError('no module named _thread')\n"
        f" _belay_h={code}\n try:\n  _belay_h=compile(_belay_h,{encode(file)},'exec')\n except NameError:\n  pass\n"
        " exec(_belay_h)\n del _belay_h\n"
    )


def start_job(job_id: int, body: str, file: str) -> str:
    """Board code starting job `job_id`: `body` (a cell) run in a new thread, compiled as `file` where it can be."""
    source = encode(body)
    return (
        f"try:\n _belay_h=compile({source},{encode(file)},'exec')\nexcept NameError:\n _belay_h={source}\n"
        f"_belay_j.g({int(job_id)},_belay_h)\ndel _belay_h\n"
    )


def stop_job(job_id: int) -> str:
    """Board code asking job `job_id` to stop at its next print, reporting whether it still runs."""
    return result_of_call(f"_belay_j.K({int(job_id)})")


def job_reader() -> str:
    """A board expression for the jobs' idle reader: a generator writing their queued output (background.py)."""
    return "_belay_j.i()"
