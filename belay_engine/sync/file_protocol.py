"""Whole-file writes through a transport's own file protocol (WebREPL's put), where the link has one.

Each file goes to a temporary name beside its final one; the renames happen on the board through the REPL
once the files are whole, so a transfer cut short leaves every board file old or new, never truncated.
"""

from typing import TYPE_CHECKING, Any, Callable, Optional

from attrs import define, field

if TYPE_CHECKING:
    from ..session import Session
from ..board_calls import move_into_place

TEMPORARY_SUFFIX = ".belay-tmp"


def file_transport(session: "Session", name: str) -> Any:
    """The session's transport if it can put and get board file `name` itself (and its temporary), else None."""
    transport = session.repl.transport
    accepts = getattr(transport, "accepts_file_name", None)
    if accepts is None or not accepts(name + TEMPORARY_SUFFIX):
        return None
    return transport


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
    session : Session
        The connection; its sync helpers must be installed for `finish`.
    on_sent : callable, optional
        Told how many file bytes reached the link, as they do.
    """

    session: "Session"
    on_sent: Optional[Callable[[int], None]] = None
    _moves: list[tuple[str, str, int]] = field(factory=list)

    def write(self, path: str, data: bytes) -> bool:
        """Put `data` to the temporary of board file `path`; False if the transport cannot (the REPL must)."""
        transport = file_transport(self.session, path)
        if transport is None:
            return False
        temporary = path + TEMPORARY_SUFFIX
        with self.session.hold() as repl:
            repl.transport.put_file(temporary, data, on_sent=self.on_sent)
        self._moves.append((temporary, path, len(data)))
        return True

    def finish(self) -> None:
        """Move every file written so far into place, in one exchange."""
        moves, self._moves = self._moves, []
        if moves:
            self.session.run(rename_code(moves))
