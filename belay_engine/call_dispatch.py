"""Registered task calls through the board's resident call dispatcher: one frame out, the value record back.

The dispatcher (board/dispatcher.py) is board code that stays running in the raw REPL between task calls and
reads call frames (protocol/call_frames.py) from stdin, so a call needs no raw-REPL exchange of its own. Its life
on one session:

- installed once per board generation, on the first task call that starts it (one exchange; a board without
  ``micropython.kbd_intr`` or ``sys.stdin.readline`` says so, and its calls keep going by the raw REPL);
- started by a task call that follows another task call with no other exchange between them (the start is one
  exchange, code and first frame together, as cheap as the call by the raw REPL it replaces; ending it later
  costs a round trip, so a task call between other exchanges goes by the raw REPL);
- running while the link is free between calls: the session knows (`Session.set_dispatching`), and the next
  exchange for anything else ends it first (`Session.hold` calls `end`), as it pauses an active stream;
- ended also by a task's exception (the board's traceback ends its exchange), by a Ctrl-C that stops a call, by
  a Ctrl-C reaching it idle, which it reads as its end (the host finds that out at the next frame: the reply
  ends without the value, and the call goes again through a new start), and after a call that took longer than
  `NUDGE_AFTER`, which gets the nudge byte (see `CallDispatcher._read`).

Printed output, tracebacks, interrupts and replay behave as for a call by the raw REPL.
"""

import contextlib
import functools
from typing import Any, Optional

from . import board_calls
from .board_code import board_source
from .board_values import call_source, encode
from .errors import ConnectionLost, PyboardError
from .minify import minify
from .output import OutputForwarder
from .protocol.call_frames import CallReplyReader, FrameError, frame_tail, frame_with_tail, traceback_as_called
from .protocol.control_bytes import DISPATCH_NUDGE, RESULT
from .protocol.deadline import Deadline
from .protocol.framing import ErrorOutput, Finished, Output
from .protocol.raw_repl import RawRepl, Reply
from .protocol.records import RecordParser
from .replies import parse_value

#: Seconds a call may take before it gets `DISPATCH_NUDGE` (see `CallDispatcher._read`).
NUDGE_AFTER = 1.0


class _Answered(Exception):
    """The call's value record has arrived: stop reading (what else arrived stays queued in the reply)."""


@functools.cache
def dispatcher_source() -> str:
    """The dispatcher's board code, minified once per process."""
    return minify(board_source("dispatcher"))


def call_task(device: Any, name: str, args: tuple, kwargs: dict, trusted: bool) -> Any:
    """Call the task `name` on `device`'s board, and where the link drops and `attempts` allow, reconnect and retry.

    Raises
    ------
    TypeError
        An argument cannot be sent to the board; nothing was sent.
    PyboardException
        The task raised on the board.
    """
    try:
        return device.session.call_dispatcher().call(name, args, kwargs, trusted)
    except ConnectionLost:
        if not device.attempts:
            raise
        device.reconnect()
        return device.session.call_dispatcher().call(name, args, kwargs, trusted)


