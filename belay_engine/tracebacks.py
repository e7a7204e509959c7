"""Pure mapping of board tracebacks to the host files and lines the code came from.

Where the board has ``compile()``, host code is compiled there under its host file name (the board helper
`RUNNER` does it), so its frames already name the host file and line: they only get their source line, and
the two frames of the engine's plumbing go. Otherwise frames say ``File "<stdin>", line N``: they are mapped
by the function's name (or, for top-level code, by the command's location). The engine's own helpers run as
`ENGINE_FILE` (or ``<string>`` on boards without compile; the parts a board keeps as source modules, imported on
first use, name their file in ``/.belay``), so their frames are never taken for user code.

`parse_board_traceback` is the one reader of a board traceback's parts (its frames, the exception's name and
message): the engine's errors, proxies, the kernel and the widgets all take them from its `BoardError`.
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
# A frame as MicroPython and CircuitPython print it; boards built without source lines leave out ", line N".
_BOARD_FRAME = re.compile(r'^(?P<indent>\s+)File "(?P<file>[^"]*)"(?:, line (?P<line>\d+))?(?:, in (?P<name>\S+))?\s*$')
# "Name: message" or a bare "Name"; builtin exceptions print no module, others may (``ure.error``).
_EXCEPTION_LINE = re.compile(r"^(?P<name>[A-Za-z_][\w.]*)(?::(?P<message>.*))?$")
#: The line that opens a traceback (CircuitPython's translated builds print it in their language).
TRACEBACK_HEADER = "Traceback (most recent call last):"


@frozen
class BoardFrame:
    """One frame of a board traceback.

    Attributes
    ----------
    file : str
        The file the board names (``<stdin>``, a board file, or the host file the engine compiled code under).
    line : int, optional
        The line in that file; None on boards built without source lines.
    function : str, optional
        The function's name (``<module>`` for top-level code); None for a syntax error's frame.
    source : str, optional
        The source line printed under the frame (the engine's mapping puts the host line there), stripped.
    """

    file: str
    line: Optional[int]
    function: Optional[str] = None
    source: Optional[str] = None


@frozen
class BoardError:
    """What a board traceback says: where it was raised and which exception.

    Attributes
    ----------
    name : str, optional
        The exception's name (``"NameError"``, ``"ure.error"``); None when the text ends in no exception line.
    message : str
        The exception's message, over all its lines (``""`` for none); without a `name`, whatever text follows
        the frames.
    frames : tuple of BoardFrame
        The frames, outermost first.
    """

    name: Optional[str]
    message: str = ""
    frames: tuple[BoardFrame, ...] = ()

    @property
    def exception_text(self) -> str:
        """The exception as the traceback's last lines show it: ``"ValueError: bad value"``, or ``"KeyError"``."""
        if self.name is None:
            return self.message
        return f"{self.name}: {self.message}" if self.message else self.name


def parse_board_traceback(text: str) -> BoardError:
    """Read a board traceback (as the board printed it, or mapped by `map_traceback`) into its parts.

    The traceback starts at its header line or, where the header is missing or translated, at its first frame;
    text before it is not part of it. Frames and the indented lines under them come next; the first line that
    is not indented is the exception's: its name, then after ``": "`` its message, which goes on over every
    line after it (a message may itself hold ``": "``, newlines and indented lines).

    Parameters
    ----------
    text : str
        The board's error output.

    Returns
    -------
    BoardError
        Its frames, and the exception's name and message (no name for text that ends in no exception line).
    """
    lines = text.rstrip().splitlines()
    start = next(
        (index for index, line in enumerate(lines) if line.strip() == TRACEBACK_HEADER or _BOARD_FRAME.match(line)),
        None,
    )
    index = 0
    if start is not None:
        index = start + (lines[start].strip() == TRACEBACK_HEADER)
    frames: list[BoardFrame] = []
    frame_indent = None
    while index < len(lines) and (not lines[index].strip() or lines[index][0] in " \t"):
        line = lines[index]
        index += 1
        match = _BOARD_FRAME.match(line)
        if match is not None:
            number = int(match["line"]) if match["line"] else None
            frames.append(BoardFrame(match["file"], number, match["name"]))
            frame_indent = len(match["indent"])
        elif frames and frames[-1].source is None and frame_indent is not None and _indent(line) > frame_indent:
            frames[-1] = BoardFrame(frames[-1].file, frames[-1].line, frames[-1].function, line.strip())
            frame_indent = None  # one source line per frame; deeper lines after it are not the frame's
    rest = lines[index:]
    if not rest:
        return BoardError(None, "", tuple(frames))
    match = _EXCEPTION_LINE.match(rest[0])
    if match is None:
        return BoardError(None, "\n".join(rest), tuple(frames))
    first = match["message"] or ""
    message = "\n".join([first[1:] if first.startswith(" ") else first, *rest[1:]])
    return BoardError(match["name"], message, tuple(frames))


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


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
    return parse_board_traceback(text).name
