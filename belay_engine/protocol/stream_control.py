"""Sans-I/O pause and stop of one pushed generator stream: the board's stdout in, values and control bytes out.

A stream runs on the board as exchanges. Each one (``_belay.s`` in ``board/streams.py``) pushes the
generator's values as ``Y`` records (a fast generator's numbers several to an ``N`` record) until the generator
ends, or until the board's loop reads the `PAUSE` byte after a write: then it writes a ``W`` record and returns,
keeping the generator for the next exchange (every value it yielded is written before the ``W``).
Another thread's call pauses the stream that way; a stop pauses it too (the generator is then closed on the
board, so its ``finally`` runs) and only a generator that yields nothing for `PAUSE_GRACE` seconds gets a
Ctrl-C: interrupting a board busy allocating (a stream is) can leave the unix port's heap locked.

States, one stream::

    NEW --start--> RUNNING --pause byte--> PAUSE_SENT --W, end--> PAUSED --start--> RUNNING ...
                      |                        |
                      +--stop: pause byte--> STOPPING --PAUSE_GRACE--> INTERRUPTED (Ctrl-C)
    an exchange ending without W, or a halt --> DONE

The rules the races of the past taught, which this machine keeps:

- A byte goes out only while the exchange is *attended*: while whoever holds the link reads it (the consumer
  waiting for values, or a thread pausing or stopping the stream). Otherwise it could land in another
  exchange; requests made meanwhile wait for the next attendance.
- One pause byte per exchange, and never one after a Ctrl-C (it would be left on the REPL's input line).
- One Ctrl-C, only after the grace, and not once the board has answered the pause.
- A pause byte the board never read (the generator ended, or was interrupted, first) waits on the idle REPL's
  input line when the exchange ends: a Ctrl-C clears it.
- Values received before a stop are still delivered.

The driver feeds it the exchange's stdout (`receive_data`), stderr (`receive_error`) and end (`receive_end`),
the requests, and the time (`now`, in seconds of any monotonic clock); it writes `data_to_send`, hands
`events_received` to the consumer, and calls `advance` at `next_deadline`. No locks: the driver serialises calls.
"""

import enum
from typing import Any, Optional, Union

from attrs import frozen

from ..replies import parse_value, unexpected_record
from .control_bytes import CLEAR_OUTPUT, CTRL_C, DISPLAY, NUMBERS, PAUSE, PAUSED, UPDATE_DISPLAY, YIELDED
from .records import RecordParser, numbers_of

#: Seconds a stopped generator has to reach its next value (and see the pause byte) before it gets a Ctrl-C.
PAUSE_GRACE = 0.25


class StreamState(enum.Enum):
    """Where one stream stands; see the module's diagram."""

    NEW = "nothing on the board yet: the first exchange makes the generator"
    RUNNING = "an exchange runs: the board pushes values"
    PAUSE_SENT = "the pause byte is on its way: the board keeps the generator at its next value"
    STOPPING = "a stop: the pause byte is on its way, a Ctrl-C follows after the grace"
    INTERRUPTED = "the Ctrl-C went: the exchange ends with the board's KeyboardInterrupt"
    PAUSED = "no exchange: the board keeps the generator for the next one"
    DONE = "the stream is over"


#: The states in which an exchange runs on the board.
EXCHANGE_STATES = frozenset(
    {StreamState.RUNNING, StreamState.PAUSE_SENT, StreamState.STOPPING, StreamState.INTERRUPTED}
)
_PAUSE_BYTE_SENT = frozenset({StreamState.PAUSE_SENT, StreamState.STOPPING, StreamState.INTERRUPTED})


@frozen
class Value:
    """A value the generator yielded (parsed from the board's repr)."""

    value: Any


@frozen
class Printed:
    """Bytes the generator printed."""

    data: bytes


@frozen
class Displayed:
    """A display record of the generator's code (``display()``, ``update_display()``, ``clear_output()``)."""

    kind: int
    payload: bytes


@frozen
class Paused:
    """The exchange ended with the generator kept on the board; the next exchange resumes it."""


