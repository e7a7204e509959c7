r"""Sans-I/O framing of one raw-REPL exec reply: bytes in, `Output`/`ErrorOutput`/`Finished` events out.

A reply is ``<acknowledgement> stdout \\x04 stderr \\x04 >``, where the acknowledgement is ``OK`` in the
plain raw REPL and nothing in raw-paste mode (its ``\\x04`` is consumed during the paste).
"""

from typing import Union

from attrs import frozen

from ..errors import ProtocolError


@frozen
class Output:
    """Bytes the code printed (stdout), in arrival order."""

    data: bytes


@frozen
class ErrorOutput:
    """Bytes of the board's traceback (stderr)."""

    data: bytes


@frozen
class Finished:
    """The reply is complete; `leftover` holds bytes that arrived after the closing prompt."""

    leftover: bytes = b""


Event = Union[Output, ErrorOutput, Finished]

_ACKNOWLEDGE, _STDOUT, _STDERR, _PROMPT, _DONE = range(5)


class RawReplFramer:
    """Turn the bytes of one exec reply into events, however the bytes are split.

    Parameters
    ----------
    acknowledgement : bytes
        What the board sends before running the code (``b"OK"``, or ``b""`` after a raw paste).
    """

    def __init__(self, acknowledgement: bytes = b"OK"):
        self._acknowledgement = acknowledgement
        self._state = _ACKNOWLEDGE if acknowledgement else _STDOUT
        self._pending = b""

    @property
    def finished(self) -> bool:
        """Whether the closing prompt has been seen."""
        return self._state == _DONE

    @property
    def running(self) -> bool:
        """Whether the board has acknowledged the code and not yet finished its stdout."""
        return self._state == _STDOUT

    def feed(self, data: bytes) -> list[Event]:
        """Consume `data` and return the events it completes.

        Raises
        ------
        ProtocolError
            The bytes cannot be part of a raw-REPL reply.
        """
        events: list[Event] = []
        if self._state == _ACKNOWLEDGE:
            data = self._pending + data
            start = data.find(self._acknowledgement)
            if start < 0:
                # Keep what could be the start of the acknowledgement; anything before it is stray output
                # (a board thread printing between commands), which is passed on rather than lost.
                keep = len(self._acknowledgement) - 1
                stray, self._pending = data[: len(data) - keep], data[len(data) - keep :]
                if stray:
                    events.append(Output(stray))
                return events
            if start:
                events.append(Output(data[:start]))
            data = data[start + len(self._acknowledgement) :]
            self._pending = b""
            self._state = _STDOUT
        if self._state == _STDOUT:
            end = data.find(b"\x04")
            if end < 0:
                if data:
                    events.append(Output(data))
                return events
            if end:
                events.append(Output(data[:end]))
            data = data[end + 1 :]
            self._state = _STDERR
        if self._state == _STDERR:
            end = data.find(b"\x04")
            if end < 0:
                if data:
                    events.append(ErrorOutput(data))
                return events
            if end:
                events.append(ErrorOutput(data[:end]))
            data = data[end + 1 :]
            self._state = _PROMPT
        if self._state == _PROMPT and data:
            if data[:1] != b">":
                raise ProtocolError(f"expected the raw REPL prompt b'>' after a reply, got {data[:40]!r}")
            self._state = _DONE
            events.append(Finished(data[1:]))
        return events
