"""A board traceback as IPython shows one in a notebook: ANSI colours, and the source line under each frame."""

from typing import Callable, Optional

from belay_engine.tracebacks import TRACEBACK_HEADER, BoardError, BoardFrame

RED = "\x1b[91m"
GREEN = "\x1b[32m"
BRIGHT_GREEN = "\x1b[92m"
CYAN = "\x1b[36m"
BRIGHT_CYAN = "\x1b[96m"
RESET = "\x1b[39m"

#: Returns the source of line `line` (1-based) of host file or cell `file`, or None when it is not known.
SourceLookup = Callable[[str, int], Optional[str]]


def render_traceback(error: BoardError, name: str, source_of: SourceLookup) -> list[str]:
    """The `traceback` field of a Jupyter error message for the board traceback `error`, shown as exception `name`.

    Each frame is one entry, its source line under it: from `source_of` (the kernel's cells) when it knows
    the file, else the line the engine already put under the frame. Colours follow IPython's default theme.
    """
    rendered = [f"{RED}{'-' * 75}{RESET}", f"{RED}{name}{RESET}{' ' * max(1, 42 - len(name))}{TRACEBACK_HEADER[:-1]}"]
    for frame in error.frames:
        source = source_of(frame.file, frame.line) if frame.line is not None else None
        rendered.append(_render_frame(frame, source or frame.source))
    rendered.append(_render_exception(error, name))
    return rendered


def _render_frame(frame: BoardFrame, source: Optional[str]) -> str:
    place = frame.file if frame.line is None else f"{frame.file}:{frame.line}"
    where = f"{BRIGHT_CYAN}File {RESET}{GREEN}{place}{RESET}"
    if frame.function and frame.function != "<module>":
        where += f", in {CYAN}{frame.function}{RESET}"
    if not source:
        return where + "\n"
    return f"{where}\n{BRIGHT_GREEN}----> {frame.line}{RESET} {source.strip()}\n"


def _render_exception(error: BoardError, name: str) -> str:
    if error.name is None:
        return error.message or f"{RED}{name}{RESET}"
    return f"{RED}{error.name}{RESET}" + (f": {error.message}" if error.message else "")