@frozen
class Ended:
    """The stream is over.

    `error` is the board's traceback to report (empty for a clean end, a requested stop or a halt);
    `close_generator` says the board may still keep the generator, suspended: close it there, so its
    ``finally`` runs.
    """

    error: bytes = b""
    close_generator: bool = False


StreamEvent = Union[Value, Printed, Displayed, Paused, Ended]
_DISPLAY_KINDS = (DISPLAY, UPDATE_DISPLAY, CLEAR_OUTPUT)


class StreamControl:
    """The pause and stop protocol of one stream, and the parsing of its exchanges' stdout.

    Parameters
    ----------
    parser : RecordParser
        Splits the connection's records from printed text.
    trusted : bool
        Evaluate reprs that are not literals (see `parse_value`).
    pause_grace : float
        Seconds between a stop's pause byte and its Ctrl-C.
    """

    def __init__(self, parser: RecordParser, *, trusted: bool = False, pause_grace: float = PAUSE_GRACE):
        self._parser = parser
        self._trusted = trusted
        self._pause_grace = pause_grace
        self._state = StreamState.NEW
        self._stop_requested = False
        # Facts of the running exchange, forgotten when it ends.
        self._attended = False
        self._pause_wanted = False
        self._pause_read = False  # the board's W record arrived: it read the pause byte
        self._halting = False
        self._deadline: Optional[float] = None
        self._errors: list[bytes] = []
        self._events: list[StreamEvent] = []
        self._outgoing: list[bytes] = []

    # -- what the driver asks --------------------------------------------------------------------

    @property
    def state(self) -> StreamState:
        """Where the stream stands."""
        return self._state

    @property
    def exchange_open(self) -> bool:
        """Whether an exchange runs on the board (its reply has not ended)."""
        return self._state in EXCHANGE_STATES

    @property
    def stop_requested(self) -> bool:
        """Whether `request_stop` was called."""
        return self._stop_requested

    def events_received(self) -> list[StreamEvent]:
        """The events since the last call, in order."""
        events, self._events = self._events, []
        return events

    def data_to_send(self) -> list[bytes]:
        """The bytes to write to the board now, each write in order (`PAUSE`, or Ctrl-C); each returned once."""
        outgoing, self._outgoing = self._outgoing, []
        return outgoing

    def next_deadline(self) -> Optional[float]:
        """When to call `advance` (a time on the driver's clock), or None when no time-out is pending."""
        if self._state is StreamState.STOPPING and self._attended and not self._pause_read:
            return self._deadline
        return None

    # -- inputs from the link holder -------------------------------------------------------------

    def start(self) -> None:
        """An exchange was sent: the generator starts, or resumes after a pause.

        Pause requests made before it have been met (their thread had the link: that is why this one runs).
        """
        if self._state not in (StreamState.NEW, StreamState.PAUSED):
            raise RuntimeError(f"a stream exchange cannot start while the stream is {self._state.name}")
        self._state = StreamState.RUNNING
        self._attended = self._pause_wanted = self._pause_read = self._halting = False
        self._deadline = None

    def attend(self, now: float) -> None:
        """The link holder reads the exchange from now on: requests held back go out now.

        A stop gets a fresh grace: only what is read shows whether the board has answered the pause.
        """
        self._attended = True
        if self._state is StreamState.STOPPING:
            self._deadline = now + self._pause_grace
        self._act(now)

    def leave(self) -> None:
        """Nobody reads the exchange any more (the consumer has values, or the link goes to someone else)."""
        self._attended = False

    def halt(self, now: float) -> None:
        """The link holder ends the stream now and reads the exchange to its end (a stop, close, or an error).

        Without a running exchange the stream is over at once; the board may still keep a paused generator.
        """
        if self._state is StreamState.DONE:
            return
        self._halting = True
        if not self.exchange_open:
            self._end(Ended(close_generator=True))
            return
        self.attend(now)

    def receive_data(self, data: bytes) -> None:
        """Take stdout of the exchange: values, printed text, the pause answer.

        Raises
        ------
        NotBelayResponseError
            A record that has no place in a stream (never while the stream is being halted).
        """
        for item in self._parser.feed(data):
            if type(item) is bytes:
                self._events.append(Printed(item))
            elif item[0] == NUMBERS:
                self._events.extend(map(Value, numbers_of(item[1])))
            elif item[0] == YIELDED:
                self._events.append(Value(parse_value(item[1], self._trusted)))
            elif item[0] == PAUSED:
                self._pause_read = True
            elif item[0] in _DISPLAY_KINDS:
                self._events.append(Displayed(*item))  # in order with printed text
            elif not self._halting:
                raise unexpected_record(*item)

    def receive_error(self, data: bytes) -> None:
        """Take stderr of the exchange (the board's traceback)."""
        self._errors.append(data)

    def receive_end(self, cut_short: bool = False) -> None:
        """The exchange's reply has ended.

        Parameters
        ----------
        cut_short : bool
            The host stopped the reply itself (Ctrl-C and read to the prompt): what the board kept is unknown,
            and what it said is the host's doing.
        """
        if not self.exchange_open:
            return
        text = self._parser.flush()
        if text:
            self._events.append(Printed(text))
        if self._state in _PAUSE_BYTE_SENT and not self._pause_read:
            self._outgoing.append(CTRL_C)  # clear the pause byte from the idle REPL's input line
        errors = b"".join(self._errors)
        if self._halting or cut_short:
            self._end(Ended(close_generator=True))
        elif errors:
            # The board raised, in the generator or between two of its values (which leaves it suspended there).
            # After our Ctrl-C that is the KeyboardInterrupt of a requested stop, not an error.
            reported = b"" if self._state is StreamState.INTERRUPTED else errors
            self._end(Ended(reported, close_generator=True))
        elif self._pause_read:
            self._state = StreamState.PAUSED
            self._forget_exchange()
            self._events.append(Paused())
        else:
            self._end(Ended())

    def forget(self) -> None:
        """The link failed or was replaced: nothing more can be sent or said; the stream is over."""
        self._state = StreamState.DONE
        self._forget_exchange()
        self._outgoing.clear()

    # -- requests from any thread (serialised by the driver) and time ----------------------------

    def request_pause(self) -> None:
        """Another thread needs the link: pause the exchange at the board's next value."""
        if self.exchange_open:
            self._pause_wanted = True
            self._act(None)

    def request_stop(self, now: float) -> None:
        """End the stream: pause the exchange and then close the generator; Ctrl-C after the grace."""
        self._stop_requested = True
        self._act(now)

    def advance(self, now: float) -> None:
        """Time passed: a stop whose grace is over gets its Ctrl-C."""
        deadline = self.next_deadline()
        if deadline is not None and now >= deadline:
            self._state = StreamState.INTERRUPTED
            self._deadline = None
            self._outgoing.append(CTRL_C)

    # -- internals -------------------------------------------------------------------------------

    def _act(self, now: Optional[float]) -> None:
        """Send what the requests ask for, if the exchange is attended and the board has not answered yet."""
        if not self._attended or self._pause_read:
            return
        if self._stop_requested or self._halting:
            if now is None:
                return  # settled when the stop came, or when the exchange was attended (both pass the time)
            if self._state is StreamState.RUNNING:
                self._outgoing.append(PAUSE)
            if self._state in (StreamState.RUNNING, StreamState.PAUSE_SENT):
                self._state = StreamState.STOPPING
                self._deadline = now + self._pause_grace
        elif self._pause_wanted and self._state is StreamState.RUNNING:
            self._outgoing.append(PAUSE)
            self._state = StreamState.PAUSE_SENT

    def _end(self, event: Ended) -> None:
        self._state = StreamState.DONE
        self._forget_exchange()
        self._events.append(event)

    def _forget_exchange(self) -> None:
        self._attended = self._pause_wanted = self._pause_read = self._halting = False
        self._deadline = None
        self._errors = []
