"""Host iterators over generator tasks: values pushed by the board as it produces them, or stepped with send()."""

import threading
import weakref
from collections import deque
from collections.abc import Generator
from typing import Any, Optional, TextIO

from .errors import ConnectionLost, PyboardException
from .output import OutputForwarder
from .protocol.control_bytes import PAUSED, YIELDED
from .protocol.framing import ErrorOutput, Event, Finished, Output
from .protocol.raw_repl import CTRL_C, RawRepl, Reply
from .replies import NO_RESULT, parse_value, unexpected_record
from .tracebacks import SourceLocation

#: Read by the board's stream loop between two values: stop pushing, keep the generator.
PAUSE = b"\x06"
#: Seconds a stopped generator has to reach its next value (and see a pause) before it gets a Ctrl-C.
PAUSE_GRACE = 0.25


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
        device: Any,
        key: str,
        call: str,
        *,
        trusted: bool = False,
        stream_out: Optional[TextIO] = None,
        module: Optional[SourceLocation] = None,
    ):
        self._device = device
        self._key = key
        self._next_code = f"_belay.s({key!r},{call})"
        self._trusted = trusted
        self._module = module
        self._output = OutputForwarder(stream_out)
        self._values: deque = deque()
        self._events: Optional[Reply] = None
        self._parser = None
        self._errors: list[bytes] = []
        self._paused = False
        self._done = False
        self._generation = device.generation
        # request_stop / request_pause (any thread) and the consumer agree under this lock on whether the
        # consumer is inside this stream's exchange right now, so a control byte only ever lands there.
        self._control = threading.Lock()
        self._waiting = False
        self._stop_requested = False
        self._interrupted = False
        self._pause_wanted = False
        self._pause_sent = False

    def __iter__(self) -> "TaskStream":
        return self

    def __next__(self) -> Any:
        while True:
            if self._values:
                return self._values.popleft()
            if self._done:
                raise StopIteration
            if self._generation != self._device.generation:
                self._done = True
                raise ConnectionLost("the board was reset or reconnected; this generator no longer exists there")
            with self._device._wire(self) as repl:
                self._fetch(repl)
            # No value yet: another thread paused the stream to make a call. The link goes to it first (the
            # device's lock is fair), then the loop takes the link back and resumes the board's generator.

    def _fetch(self, repl: RawRepl) -> None:
        """With the link held: wait until values arrive, the stream ends, or another thread pauses it."""
        if self._values or self._done:
            return  # a pause by another thread's call brought values while this thread waited for the link
        if self._stop_requested:
            self._stop_on_request(repl)
            return
        if self._events is None:
            self._start(repl)
        self._set_waiting(True)
        try:
            while not self._values and self._events is not None:
                self._handle(next(self._events))
        except PyboardException:
            self._set_waiting(False)
            if not self._interrupted:
                # The board raised (in the generator, or a KeyboardInterrupt between two of its values): the
                # generator is still kept there, maybe suspended; close it so its `finally` runs, then report.
                self._settle_pause(repl)
                self._close_on_board(repl)
                raise
            # The board's KeyboardInterrupt from request_stop's Ctrl-C: a requested end, not an error.
            self._stop_on_request(repl)
            return
        except BaseException:
            self._set_waiting(False)
            # Host code raised (Ctrl-C, an output stream) or the board failed: leave the board idle.
            if self._events is not None:
                self._stop()
            raise
        self._set_waiting(False)
        if self._events is None:
            self._settle_pause(repl)
        if self._stop_requested and not self._done:
            self._stop_on_request(repl)  # requested while values arrived, or while the stream paused: stop here

    def request_stop(self) -> None:
        """End the stream from any thread: the board's generator is stopped and its ``finally`` runs.

        While the consumer waits on the board, the board's loop is asked to pause at its next value (then the
        generator is closed there); one that yields nothing for `PAUSE_GRACE` seconds (sleeping, blocked) is
        interrupted with Ctrl-C. The consumer's ``next`` then ends the stream as if it were exhausted; values
        already received are still delivered.
        """
        with self._control:
            self._stop_requested = True
            self._send_control()
        escalation = threading.Timer(PAUSE_GRACE, self._interrupt_if_still_waiting)
        escalation.daemon = True
        escalation.start()

    def _interrupt_if_still_waiting(self) -> None:
        with self._control:
            repl = self._device._repl
            if self._waiting and not self._interrupted and repl is not None:
                self._interrupted = True
                repl.transport.write(CTRL_C)

    def request_pause(self) -> None:
        """From another thread that needs the link: make the consumer's wait end by pausing the board's generator.

        Only while the consumer waits inside this stream's exchange does a byte go out; otherwise the consumer
        is about to release the link anyway.
        """
        with self._control:
            self._pause_wanted = True
            self._send_control()

    @property
    def stop_requested(self) -> bool:
        """Whether `request_stop` was called."""
        return self._stop_requested

    def _set_waiting(self, waiting: bool) -> None:
        # Cleared before the link is released, so a late request cannot reach another exchange.
        with self._control:
            self._waiting = waiting
            if waiting:
                self._send_control()  # a request made before this exchange started

    def _send_control(self) -> None:
        """Write a requested pause byte into this stream's running exchange (with `_control` held)."""
        repl = self._device._repl
        if not self._waiting or repl is None:
            return
        if (self._stop_requested or self._pause_wanted) and not self._pause_sent and not self._interrupted:
            # Never after a Ctrl-C: the byte would be left on the REPL's input line once the exchange ended.
            self._pause_sent = True
            repl.transport.write(PAUSE)

    def _stop_on_request(self, repl: RawRepl) -> None:
        """End the stream after `request_stop` (link held); values received up to the stop stay to be delivered."""
        self._halt(repl)
        self._errors.clear()
        self._output.finish()

    def _halt(self, repl: RawRepl) -> None:
        """Leave the board idle with this stream's generator closed there (its ``finally`` run), link held.

        A running exchange is asked to pause first: interrupting a board that is busy allocating (a stream
        is) can leave the unix port's heap locked. Only a generator that yields nothing for `PAUSE_GRACE`
        seconds is interrupted with Ctrl-C, once.
        """
        self._done = True
        events, self._events = self._events, None
        if events is not None:
            self._device._active_stream = None
            ended = events.finished
            if not ended and not self._interrupted:
                self._send_pause_once(repl)
                ended = events.finish(PAUSE_GRACE, self._keep_values)  # values up to the pause are kept
            if not ended and self._interrupted:
                ended = events.finish(repl.interrupt_timeout)  # the Ctrl-C sent already: a second one could
                # reach the board just as it goes idle
            if not ended:
                with self._control:
                    self._interrupted = True
                events.close()  # Ctrl-C and read to the prompt
        self._settle_pause(repl)
        self._close_on_board(repl)

    def _close_on_board(self, repl: RawRepl) -> None:
        """Forget the board's generator; closing it runs its `finally` (a no-op when it has ended already)."""
        repl.exec(f"(lambda g:g and g.close())(_belay.o.pop({self._key!r},None))".encode())

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
        if self._done:
            return
        with self._device._wire(self):
            self._stop()

    def __del__(self) -> None:
        if self._done or (self._events is None and not self._paused):
            return
        device = self._device
        # No I/O from the garbage collector unless the link is free right now; otherwise the next call does it.
        if device._lock.acquire(blocking=False):
            try:
                if device._repl is not None and self._generation == device.generation:
                    self._stop()
            except Exception:
                pass
            finally:
                device._lock.release()
        else:
            device._abandoned.append(self._stop)

    def _start(self, repl: RawRepl) -> None:
        self._parser = self._device.record_parser()
        with self._control:
            self._pause_wanted = self._pause_sent = False  # whoever wanted the link has had it: that is why this runs
        self._events = repl.execute(self._next_code.encode())
        self._next_code = f"_belay.s({self._key!r})"
        self._paused = False
        self._device._active_stream = weakref.ref(self)

    def _take_output(self, data: bytes, strict: bool = True) -> None:
        """Values, the pause record and printed text from the board's stdout; other records raise if `strict`."""
        for item in self._parser.feed(data):
            if type(item) is bytes:
                self._output.write(item)
            elif item[0] == YIELDED:
                self._values.append(parse_value(item[1], self._trusted))
            elif item[0] == PAUSED:
                self._paused = True
            elif strict:
                raise unexpected_record(*item)

    def _handle(self, event: Event) -> None:
        if isinstance(event, Output):
            self._take_output(event.data)
        elif isinstance(event, ErrorOutput):
            self._errors.append(event.data)
        elif isinstance(event, Finished):
            self._output.write(self._parser.flush())
            self._events = None
            self._device._active_stream = None
            if not self._paused:
                self._done = True
                self._output.finish()
            if self._errors:
                self._done = True
                raise self._device.board_exception(b"".join(self._errors), self._module)

    def _pause(self, repl: RawRepl) -> None:
        """Ask the board to stop pushing and keep the generator (called with the link held)."""
        self._send_pause_once(repl)
        while self._events is not None:
            self._handle(next(self._events))
        self._settle_pause(repl)

    def _send_pause_once(self, repl: RawRepl) -> None:
        """Write the pause byte into the running exchange unless it went already (link held).

        The consumer thread may have sent it at another thread's request and then left with values before the
        board answered: a second byte would be left on the REPL's input line.
        """
        with self._control:
            already_sent, self._pause_sent = self._pause_sent, True
        if not already_sent:
            repl.write_to_program(PAUSE)

    def _settle_pause(self, repl: RawRepl) -> None:
        """Once this stream's exchange has ended: drop a pause byte the board never read, forget pause requests."""
        if self._pause_sent and not self._paused:
            repl.clear_input_line()  # the generator ended (or was interrupted) before it read the byte
        with self._control:
            self._pause_wanted = self._pause_sent = False

    def _keep_values(self, event: Event) -> None:
        """Take the values and output of a reply that is being wound down; its end and errors do not matter."""
        if isinstance(event, Output):
            self._take_output(event.data, strict=False)

    def _stop(self) -> None:
        """Stop the board's generator and forget it and what was buffered (called with the link held)."""
        self._halt(self._device._repl)
        self._values.clear()


def lockstep_stream(
    device: Any, key: str, call: str, *, trusted: bool = False, stream_out: Optional[TextIO] = None
) -> Generator[Any, Any, None]:
    """Step a board generator one value per round trip, so values sent with ``send()`` reach it."""
    generation = device.generation
    device._execute(f"_belay.o[{key!r}]={call}", stream_out=stream_out)
    sent = None
    finished = False
    try:
        while True:
            value = device._execute(f"_belay.x({key!r},{sent!r})", stream_out=stream_out, trusted=trusted)
            if value is NO_RESULT:
                finished = True
                return
            sent = yield value
    finally:
        if not finished:
            device.release_later(key, generation)
