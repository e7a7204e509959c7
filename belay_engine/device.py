"""Device: connect to a board, run code on it, and hand out the decorators that turn host functions into board calls."""

import atexit
import contextlib
import functools
import importlib.resources
import os
import secrets
import string
import textwrap
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Callable, Optional, TextIO, Union

from attrs import evolve

from .board_clock import BoardClock
from .device_meta import DeviceMeta, attach_metadata
from .errors import (
    AuthenticationError,
    BoardTimeoutError,
    ConnectionFailedError,
    ConnectionLost,
    MaxHistoryLengthError,
    NoAnswerError,
    PyboardError,
    PyboardException,
)
from .executors import SetupExecutor, TaskExecutor, TeardownExecutor, ThreadExecutor, sorted_by_definition
from .fair_lock import FairLock
from .history import History
from .implementation import Implementation
from .minify import minify as minify_code
from .output import OutputForwarder
from .protocol.control_bytes import PROXY, RESULT, YIELDED
from .protocol.framing import ErrorOutput, Finished, Output
from .protocol.raw_repl import RawRepl
from .protocol.records import RecordParser
from .proxy import ProxyObject, ProxyReference
from .replies import NO_RESULT, parse_value
from .source import function_spans, import_names, isexpression
from .tracebacks import ENGINE_FILE, SourceLocation, exception_name, map_traceback
from .transports import open_transport

_NONCE_ALPHABET = string.ascii_letters + string.digits


def _board_source(name: str) -> str:
    return importlib.resources.files("belay_engine.board").joinpath(f"{name}.py").read_text()


#: The board helpers' parts, installed in this order; each is compiled on its own (see board/helpers.py).
_HELPER_PARTS = ("helpers", "value_pieces", "board_info")


@functools.cache
def _helper_parts() -> tuple[str, ...]:
    """The board helpers' parts, minified once per process (it takes longer than connecting to the virtual board)."""
    return tuple(minify_code(_board_source(name)) for name in _HELPER_PARTS)


