r"""Sans-I/O sending of code to the raw REPL: plain (code + Ctrl-D) or raw paste, with its flow control.

Raw-paste mode (MicroPython 1.14 and later) lets the host send code of any size without overrunning the board's
input buffer. The host asks with ``\x05A\x01``; the board answers ``R\x01`` (raw paste starts), ``R\x00``
(understood, not supported) or, on a board older than the mode, takes the request as raw-REPL input, whose Ctrl-A
makes it print the raw REPL banner again. After ``R\x01`` comes the window size (2 bytes, little-endian): the host
may send that many bytes, and one more window for each ``\x01`` the board sends later. The host ends the code with
``\x04`` and the board acknowledges with ``\x04``; the board may also end the paste early with ``\x04`` (a syntax
error in what it has read), which the host acknowledges with ``\x04``. The reply follows without the plain raw
REPL's ``OK``.

`CodeSender` is only the protocol: the driver writes what `CodeSender.data_to_send` returns, reads, and passes
the bytes to `CodeSender.receive_data`, until `CodeSender.events_received` holds `CodeSent`.
"""

import struct
from typing import Optional

from attrs import frozen

from ..errors import ProtocolError
from .control_bytes import (
    ACKNOWLEDGEMENT,
    CTRL_D,
    RAW_PASTE_END,
    RAW_PASTE_REQUEST,
    RAW_PASTE_SUPPORTED,
    RAW_PASTE_UNSUPPORTED,
    RAW_PASTE_WINDOW_GRANT,
    RAW_PASTE_WINDOW_SIZE_BYTES,
    RAW_REPL_BANNER,
)

#: Code up to this size goes in one write in the plain raw REPL: every board's input buffer holds it.
PLAIN_WRITE_LIMIT = 256
#: Seconds between two writes of larger code in the plain raw REPL, which has no flow control: a small input
#: buffer keeps up.
PLAIN_WRITE_PAUSE = 0.01

_WINDOW_GRANT = RAW_PASTE_WINDOW_GRANT[0]
_PASTE_END = RAW_PASTE_END[0]

_ANSWER, _BANNER, _WINDOW, _PASTING, _ENDING, _SENT = range(6)
_AWAITED = {
    _ANSWER: "the answer to the raw-paste request",
    _BANNER: "the raw REPL banner after a raw-paste request",
    _WINDOW: "the raw-paste window size",
    _PASTING: "a raw-paste flow-control byte",
    _ENDING: "the end of a raw paste",
    _SENT: "nothing (the code is sent)",
}


@frozen
class CodeSent:
    """The code is on the board, once the driver has written everything `CodeSender.data_to_send` returned.

    Attributes
    ----------
    acknowledgement : bytes
        What the reply starts with: ``b"OK"`` in the plain raw REPL, ``b""`` after a raw paste.
    leftover : bytes
        Bytes received after the sender's part of the exchange: the start of the reply.
    """

    acknowledgement: bytes
    leftover: bytes = b""


