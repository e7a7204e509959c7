"""A board traceback as IPython shows one in a notebook: ANSI colours, and the source line under each frame."""

import re
from typing import Callable, Optional

RED = "\x1b[91m"
GREEN = "\x1b[32m"
BRIGHT_GREEN = "\x1b[92m"
CYAN = "\x1b[36m"
BRIGHT_CYAN = "\x1b[96m"
RESET = "\x1b[39m"

_HEADER = "Traceback (most recent call last):"
_FRAME = re.compile(r'^(?P<indent>\s*)File "(?P<file>[^"]*)", line (?P<line>\d+)(?:, in (?P<name>\S+))?\s*$')

#: Returns the source of line `line` (1-based) of host file or cell `file`, or None when it is not known.
SourceLookup = Callable[[str, int], Optional[str]]


def exception_value(text: str, name: str) -> str:
    """The message of exception `name` in a board traceback (``"divide by zero"``), or ``""``."""
    lines = text.rstrip("\n").splitlines()
    for index, line in enumerate(lines):
        if line.startswith(f"{name}:"):
            return "\n".join([line[len(name) + 1 :].strip(), *lines[index + 1 :]]).strip()
    return ""


def render_traceback(text: str, name: str, source_of: SourceLookup) -> list[str]:
    """The `traceback` field of a Jupyter error message for the board traceback `text` of exception `name`.

    Each frame is one entry, its source line under it: from `source_of` (the kernel's cells) when it knows
    the file, else the line the engine already put under the frame. Colours follow IPython's default theme.
    """
    lines = text.rstrip("\n").splitlines()
    rendered = [f"{RED}{'-' * 75}{RESET}", f"{RED}{name}{RESET}{' ' * max(1, 42 - len(name))}{_HEADER[:-1]}"]
    index = 1 if lines and lines[0].strip() == _HEADER else 0
    while index < len(lines):
        frame = _FRAME.match(lines[index])
        if frame is None:
            break
        index += 1
        given = None
        if index < len(lines) and _is_source_of(lines[index], frame):
            given = lines[index].strip()
            index += 1
        rendered.append(_render_frame(frame, source_of(frame["file"], int(frame["line"])) or given))
    rendered.extend(_render_exception(lines[index:], name))
    return rendered


def _is_source_of(line: str, frame: re.Match) -> bool:
    """Whether `line` is the source line the engine put under `frame` (indented deeper, not a frame)."""
    indent = len(line) - len(line.lstrip())
    return bool(line.strip()) and indent > len(frame["indent"]) and _FRAME.match(line) is None


def _render_frame(frame: re.Match, source: Optional[str]) -> str:
    where = f"{BRIGHT_CYAN}File {RESET}{GREEN}{frame['file']}:{frame['line']}{RESET}"
    if frame["name"] and frame["name"] != "<module>":
        where += f", in {CYAN}{frame['name']}{RESET}"
    if not source:
        return where + "\n"
    return f"{where}\n{BRIGHT_GREEN}----> {frame['line']}{RESET} {source.strip()}\n"


def _render_exception(lines: list[str], name: str) -> list[str]:
    if not lines:
        return [f"{RED}{name}{RESET}"]
    first = lines[0]
    if first.startswith(name):
        first = f"{RED}{name}{RESET}{first[len(name) :]}"
    return ["\n".join([first, *lines[1:]])]