class Device(metaclass=DeviceMeta):
    """A connected MicroPython or CircuitPython board.

    Parameters
    ----------
    port : str or UsbSpecifier, optional
        Where the board is: a serial path (``/dev/ttyACM0``, ``COM3``), a pyserial URL (``socket://host:port``,
        ``rfc2217://host:port``), a telnet REPL (``192.168.4.1``, ``host:2323``, ``telnet://host[:port]``), a
        WebREPL URL (``ws://192.168.4.1:8266``), ``exec:CMD`` or ``execpty:CMD`` (a local process as the board),
        ``virtual:`` (the built-in virtual board with a fresh root folder), ``virtual:PATH`` (that folder as the
        board's ``/``), or a `UsbSpecifier` (or its JSON) naming a USB board by its ids, e.g.
        ``UsbSpecifier(vid=0x2E8A, serial_number="e661...")``. None: the ``BELAY_DEVICE`` environment
        variable (a port or JSON of a `UsbSpecifier`), else the one USB board that looks like a MicroPython or
        CircuitPython board; none or several raise `DeviceNotFoundError` / `InsufficientSpecifierError`
        listing the ports found.
    baudrate : int
        Serial line speed.
    user, password : str
        Credentials for network REPLs.
    startup : str, optional
        Code run after connecting; None runs the usual convenience imports (``Pin``, ``sleep``, ...),
        ``""`` runs nothing.
    attempts : int
        Reconnect attempts after the link drops during a call (0: raise `ConnectionLost`; negative: forever).
    auto_sync_time : bool
        Synchronise with the board's clock by itself, the first time a timestamp or `time_offset` is asked
        for (Belay 0.30 synchronises while connecting, which costs every user a few round trips).
    reset : bool
        Soft-reset the board on connect so it starts from a clean state (files are kept).
    timeout : float
        Seconds to wait for the board to answer a control sequence or accept code.

    Examples
    --------
    >>> device = Device("virtual:")                    # doctest: +SKIP
    >>> @device.task
    ... def add(a, b):
    ...     return a + b
    >>> add(1, 2)                                      # doctest: +SKIP
    3
    """

    MAX_CMD_HISTORY_LEN = 1000

    def __init__(
        self,
        port: Optional[str] = None,
        baudrate: int = 115200,
        user: str = "micro",
        password: str = "python",
        *,
        startup: Optional[str] = None,
        attempts: int = 0,
        auto_sync_time: bool = True,
        reset: bool = True,
        timeout: float = 10.0,
        exclusive: bool = True,
        device: Optional[str] = None,
    ):
        if device is not None:
            if port is not None:
                raise TypeError("give the port once: as `port` or as Belay's `device`, not both")
            port = device
        self._port = port
        self._connect_options = {
            "baudrate": baudrate,
            "exclusive": exclusive,
            "user": user,
            "password": password,
            "timeout": timeout,
        }
        self._timeout = timeout
        self.attempts = attempts
        self.auto_sync_time = auto_sync_time
        self._startup = startup
        self._history = History(self.MAX_CMD_HISTORY_LEN)
        self._lock = FairLock()
        self._lock_owner: Optional[int] = None
        self._active_stream: Any = None
        self._abandoned: list[Callable[[], None]] = []
        self._pending_releases: list[Union[int, str]] = []
        self._functions: dict[str, SourceLocation] = {}
        self._host_files: set[str] = set()
        self._compiles = False
        self._definitions: dict[str, str] = {}
        self._generation = 0
        self._stream_count = 0
        self._repl: Optional[RawRepl] = None
        self.implementation = Implementation("unknown")

        self._clock = BoardClock(self)
        self._connect(reset=reset)

        self._belay_setup = SetupExecutor(self)
        self._belay_teardown = TeardownExecutor(self)
        self._belay_task = TaskExecutor(self)
        self._belay_thread = ThreadExecutor(self)
        executors = {
            "setup": self._belay_setup,
            "teardown": self._belay_teardown,
            "task": self._belay_task,
            "thread": self._belay_thread,
        }
        autoinit = []
        replaced = set()
        for name in dir(type(self)):
            if isinstance(getattr(type(self), name, None), property):
                continue  # reading one may talk to the board (time_offset synchronises)
            try:
                method = getattr(self, name)
            except AttributeError:
                continue
            metadata = getattr(method, "__belay__", None)
            if metadata is None:
                continue
            executor = executors[metadata.executor]
            kwargs = dict(metadata.kwargs)
            if metadata.executor == "setup" and metadata.autoinit:
                kwargs["_autoinit_later"] = True
            instance_callable = executor(method, **kwargs)
            setattr(self, name, instance_callable)
            replaced.add(name)
            if metadata.autoinit:
                autoinit.append((metadata.id, instance_callable))
        for name, executor in executors.items():
            if name not in replaced:
                setattr(self, name, executor)

        try:
            self._run_startup()
            self.__pre_autoinit__()
            for _, setup in sorted(autoinit, key=lambda item: item[0]):
                setup()
                self._belay_setup.autoinit.append(setup)
            atexit.register(self.close)
            self.__post_init__()
        except BaseException:
            self._close_transport()  # a Device that failed to start has nobody to close its board
            raise

    # -- class-level decorators (metadata only; instances replace these names with executors) ------

    @staticmethod
    def setup(f=None, autoinit: bool = False, implementation: str = "", **kwargs):
        """Mark a method as setup code: its body runs in the board's global context.

        Parameters
        ----------
        autoinit : bool
            Run it while the Device connects (and again after a soft reset); it may then take no parameters.
        implementation : str
            Use this definition only on that implementation (``"micropython"``, ``"circuitpython"``).
        """
        if f is not None and autoinit and SetupExecutor.parameters_of(f):
            raise ValueError("Method with autoinit=True cannot have arguments.")

        def check(function):
            if autoinit and SetupExecutor.parameters_of(function):
                raise ValueError("Method with autoinit=True cannot have arguments.")
            return attach_metadata("setup", function, implementation, autoinit, **kwargs)

        return check if f is None else check(f)

    @staticmethod
    def teardown(f=None, implementation: str = "", **kwargs):
        """Mark a method as teardown code, run by `close`; it may take no parameters."""

        def check(function):
            if SetupExecutor.parameters_of(function):
                raise ValueError("Method decorated with @teardown cannot have arguments.")
            return attach_metadata("teardown", function, implementation, **kwargs)

        return check if f is None else check(f)

    @staticmethod
    def task(f=None, implementation: str = "", **kwargs):
        """Mark a method as a task: it runs on the board when called (generators stream)."""
        return attach_metadata("task", f, implementation, **kwargs)

    @staticmethod
    def thread(f=None, implementation: str = "", **kwargs):
        """Mark a method as a thread: calling it starts it on the board with ``_thread``."""
        return attach_metadata("thread", f, implementation, **kwargs)

    # -- hooks --------------------------------------------------------------------------------------

    def __pre_autoinit__(self) -> None:
        """Run before the autoinit setup methods (a good place to sync files they need)."""

    def __post_init__(self) -> None:
        """Run at the end of ``__init__``."""

    # -- connection -----------------------------------------------------------------------------------

    def _connect(self, reset: bool) -> None:
        transport = open_transport(self._port, **self._connect_options)
        repl = RawRepl(transport, acknowledge_timeout=self._timeout)
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
        self._repl = repl
        self._clock.forget_reference()
        self._generation += 1
        self._active_stream = None
        self._abandoned.clear()
        self._pending_releases.clear()
        self._nonce = "".join(secrets.choice(_NONCE_ALPHABET) for _ in range(8))
        self._record_marker = self._nonce.encode()
        try:
            self.implementation = Implementation.from_board_reply(self._install_helpers())
        except BaseException:
            self._close_transport()  # Ctrl-C or a failure while connecting: the link is not left open
            raise

    def _install_helpers(self) -> tuple:
        """Install the board helpers, compiled as ``<belay>`` where the board has compile(); return the board facts.

        Without compile(), exec() names the helpers' frames ``<string>``: never taken for user code either.
        """
        parts = ",".join(repr(part.replace("@@", self._nonce)) for part in _helper_parts())
        # Collecting garbage before each compile lets the helpers' code settle low in the heap, leaving the
        # free space above it in one piece for big values.
        *facts, self._compiles = self._execute(
            f"for _belay_h in ({parts}):\n __import__('gc').collect()\n try:\n"
            f"  _belay_h=compile(_belay_h,{ENGINE_FILE!r},'exec')\n except NameError:\n  pass\n exec(_belay_h)\n"
            "del _belay_h\n__import__('gc').collect()\n"
        )
        return tuple(facts)

    def _run_startup(self) -> None:
        if self._startup is None:
            name = "startup_circuitpython" if self.implementation.name == "circuitpython" else "startup_micropython"
            self._execute(_board_source(name))
        elif self._startup:
            self(self._startup, record=False)

    def reconnect(self, attempts: Optional[int] = None) -> None:
        """Reconnect to the board and replay the recorded commands.

        Parameters
        ----------
        attempts : int, optional
            Connection attempts; defaults to the Device's `attempts` (at least one). Negative: forever.

        Raises
        ------
        MaxHistoryLengthError
            More commands were recorded than the history keeps, so the board's state cannot be rebuilt.
        ConnectionLost
            Every attempt failed.
        """
        if self._history.overflowed:
            raise MaxHistoryLengthError(
                f"more than {self.MAX_CMD_HISTORY_LEN} commands were recorded; the board's state cannot be replayed"
            )
        self._close_transport()
        self.reconnect_transport(attempts if attempts is not None else (self.attempts or 1))
        self._run_startup()
        for command in self._history:
            self._execute(command)

    def soft_reset(self) -> None:
        """Soft-reset the board: globals are cleared, files stay.

        Tasks and threads defined through this Device are sent again, and autoinit setups run again, so
        decorated functions keep working.
        """
        with self._wire() as repl:
            repl.soft_reset()
        self._restore_after_reboot()

    def hard_reset(self) -> None:
        """Reset the board as its reset button would (``machine.reset()``); files stay, RAM state does not.

        The Device reconnects if the port went away with the reset, then, as after `soft_reset`, sends its
        tasks and threads again and runs autoinit setups again.
        """
        with self._wire() as repl:
            try:
                repl.hard_reset()
                repl.enter()
                port_dropped = False
            except ConnectionLost:
                port_dropped = True
        if port_dropped:
            self._close_transport()
            self.reconnect_transport()
        self._restore_after_reboot()

    def terminal(self, *, exit_char: str = chr(0x1D)) -> None:
        """Talk to the board's friendly REPL from this terminal (keys raw, output as it arrives); Ctrl-] quits.

        The terminal's mode is restored on the way out and the Device stays usable.
        """
        from .commands.terminal import terminal

        terminal(self, exit_char=exit_char)

    def reconnect_transport(self, attempts: Optional[int] = None) -> None:
        """Open the link again and enter the raw REPL, without replaying anything.

        Parameters
        ----------
        attempts : int, optional
            Connection attempts (default: the Device's `attempts`, at least 3); negative: forever.
        """
        attempts = attempts if attempts is not None else max(self.attempts, 3)
        error: Optional[BaseException] = None
        tried = 0
        while attempts < 0 or tried < attempts:
            tried += 1
            try:
                self._connect(reset=False)
                return
            except AuthenticationError:
                raise  # the board would refuse the same credentials again: no retry
            except (PyboardError, ConnectionFailedError, OSError) as exc:
                error = exc
        raise ConnectionLost(f"could not reconnect to {self._port} after {tried} attempt(s): {error}") from error

    def _restore_after_reboot(self) -> None:
        """After a reset: board objects are gone; put the helpers, tasks and autoinit setups back."""
        self._generation += 1
        self._pending_releases.clear()
        self._install_helpers()
        self._run_startup()
        for source in self._definitions.values():
            self._execute(source)
        for setup in self._belay_setup.autoinit:
            setup()

    def close(self) -> None:
        """Run the teardown functions, stop what runs on the board, and release the link."""
        if self._repl is None:
            return
        atexit.unregister(self.close)
        try:
            for teardown in sorted_by_definition(self._belay_teardown._belay_executers):
                teardown()
        finally:
            self._close_transport()

    def _close_transport(self) -> None:
        repl, self._repl = self._repl, None
        self._active_stream = None
        if repl is None:
            return
        with contextlib.suppress(PyboardError, ConnectionLost, OSError):
            repl.exit()  # the board may be gone already; closing is all that is left to do then
        repl.close()

    def __enter__(self) -> "Device":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._repl is None else repr(self._repl.transport.description)
        return f"<{type(self).__name__} {state} {self.implementation.name} {self.implementation.version}>"

    # -- running code ------------------------------------------------------------------------------

    def __call__(
        self,
        cmd: Union[str, ProxyObject],
        *,
        minify: bool = True,
        stream_out: Optional[TextIO] = None,
        record: bool = True,
        trusted: bool = False,
        proxy: bool = False,
        delete: Optional[bool] = None,
        **unsupported: Any,
    ) -> Any:
        """Run code on the board; the value of an expression comes back as a Python value.

        Parameters
        ----------
        cmd : str or ProxyObject
            Statements or one expression; a ProxyObject fetches the value of its board object.
        minify : bool
            Shrink the code before sending (line numbers are kept).
        stream_out : TextIO, optional
            Where board output goes as it arrives; default ``sys.stdout`` at the time of the call.
        record : bool
            Keep the command in the history replayed by `reconnect`.
        trusted : bool
            Evaluate reprs that are not literals with `eval` (a security risk: the board runs code on the host).
        proxy : bool
            Return a `ProxyObject` for values that are not plain immutables.
        delete : bool, optional
            Whether such a proxy deletes its board object when garbage collected.

        Returns
        -------
        Any
            The expression's value; None for statements.

        Raises
        ------
        PyboardException
            The code raised on the board; the message holds the board traceback.
        """
        with_timing = unsupported.pop("with_timing", None)
        return_time = unsupported.pop("return_time", False)
        if unsupported:
            raise TypeError(f"unexpected keyword arguments: {', '.join(sorted(unsupported))}")
        if isinstance(cmd, ProxyObject):
            cmd = object.__getattribute__(cmd, "_belay_target_name")
        cmd = textwrap.dedent(cmd)
        imported = import_names(cmd)
        timed = bool(return_time or with_timing)
        if timed:
            if proxy:
                raise ValueError("return_time and with_timing cannot be combined with proxy=True")
            self._clock.ensure_synced()
            cmd = self._clock.timed_call(cmd) if isexpression(cmd) else f"{cmd}\n{self._clock.timed_call('None')}"
        elif isexpression(cmd):
            cmd = f"_belay.{'p' if proxy else 'r'}(({cmd}\n))"  # parentheses keep `a, b` one value
        if minify:
            cmd = minify_code(cmd)
        if record:
            self._history.record(cmd)
        sent_at = time.time()
        result = self._execute_with_reconnect(cmd, recorded=record, stream_out=stream_out, trusted=trusted)
        if timed:
            value, stamp = self._clock.stamped(result, sent_at)
            return (value, stamp) if return_time else value
        if isinstance(result, ProxyReference):
            return ProxyObject(self, result.target, delete=True if delete is None else delete)
        if proxy and result is NO_RESULT:
            if not imported:
                raise NotImplementedError("proxy=True needs an expression or an import statement")
            proxies = tuple(self._proxy_name(name) for name in imported)
            return proxies[0] if len(proxies) == 1 else proxies
        return None if result is NO_RESULT else result

    def proxy(self, cmd: str, delete: Optional[bool] = None) -> Union[ProxyObject, tuple]:
        """A `ProxyObject` for a board global (no round trip), or for the value of an expression or import.

        Parameters
        ----------
        cmd : str
            A global name, an expression (a new board object) or an import statement.
        delete : bool, optional
            Delete the board object when the proxy is garbage collected (default: only for expressions).
        """
        if cmd.isidentifier():
            return ProxyObject(self, cmd, delete=False if delete is None else delete)
        return self(cmd, proxy=True, delete=delete, record=False)

    def sync_time(self, samples: int = 10) -> float:
        """Measure the offset between the board's clock and the host's, and return it.

        Parameters
        ----------
        samples : int
            Round trips to measure at most; it stops after five once three in a row are as fast as the best.

        Returns
        -------
        float
            `time_offset`: board time minus host time, in seconds.
        """
        return self._clock.sync_time(samples)

    @property
    def time_offset(self) -> float:
        """Board time minus host time, in seconds.

        The sign is the one Belay 0.30's code uses (its documentation says the opposite):
        ``host_time = board_ms / 1000 - time_offset``.

        Raises
        ------
        ValueError
            `sync_time` was never run (with `auto_sync_time`, reading this runs it).
        """
        if self.auto_sync_time:
            self._clock.ensure_synced()
        return self._clock.offset

    def _proxy_name(self, name: str) -> Any:
        value = self._execute(f"_belay.p({name},1)")
        return ProxyObject(self, name, delete=False) if isinstance(value, ProxyReference) else value

    def _execute_with_reconnect(self, code: str, *, recorded: bool, **options: Any) -> Any:
        try:
            return self._execute(code, **options)
        except ConnectionLost:
            if not self.attempts:
                raise
            self.reconnect()
            if recorded:
                return None  # the replay has just run it
            return self._execute(code, **options)

    def _streaming(self) -> Any:
        """The stream whose exchange runs on the board now (it holds a weak reference), or None."""
        return self._active_stream() if self._active_stream is not None else None

    @contextmanager
    def _wire(self, stream: Any = None) -> Iterator[RawRepl]:
        """Hold the link for one exchange: pause another stream, flush proxy releases, then hand out the REPL."""
        me = threading.get_ident()
        if self._lock_owner == me:
            raise RuntimeError("the board is busy with another call from this thread (is board output calling it?)")
        if not self._lock.acquire(blocking=False):
            # A stream read on another thread may hold the link while it waits for values: ask it to pause.
            active = self._streaming()
            if active is not None and active is not stream:
                active.request_pause()
            if not self._lock.acquire(timeout=self._timeout * 6):
                raise BoardTimeoutError(f"waited {self._timeout * 6} s for another thread's call on this device to end")
        self._lock_owner = me
        try:
            repl = self._repl
            if repl is None:
                raise ConnectionLost(
                    "the link to the board is closed (closed or lost); call reconnect() or make a new Device"
                )
            try:
                while self._abandoned:
                    self._abandoned.pop()()
                active = self._streaming()
                if active is not None and active is not stream:
                    active._pause(repl)
                if self._pending_releases:
                    ids, self._pending_releases = self._pending_releases, []
                    repl.exec(f"_belay.d({','.join(map(repr, ids))})".encode())
                yield repl
            except ConnectionLost:
                # The board is gone or rebooted (its helpers with it): no later call may run on what is left.
                self._close_transport()
                raise
        finally:
            self._lock_owner = None
            self._lock.release()

    def _execute(
        self,
        code: str,
        *,
        stream_out: Optional[TextIO] = None,
        trusted: bool = False,
        module: Optional[SourceLocation] = None,
    ) -> Any:
        """Run `code` (no minifying); return the last value record, or NO_RESULT.

        Code from a host `module` location is compiled on the board under its host name where the board can
        (see `located`); otherwise its ``<stdin>`` frames, and those of the functions it defines, are mapped
        back by the host when it raises.
        """
        if module is not None:
            if self._compiles:
                code, module = self.located(code, module), None
            else:
                for name, span in function_spans(code).items():
                    self._functions[name] = evolve(module, span=span)
        output = OutputForwarder(stream_out)
        parser = self.record_parser()
        results: list = []
        errors: list = []
        with self._wire() as repl:
            events = repl.execute(code.encode())
            try:
                self._consume(events, parser, output, errors, results)
            finally:
                events.close()  # stops the board code if host code (an output stream) raised
        output.finish()
        result = results[-1] if results else NO_RESULT
        if errors:
            raise self.board_exception(b"".join(errors), module)
        if type(result) is bytes:
            return parse_value(result, trusted)
        return result

    @staticmethod
    def _consume(events, parser, output, errors, results) -> None:
        for event in events:
            if isinstance(event, Output):
                for item in parser.feed(event.data):
                    if type(item) is bytes:
                        output.write(item)
                    elif item[0] in (RESULT, YIELDED):
                        results.append(item[1])
                    elif item[0] == PROXY:
                        results.append(ProxyReference.from_payload(item[1]))
            elif isinstance(event, ErrorOutput):
                errors.append(event.data)
            elif isinstance(event, Finished):
                output.write(parser.flush())

    # -- files -----------------------------------------------------------------------------------------------

    def sync(
        self,
        folder: Union[str, "os.PathLike[str]"],
        dst: str = "/",
        keep: Union[str, list, tuple, bool, None] = None,
        ignore: Union[str, list, tuple, None] = None,
        minify: bool = True,
        mpy_cross_binary: Optional[str] = None,
        progress_update: Optional[Callable[..., Any]] = None,
    ) -> None:
        """Make the board folder `dst` match the local `folder`, sending only files that differ.

        Parameters
        ----------
        folder : path
            Local folder (or a single file) to mirror on the board.
        dst : str
            Board folder to sync into; must start with ``/``.
        keep : str, list of str, or bool, optional
            Board paths (gitignore-style, relative to `dst`) never deleted. Default at ``/``: ``boot.py``,
            ``webrepl_cfg.py`` and ``lib``; elsewhere nothing. ``True`` deletes nothing.
        ignore : str or list of str, optional
            Local paths (gitignore-style, relative to `folder`) not synced, on top of VCS folders, caches and
            the patterns of a ``.belayignore`` file.
        minify : bool
            Minify ``.py`` files on the way (line numbers are kept).
        mpy_cross_binary : str, optional
            Compile ``.py`` files (but ``boot.py`` and ``main.py``) to ``.mpy`` with this mpy-cross, for the
            board's .mpy version and architecture; a mismatched mpy-cross is refused before anything is sent.
        progress_update : callable, optional
            Called with ``description=``, ``total=`` or ``advance=`` keywords as the sync proceeds.

        Raises
        ------
        ValueError
            `folder` does not exist or `dst` does not start with ``/``.
        """
        from .sync import sync

        sync(self, folder, dst, keep, ignore, minify, mpy_cross_binary, progress_update)

    def sync_dependencies(
        self,
        *groups: Any,
        project: Any = None,
        dst: str = "/lib",
        minify: bool = True,
        mpy_cross_binary: Optional[str] = None,
        progress_update: Optional[Callable[..., Any]] = None,
    ) -> Any:
        """Put the project's staged dependencies on the board's ``/lib``, sending only files that differ.

        Syncs the non-optional groups and the optional ones named in `groups`, as staged by
        ``belay install`` (`belay_engine.packages.install`); ``develop`` dependencies are read from their
        folders as they are now. A manifest on the board (``/lib/.belay-dependencies.json``) records which
        files each group put there: a later call removes only the files of the groups it syncs that are no
        longer wanted (and those of groups gone from pyproject.toml), so calling it for another group keeps
        the first call's files and files that Belay did not put in ``/lib`` are never touched. Call it from
        ``__pre_autoinit__`` to have every connection bring ``/lib`` up to date.

        Belay 0.30's form ``sync_dependencies(package_module, "subfolder", ...)`` (a module object first)
        syncs those folders of a Python package instead, tracked in the manifest the same way.

        Parameters
        ----------
        *groups : str
            Optional groups to sync too; an unknown name is a ConfigError.
        project : Project, optional
            Default: the project found walking up from the current folder.
        dst : str
            Board folder; ``/lib`` is on MicroPython's import path.
        minify, mpy_cross_binary, progress_update
            As for `sync`.

        Returns
        -------
        BoardSyncReport
            The board paths sent and removed.
        """
        from .packages import sync_dependencies

        return sync_dependencies(
            self,
            *groups,
            project=project,
            dst=dst,
            minify=minify,
            mpy_cross_binary=mpy_cross_binary,
            progress_update=progress_update,
        )

    # -- services for executors, streams and proxies -------------------------------------------------------

    def record_parser(self) -> RecordParser:
        """A parser for this connection's reply records."""
        return RecordParser(self._record_marker)

    def board_exception(self, stderr: bytes, module: Optional[SourceLocation] = None) -> PyboardException:
        """The exception for a board traceback, with its frames mapped to host files and lines."""
        text = stderr.decode("utf-8", "replace")
        mapped = map_traceback(text, self._functions, module, host_files=self._host_files)
        return PyboardException(mapped, exception_name(text))

    def located(self, code: str, location: SourceLocation) -> str:
        """`code` from host `location` as the board should run it to report host files and lines itself.

        Where the board has compile(), the code is compiled there under the host file name and placed at its
        host line, so every frame it makes (also those of functions it defines, called later) and a syntax
        error the board alone finds name the host file and line. The lines the engine put in front of the
        code run as they are. Without compile() the code is returned unchanged.
        """
        if not self._compiles:
            return code
        self._host_files.add(location.file)
        parts = code.split("\n", location.lines_added)
        body = parts.pop()
        run = f"_belay.c({body!r},{location.file!r},{max(location.first_line, 1)})"
        return "\n".join([*parts, run])

    def define(self, name: str, source: str, location: SourceLocation, *, record: bool = True) -> None:
        """Send a function definition to the board and remember where it came from."""
        location = evolve(location, span=(1 + location.lines_added, source.count("\n") + 1 + location.lines_added))
        code = self.located(source, location)
        if self._compiles:
            self._functions.pop(name, None)  # its frames name the host file: no mapping by name
        else:
            self._functions[name] = location
        self._definitions[name] = code
        if record:
            self._history.record(code)
        self._execute(code, module=None if self._compiles else location)

    def new_stream_key(self) -> str:
        """A key under which the board keeps a streaming generator."""
        self._stream_count += 1
        return f"g{self._stream_count}"

    def release_later(self, key: Union[int, str], generation: int) -> None:
        """Forget the board object kept under `key` with the next command (safe from garbage collection)."""
        if generation == self._generation:
            self._pending_releases.append(key)

    @property
    def generation(self) -> int:
        """Counts connections and resets; board objects of an older generation are gone."""
        return self._generation