class CodeSender:
    """Send `code` to an idle raw REPL, in raw-paste mode when it is large and the board may support it.

    Parameters
    ----------
    code : bytes
        The source to run.
    raw_paste_supported : bool or None
        What an earlier request found out (``None``: not asked yet). Code up to `PLAIN_WRITE_LIMIT` bytes, or any
        code when this is False, goes to the plain raw REPL without asking.
    """

    def __init__(self, code: bytes, raw_paste_supported: Optional[bool] = None):
        self._code = code
        self._position = 0  # of the next code byte to send in a raw paste
        self._window = 0
        self._allowed = 0  # bytes the board has room for now
        self._received = b""  # read, not yet consumed
        self._outgoing: list[bytes] = []
        self._events: list[CodeSent] = []
        #: What the board said about raw paste, once it answered (copy it into the next sender).
        self.raw_paste_supported = raw_paste_supported
        #: Seconds the driver waits between two writes of what `data_to_send` returns.
        self.write_pause = 0.0
        if len(code) <= PLAIN_WRITE_LIMIT or raw_paste_supported is False:
            self._send_plain(b"")
        else:
            self._state = _ANSWER
            self._outgoing.append(RAW_PASTE_REQUEST)

    @property
    def sent(self) -> bool:
        """Whether the exchange is over (`CodeSent` is queued, or was taken)."""
        return self._state == _SENT

    @property
    def awaited(self) -> str:
        """What the sender waits for from the board, for timeout messages."""
        return _AWAITED[self._state]

    def data_to_send(self) -> list[bytes]:
        """Take the bytes to write to the board, one write each, in order (see `write_pause`)."""
        outgoing, self._outgoing = self._outgoing, []
        return outgoing

    def events_received(self) -> list[CodeSent]:
        """Take the events so far: `CodeSent` once the code is sent."""
        events, self._events = self._events, []
        return events

    def receive_data(self, data: bytes) -> None:
        """Take bytes read from the board, however they are split.

        Raises
        ------
        ProtocolError
            A byte that has no place in a raw paste.
        """
        if self._state == _SENT:
            raise RuntimeError("the code is sent: what the board sends now is its reply, for the reply's framer")
        received = self._received + data
        self._received = b""
        if self._state == _ANSWER:
            if len(received) < len(RAW_PASTE_SUPPORTED):
                self._received = received
                return
            answer = received[: len(RAW_PASTE_SUPPORTED)]
            self.raw_paste_supported = answer == RAW_PASTE_SUPPORTED
            if answer == RAW_PASTE_SUPPORTED:
                received = received[len(answer) :]
                self._state = _WINDOW
            elif answer == RAW_PASTE_UNSUPPORTED:
                # Understood but unsupported: the board still waits for raw-REPL input.
                self._send_plain(received[len(answer) :])
                return
            else:
                # An old board took the request as input; its Ctrl-A re-entered the raw REPL, which prints the
                # banner: these bytes are the banner's start (or what came before it).
                self._state = _BANNER
        if self._state == _BANNER:
            end = received.find(RAW_REPL_BANNER)
            if end < 0:
                self._received = received[-(len(RAW_REPL_BANNER) - 1) :]  # what may be the banner's start
                return
            self._send_plain(received[end + len(RAW_REPL_BANNER) :])
            return
        if self._state == _WINDOW:
            if len(received) < RAW_PASTE_WINDOW_SIZE_BYTES:
                self._received = received
                return
            (self._window,) = struct.unpack("<H", received[:RAW_PASTE_WINDOW_SIZE_BYTES])
            if self._window == 0:
                raise ProtocolError("the board offered a raw-paste window of 0 bytes")
            self._allowed = self._window
            received = received[RAW_PASTE_WINDOW_SIZE_BYTES:]
            self._state = _PASTING
        for index, byte in enumerate(received):
            if byte == _WINDOW_GRANT:
                self._allowed += self._window  # once all code is sent, the board's last grants mean nothing
            elif byte == _PASTE_END:
                if self._state == _PASTING:
                    # The board ended the paste early (a syntax error in what it has read): acknowledge it.
                    self._outgoing.append(CTRL_D)
                self._finish(b"", received[index + 1 :])
                return
            else:
                raise ProtocolError(f"unexpected byte {bytes([byte])!r} during a raw paste")
        # Every flow-control byte of this read is counted before a write, so the writes are as large as allowed.
        self._send_allowed()

    def _send_allowed(self) -> None:
        if self._state != _PASTING:
            return
        chunk = self._code[self._position : self._position + self._allowed]
        if chunk:
            self._outgoing.append(chunk)
            self._position += len(chunk)
            self._allowed -= len(chunk)
        if self._position == len(self._code):
            self._outgoing.append(RAW_PASTE_END)
            self._state = _ENDING

    def _send_plain(self, leftover: bytes) -> None:
        code = self._code
        if len(code) <= PLAIN_WRITE_LIMIT:
            self._outgoing.append(code + CTRL_D)
        else:
            # No flow control here: paced writes of a size every board's input buffer holds.
            self._outgoing.extend(
                code[start : start + PLAIN_WRITE_LIMIT] for start in range(0, len(code), PLAIN_WRITE_LIMIT)
            )
            self._outgoing.append(CTRL_D)
            self.write_pause = PLAIN_WRITE_PAUSE
        self._finish(ACKNOWLEDGEMENT, leftover)

    def _finish(self, acknowledgement: bytes, leftover: bytes) -> None:
        self._state = _SENT
        self._events.append(CodeSent(acknowledgement, leftover))
