"""The engine's board-side code as the host sends it: board sources by name, the helpers' parts minified."""

import functools
import hashlib
import importlib.resources

from attrs import frozen

from .minify import minify

#: The board helpers' parts, installed in this order; each is compiled on its own (see board/helpers.py).
HELPER_PARTS = ("helpers", "value_pieces", "board_info")


def board_source(name: str) -> str:
    """The source of ``belay_engine/board/<name>.py``, as it is."""
    return importlib.resources.files("belay_engine.board").joinpath(f"{name}.py").read_text()


@functools.cache
def helper_parts() -> tuple[str, ...]:
    """The board helpers' parts, minified once per process (it takes longer than connecting to the virtual board)."""
    return tuple(minify(board_source(name)) for name in HELPER_PARTS)


#: Where the board keeps the engine's helpers between connections (`device.sync` to ``/`` keeps it by default).
MODULE_FOLDER = "/.belay"
#: The kept helpers' file in `MODULE_FOLDER`; the startup files are named after their board source.
HELPER_MODULE_FILE = "helpers.py"
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


@functools.cache
def helper_module() -> HelperModule:
    """The helpers as a board file (board/helper_module.py filled in with the parts), and the kept startups.

    The parts go in with their ``@@`` (the board puts the connection's nonce there), so one file serves every
    connection; the board checks their digest before it installs them.
    """
    parts = helper_parts()
    digest = hashlib.sha256("".join(parts).encode()).digest()[:DIGEST_BYTES]
    kept = [(kept_source_path(name), minify(board_source(name)).encode()) for name in KEPT_SOURCES]
    template = minify(board_source("helper_module"))
    whole = hashlib.sha256(template.encode() + b"".join(part.encode() for part in parts))
    for _path, content in kept:
        whole.update(content)
    version = whole.hexdigest()[:8]
    text = (
        template.replace('"@VERSION@"', repr(version))
        .replace('b"@DIGEST@"', repr(digest))
        .replace('("@PARTS@",)', "(" + ",".join(repr(part) for part in parts) + ",)")
    )
    return HelperModule(version, (*kept, (f"{MODULE_FOLDER}/{HELPER_MODULE_FILE}", text.encode())))
