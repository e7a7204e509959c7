"""Where the code a Device sent to the board came from on the host, so board tracebacks point back there."""

from typing import Optional

from attrs import define, evolve, field

from .board_calls import run_located
from .errors import PyboardException
from .source import function_spans
from .tracebacks import SourceLocation, exception_name, map_traceback


@define
class SourceMap:
    """The host origins of board code, kept across the connections of one Device.

    Where the board has compile(), host code is compiled there under its host file name (`locate`), so its
    frames name the host file and line themselves; otherwise the functions it defines are remembered by name
    and their ``<stdin>`` frames are mapped back.
    """

    functions: dict[str, SourceLocation] = field(factory=dict)
    host_files: set[str] = field(factory=set)

    def remember_functions(self, code: str, location: SourceLocation) -> None:
        """Map the frames of the functions `code` defines to their lines in `location`."""
        for name, span in function_spans(code).items():
            self.functions[name] = evolve(location, span=span)

    def remember_function(self, name: str, location: Optional[SourceLocation]) -> None:
        """Map `name`'s frames to `location`; None: its frames name the host file themselves."""
        if location is None:
            self.functions.pop(name, None)
        else:
            self.functions[name] = location

    def locate(self, code: str, location: SourceLocation) -> str:
        """`code` from host `location` compiled on the board under the host file name, placed at its host line.

        Every frame it makes (also of functions it defines, called later) and a syntax error the board alone
        finds then name the host file and line. The lines the engine put in front of the code run as they are.
        Only for boards with compile().
        """
        self.host_files.add(location.file)
        parts = code.split("\n", location.lines_added)
        body = parts.pop()
        return "\n".join([*parts, run_located(body, location.file, location.first_line)])

    def exception(self, stderr: bytes, module: Optional[SourceLocation] = None) -> PyboardException:
        """The exception for a board traceback, with its frames mapped to host files and lines."""
        text = stderr.decode("utf-8", "replace")
        mapped = map_traceback(text, self.functions, module, host_files=self.host_files)
        return PyboardException(mapped, exception_name(text))
