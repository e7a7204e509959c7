r"""Sans-I/O splitting of board output into free text and the engine's records, however it is chunked.

A record is ``\\x1e<nonce><kind><payload>\\x1f`` (see ``board/helpers.py``; the kinds are in
`control_bytes`). The nonce is random per connection, so text that user code prints can never be taken for a
record.

A stream's numbers come several to a record (kind `NUMBERS`): `numbers_of` reads its payload.
"""

from typing import Optional, Union

from ..errors import NotBelayResponseError
from .control_bytes import NUMBER_SEPARATOR, RECORD_END, RECORD_START

Record = tuple[int, bytes]


class RecordParser:
    """Split board output into free text (``bytes``) and records (``(kind, payload)``), however it is chunked.

    Parameters
    ----------
    nonce : bytes
        The connection's nonce, as installed in the board helpers.
    """

    def __init__(self, nonce: bytes):
        self._marker = RECORD_START + nonce
        self._payload_offset = len(self._marker) + 1
        self._pending = b""
        # The parts of a record whose end has not arrived yet (a big value comes in many chunks): each new
        # chunk is searched once, never the whole record again.
        self._open: Optional[list[bytes]] = None

    def feed(self, data: bytes) -> list[Union[bytes, Record]]:
        """Consume `data`; return free text and complete records in order."""
        items: list[Union[bytes, Record]] = []
        if self._open is not None:
            end = data.find(RECORD_END)
            if end < 0:
                self._open.append(data)
                return items
            self._open.append(data[:end])
            record, self._open = b"".join(self._open) + RECORD_END, None
            items.append((record[len(self._marker)], record[self._payload_offset : -1]))
            data = data[end + 1 :]
        if self._pending:
            data = self._pending + data
            self._pending = b""
        marker = self._marker
        if RECORD_START not in data:
            if data:
                items.append(data)
            return items
        position = 0
        while True:
            start = data.find(marker, position)
            if start < 0:
                break
            if start > position:
                items.append(data[position:start])
            end = data.find(RECORD_END, start)
            if end < 0:
                # A record cut by the chunking: collect it until its end arrives.
                self._open = [data[start:]]
                return items
            items.append((data[start + len(marker)], data[start + self._payload_offset : end]))
            position = end + 1
        tail = data[position:] if position else data
        # Hold back what may be the start of a record cut by the chunking; pass everything else on now.
        cut = tail.rfind(RECORD_START)
        if cut >= 0 and marker.startswith(tail[cut:]):
            self._pending = tail[cut:]
            tail = tail[:cut]
        if tail:
            items.append(tail)
        return items

    def sole_record(self, data: bytes) -> Optional[Record]:
        """The record `data` is, where it is exactly one whole record and nothing is held back; else None.

        A fast path for the usual chunk (a call's value record alone): `feed` would return the same one record
        and keep no state. With None nothing is consumed: feed `data` as usual.
        """
        marker = self._marker
        if (
            self._open is None
            and not self._pending
            and data.startswith(marker)
            and data.find(RECORD_END, len(marker)) == len(data) - 1
        ):
            return data[len(marker)], data[self._payload_offset : -1]
        return None

    def flush(self) -> bytes:
        """Return held-back bytes once the board has finished (they were not a record after all).

        A record that was started but never ended (the board raised while writing a big value piece by
        piece) is dropped: it is the engine's, not output of the user's code.
        """
        pending, self._pending, self._open = self._pending, b"", None
        return pending


#: The bytes of an int's repr; a number's repr with anything else is a float's (``1.5``, ``1e+30``, ``inf``, ``nan``).
_INT_BYTES = b"-0123456789"


def numbers_of(payload: bytes) -> list[Union[int, float]]:
    """The ints and floats of a `NUMBERS` record, in order.

    Raises
    ------
    NotBelayResponseError
        A piece that is no int or float repr (never from the board's helpers).
    """
    pieces = payload.split(NUMBER_SEPARATOR)
    try:
        return [int(piece) for piece in pieces]  # the usual stream: all ints
    except ValueError:
        pass
    try:
        return [float(piece) if piece.strip(_INT_BYTES) else int(piece) for piece in pieces]
    except ValueError:
        raise NotBelayResponseError(f"a numbers record with a piece that is no number: {payload[:60]!r}") from None
