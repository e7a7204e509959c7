"""Telnet's in-band commands (RFC 854, RFC 855) without I/O: split a byte stream into data and commands.

The telnet client transport and the virtual board's telnet face both feed received bytes to a `TelnetParser`
and get the data bytes back (``IAC IAC`` as one ``0xFF``) plus the commands found; `escape` doubles ``0xFF``
for sending. `OptionPolicy` answers option negotiation so that no answer loop can start (RFC 854: answer only
a request that changes an option's state).
"""

from typing import Union

from attrs import define, field, frozen

IAC = 255
DONT = 254
DO = 253
WONT = 252
WILL = 251
SB = 250
SE = 240

ECHO = 1
SUPPRESS_GO_AHEAD = 3
LINEMODE = 34

_NEGOTIATION_VERBS = (WILL, WONT, DO, DONT)
_IAC_BYTE = bytes([IAC])
_DATA, _IAC_SEEN, _VERB_SEEN, _SUB, _SUB_IAC = range(5)


@frozen
class Negotiation:
    """``IAC verb option``: `verb` is one of WILL, WONT, DO, DONT."""

    verb: int
    option: int

    def encode(self) -> bytes:
        """The three bytes on the wire."""
        return bytes([IAC, self.verb, self.option])


@frozen
class Subnegotiation:
    """``IAC SB option payload IAC SE``, with ``IAC IAC`` in the payload read as one ``0xFF``."""

    option: int
    payload: bytes


@frozen
class Command:
    """Any other two-byte command (``IAC NOP``, ``IAC GA``, ``IAC IP``, ...)."""

    code: int


TelnetEvent = Union[Negotiation, Subnegotiation, Command]


def escape(data: bytes) -> bytes:
    """`data` ready to send as telnet data: each ``0xFF`` doubled."""
    return data.replace(_IAC_BYTE, _IAC_BYTE * 2) if IAC in data else data


@define
class TelnetParser:
    """Incremental decoder of a received telnet stream; bytes may arrive split at any offset.

    Parameters
    ----------
    strip_cr_nul : bool
        Read ``CR NUL`` as a bare ``CR`` (RFC 854's way to send a carriage return alone).
    """

    strip_cr_nul: bool = True
    _state: int = field(default=_DATA, init=False)
    _verb: int = field(default=0, init=False)
    _sub: bytearray = field(factory=bytearray, init=False)
    _after_cr: bool = field(default=False, init=False)

    def feed(self, received: bytes) -> tuple[bytes, list[TelnetEvent]]:
        """Decode `received`, the next bytes of the stream.

        Returns
        -------
        data : bytes
            The data bytes among them, in order.
        events : list
            The commands among them, in order (`Negotiation`, `Subnegotiation`, `Command`).
        """
        if self._state == _DATA and IAC not in received and not self._holds_cr_nul(received):
            self._after_cr = received[-1:] == b"\r" if received else self._after_cr
            return received, []  # the common case: plain data
        data = bytearray()
        events: list[TelnetEvent] = []
        for byte in received:
            state = self._state
            if state == _DATA:
                if byte == IAC:
                    self._state = _IAC_SEEN
                    continue
                if byte == 0 and self._after_cr and self.strip_cr_nul:
                    self._after_cr = False
                    continue
                self._after_cr = byte == 13
                data.append(byte)
            elif state == _IAC_SEEN:
                if byte == IAC:
                    data.append(IAC)
                    self._after_cr = False
                    self._state = _DATA
                elif byte in _NEGOTIATION_VERBS:
                    self._verb = byte
                    self._state = _VERB_SEEN
                elif byte == SB:
                    self._sub.clear()
                    self._state = _SUB
                else:
                    events.append(Command(byte))
                    self._state = _DATA
            elif state == _VERB_SEEN:
                events.append(Negotiation(self._verb, byte))
                self._state = _DATA
            elif state == _SUB:
                if byte == IAC:
                    self._state = _SUB_IAC
                else:
                    self._sub.append(byte)
            else:  # _SUB_IAC
                if byte == SE:
                    payload = bytes(self._sub)
                    events.append(Subnegotiation(payload[0] if payload else 0, payload[1:]))
                    self._state = _DATA
                else:
                    self._sub.append(byte)  # IAC IAC inside a subnegotiation is one 0xFF
                    self._state = _SUB
        return bytes(data), events

    def _holds_cr_nul(self, received: bytes) -> bool:
        if not self.strip_cr_nul:
            return False
        return b"\r\x00" in received or (self._after_cr and received[:1] == b"\x00")


@define
class OptionPolicy:
    """Answers to option negotiation for one side of a connection.

    Options start disabled on both sides. A request is answered only when it would change an option's state,
    or to refuse it, so two sides using this policy cannot loop.

    Parameters
    ----------
    remote_allowed : frozenset of int
        Options the other side may enable for itself (we answer its WILL with DO).
    local_allowed : frozenset of int
        Options we enable when asked (we answer DO with WILL).
    """

    remote_allowed: frozenset = frozenset()
    local_allowed: frozenset = frozenset()
    _remote_on: set = field(factory=set, init=False)
    _local_on: set = field(factory=set, init=False)

    def answer(self, request: Negotiation) -> bytes:
        """The bytes to send back for `request` (often none)."""
        option = request.option
        if request.verb == WILL:
            if option in self._remote_on:
                return b""
            if option in self.remote_allowed:
                self._remote_on.add(option)
                return Negotiation(DO, option).encode()
            return Negotiation(DONT, option).encode()
        if request.verb == WONT:
            if option in self._remote_on:
                self._remote_on.discard(option)
                return Negotiation(DONT, option).encode()
            return b""
        if request.verb == DO:
            if option in self._local_on:
                return b""
            if option in self.local_allowed:
                self._local_on.add(option)
                return Negotiation(WILL, option).encode()
            return Negotiation(WONT, option).encode()
        if option in self._local_on:  # DONT
            self._local_on.discard(option)
            return Negotiation(WONT, option).encode()
        return b""

    def remote_enabled(self, option: int) -> bool:
        """Whether the other side has `option` on (it said WILL and we agreed)."""
        return option in self._remote_on
