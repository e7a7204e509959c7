"""Pure mapping of board tracebacks to the host files and lines the code came from.

Where the board has ``compile()``, host code is compiled there under its host file name (the board helper
`RUNNER` does it), so its frames already name the host file and line: they only get their source line, and
the two frames of the engine's plumbing go. Otherwise frames say ``File "<stdin>", line N``: they are mapped
by the function's name (or, for top-level code, by the command's location). The engine's own helpers run as
`ENGINE_FILE` (or ``<string>`` on boards without compile), so their frames are never taken for user code.
"""

import linecache
import re
from collections.abc import Collection, Mapping
from typing import Optional

from attrs import frozen

#: The file name the engine's board helpers are compiled under.
ENGINE_FILE = "<belay>"
#: The board helper that runs host code under its host file name (``_belay.c``).
RUNNER = "c"

_STDIN = "<stdin>"
_FRAME = re.compile(r'^(?P<indent>\s*)File "(?P<file>[^"]*)", line (?P<line>\d+)(?:, in (?P<name>\S+))?\s*$')
_EXCEPTION_NAME = re.compile(r"^(?P<name>[A-Za-z_][\w.]*)(?::|$)")


@frozen
class SourceLocation:
    """Where board code came from on the host.

    Attributes
    ----------
    file : str
        Host file name (or the ``linecache`` name of a notebook cell).
    first_line : int
        Host line number of the code's first line.
    lines_added : int
        Lines the engine put in front of the code before sending it (they map to no host line).
    span : tuple[int, int], optional
        The first and last board line this location covers (a function within a longer command); frames
        on other lines are not this code's.
    """

    file: str
    first_line: int
    lines_added: int = 0
    span: Optional[tuple[int, int]] = None

    def host_line(self, board_line: int) -> Optional[int]:
        """The host line of `board_line`, or None for a line the engine added or outside `span`."""
        if board_line <= self.lines_added:
            return None
        if self.span is not None and not self.span[0] <= board_line <= self.span[1]:
            return None
        return self.first_line + board_line - 1 - self.lines_added


def _is_runner(frame: Optional[re.Match]) -> bool:
    return frame is not None and frame["file"] == ENGINE_FILE and frame["name"] == RUNNER


def _plumbing(frames: list[Optional[re.Match]]) -> set[int]:
    """Indices of the frames of the engine's runner call: ``<stdin>`` calling `RUNNER` that called user code."""
    hidden = set()
    for index in range(len(frames) - 2):
        caller, runner, user = frames[index : index + 3]
        if caller is not None and caller["file"] == _STDIN and _is_runner(runner) and user is not None:
            hidden.update((index, index + 1))
    return hidden


def _render(indent: str, file: str, line: int, name: Optional[str]) -> list[str]:
    rendered = [f'{indent}File "{file}", line {line}' + (f", in {name}" if name else "")]
    source = linecache.getline(file, line).strip()
    if source:
        rendered.append(f"{indent}  {source}")
    return rendered


def map_traceback(
    text: str,
    functions: Mapping[str, SourceLocation],
    module: Optional[SourceLocation] = None,
    *,
    host_files: Collection[str] = (),
) -> str:
    """Rewrite a board traceback to point at the host lines its code came from, with those lines shown.

    Parameters
    ----------
    text : str
        The traceback as the board printed it.
    functions : Mapping[str, SourceLocation]
        Where each function the board knows as ``<stdin>`` code was defined, by name.
    module : SourceLocation, optional
        Where the ``<stdin>`` top-level code of the failing command came from (a setup body, a notebook cell).
    host_files : collection of str
        Host files (or cell names) the board compiled code under: their frames are already right.

    Returns
    -------
    str
        The traceback with host frames followed by their host source line, as Python prints them.
    """
    lines = text.splitlines()
    frames = [_FRAME.match(line) for line in lines]
    hidden = _plumbing(frames)
    mapped = []
    for index, (line, frame) in enumerate(zip(lines, frames)):
        if index in hidden:
            continue
        if frame is None:
            mapped.append(line)
            continue
        file, board_line, name = frame["file"], int(frame["line"]), frame["name"]
        if file == _STDIN:
            location = module if name in (None, "<module>") else functions.get(name)
            host_line = location.host_line(board_line) if location else None
            if host_line is not None:
                mapped += _render(frame["indent"], location.file, host_line, name)
                continue
        elif file in host_files:
            mapped += _render(frame["indent"], file, board_line, name)
            continue
        mapped.append(line)
    return "\n".join(mapped) + ("\n" if text.endswith("\n") else "")


def exception_name(text: str) -> Optional[str]:
    """The name of the exception a board traceback ends with (``"NameError"``), if any."""
    lines = text.strip().splitlines()
    frames = [number for number, line in enumerate(lines) if line.startswith("  File ")]
    if frames:
        # The exception's line follows the last frame and its indented source line; its message may go on
        # over more lines, which are not the exception's name.
        for line in lines[frames[-1] + 1 :]:
            if not line.startswith((" ", "\t")):
                match = _EXCEPTION_NAME.match(line)
                return match["name"] if match else None
        return None
    for line in reversed(lines):
        if line.startswith((" ", "\t", "Traceback")):
            continue
        match = _EXCEPTION_NAME.match(line)
        return match["name"] if match else None
    return None
