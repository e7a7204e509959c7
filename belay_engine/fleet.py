"""Fleet: many boards driven at once from one process; each call runs on every board and gives a FleetResult."""

import functools
import inspect
import threading
import warnings
from collections.abc import Iterator, Mapping
from typing import Any, Callable, Optional, TextIO, Union

from .device import Device
from .errors import ConnectionFailedError, ConnectionLost
from .fleet_calls import BoardJob, run_jobs
from .fleet_decorators import FleetDecorators
from .fleet_output import BoardOutput
from .fleet_result import FleetResult
from .fleet_stream import FleetStream

#: What a fleet call does with a board whose link was lost: leave it out, or reconnect it first.
ON_LOST = ("skip", "reconnect")


class Fleet(FleetDecorators):
    """Many boards at once: connect in parallel, define functions on every board, call them everywhere.

    Parameters
    ----------
    ports : mapping of str to port
        Board name → port, as `Device` takes it (``"/dev/ttyACM0"``, ``"socket://lab3:4001"``, ``"virtual:"``).
    max_workers : int, optional
        Boards called at the same time (None: all of them); each board's call waits on its link on a thread.
        Generator tasks run on every board at once whatever this says.
    timeout : float, optional
        Seconds a board's call may take once started (None: no limit). A board over it is interrupted (its
        link stays usable) and its entry is a `BoardTimeoutError`. Decorators and calls may set their own.
    on_lost : {"skip", "reconnect"}
        What a call does with a board whose link was lost (its earlier entry was `ConnectionLost`): ``"skip"``
        leaves it out (its name is in the result's ``skipped``); ``"reconnect"`` reconnects it first (its
        recorded setup and definitions are replayed), and a failed reconnect is its entry.
    output : callable, optional
        ``output(name) -> TextIO``: where each board's printed output goes. None: ``sys.stdout``, each line
        tagged ``[name]``.
    device_class : type
        The `Device` subclass to connect with (its class-level tasks and setups come with every board).
    **device_options
        Passed to every `Device` (``reset``, ``startup``, ``attempts``, ``timeout``, ...).

    Attributes
    ----------
    boards : dict of str to Device
        The connected boards, in the order given.
    failed : dict of str to Exception
        The boards that did not connect, with why (a warning names each); the others work.

    Examples
    --------
    >>> fleet = Fleet({"left": "virtual:", "right": "virtual:"})    # doctest: +SKIP
    >>> @fleet.task
    ... def add(a, b):
    ...     return a + b
    >>> add(1, 2)                                                   # doctest: +SKIP
    FleetResult({'left': 3, 'right': 3})
    """

    def __init__(
        self,
        ports: Mapping[str, Any],
        *,
        max_workers: Optional[int] = None,
        timeout: Optional[float] = None,
        on_lost: str = "skip",
        output: Optional[Callable[[str], TextIO]] = None,
        device_class: type = Device,
        **device_options: Any,
    ):
        self._configure(max_workers=max_workers, timeout=timeout, on_lost=on_lost, output=output)
        self._order = list(ports)
        connected: list[Device] = []
        lock = threading.Lock()
        abandoned = threading.Event()

        def connect(port: Any) -> Device:
            device = device_class(port, **device_options)
            with lock:
                connected.append(device)
                if not abandoned.is_set():
                    return device
            device.close()  # connected after a Ctrl-C gave up on the fleet: nobody else will close it
            raise KeyboardInterrupt

        jobs = [BoardJob(name, functools.partial(connect, port), _nothing) for name, port in ports.items()]
        try:
            outcomes = run_jobs(jobs, max_workers=max_workers, output=self._output)
        except KeyboardInterrupt:
            with lock:
                abandoned.set()
                made = list(connected)
            for device in made:
                device.close()
            raise
        self.boards = {name: outcomes.values[name] for name in self._order if name in outcomes.values}
        self.failed = {name: outcomes.errors[name] for name in self._order if name in outcomes.errors}
        for name, error in self.failed.items():
            warnings.warn(f"board {name!r} ({ports[name]}) did not connect: {error}", stacklevel=2)
        if not self.boards:
            raise ConnectionFailedError(
                "no board of the fleet connected: "
                + "; ".join(f"{name}: {error}" for name, error in self.failed.items())
            )

    @classmethod
    def from_devices(cls, devices: Mapping[str, Device], **options: Any) -> "Fleet":
        """A fleet of Devices already connected (the fleet closes them when it closes).

        Parameters
        ----------
        devices : mapping of str to Device
            Board name → Device.
        **options
            `max_workers`, `timeout`, `on_lost` and `output`, as for `Fleet`.
        """
        fleet = cls.__new__(cls)
        fleet._configure(**options)
        fleet._order = list(devices)
        fleet.boards = dict(devices)
        fleet.failed = {}
        return fleet

    @classmethod
    def on_cluster(cls, client: Any, ports: Union[Mapping[int, Mapping[str, Any]], str], **options: Any) -> Any:
        """A fleet whose boards are driven by ipyparallel engines, each next to its boards (see `ClusterFleet`)."""
        from .fleet_cluster import ClusterFleet

        return ClusterFleet(client, ports, **options)

    def _configure(
        self,
        *,
        max_workers: Optional[int] = None,
        timeout: Optional[float] = None,
        on_lost: str = "skip",
        output: Optional[Callable[[str], TextIO]] = None,
    ) -> None:
        if on_lost not in ON_LOST:
            raise ValueError(f"on_lost must be one of {ON_LOST}, not {on_lost!r}")
        self.max_workers = max_workers
        self.timeout = timeout
        self.on_lost = on_lost
        self._output = BoardOutput(output)

    # -- the boards -----------------------------------------------------------------------------------

    @property
    def names(self) -> list[str]:
        """The names of the connected boards, in order."""
        return [name for name in self._order if name in self.boards]

    @property
    def lost(self) -> list[str]:
        """The boards whose link is gone (lost mid-call, or closed)."""
        return [name for name, device in self.boards.items() if _is_lost(device)]

    def __getitem__(self, name: str) -> Device:
        return self.boards[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.boards)

    def _targets(self, on: Optional[Any]) -> list[str]:
        if on is None:
            return self.names
        names = [on] if isinstance(on, str) else list(on)
        unknown = [name for name in names if name not in self.boards and name not in self.failed]
        if unknown:
            raise KeyError(f"no board named {', '.join(map(repr, unknown))} in this fleet (boards: {self.names})")
        return [name for name in self.names if name in names]

    # -- running on every board ----------------------------------------------------------------------

    def apply(
        self, function: Callable[[Device], Any], *, on: Optional[Any] = None, timeout: Optional[float] = None
    ) -> FleetResult:
        """Call ``function(device)`` for every board at once (on worker threads) and gather what each gave.

        Parameters
        ----------
        function : callable
            Takes one board's `Device`; its value (or exception) is that board's entry.
        on : str or list of str, optional
            The boards to run on (default: all).
        timeout : float, optional
            Seconds per board (default: the fleet's `timeout`).
        """
        return self._run({name: functools.partial(function, self.boards[name]) for name in self._targets(on)}, timeout)

    def _run(self, calls: dict[str, Callable[[], Any]], timeout: Optional[float]) -> FleetResult:
        """Run `calls` (name → callable) with the fleet's lost-board policy, concurrency and deadline."""
        timeout = self.timeout if timeout is None else timeout
        jobs, skipped = [], []
        for name, call in calls.items():
            device = self.boards[name]
            if _is_lost(device):
                if self.on_lost == "skip":
                    skipped.append(name)
                    continue
                call = functools.partial(_reconnected_then, device, call)
            jobs.append(BoardJob(name, call, functools.partial(_interrupt, device), timeout))
        outcomes = run_jobs(jobs, max_workers=self.max_workers, output=self._output)
        return FleetResult(outcomes.values, outcomes.errors, self._order, tuple(skipped))

    def _stream(self, starts: dict[str, Callable[[], Any]]) -> FleetStream:
        """Start a FleetStream over `starts` (name → callable making that board's stream), lost boards as asked."""
        begin = {}
        for name, start in starts.items():
            device = self.boards[name]
            if _is_lost(device):
                if self.on_lost == "skip":
                    continue
                start = functools.partial(_reconnected_then, device, start)
            begin[name] = start
        interrupts = {name: functools.partial(_interrupt, self.boards[name]) for name in begin}
        return FleetStream(begin, interrupts, self._output)

    def __call__(
        self, cmd: str, *, on: Optional[Any] = None, timeout: Optional[float] = None, **options: Any
    ) -> FleetResult:
        """Run `cmd` on every board (as ``device(cmd, **options)``); the value of an expression, per board."""
        return self.apply(lambda device: device(cmd, **options), on=on, timeout=timeout)

    def sync(
        self,
        folder: Any,
        dst: str = "/",
        *,
        progress_update: Optional[Callable[..., Any]] = None,
        on: Optional[Any] = None,
        timeout: Optional[float] = None,
        **options: Any,
    ) -> FleetResult:
        """Sync `folder` to every board at once (see `Device.sync`).

        Parameters
        ----------
        progress_update : callable, optional
            ``progress_update(name, **keywords)``: Belay's progress keywords (``description``, ``total``,
            ``advance``, ...) with the board's name first, called from that board's thread.
        **options
            `keep`, `ignore`, `minify`, `mpy_cross_binary`, as for `Device.sync`.
        """

        def sync_one(name: str, device: Device) -> None:
            update = functools.partial(progress_update, name) if progress_update is not None else None
            device.sync(folder, dst, progress_update=update, **options)

        names = self._targets(on)
        return self._run({name: functools.partial(sync_one, name, self.boards[name]) for name in names}, timeout)

    def reconnect(self, on: Optional[Any] = None) -> FleetResult:
        """Reconnect the boards named (default: the lost ones) and replay their recorded commands."""
        names = self.lost if on is None else self._targets(on)
        jobs = [BoardJob(name, self.boards[name].reconnect, _nothing) for name in names]
        outcomes = run_jobs(jobs, max_workers=self.max_workers, output=self._output)
        return FleetResult(outcomes.values, outcomes.errors, self._order)

    # -- decorators ----------------------------------------------------------------------------------

    def _decorate(self, kind: str, f: Optional[Callable], options: dict) -> Any:
        if f is None:
            return lambda function: self._decorate(kind, function, options)
        options = dict(options)
        on = options.pop("on", None)
        timeout = options.pop("timeout", None)
        return FleetFunction(self, kind, f, self._targets(on), timeout, options)

    # -- closing -------------------------------------------------------------------------------------

    def close(self) -> None:
        """Close every board at once (their teardowns run); a board that fails to close is warned about."""
        boards = [BoardJob(name, device.close, _nothing) for name, device in self.boards.items()]
        outcomes = run_jobs(boards, max_workers=self.max_workers, output=self._output)
        for name, error in outcomes.errors.items():
            warnings.warn(f"board {name!r} did not close cleanly: {error}", stacklevel=2)

    def __repr__(self) -> str:
        failed = f", failed={list(self.failed)}" if self.failed else ""
        return f"<{type(self).__name__} {self.names}{failed}>"


