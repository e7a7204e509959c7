"""Host iterators over generator tasks: values pushed by the board as it produces them, or stepped with send().

`TaskStream` drives `protocol.stream_control.StreamControl` (the pause and stop protocol) over the session's link.
"""

import threading
import time
from collections import deque
from collections.abc import Generator
from contextlib import suppress
from typing import Any, Optional, TextIO

from . import board_calls
from .errors import ConnectionLost
from .output import OutputForwarder
from .protocol.control_bytes import CTRL_C
from .protocol.framing import ErrorOutput, Event, Finished, Output
from .protocol.raw_repl import RawRepl, Reply
from .protocol.stream_control import Displayed, Ended, Printed, StreamControl, StreamState, Value
from .replies import NO_RESULT
from .session import Session
from .tracebacks import SourceLocation


def _write_control(repl: RawRepl, data: bytes) -> None:
    """Write a control byte the stream's protocol asks for: the pause byte to the program, or Ctrl-C."""
    if data == CTRL_C:
        repl.interrupt()
    else:
        repl.write_to_program(data)


class TaskStream:
    """Iterate over what a generator task yields on the board, as fast as the board produces it.

    The board runs the generator in a loop and pushes each value; the host buffers what arrives ahead of
    the consumer. Another call on the same Device pauses the stream (the board keeps the generator and
    resumes it later), so host code may call other tasks inside a ``for`` loop over a stream. Leaving the
    loop early (``break``, an exception, garbage collection) or `close` stops the generator on the board.
    Another thread may end the stream with `request_stop`, and another thread's call pauses it even while
    this one waits for values.
    """

    def __init__(
        self,
        session: Session,
        key: int,
        call: str,
        *,
        trusted: bool = False,
        stream_out: Optional[TextIO] = None,
        module: Optional[SourceLocation] = None,
    ):
        self._session = session
        self._key = key
        self._next_code = board_calls.stream_start(key, call)
        self._module = module
        self._output = OutputForwarder(stream_out)
        self._values: deque = deque()
        self._generation = session.generation
        self._protocol = StreamControl(session.record_parser(), trusted=trusted)
        self._reply: Optional[Reply] = None  # the running exchange's reply
        self._ended: Optional[Ended] = None  # the end of the stream, to act on once its exchange's reading is over
        # Every call into the protocol is made under this lock: request_stop / request_pause (any thread), the
        # escalation timer and the link holder share it. `_attended_repl` is the REPL while the protocol's
        # exchange is attended, so what another thread writes only ever lands in this stream's exchange.
        self._control = threading.Lock()
        self._attended_repl: Optional[RawRepl] = None
        self._timer_due: Optional[float] = None

    def _link_is_current(self) -> bool:
        """Whether the board still has what this stream started there (no reset or reconnection since)."""
        return not self._session.closed and self._generation == self._session.generation

    # -- iteration -----------------------------------------------------------------------------------

    def __iter__(self) -> "TaskStream":
        return self

    def __next__(self) -> Any:
        while True:
            if self._values:
                return self._values.popleft()
            if self._protocol.state is StreamState.DONE:
                raise StopIteration
            if not self._link_is_current():
                with self._control:
                    self._protocol.forget()
                raise ConnectionLost("the board was reset or reconnected; this generator no longer exists there")
            with self._session.hold(self) as repl:
                self._fetch(repl)
            # No value yet: another thread paused the stream to make a call. The link goes to it first (the
            # device's lock is fair), then the loop takes the link back and resumes the board's generator.

    def send(self, value: Any) -> Any:
        """Advance like `next`; a pushed stream cannot deliver a value into the board's generator.

        Raises
        ------
        TypeError
            `value` is not None. Generators that use the value of ``yield`` are stepped with `send` support
            automatically; this one does not use it.
        """
        if value is not None:
            raise TypeError("this generator task does not use the value of `yield`, so it cannot receive one")
        return next(self)

    def close(self) -> None:
        """Stop the generator on the board (its ``finally`` runs) and drop what was buffered."""
        if self._protocol.state is StreamState.DONE:
            return
        with self._session.hold(self) as repl:
            self._stop(repl)

    def __del__(self) -> None:
        if self._protocol.state in (StreamState.NEW, StreamState.DONE):
            return
        if not self._link_is_current():
            return  # the board's generator went with the connection or the reset
        # No I/O from the garbage collector unless the link is free right now; otherwise the next call does it.
        with self._session.try_hold() as repl:
            if repl is None:
                self._session.abandon(self._stop_on_link)
                return
            with suppress(Exception):  # the garbage collector has nobody to report to
                self._stop(repl)

    def _stop_on_link(self) -> None:
        if self._link_is_current():
            self._stop(self._session.repl)

    # -- requests from any thread --------------------------------------------------------------------

    def request_stop(self) -> None:
        """End the stream from any thread: the board's generator is stopped and its ``finally`` runs.

        While the consumer waits on the board, the board's loop is asked to pause at its next value (then the
        generator is closed there); one that yields nothing for `PAUSE_GRACE` seconds (sleeping, blocked) is
        interrupted with Ctrl-C. The consumer's ``next`` then ends the stream as if it were exhausted; values
        already received are still delivered.
        """
        with self._control:
            self._protocol.request_stop(time.monotonic())
            self._send_control()

    def request_pause(self) -> None:
        """From another thread that needs the link: make the consumer's wait end by pausing the board's generator.

        Only while the consumer waits inside this stream's exchange does a byte go out; otherwise the consumer
        is about to release the link anyway.
        """
        with self._control:
            self._protocol.request_pause()
            self._send_control()

    @property
    def stop_requested(self) -> bool:
        """Whether `request_stop` was called."""
        return self._protocol.stop_requested

    # -- driving the protocol (link held) ------------------------------------------------------------

    def _fetch(self, repl: RawRepl) -> None:
        """With the link held: wait until values arrive, the stream ends, or another thread pauses it."""
        protocol = self._protocol
        if self._values or protocol.state is StreamState.DONE:
            return  # a pause by another thread's call brought values while this thread waited for the link
        if protocol.stop_requested:
            self._stop(repl, keep_values=True)
            return
        if not protocol.exchange_open:
            self._start(repl)
        self._read(repl, until_values=True)
        if protocol.stop_requested and protocol.state is not StreamState.DONE:
            self._stop(repl, keep_values=True)  # requested while values arrived, or while the stream paused

    def pause(self, repl: RawRepl) -> None:
        """Ask the board to stop pushing and keep the generator (another thread's call, with the link held)."""
        with self._control:
            self._protocol.request_pause()
        self._read(repl, until_values=False)

    def _start(self, repl: RawRepl) -> None:
        self._reply = repl.execute(self._next_code.encode())
        self._next_code = board_calls.stream_resume(self._key)
        with self._control:
            self._protocol.start()
        self._session.set_active_stream(self)

    def _read(self, repl: RawRepl, until_values: bool) -> None:
        """Read the running exchange, attended, until values arrive (if `until_values`) or it ends."""
        protocol = self._protocol
        try:
            self._attend(repl)
            try:
                while protocol.exchange_open and not (until_values and self._values):
                    self._feed(next(self._reply))
            finally:
                self._leave()
        except BaseException:
            # Host code raised (Ctrl-C, an output stream) or the board failed: leave the board idle.
            if protocol.exchange_open:
                self._stop(repl)
            raise
        self._act_on_end(repl)

    def _stop(self, repl: RawRepl, keep_values: bool = False) -> None:
        """Leave the board idle with this stream's generator closed there (its ``finally`` run), link held.

        A running exchange is asked to pause first and read to its end; only a generator that yields nothing
        for ``PAUSE_GRACE`` seconds is interrupted with Ctrl-C, once. Values received up to then stay to be
        delivered if `keep_values` (a requested stop), else they are dropped.
        """
        protocol, reply = self._protocol, self._reply
        try:
            with self._control:
                self._attended_repl = repl
                if reply is not None and reply.finished and protocol.exchange_open:
                    protocol.receive_end(cut_short=True)  # the reply was stopped already (a host Ctrl-C)
                protocol.halt(time.monotonic())
                self._send_control()
            self._absorb()
            while protocol.exchange_open:
                deadline = protocol.next_deadline()
                if deadline is not None:
                    reply.finish(max(0.0, deadline - time.monotonic()), self._feed)
                    with self._control:
                        protocol.advance(time.monotonic())
                        self._send_control()
                elif not reply.finish(repl.interrupt_timeout, self._feed):
                    # The Ctrl-C went, or the board answered the pause, but the reply does not end.
                    reply.close()  # Ctrl-C again and read to the prompt
                    with self._control:
                        protocol.receive_end(cut_short=True)
                        self._send_control()
                    self._absorb()
        finally:
            with self._control:
                self._attended_repl = None
                if protocol.exchange_open:
                    protocol.forget()  # the link failed while the stream wound down
            if not keep_values:
                self._values.clear()
        self._act_on_end(repl)

    def _attend(self, repl: RawRepl) -> None:
        with self._control:
            self._attended_repl = repl
            self._protocol.attend(time.monotonic())
            self._send_control()

    def _leave(self) -> None:
        # Before the link is released, so a late request cannot reach another exchange.
        with self._control:
            self._protocol.leave()
            self._attended_repl = None

    def _feed(self, event: Event) -> None:
        """Hand one event of the exchange's reply to the protocol and take what it makes of it."""
        with self._control:
            if isinstance(event, Output):
                self._protocol.receive_data(event.data)
            elif isinstance(event, ErrorOutput):
                self._protocol.receive_error(event.data)
            elif isinstance(event, Finished):
                self._protocol.receive_end()
            self._send_control()
        self._absorb()

    def _absorb(self) -> None:
        """Take the protocol's events: values to deliver, printed text, the exchange's end."""
        with self._control:
            events = self._protocol.events_received()
        for event in events:
            if type(event) is Value:
                self._values.append(event.value)
            elif type(event) is Printed:
                self._output.write(event.data)
            elif type(event) is Displayed:
                self._output.record(event.kind, event.payload)
            else:
                if self._reply is not None:
                    self._reply = None
                    self._session.clear_active_stream()
                if type(event) is Ended:
                    self._ended = event

    def _act_on_end(self, repl: RawRepl) -> None:
        """Once the stream has ended: close its generator on the board if needed, report the board's error."""
        ended, self._ended = self._ended, None
        if ended is None:
            return
        if ended.close_generator:
            # Closing it runs its `finally` (a no-op when it has ended already).
            repl.exec(board_calls.close_stream(self._key).encode())
        self._output.finish()
        if ended.error:
            raise self._session.board_exception(ended.error, self._module)

    def _send_control(self) -> None:
        """Write what the protocol asks to send, and arm its time-out (with `_control` held)."""
        repl = self._attended_repl
        for data in self._protocol.data_to_send():
            _write_control(repl, data)
        deadline = self._protocol.next_deadline()
        if deadline is not None and deadline != self._timer_due:
            self._timer_due = deadline
            timer = threading.Timer(max(0.0, deadline - time.monotonic()), self._escalate)
            timer.daemon = True
            timer.start()

    def _escalate(self) -> None:
        """The protocol's time-out (a timer thread): a stop whose grace is over gets its Ctrl-C."""
        with self._control:
            self._timer_due = None
            if self._attended_repl is not None:
                self._protocol.advance(time.monotonic())
                self._send_control()


def lockstep_stream(
    session: Session, key: int, call: str, *, trusted: bool = False, stream_out: Optional[TextIO] = None
) -> Generator[Any, Any, None]:
    """Step a board generator one value per round trip, so values sent with ``send()`` reach it."""
    generation = session.generation
    session.run(board_calls.lockstep_start(key, call), stream_out=stream_out)
    sent = None
    finished = False
    try:
        while True:
            value = session.run(board_calls.lockstep_step(key, sent), stream_out=stream_out, trusted=trusted)
            if value is NO_RESULT:
                finished = True
                return
            sent = yield value
    finally:
        if not finished:
            session.release_later(key, generation)
