"""Pure mapping of board tracebacks: ``File "<stdin>", line N`` back to the host file and line of the code."""

import linecache
import re
from collections.abc import Mapping
from typing import Optional

from attrs import frozen

_FRAME = re.compile(r'^(?P<indent>\s*)File "<stdin>", line (?P<line>\d+), in (?P<name>\S+)\s*$')
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
    """

    file: str
    first_line: int
    lines_added: int = 0

    def host_line(self, board_line: int) -> Optional[int]:
        """The host line of `board_line`, or None for a line the engine added."""
        if board_line <= self.lines_added:
            return None
        return self.first_line + board_line - 1 - self.lines_added


def map_traceback(text: str, functions: Mapping[str, SourceLocation], module: Optional[SourceLocation] = None) -> str:
    """Rewrite the ``<stdin>`` frames of a board traceback to the host lines they came from.

    Parameters
    ----------
    text : str
        The traceback as the board printed it.
    functions : Mapping[str, SourceLocation]
        Where each function sent to the board was defined, by name.
    module : SourceLocation, optional
        Where the top-level code of the failing command came from (a setup body, a notebook cell).

    Returns
    -------
    str
        The traceback with mapped frames followed by their host source line, as Python prints them.
    """
    mapped = []
    for line in text.splitlines():
        frame = _FRAME.match(line)
        location = None
        if frame:
            name = frame["name"]
            location = module if name == "<module>" else functions.get(name)
        host_line = location.host_line(int(frame["line"])) if location else None
        if host_line is None:
            mapped.append(line)
            continue
        mapped.append(f'{frame["indent"]}File "{location.file}", line {host_line}, in {frame["name"]}')
        source = linecache.getline(location.file, host_line).strip()
        if source:
            mapped.append(f'{frame["indent"]}  {source}')
    return "\n".join(mapped) + ("\n" if text.endswith("\n") else "")


def exception_name(text: str) -> Optional[str]:
    """The name of the exception a board traceback ends with (``"NameError"``), if any."""
    for line in reversed(text.strip().splitlines()):
        if line.startswith((" ", "\t", "Traceback")):
            continue
        match = _EXCEPTION_NAME.match(line)
        return match["name"] if match else None
    return None