class FleetFunction:
    """A function defined on many boards; calling it runs it on all of them at once.

    Boards where the definition failed (lost at the time, say) get it again before their next call.

    Attributes
    ----------
    on : list of str
        The boards it is defined for.
    definition_errors : dict of str to Exception
        The boards where the last definition attempt failed.
    """

    def __init__(self, fleet: Fleet, kind: str, function: Callable, on: list, timeout: Optional[float], options: dict):
        functools.update_wrapper(self, function)
        self._fleet = fleet
        self._kind = kind
        self._function = function
        self._options = options
        self.on = list(on)
        self.timeout = timeout
        self._callables: dict[str, Callable] = {}
        self._lock = threading.Lock()
        self.streams = kind == "task" and inspect.isgeneratorfunction(function)
        live = [name for name in self.on if not _is_lost(fleet.boards[name])]
        result = fleet._run({name: functools.partial(self._define, name) for name in live}, timeout)
        self.definition_errors = result.errors
        for name, error in result.errors.items():
            warnings.warn(f"{function.__name__} was not defined on board {name!r}: {error}", stacklevel=3)

    def _define(self, name: str) -> Callable:
        decorator = getattr(self._fleet.boards[name], self._kind)
        board_callable = decorator(self._function, **self._options)
        with self._lock:
            self._callables[name] = board_callable
        return board_callable

    def _board_callable(self, name: str) -> Callable:
        with self._lock:
            board_callable = self._callables.get(name)
        return board_callable if board_callable is not None else self._define(name)

    def __call__(self, *args: Any, **kwargs: Any) -> Union[FleetResult, FleetStream]:
        """Call it on every board it is defined for; a `FleetResult`, or a `FleetStream` for a generator task."""

        def call(name: str) -> Any:
            return self._board_callable(name)(*args, **kwargs)

        calls = {name: functools.partial(call, name) for name in self.on}
        if self.streams:
            return self._fleet._stream(calls)
        return self._fleet._run(calls, self.timeout)

    def __repr__(self) -> str:
        return f"<FleetFunction {self._kind} {self._function.__name__} on {self.on}>"


def _nothing() -> None:
    """No way to interrupt (connecting and closing have their own timeouts)."""


def _is_lost(device: Device) -> bool:
    try:
        device.session  # noqa: B018 - reading it raises ConnectionLost for a closed or lost link
    except ConnectionLost:
        return True
    return False


def _interrupt(device: Device) -> None:
    device.session.interrupt()


def _reconnected_then(device: Device, call: Callable[[], Any]) -> Any:
    device.reconnect()
    return call()
