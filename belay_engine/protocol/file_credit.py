"""Sans-I/O credit window of a file transfer: which wire bytes may go to the board's file receiver, and when.

The board's receiver (``_belay_recv`` in ``board/sync_helpers.py``) reads the file from its stdin. The host
sends `FIRST_CREDIT` wire bytes with the command (any board's stdin buffer holds that much); each `GRANT` byte
the receiver writes to its stdout grants `GRANT_SIZE` more. The receiver reads `GRANT_SIZE` bytes at a time into
a buffer of `READ_AHEAD` bytes and grants ahead of its reads as far as that buffer has room beyond
`FIRST_CREDIT`: while it only reads (nothing slow, no allocation) up to ``READ_AHEAD + FIRST_CREDIT`` bytes are
on their way, so the link does not wait for a grant's round trip; when the buffer is full and the board inflates
or writes to flash (when it reads nothing), at most `FIRST_CREDIT` are, so its input buffer never overflows.
Each of its reads has the bytes it waits for on the way, so no read waits forever.
"""

from typing import Optional

from .control_bytes import GRANT

#: Wire bytes sent with the command, before the board runs it: what any board's stdin buffer holds.
FIRST_CREDIT = 192
#: One `GRANT` from the board grants this many more wire bytes, as it reads them.
GRANT_SIZE = 32
#: The board receiver's read buffer: while it only reads, it grants this many bytes beyond `FIRST_CREDIT`.
READ_AHEAD = 1024


def file_bytes_done(wire_sent: int, wire_size: int, file_size: int) -> int:
    """The file bytes that `wire_sent` of `wire_size` wire bytes stand for (compression and escapes scale them)."""
    if wire_sent >= wire_size:
        return file_size
    return file_size * wire_sent // wire_size


class FileCredit:
    """The host side of one transfer's flow control: feed it the board's stdout, send what it hands out.

    Parameters
    ----------
    wire : bytes
        The whole transfer as it goes on the wire (escaped, maybe compressed).
    piece : int, optional
        The most wire bytes in one chunk of `data_to_send` (so the sender can report progress, and be
        interrupted, between pieces of a large grant); None: no limit.
    """

    def __init__(self, wire: bytes, piece: Optional[int] = None):
        self._wire = wire
        self._piece = piece or len(wire) or 1
        self._sent = 0
        self._credit = 0
        self._outgoing: list[bytes] = []

    def first_chunk(self) -> bytes:
        """The bytes to send with the command (the first credit); call once, before any `receive_data`."""
        if self._sent:
            raise RuntimeError("the first chunk of this transfer has gone already")
        chunk = self._wire[:FIRST_CREDIT]
        self._sent = len(chunk)
        return chunk

    def receive_data(self, data: bytes) -> None:
        """Take the board's stdout: each `GRANT` in it lets `GRANT_SIZE` more wire bytes go."""
        self._credit += data.count(GRANT) * GRANT_SIZE
        while self._credit and self._sent < len(self._wire):
            chunk = self._wire[self._sent : self._sent + min(self._credit, self._piece)]
            self._sent += len(chunk)
            self._credit -= len(chunk)
            self._outgoing.append(chunk)

    def data_to_send(self) -> list[bytes]:
        """The wire bytes to write to the board's stdin now, in order (each returned once)."""
        outgoing, self._outgoing = self._outgoing, []
        return outgoing

    @property
    def wire_sent(self) -> int:
        """Wire bytes handed out so far (the first chunk included)."""
        return self._sent

    @property
    def complete(self) -> bool:
        """Whether every wire byte has been handed out."""
        return self._sent >= len(self._wire)
