"""Whole-file writes through a transport's own file protocol (WebREPL's put), where the link has one.

Each file goes to a temporary name beside its final one; the renames happen on the board through the REPL
once the files are whole, so a transfer cut short leaves every board file old or new, never truncated.
"""

from typing import Any, Callable, Optional

from attrs import define, field

from ..board_calls import move_into_place

TEMPORARY_SUFFIX = ".belay-tmp"


def file_transport(device: Any, name: str) -> Any:
    """The device's transport if it can put and get board file `name` itself (and its temporary), else None."""
    repl = device._repl
    accepts = getattr(repl.transport, "accepts_file_name", None) if repl is not None else None
    if accepts is None or not accepts(name + TEMPORARY_SUFFIX):
        return None
    return repl.transport


def rename_code(moves: list[tuple[str, str, int]]) -> str:
    """Board code that checks each temporary holds its size, then moves it into place (needs `sync_helpers`).

    A temporary of the wrong size (a board that could not write it all) is removed and the code raises.
    """
    return move_into_place(moves)


@define
class FileWriter:
    """Puts files to their temporaries through the transport, and renames them all with `finish`.

    Parameters
    ----------
    device : Device
        The connected device; its sync helpers must be installed for `finish`.
    on_sent : callable, optional
        Told how many file bytes reached the link, as they do.
    """

    device: Any
    on_sent: Optional[Callable[[int], None]] = None
    _moves: list[tuple[str, str, int]] = field(factory=list)

    def write(self, path: str, data: bytes) -> bool:
        """Put `data` to the temporary of board file `path`; False if the transport cannot (the REPL must)."""
        transport = file_transport(self.device, path)
        if transport is None:
            return False
        temporary = path + TEMPORARY_SUFFIX
        with self.device._wire() as repl:
            repl.transport.put_file(temporary, data, on_sent=self.on_sent)
        self._moves.append((temporary, path, len(data)))
        return True

    def finish(self) -> None:
        """Move every file written so far into place, in one exchange."""
        moves, self._moves = self._moves, []
        if moves:
            self.device._execute(rename_code(moves))
