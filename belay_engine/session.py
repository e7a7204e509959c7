"""Session: one connection to a board, with the link, its lock, the active stream and what waits for the link."""

import contextlib
import secrets
import string
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Callable, Optional, TextIO, Union

from . import board_calls
from .displays import DisplayHandler
from .errors import (
    AuthenticationError,
    BoardTimeoutError,
    ConnectionFailedError,
    ConnectionLost,
    NoAnswerError,
    PyboardError,
    PyboardException,
)
from .fair_lock import FairLock
from .helper_install import install_helpers
from .implementation import Implementation
from .output import OutputForwarder
from .protocol.control_bytes import PROXY, RESULT, YIELDED
from .protocol.framing import ErrorOutput, Finished, Output
from .protocol.raw_repl import RawRepl
from .protocol.records import RecordParser
from .proxy import ProxyReference
from .replies import NO_RESULT, parse_value
from .source_map import SourceMap
from .tracebacks import SourceLocation
from .transports.base import Transport

_NONCE_ALPHABET = string.ascii_letters + string.digits


class Session:
    """One connection to a board: the raw REPL over its transport, and who may use it when.

    Every exchange with the board happens inside `hold`, which takes the link's lock (fair: waiting threads
    get it in order), pauses a stream that another thread reads, and first does the work that waited for the
    link (board objects to release, streams abandoned by the garbage collector). A `ConnectionLost` inside
    closes the session: the board is gone or rebooted, and its helpers with it.

    Parameters
    ----------
    repl : RawRepl
        The raw REPL, entered, with the engine's helpers installed under `nonce`.
    nonce : str
        The connection's record nonce (see `RecordParser`).
    source_map : SourceMap
        Where the code sent to the board came from; shared by every session of a Device.
    compiles : bool
        Whether the board has ``compile()``, so host code can be compiled under its host file name.
    generation : int
        The first generation of this session; a reset raises it, and a later session starts above it.
    timeout : float
        Seconds a control exchange may take; another thread's call is awaited six times as long.
    """

    def __init__(
        self,
        repl: RawRepl,
        *,
        nonce: str,
        source_map: SourceMap,
        compiles: bool,
        generation: int,
        timeout: float,
    ):
        self.repl = repl
        self.nonce = nonce
        self.source_map = source_map
        self.compiles = compiles
        self.generation = generation
        self.timeout = timeout
        self.closed = False
        #: What the board runs, as its helpers reported it (set by `connect`).
        self.implementation = Implementation("unknown")
        self._lock = FairLock()
        self._lock_owner: Optional[int] = None
        self._active_stream: Optional[weakref.ref] = None
        self._abandoned: list[Callable[[], None]] = []
        self._pending_releases: list[Union[int, str]] = []
        self._stream_count = 0
        #: Counts the exchanges held (`hold`): a task call that finds none since the last one starts the dispatcher.
        self.exchanges = 0
        self._call_dispatcher: Any = None  # the CallDispatcher of this session, made on the first task call
        self._dispatching: Any = None  # that dispatcher while it runs on the board

    #: Whether the board keeps the engine's helpers as files (board_code.helper_module), so the kept startups
    #: can be run from there too. Set by `install_helpers`.
    helpers_kept = False

    @classmethod
    def connect(
        cls,
        transport: Transport,
        *,
        reset: bool,
        timeout: float,
        source_map: SourceMap,
        generation: int,
    ) -> "Session":
        """Enter the raw REPL on `transport` (soft-resetting where asked and possible) and install the helpers.

        The transport is closed if anything fails, a Ctrl-C included.

        Raises
        ------
        NoAnswerError
            The board did not answer the raw REPL's control sequence.
        """
        repl = RawRepl(transport, acknowledge_timeout=timeout)
        try:
            repl.enter()
            if reset and transport.survives_soft_reset:
                repl.soft_reset()
        except BoardTimeoutError as exc:
            transport.close()
            raise NoAnswerError(f"{transport.description} did not answer: {exc}") from exc
        except BaseException:
            transport.close()
            raise
        nonce = "".join(secrets.choice(_NONCE_ALPHABET) for _ in range(8))
        session = cls(repl, nonce=nonce, source_map=source_map, compiles=False, generation=generation, timeout=timeout)
        try:
            session.install_helpers()
        except BaseException:
            session.close()
            raise
        return session

    def install_helpers(self) -> None:
        """Install the engine's board helpers (again, after a reset) and take the board facts they report.

        From the files the board keeps where they are current, else written first, else sent as source: see
        `helper_install.install_helpers`.
        """
        reply, self.helpers_kept = install_helpers(self)
        *facts, self.compiles = reply
        self.implementation = Implementation.from_board_reply(tuple(facts))

    # -- the link -------------------------------------------------------------------------------------

    @property
    def active_stream(self) -> Any:
        """The stream whose exchange runs on the board now (held weakly), or None."""
        return self._active_stream() if self._active_stream is not None else None

    def set_active_stream(self, stream: Any) -> None:
        """Record that `stream`'s exchange runs on the board: another thread's call pauses it first."""
        self._active_stream = weakref.ref(stream)

    def clear_active_stream(self) -> None:
        """No stream's exchange runs on the board any more."""
        self._active_stream = None

    def hold(self, stream: Any = None) -> "_Hold":
        """Hold the link for one exchange (on behalf of `stream`, which is then not paused) and hand out the REPL.

        Use as ``with session.hold() as repl:``.

        Raises
        ------
        ConnectionLost
            The session is closed, or the link dropped during the exchange (the session is then closed).
        BoardTimeoutError
            Another thread's exchange did not end in time.
        RuntimeError
            This thread holds the link already (board output handed to host code that calls the board).
        """
        return _Hold(self, stream)

    def _take_link(self, stream: Any) -> RawRepl:
        """`hold`'s start: take the lock, then end or pause what runs on the board for someone else."""
        me = threading.get_ident()
        if self._lock_owner == me:
            raise RuntimeError("the board is busy with another call from this thread (is board output calling it?)")
        if not self._lock.acquire(blocking=False):
            # A stream read on another thread may hold the link while it waits for values: ask it to pause.
            active = self.active_stream
            if active is not None and active is not stream:
                active.request_pause()
            if not self._lock.acquire(timeout=self.timeout * 6):
                raise BoardTimeoutError(f"waited {self.timeout * 6} s for another thread's call on this device to end")
        self._lock_owner = me
        try:
            if self.closed:
                raise ConnectionLost(
                    "the link to the board is closed (closed or lost); call reconnect() or make a new Device"
                )
            try:
                self.exchanges += 1
                dispatching = self._dispatching
                if dispatching is not None and (dispatching is not stream or self._abandoned or self._pending_releases):
                    self._dispatching = None
                    dispatching.end(self.repl)  # first: the board reads nothing else while it waits for frames
                while self._abandoned:
                    self._abandoned.pop()()
                active = self.active_stream
                if active is not None and active is not stream:
                    active.pause(self.repl)
                if self._pending_releases:
                    ids, self._pending_releases = self._pending_releases, []
                    self.repl.exec(board_calls.release(ids).encode())
            except ConnectionLost:
                self.close()
                raise
        except BaseException:
            self._release_link()
            raise
        return self.repl

    def _release_link(self) -> None:
        self._lock_owner = None
        self._lock.release()

    @contextmanager
    def try_hold(self) -> Iterator[Optional[RawRepl]]:
        """Hold the link only if it is free right now (for the garbage collector): the REPL, or None."""
        if not self._lock.acquire(blocking=False):
            yield None
            return
        try:
            yield None if self.closed or self._dispatching is not None else self.repl
        finally:
            self._lock.release()

    def abandon(self, clean_up: Callable[[], None]) -> None:
        """Run `clean_up` with the link held, at the start of the next exchange."""
        self._abandoned.append(clean_up)

    # -- the resident call dispatcher ----------------------------------------------------------------

    def call_dispatcher(self) -> Any:
        """The session's `CallDispatcher`, which sends registered task calls as call frames where that pays."""
        if self._call_dispatcher is None:
            from .call_dispatch import CallDispatcher  # it builds on this module

            self._call_dispatcher = CallDispatcher(self)
        return self._call_dispatcher

    def set_dispatching(self, dispatcher: Any) -> None:
        """Record that `dispatcher` runs on the board: the next exchange held for anything else ends it first."""
        self._dispatching = dispatcher

    def clear_dispatching(self) -> None:
        """The call dispatcher does not run on the board any more."""
        self._dispatching = None

    def _end_dispatching_for_close(self) -> None:
        # Closing leaves the raw REPL with Ctrl-B, which a waiting dispatcher would read as its end instead.
        dispatching = self._dispatching
        if dispatching is None or not self._lock.acquire(blocking=False):
            return
        try:
            self._dispatching = None
            with contextlib.suppress(PyboardError, ConnectionLost, OSError):
                dispatching.end(self.repl)
        finally:
            self._lock.release()

    def interrupt(self) -> None:
        """Send Ctrl-C to the code running on the board, from any thread."""
        if not self.closed:
            self.repl.interrupt()

    # -- running code ---------------------------------------------------------------------------------

    def run(
        self,
        code: str,
        *,
        stream_out: Optional[TextIO] = None,
        on_display: Optional[DisplayHandler] = None,
        trusted: bool = False,
        module: Optional[SourceLocation] = None,
    ) -> Any:
        """Run `code` as it is; return the last value record's value (a `ProxyReference` for a proxy) or NO_RESULT.

        Printed text goes to `stream_out` as it arrives, and the board code's displays, in order with it, to
        `on_display` (see `OutputForwarder` for the defaults).

        Code from a host `module` location is compiled on the board under its host name where the board can;
        otherwise the functions it defines are remembered, so their ``<stdin>`` frames map back to the host.

        Raises
        ------
        PyboardException
            The code raised on the board; the traceback's frames point at the host lines.
        """
        if module is not None:
            if self.compiles:
                code, module = self.source_map.locate(code, module), None
            else:
                self.source_map.remember_functions(code, module)
        output = OutputForwarder(stream_out, on_display=on_display)
        parser = self.record_parser()
        results: list = []
        errors: list = []
        with self.hold() as repl:
            events = repl.execute(code.encode())
            try:
                for event in events:
                    if isinstance(event, Output):
                        _take(parser.feed(event.data), output, results)
                    elif isinstance(event, ErrorOutput):
                        errors.append(event.data)
                    elif isinstance(event, Finished):
                        output.write(parser.flush())
            finally:
                events.close()  # stops the board code if host code (an output stream) raised
        output.finish()
        if errors:
            raise self.board_exception(b"".join(errors), module)
        result = results[-1] if results else NO_RESULT
        return parse_value(result, trusted) if type(result) is bytes else result

    def locate(self, code: str, location: SourceLocation) -> str:
        """`code` as the board should run it to name `location`'s host file and lines itself (see `SourceMap`)."""
        return self.source_map.locate(code, location) if self.compiles else code

    def record_parser(self) -> RecordParser:
        """A parser for this connection's reply records."""
        return RecordParser(self.nonce.encode())

    def board_exception(self, stderr: bytes, module: Optional[SourceLocation] = None) -> PyboardException:
        """The exception for a board traceback, its frames mapped to host files and lines."""
        return self.source_map.exception(stderr, module)

    # -- board objects ------------------------------------------------------------------------------

    def new_stream_key(self) -> int:
        """A key under which the board keeps a streaming generator: negative, so never a proxy's id.

        An int, not a short string: the board interns a short string literal for good, one per stream.
        """
        self._stream_count += 1
        return -self._stream_count

    def release_later(self, key: Union[int, str], generation: int) -> None:
        """Forget the board object kept under `key` with the next exchange (safe from the garbage collector)."""
        if generation == self.generation and not self.closed:
            self._pending_releases.append(key)

    def reset_happened(self) -> None:
        """The board was reset: its objects, streams and helpers are gone (the caller installs the helpers again)."""
        self.generation += 1
        self._pending_releases.clear()
        self._active_stream = None
        self._dispatching = None

    def close(self) -> None:
        """Leave the raw REPL and close the transport; later exchanges raise `ConnectionLost`."""
        if self.closed:
            return
        self._end_dispatching_for_close()
        self.closed = True
        self._active_stream = None
        with contextlib.suppress(PyboardError, ConnectionLost, OSError):
            self.repl.exit()  # the board may be gone already; closing is all that is left to do then
        self.repl.close()


