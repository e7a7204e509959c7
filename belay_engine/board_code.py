"""The engine's board-side code as the host sends it: the helpers' install code and board sources by name."""

import functools
import importlib.resources

from .minify import minify
from .tracebacks import ENGINE_FILE

#: The board helpers' parts, installed in this order; each is compiled on its own (see board/helpers.py).
HELPER_PARTS = ("helpers", "value_pieces", "board_info")


def board_source(name: str) -> str:
    """The source of ``belay_engine/board/<name>.py``, as it is."""
    return importlib.resources.files("belay_engine.board").joinpath(f"{name}.py").read_text()


@functools.cache
def _helper_parts() -> tuple[str, ...]:
    # Minified once per process: it takes longer than connecting to the virtual board.
    return tuple(minify(board_source(name)) for name in HELPER_PARTS)


def helper_install_code(nonce: str) -> str:
    """Board code installing the helpers for records under `nonce`; it reports the board facts and compile()'s presence.

    Each part is compiled as `ENGINE_FILE` where the board has compile(); without it, exec() names the helpers'
    frames ``<string>``: never taken for user code either.
    """
    parts = ",".join(repr(part.replace("@@", nonce)) for part in _helper_parts())
    # Collecting garbage before each compile lets the helpers' code settle low in the heap, leaving the free
    # space above it in one piece for big values.
    return (
        f"for _belay_h in ({parts}):\n __import__('gc').collect()\n try:\n"
        f"  _belay_h=compile(_belay_h,{ENGINE_FILE!r},'exec')\n except NameError:\n  pass\n exec(_belay_h)\n"
        "del _belay_h\n__import__('gc').collect()\n"
    )
