"""The engine's board-side code as the host sends it: board sources by name, the helpers' parts minified."""

import functools
import importlib.resources

from .minify import minify

#: The board helpers' parts, installed in this order; each is compiled on its own (see board/helpers.py).
HELPER_PARTS = ("helpers", "value_pieces", "display", "board_info")


def board_source(name: str) -> str:
    """The source of ``belay_engine/board/<name>.py``, as it is."""
    return importlib.resources.files("belay_engine.board").joinpath(f"{name}.py").read_text()


@functools.cache
def helper_parts() -> tuple[str, ...]:
    """The board helpers' parts, minified once per process (it takes longer than connecting to the virtual board)."""
    return tuple(minify(board_source(name)) for name in HELPER_PARTS)