def _take(items: list, output: OutputForwarder, results: list) -> None:
    for item in items:
        if type(item) is bytes:
            output.write(item)
        elif item[0] in (RESULT, YIELDED):
            results.append(item[1])
        elif item[0] == PROXY:
            results.append(ProxyReference.from_payload(item[1]))
        else:
            output.record(*item)  # a display call of the board code (other kinds have no place here)


def retrying(connect: Callable[[], None], attempts: int, what: str) -> None:
    """Call `connect` until it succeeds, at most `attempts` times (negative: forever).

    A refused password is not retried: the board would refuse the same credentials again.

    Raises
    ------
    ConnectionLost
        Every attempt failed; the last failure is its cause.
    """
    error: Optional[BaseException] = None
    tried = 0
    while attempts < 0 or tried < attempts:
        tried += 1
        try:
            connect()
            return
        except AuthenticationError:
            raise
        except (PyboardError, ConnectionFailedError, OSError) as exc:
            error = exc
    raise ConnectionLost(f"could not {what} after {tried} attempt(s): {error}") from error


class _Hold:
    """The context manager of `Session.hold` (a class: it runs on every exchange, a generator costs more)."""

    __slots__ = ("_session", "_stream")

    def __init__(self, session: Session, stream: Any):
        self._session = session
        self._stream = stream

    def __enter__(self) -> RawRepl:
        return self._session._take_link(self._stream)

    def __exit__(self, kind: Any, error: Any, traceback: Any) -> None:
        session = self._session
        try:
            if kind is not None and issubclass(kind, ConnectionLost):
                session.close()
        finally:
            session._release_link()
