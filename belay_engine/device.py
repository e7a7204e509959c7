"""Device: connect to a board, run code on it, and hand out the decorators that turn host functions into board calls."""

import atexit
from typing import Any, Optional

from attrs import evolve

from . import board_calls
from .board_clock import BoardClock
from .board_code import board_source, kept_source_path
from .device_clock import ClockMethods
from .device_files import FileMethods
from .device_meta import DeviceMeta, bind_decorated_methods, mark_setup, mark_task, mark_teardown, mark_thread
from .errors import ConnectionLost, MaxHistoryLengthError, PyboardException
from .evaluate import EvaluationMethods
from .executors import SetupExecutor, TaskExecutor, TeardownExecutor, ThreadExecutor, sorted_by_definition
from .history import History
from .implementation import Implementation
from .session import Session, retrying
from .source_map import SourceMap
from .tracebacks import SourceLocation
from .transports import open_transport


class Device(EvaluationMethods, FileMethods, ClockMethods, metaclass=DeviceMeta):
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

    setup = staticmethod(mark_setup)
    teardown = staticmethod(mark_teardown)
    task = staticmethod(mark_task)
    thread = staticmethod(mark_thread)

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
        self._connect_options = dict(
            baudrate=baudrate, exclusive=exclusive, user=user, password=password, timeout=timeout
        )
        self._timeout = timeout
        self.attempts = attempts
        self.auto_sync_time = auto_sync_time
        self._startup = startup
        self._history = History(self.MAX_CMD_HISTORY_LEN)
        self._source_map = SourceMap()
        self._definitions: dict[str, str] = {}
        self._session: Optional[Session] = None
        self._generation = 0
        self.implementation = Implementation("unknown")

        self._clock = BoardClock(self)
        self._connect(reset=reset)

        self._belay_setup, self._belay_teardown = SetupExecutor(self), TeardownExecutor(self)
        self._belay_task, self._belay_thread = TaskExecutor(self, self._clock), ThreadExecutor(self)
        executors = {"setup": self._belay_setup, "teardown": self._belay_teardown}
        executors.update(task=self._belay_task, thread=self._belay_thread)
        autoinit = bind_decorated_methods(self, executors)
        try:
            self._run_startup()
            self.__pre_autoinit__()
            for setup in autoinit:
                setup()
                self._belay_setup.autoinit.append(setup)
            atexit.register(self.close)
            self.__post_init__()
        except BaseException:
            self._close_session()  # a Device that failed to start has nobody to close its board
            raise

    def __pre_autoinit__(self) -> None:
        """Run before the autoinit setup methods (a good place to sync files they need)."""

    def __post_init__(self) -> None:
        """Run at the end of ``__init__``."""

    # -- the connection -------------------------------------------------------------------------------

    @property
    def session(self) -> Session:
        """The current connection; the engine's streams, sync, cells and proxies work through it.

        Raises
        ------
        ConnectionLost
            The Device is closed, or its link was lost and not reconnected.
        """
        if self._session is None or self._session.closed:
            raise ConnectionLost(
                "the link to the board is closed (closed or lost); call reconnect() or make a new Device"
            )
        return self._session

    @property
    def generation(self) -> int:
        """Counts connections and resets; board objects of an older generation are gone."""
        return self._session.generation if self._session is not None else self._generation

    def _connect(self, reset: bool) -> None:
        transport = open_transport(self._port, **self._connect_options)
        self._clock.forget_reference()
        self._session = Session.connect(
            transport, reset=reset, timeout=self._timeout, source_map=self._source_map, generation=self._generation + 1
        )
        self._generation = self._session.generation
        self.implementation = self._session.implementation

    def _run_startup(self) -> None:
        if self._startup is None:
            name = "startup_circuitpython" if self.implementation.name == "circuitpython" else "startup_micropython"
            if self.session.helpers_kept:
                try:
                    self.session.run(board_calls.run_kept_source(kept_source_path(name)))
                    return
                except PyboardException:
                    pass  # the kept copy is missing or damaged: the source runs as it is
            self.session.run(board_source(name))
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
        self._close_session()
        self.reconnect_transport(attempts if attempts is not None else (self.attempts or 1))
        self._run_startup()
        for command in self._history:
            self.session.run(command)

    def reconnect_transport(self, attempts: Optional[int] = None) -> None:
        """Open the link again and enter the raw REPL, without replaying anything.

        Parameters
        ----------
        attempts : int, optional
            Connection attempts (default: the Device's `attempts`, at least 3); negative: forever.
        """
        attempts = attempts if attempts is not None else max(self.attempts, 3)
        retrying(lambda: self._connect(reset=False), attempts, f"reconnect to {self._port}")

    def soft_reset(self) -> None:
        """Soft-reset the board: globals are cleared, files stay.

        Tasks and threads defined through this Device are sent again, and autoinit setups run again, so
        decorated functions keep working.
        """
        with self.session.hold() as repl:
            repl.soft_reset()
        self._restore_after_reboot()

    def hard_reset(self) -> None:
        """Reset the board as its reset button would (``machine.reset()``); files stay, RAM state does not.

        The Device reconnects if the port went away with the reset, then, as after `soft_reset`, sends its
        tasks and threads again and runs autoinit setups again.
        """
        with self.session.hold() as repl:
            try:
                repl.hard_reset()
                repl.enter()
                port_dropped = False
            except ConnectionLost:
                port_dropped = True
        if port_dropped:
            self._close_session()
            self.reconnect_transport()
        self._restore_after_reboot()

    def terminal(self, *, exit_char: str = chr(0x1D)) -> None:
        """Talk to the board's friendly REPL from this terminal (keys raw, output as it arrives); Ctrl-] quits.

        The terminal's mode is restored on the way out and the Device stays usable.
        """
        from .commands.terminal import terminal

        if terminal(self.session, self._port, exit_char=exit_char):
            self._restore_after_reboot()  # the user soft-reset the board: its globals, our helpers among them, went

    def _restore_after_reboot(self) -> None:
        """After a reset: board objects are gone; put the helpers, tasks and autoinit setups back."""
        session = self.session
        session.reset_happened()
        self._generation = session.generation
        session.install_helpers()
        self._run_startup()
        for source in self._definitions.values():
            session.run(source)
        for setup in self._belay_setup.autoinit:
            setup()

    def close(self) -> None:
        """Run the teardown functions, stop what runs on the board, and release the link."""
        if self._session is None:
            return
        atexit.unregister(self.close)
        try:
            if not self._session.closed:
                for teardown in sorted_by_definition(self._belay_teardown._belay_executers):
                    teardown()
        finally:
            self._close_session()

    def _close_session(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            session.close()

    def __enter__(self) -> "Device":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def __repr__(self) -> str:
        session = self._session
        state = "closed" if session is None or session.closed else repr(session.repl.transport.description)
        return f"<{type(self).__name__} {state} {self.implementation.name} {self.implementation.version}>"

    # -- engine services for the executors ----------------------------------------------------------

    def define(self, name: str, source: str, location: SourceLocation, *, record: bool = True) -> None:
        """Send a function definition to the board and remember where it came from (for tasks and threads)."""
        location = evolve(location, span=(1 + location.lines_added, source.count("\n") + 1 + location.lines_added))
        session = self.session
        code = session.locate(source, location)
        self._source_map.remember_function(name, None if session.compiles else location)
        self._definitions[name] = code
        if record:
            self._history.record(code)
        session.run(code, module=None if session.compiles else location)

    def run_global(self, code: str, location: SourceLocation, *, record: bool = True) -> None:
        """Run `code` in the board's global context as setup code: kept for replay, tracebacks mapped to `location`."""
        session = self.session
        if record:
            self._history.record(session.locate(code, location))
        session.run(code, module=location)

    def run_recorded(self, code: str, *, record: bool, reconnect: bool = True, **options: Any) -> Any:
        """Run `code` (kept for replay if `record`); where the link drops and `attempts` allow, reconnect and retry.

        A recorded command is not sent again after the reconnect: replaying the history has just run it.
        """
        if record:
            self._history.record(code)
        try:
            return self.session.run(code, **options)
        except ConnectionLost:
            if not (reconnect and self.attempts):
                raise
            self.reconnect()
            if record:
                return None
            return self.session.run(code, **options)
