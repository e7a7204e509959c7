r"""Sans-I/O framing of one raw-REPL exec reply: bytes in, `Output`/`ErrorOutput`/`Finished` events out.

A reply is ``<acknowledgement> stdout \\x04 stderr \\x04 >``, where the acknowledgement is ``OK`` in the
plain raw REPL and nothing in raw-paste mode (its ``\\x04`` is consumed during the paste).

The board does not escape what the code prints, so a ``\\x04`` in stdout looks like the end of stdout. The framer
holds what follows as stderr until ``\\x04>`` confirms it; any other byte after the second ``\\x04`` shows one of
them was printed: the first, and the held bytes go out as stdout after all, unless they are a traceback (then
the second was in the exception's message). Code that prints ``\\x04...\\x04>`` itself still ends
the reply early: the raw REPL cannot tell that apart.
"""

from typing import Union

from attrs import frozen

from ..errors import ConnectionLost
from .control_bytes import ACKNOWLEDGEMENT, END_OF_OUTPUT, RAW_REPL_PROMPT, SOFT_REBOOT_MARKERS, TRACEBACK


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

    def __init__(self, acknowledgement: bytes = ACKNOWLEDGEMENT):
        self._acknowledgement = acknowledgement
        self._state = _ACKNOWLEDGE if acknowledgement else _STDOUT
        self._pending = b""
        self._stderr = b""

    @property
    def finished(self) -> bool:
        """Whether the closing prompt has been seen."""
        return self._state == _DONE

    @property
    def acknowledged(self) -> bool:
        """Whether the board has acknowledged the code (at once after a raw paste, which has no acknowledgement)."""
        return self._state != _ACKNOWLEDGE

    @property
    def running(self) -> bool:
        """Whether the board has acknowledged the code and not yet finished its stdout."""
        return self._state == _STDOUT

    def feed(self, data: bytes) -> list[Event]:
        """Consume `data` and return the events it completes.

        Raises
        ------
        ConnectionLost
            The board soft-rebooted instead of ending the reply: the code reset it.
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
        while True:
            if self._state == _STDOUT:
                end = data.find(END_OF_OUTPUT)
                if end < 0:
                    if data:
                        events.append(Output(data))
                    return events
                if end:
                    events.append(Output(data[:end]))
                data = data[end + 1 :]
                self._state = _STDERR
            if self._state == _STDERR:
                # Held, not passed on: these bytes are stdout after all if no prompt follows their end.
                end = data.find(END_OF_OUTPUT)
                if end < 0:
                    self._stderr += data
                    return events
                self._stderr += data[:end]
                data = data[end + 1 :]
                self._state = _PROMPT
            if self._state == _PROMPT:
                data = self._pending + data
                self._pending = b""
                if not data:
                    return events
                if data[:1] == RAW_REPL_PROMPT:
                    self._state = _DONE
                    if self._stderr:
                        events.append(ErrorOutput(self._stderr))
                    self._stderr = b""
                    events.append(Finished(data[1:]))
                    return events
                if not self._stderr and _starts_a_soft_reboot(data):
                    if not any(data.startswith(marker) for marker in SOFT_REBOOT_MARKERS):
                        self._pending = data  # a reboot message cut by the chunking: wait for the rest
                        return events
                    self._state = _DONE
                    raise ConnectionLost(
                        "the board reset itself (soft reboot) while the code ran; its RAM state is gone: "
                        "call reconnect() to restore it"
                    )
                self._state = _STDERR
                if self._stderr.startswith(TRACEBACK):
                    self._stderr += END_OF_OUTPUT  # printed in the exception's message: the traceback goes on
                    continue
                # The first \x04 was printed by the code: it and the held bytes are stdout; this \x04 may end it.
                events.append(Output(END_OF_OUTPUT + self._stderr))
                self._stderr = b""
                continue
            return events


def _starts_a_soft_reboot(data: bytes) -> bool:
    return any(data.startswith(marker) or marker.startswith(data) for marker in SOFT_REBOOT_MARKERS)
