"""Host iterators over generator tasks: values pushed by the board as it produces them, or stepped with send()."""

import threading
import weakref
from collections import deque
from collections.abc import Generator, Iterator
from typing import Any, Optional, TextIO

from .errors import ConnectionLost, PyboardException
from .output import OutputForwarder
from .protocol.framing import ErrorOutput, Event, Finished, Output
from .protocol.raw_repl import CTRL_C, RawRepl
from .replies import NO_RESULT, PAUSED, YIELDED, parse_value, unexpected_record
from .tracebacks import SourceLocation


class TaskStream:
    """Iterate over what a generator task yields on the board, as fast as the board produces it.

    The board runs the generator in a loop and pushes each value; the host buffers what arrives ahead of
    the consumer. Another call on the same Device pauses the stream (the board keeps the generator and
    resumes it later), so host code may call other tasks inside a ``for`` loop over a stream. Leaving the
    loop early (``break``, an exception, garbage collection) or `close` stops the generator on the board.
    Another thread may end the stream with `request_stop` while this one waits for values.
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
        self._events: Optional[Iterator[Event]] = None
        self._parser = None
        self._errors: list[bytes] = []
        self._paused = False
        self._done = False
        self._generation = device.generation
        # request_stop (any thread) and __next__ (the consumer) agree under this lock on whether the consumer
        # is inside a board exchange right now, so a Ctrl-C only ever lands on this stream's exchange.
        self._stop_lock = threading.Lock()
        self._stop_requested = False
        self._waiting = False
        self._interrupted = False

    def __iter__(self) -> "TaskStream":
        return self

    def __next__(self) -> Any:
        if self._values:
            return self._values.popleft()
        if self._done:
            raise StopIteration
        if self._generation != self._device.generation:
            self._done = True
            raise ConnectionLost("the board was reset or reconnected; this generator no longer exists there")
        with self._device._wire(self) as repl:
            if self._stop_requested and not (self._interrupted and self._events is not None):
                self._stop_on_request(repl)
                raise StopIteration
            running = self._events is not None
            if not running:
                self._start(repl)
            try:
                if running:
                    self._set_waiting(True)
                while not self._values and self._events is not None:
                    event = next(self._events)
                    if not self._waiting:
                        # The code went out with this first read (a Ctrl-C before it would reach an idle REPL,
                        # which ignores it): from now on request_stop may interrupt it.
                        self._set_waiting(True)
                    self._handle(event)
            except PyboardException:
                self._set_waiting(False)
                if not self._interrupted:
                    raise
                # The board's KeyboardInterrupt from request_stop's Ctrl-C: a requested end, not an error.
                self._stop_on_request(repl)
            except BaseException:
                self._set_waiting(False)
                # Host code raised (Ctrl-C, an output stream) or the board failed: leave the board idle.
                if self._events is not None:
                    self._stop()
                raise
            else:
                self._set_waiting(False)
                if self._stop_requested and not self._interrupted and self._events is not None:
                    self._stop_on_request(repl)  # requested while this batch arrived: stop from here
        if self._values:
            return self._values.popleft()
        raise StopIteration

    def request_stop(self) -> None:
        """End the stream from any thread: the board's generator is interrupted and its ``finally`` runs.

        While the consumer waits on the board, this sends Ctrl-C at once (the board raises
        ``KeyboardInterrupt`` inside the generator) and the consumer's ``next`` ends the stream as if it
        were exhausted; otherwise the consumer's next ``next`` stops the board's generator. Values already
        received are still delivered.
        """
        with self._stop_lock:
            self._stop_requested = True
            repl = self._device._repl
            if self._waiting and not self._interrupted and repl is not None:
                self._interrupted = True
                # The consumer thread holds the wire and reads; only the Ctrl-C goes out from here.
                repl.transport.write(CTRL_C)

    @property
    def stop_requested(self) -> bool:
        """Whether `request_stop` was called."""
        return self._stop_requested

    def _set_waiting(self, waiting: bool) -> None:
        # Cleared before the wire is released, so a late request_stop cannot interrupt another exchange.
        with self._stop_lock:
            self._waiting = waiting

    def _stop_on_request(self, repl: RawRepl) -> None:
        """End the stream after `request_stop` (link held): stop the board's generator and close it there.

        Values already received stay to be delivered.
        """
        received = list(self._values)
        if self._events is not None:
            self._stop()
        self._values.extend(received)
        self._done = True
        self._errors.clear()
        # A Ctrl-C between two values lands in the engine's loop, not in the generator: closing the
        # generator runs its `finally` then (a no-op when the interrupt already ended it).
        repl.exec(f"(lambda g:g and g.close())(_belay.o.pop({self._key!r},None))".encode())
        self._output.finish()

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
        """Stop the generator on the board (Ctrl-C if it is running) and drop what was buffered."""
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
        self._events = repl.execute(self._next_code.encode())
        self._next_code = f"_belay.s({self._key!r})"
        self._paused = False
        self._device._active_stream = weakref.ref(self)

    def _handle(self, event: Event) -> None:
        if isinstance(event, Output):
            for item in self._parser.feed(event.data):
                if type(item) is bytes:
                    self._output.write(item)
                elif item[0] == YIELDED:
                    self._values.append(parse_value(item[1], self._trusted))
                elif item[0] == PAUSED:
                    self._paused = True
                else:
                    raise unexpected_record(*item)
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
        repl.write_to_program(b"\x06")
        while self._events is not None:
            self._handle(next(self._events))
        if not self._paused:
            # The generator ended before the board read the request: drop the byte from the REPL's input.
            repl.clear_input_line()

    def _stop(self) -> None:
        """Stop the board's generator and forget it (called with the link held)."""
        self._done = True
        self._values.clear()
        events, self._events = self._events, None
        if events is not None:
            self._device._active_stream = None
            events.close()  # Ctrl-C and read to the prompt
        self._device.release_later(self._key, self._generation)


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