class CallDispatcher:
    """The host side of one session's call dispatcher (see the module's docstring).

    Parameters
    ----------
    session : Session
        The connection.
    """

    def __init__(self, session: Any):
        self._session = session
        #: False where the board lacks what the dispatcher needs; None until asked (per board generation).
        self.supported: Optional[bool] = None
        #: Whether task calls may go through the dispatcher at all (False: always by the raw REPL).
        self.enabled = True
        self._generation = -1  # the board generation `supported` was found in
        self._reply: Optional[Reply] = None  # the dispatcher's exchange while it runs
        self._parser: Optional[RecordParser] = None
        self._indices: dict[str, int] = {}  # task names the running dispatcher knows, by index
        self._last_call = -1  # the session's exchange count right after the last task call
        self._frameable: set[str] = set()  # task names short enough for a frame
        #: Task calls that went as frames to a running dispatcher, and dispatcher starts (for tests and benchmarks).
        self.frames_sent = 0
        self.starts = 0

    @property
    def running(self) -> bool:
        """Whether the dispatcher runs on the board (as far as the host knows)."""
        return self._reply is not None

    # -- calls ---------------------------------------------------------------------------------------

    def call(self, name: str, args: tuple, kwargs: dict, trusted: bool) -> Any:
        """Call task `name` with host arguments, as a frame where the dispatcher runs or starting it pays.

        Otherwise the call goes by the raw REPL, as `Session.run` of ``_belay.r(name(...))``.
        """
        session = self._session
        arguments, keywords = (), None
        if args or kwargs:
            arguments = [encode(arg) for arg in args]  # a TypeError before anything is sent
            keywords = "{" + ",".join(f"{encode(key)}:{encode(value)}" for key, value in kwargs.items()) + "}"
            keywords = keywords if kwargs else None
        if self._reply is None and not self._starting_pays():
            return self._call_by_raw_repl(name, args, kwargs, trusted)
        try:
            tail = frame_tail(arguments, keywords) if args or kwargs else b""
            if name not in self._frameable:
                frame_with_tail(name, b"")  # a name too long for a frame goes by the raw REPL too
                self._frameable.add(name)
        except FrameError:
            return self._call_by_raw_repl(name, args, kwargs, trusted)
        with session.hold(self) as repl:
            for _attempt in range(2):
                if self._reply is not None and self._reply.finished:
                    self._drain()  # its end arrived with the last call's value: it ended after that call
                if self._reply is None:
                    self._indices = {}
                    self._start(repl, frame_with_tail(self._target(name), tail))
                else:
                    repl.write_to_program(frame_with_tail(self._target(name), tail))
                    self.frames_sent += 1
                answered, value = self._read(repl, trusted)
                if answered:
                    self._last_call = session.exchanges
                    return value
                # The dispatcher had ended before it read the frame (a Ctrl-C reached it idle): start it anew.
            raise PyboardError("the board's call dispatcher ended before it read the call; call again")

    def _starting_pays(self) -> bool:
        session = self._session
        if not self.enabled:
            return False
        if self._generation != session.generation:
            self._generation, self.supported = session.generation, None
        if self.supported is False or session.exchanges != self._last_call:
            return False  # another exchange came between: this call may well be alone
        if self.supported is None:
            self.supported = bool(session.run(dispatcher_source()))
        return self.supported

    def _call_by_raw_repl(self, name: str, args: tuple, kwargs: dict, trusted: bool) -> Any:
        session = self._session
        value = session.run(board_calls.result_of_call(call_source(name, args, kwargs)), trusted=trusted)
        self._last_call = session.exchanges
        return value

    def _target(self, name: str) -> Any:
        """The target of a frame calling `name`: its index, or the first time in this run, its name."""
        index = self._indices.get(name)
        if index is None:
            self._indices[name] = len(self._indices)
            return name
        return index

    def _start(self, repl: RawRepl, frame: bytes) -> None:
        self._reply = repl.execute(board_calls.dispatcher_start().encode(), stdin=frame)
        self._parser = self._session.record_parser()
        self._session.set_dispatching(self)
        self.starts += 1

    def _read(self, repl: RawRepl, trusted: bool) -> tuple[bool, Any]:
        r"""Read the call's reply: ``(True, value)``, or ``(False, None)`` for a frame the dispatcher never read.

        The dispatcher's exchange lasts many calls, so the reading has no deadline of its own (as a call's own
        exchange, which may run as long as it likes once running). A call that takes longer than `NUDGE_AFTER`
        gets `DISPATCH_NUDGE`, which ends the dispatcher after it: a task that printed a ``\x04`` makes the
        exchange's framing hold its value back until the exchange ends.

        Raises
        ------
        PyboardException
            The task raised (the dispatcher has ended).
        """
        reply = self._reply
        deadline = Deadline(NUDGE_AFTER)
        try:
            data = reply.read_stdout(deadline)
        except ConnectionLost:
            self._forget()
            raise
        except BaseException:
            self._stop(repl, reply)  # host code raised (Ctrl-C): leave the board idle
            raise
        if data is not None:
            record = self._parser.sole_record(data)
            if record is not None and record[0] == RESULT:
                return True, parse_value(record[1], trusted)  # the usual reply: the value record alone
        return self._read_reply(repl, trusted, deadline, data)

    def _read_reply(self, repl: RawRepl, trusted: bool, deadline: Deadline, first: Optional[bytes]) -> tuple[bool, Any]:
        """`_read` from the chunk `first` (stdout read already, or None) on: printed output, records, the end."""
        reply = self._reply
        reader = CallReplyReader(self._parser)
        output = OutputForwarder()
        errors: list[bytes] = []

        def take(event: Any) -> None:
            if isinstance(event, Output):
                _pass_on(reader.feed(event.data), output)
                if reader.result is not None:
                    raise _Answered
            elif isinstance(event, ErrorOutput):
                errors.append(event.data)
            elif isinstance(event, Finished):
                output.write(reader.flush())

        nudged = False
        try:
            try:
                if first is not None:
                    take(Output(first))
                if not reply.finish(deadline.remaining(), take):
                    repl.write_to_program(DISPATCH_NUDGE)
                    nudged = True
                    reply.finish(None, take)
            except _Answered:
                pass
            if nudged and reader.result is not None:
                # The dispatcher ends after this call: read its exchange to the end now.
                self._forget()

                def take_rest(event: Any) -> None:
                    if isinstance(event, Output):
                        _pass_on(reader.feed(event.data), output)

                if not reply.finish(repl.interrupt_timeout, take_rest):
                    reply.close()
                output.write(reader.flush())
                self._clear_line(repl)
        except ConnectionLost:
            self._forget()
            raise
        except BaseException:
            self._stop(repl, reply)  # host code raised (Ctrl-C, an output stream): leave the board idle
            raise
        finally:
            output.finish()
        if reader.result is not None:
            return True, parse_value(reader.result, trusted)
        self._after_end(repl)
        if errors:
            raise self._session.board_exception(traceback_as_called(b"".join(errors)))
        return False, None

    # -- ending ----------------------------------------------------------------------------------------

    def end(self, repl: RawRepl) -> None:
        """End the running dispatcher and read its exchange to the end (with the link held; from `Session.hold`).

        What a board thread printed meanwhile is passed on; a stray Ctrl-C's traceback is dropped.
        """
        reply, parser = self._reply, self._parser
        self._forget()
        if reply is None or reply.finished:
            return
        try:
            repl.interrupt()  # DISPATCH_END: read as input by the waiting dispatcher
            if not _read_out(reply, parser, repl.interrupt_timeout):
                reply.close()  # it does not end: Ctrl-C until it does
        except ConnectionLost:
            raise
        except BaseException:
            reply.close()
            raise

    def _drain(self) -> None:
        """Pass on what a dispatcher that has ended printed after the last call, and forget it."""
        reply, parser = self._reply, self._parser
        self._forget()
        _read_out(reply, parser, 0)  # only what is queued: the reply has ended

    def _stop(self, repl: RawRepl, reply: Reply) -> None:
        """After host code raised during a call: stop the board code and leave the raw REPL's line empty."""
        self._forget()
        try:
            reply.close()
        finally:
            self._clear_line(repl)

    def _after_end(self, repl: RawRepl) -> None:
        """The dispatcher's exchange ended during a call: the frame (or its rest) may sit on the raw REPL's line."""
        self._forget()
        self._clear_line(repl)

    @staticmethod
    def _clear_line(repl: RawRepl) -> None:
        with contextlib.suppress(ConnectionLost, OSError):  # the next exchange reports the lost link
            repl.clear_input_line()

    def _forget(self) -> None:
        self._reply = None
        self._session.clear_dispatching()


def _read_out(reply: Reply, parser: RecordParser, timeout: float) -> bool:
    """Read `reply` for at most `timeout` s, passing on what it printed and displayed; whether it ended."""
    output = OutputForwarder()

    def take(event: Any) -> None:
        if isinstance(event, Output):
            _pass_on(parser.feed(event.data), output)

    ended = reply.finish(timeout, take)
    output.write(parser.flush())
    output.finish()
    return ended


def _pass_on(items: list, output: OutputForwarder) -> None:
    """Printed text to the output, and records other than the call's value (display calls) to its handler."""
    for item in items:
        if type(item) is bytes:
            output.write(item)
        else:
            output.record(*item)
