"""ClusterFleet: a Fleet whose boards hang off ipyparallel engines; each engine drives its own boards.

Every board's `Device` lives in its engine's process (in `fleet_engine`); decorating sends the function's
source to the engines once; a call is applied on every engine at once and only results and printed output come
back, each board's printed lines written out as a local fleet writes them. An engine that dies (or does not
answer within the call's timeout plus `ENGINE_GRACE`) is reported by name: its boards' entries are `EngineLost`
and its boards are lost from then on, while the other engines go on.
"""

import functools
import inspect
import io
import signal
import tarfile
import time
import uuid
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Callable, Optional, TextIO, Union

from . import fleet_engine
from .errors import ConnectionFailedError, EngineLost
from .fleet import ON_LOST
from .fleet_decorators import FleetDecorators
from .fleet_output import BoardOutput
from .fleet_result import FleetResult, copy_error, name_error
from .source import getsource

#: Seconds an engine has beyond the call's per-board timeout to answer (it interrupts its boards by then).
ENGINE_GRACE = 15.0
#: Seconds the engines have to connect their boards (each Device's own timeouts are shorter).
CONNECT_TIMEOUT = 120.0


def _engine_failure(engine: int, error: BaseException) -> Optional[EngineLost]:
    """An `EngineLost` if `error` (from an AsyncResult) says the engine died or did not answer, else None."""
    from ipyparallel import error as ipp_error

    if isinstance(error, ipp_error.TimeoutError):
        return EngineLost(f"engine {engine} did not answer in time; its boards are lost to this fleet")
    if isinstance(error, ipp_error.RemoteError) and error.ename in ("EngineError", "DeadEngineError"):
        return EngineLost(f"engine {engine} died: {error.evalue}")
    if isinstance(error, (ipp_error.EngineError, ipp_error.UnmetDependency)):
        return EngineLost(f"engine {engine} died: {error}")
    return None


class ClusterFleet(FleetDecorators):
    """The `Fleet` API over boards that hang off ipyparallel engines (`Fleet.on_cluster` makes one).

    Parameters
    ----------
    client : ipyparallel.Client
        Connected to the cluster.
    ports : mapping or "auto"
        Engine id → that engine's boards, ``{0: {"a0": "virtual:", "a1": "/dev/ttyACM0"}, 1: {...}}`` (board
        names unique across engines); ``"auto"``: on every engine, each USB board it finds, named
        ``e<engine>-<port name>``.
    timeout : float, optional
        Seconds per board call, enforced on the engine (which interrupts the board); the host waits the
        engine `ENGINE_GRACE` seconds more. None: no limit (an engine that dies is still reported at once).
    on_lost : {"skip", "reconnect"}
        As for `Fleet`, on each engine (given to the engines when they connect); boards of a lost engine are
        skipped, or (``"reconnect"``) their entries say the engine is lost.
    output : callable, optional
        As for `Fleet`: ``output(name) -> TextIO``, else lines tagged ``[name]`` on ``sys.stdout``.
    **device_options
        Passed to every `Device` (on its engine).

    Attributes
    ----------
    boards : dict of str to int
        Board name → the id of the engine that drives it.
    failed : dict of str to Exception
        The boards that did not connect.
    lost_engines : dict of int to EngineLost
        The engines lost so far.
    """

    def __init__(
        self,
        client: Any,
        ports: Union[Mapping[int, Mapping[str, Any]], str],
        *,
        timeout: Optional[float] = None,
        on_lost: str = "skip",
        output: Optional[Callable[[str], TextIO]] = None,
        max_workers: Optional[int] = None,
        **device_options: Any,
    ):
        if on_lost not in ON_LOST:
            raise ValueError(f"on_lost must be one of {ON_LOST}, not {on_lost!r}")
        self.client = client
        self.timeout = timeout
        self.on_lost = on_lost
        self._output = BoardOutput(output)
        self._id = uuid.uuid4().hex
        self._functions = 0
        if ports == "auto":
            ports = {engine: "auto" for engine in client.ids}
        names = [name for boards in ports.values() if boards != "auto" for name in boards]
        if len(names) != len(set(names)):
            raise ValueError(f"board names must be unique across engines: {names}")
        options = {"max_workers": max_workers, "timeout": timeout, "on_lost": on_lost, **device_options}
        work = {engine: (fleet_engine.connect, (self._id, boards, engine, options)) for engine, boards in ports.items()}
        self.engines: dict[int, list[str]] = {}
        self.boards: dict[str, int] = {}
        self.failed: dict[str, BaseException] = {}
        self.lost_engines: dict[int, EngineLost] = {}
        for engine, reply in self._on_engines(work, CONNECT_TIMEOUT).items():
            if isinstance(reply, BaseException):
                wanted = ports[engine] if ports[engine] != "auto" else {f"engine {engine}": None}
                self.failed.update({name: name_error(name, copy_error(reply)) for name in wanted})
                continue
            self.engines[engine] = reply["boards"]
            self.boards.update({name: engine for name in reply["boards"]})
            self.failed.update(reply["failed"])
        for name, error in self.failed.items():
            warnings.warn(f"board {name!r} did not connect: {error}", stacklevel=3)
        if not self.boards:
            raise ConnectionFailedError(
                "no board of the cluster fleet connected: "
                + "; ".join(f"{name}: {error}" for name, error in self.failed.items())
            )

    # -- the boards -----------------------------------------------------------------------------------

    @property
    def names(self) -> list[str]:
        """The connected boards, engine by engine."""
        return list(self.boards)

    @property
    def lost(self) -> list[str]:
        """The boards whose link is gone, or whose engine is."""
        live = {engine: (fleet_engine.lost, (self._id,)) for engine in self._live_engines()}
        gone = {name for engine in self.lost_engines for name in self.engines[engine]}
        for reply in self._on_engines(live, ENGINE_GRACE).values():
            if not isinstance(reply, BaseException):
                gone.update(reply)
        return [name for name in self.names if name in gone]

    def _live_engines(self, on: Optional[list] = None) -> list[int]:
        return [
            engine
            for engine, names in self.engines.items()
            if engine not in self.lost_engines and (on is None or any(name in on for name in names))
        ]

    def _targets(self, on: Optional[Any]) -> Optional[list]:
        if on is None:
            return None
        names = [on] if isinstance(on, str) else list(on)
        unknown = [name for name in names if name not in self.boards and name not in self.failed]
        if unknown:
            raise KeyError(f"no board named {', '.join(map(repr, unknown))} in this fleet (boards: {self.names})")
        return names

    def __len__(self) -> int:
        return len(self.boards)

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    # -- applying on the engines ---------------------------------------------------------------------

    def _on_engines(self, work: dict, timeout: Optional[float]) -> dict:
        """Apply ``function(*args)`` on each engine at once (`work`: engine → (function, args)); replies or errors.

        A KeyboardInterrupt while waiting is sent on to every busy engine (whose fleet then interrupts its
        boards); their calls are awaited, then it propagates.
        """
        pending = {
            engine: self.client[engine].apply_async(function, *args) for engine, (function, args) in work.items()
        }
        deadline = None if timeout is None else time.monotonic() + timeout
        replies: dict = {}
        try:
            for engine, result in pending.items():
                remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
                replies[engine] = self._reply_of(engine, result, remaining)
        except KeyboardInterrupt:
            busy = [engine for engine, result in pending.items() if not result.ready()]
            if busy:
                self.client.send_signal(signal.SIGINT, targets=busy, block=True)
                for engine in busy:
                    self._reply_of(engine, pending[engine], ENGINE_GRACE)
            raise
        return replies

    def _reply_of(self, engine: int, result: Any, timeout: Optional[float]) -> Any:
        try:
            return result.get(timeout=timeout)
        except KeyboardInterrupt:
            raise
        except Exception as error:
            lost = _engine_failure(engine, error)
            if lost is None:
                return error
            self.lost_engines[engine] = lost
            return lost

    def _call(
        self, on: Optional[list], operation: Callable, args: Callable[[int], tuple], timeout: Optional[float] = None
    ) -> FleetResult:
        """Apply `operation` on the engines of the boards in `on` (None: all), gathering one FleetResult.

        `timeout` is the per-board timeout the engines enforce (default: the fleet's).
        """
        values: dict = {}
        errors: dict = {}
        skipped: list = []
        for engine in self.lost_engines:
            for name in self.engines[engine]:
                if on is not None and name not in on:
                    continue
                if self.on_lost == "skip":
                    skipped.append(name)
                else:
                    errors[name] = EngineLost(f"board {name!r}'s engine {engine} was lost; it cannot be reconnected")
        engines = self._live_engines(on)
        timeout = self.timeout if timeout is None else timeout
        timeout = None if timeout is None else timeout + ENGINE_GRACE
        replies = self._on_engines({engine: (operation, args(engine)) for engine in engines}, timeout)
        for engine, reply in replies.items():
            names = [name for name in self.engines[engine] if on is None or name in on]
            if isinstance(reply, BaseException):
                errors.update({name: copy_error(reply) for name in names})
                continue
            self._print(reply["printed"])
            values.update(reply["values"])
            errors.update(reply["errors"])
            skipped.extend(reply["skipped"])
        return FleetResult(values, errors, self.names, tuple(skipped))

    def _print(self, printed: dict) -> None:
        for name, text in printed.items():
            stream = self._output.stream(name)
            stream.write(text)
            flush_partial = getattr(stream, "flush_partial", None)
            if flush_partial is not None:
                flush_partial()

    # -- the Fleet API ---------------------------------------------------------------------------------

    def apply(self, function: Callable[[Any], Any], *, on: Optional[Any] = None) -> FleetResult:
        """Call ``function(device)`` for every board, in its engine (ipyparallel sends the function there)."""
        on = self._targets(on)
        return self._call(on, fleet_engine.apply, lambda engine: (self._id, function, on))

    def __call__(self, cmd: str, *, on: Optional[Any] = None, **options: Any) -> FleetResult:
        """Run `cmd` on every board (on its engine); the value of an expression, per board."""
        on = self._targets(on)
        return self._call(on, fleet_engine.evaluate, lambda engine: (self._id, cmd, on, options))

    def sync(
        self, folder: Any, dst: str = "/", *, progress_update: Any = None, on: Optional[Any] = None, **options: Any
    ) -> FleetResult:
        """Send `folder` to every engine (as one tar archive) and sync it to their boards at once.

        `progress_update` is not available across engines (the engines report when they are done).
        """
        if progress_update is not None:
            raise TypeError("progress_update is not available on a cluster fleet: engines report only results")
        on = self._targets(on)
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
            tar.add(Path(folder), arcname="folder")
        archive = buffer.getvalue()
        return self._call(on, fleet_engine.sync, lambda engine: (self._id, archive, dst, on, options))

    def reconnect(self, on: Optional[Any] = None) -> FleetResult:
        """Reconnect the boards named (default: the lost ones) on their engines."""
        on = self._targets(on)
        return self._call(on, fleet_engine.reconnect, lambda engine: (self._id, on))

    def _decorate(self, kind: str, f: Optional[Callable], options: dict) -> Any:
        if f is None:
            return lambda function: self._decorate(kind, function, options)
        return ClusterFunction(self, kind, f, dict(options))

    def close(self) -> None:
        """Close every board on its engine (teardowns run there)."""
        work = {engine: (fleet_engine.close, (self._id,)) for engine in self._live_engines()}
        for engine, reply in self._on_engines(work, ENGINE_GRACE * 2).items():
            if isinstance(reply, BaseException):
                warnings.warn(f"engine {engine} did not close its boards cleanly: {reply}", stacklevel=2)
            else:
                self._print(reply["printed"])
        self.engines = {engine: names for engine, names in self.engines.items() if engine in self.lost_engines}

    def __repr__(self) -> str:
        lost = f", lost engines {sorted(self.lost_engines)}" if self.lost_engines else ""
        return f"<ClusterFleet {self.engines}{lost}>"


class ClusterFunction:
    """A function defined on the boards of every engine; calling it runs it on all of them at once."""

    def __init__(self, fleet: ClusterFleet, kind: str, function: Callable, options: dict):
        functools.update_wrapper(self, function)
        self._fleet = fleet
        fleet._functions += 1
        self._id = f"f{fleet._functions}"
        self.on = fleet._targets(options.pop("on", None))
        self.timeout = options.get("timeout")
        self.streams = kind == "task" and inspect.isgeneratorfunction(function)
        source, first_line, file = getsource(function)
        definition = (source, first_line, file, function.__name__)
        result = fleet._call(
            self.on, fleet_engine.define, lambda engine: (fleet._id, self._id, kind, definition, self.on, dict(options))
        )
        self.definition_errors = result.errors
        for name, error in result.errors.items():
            warnings.warn(f"{function.__name__} was not defined on board {name!r}: {error}", stacklevel=3)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Call it on every board; a `FleetResult`, or a `ClusterStream` for a generator task."""
        fleet = self._fleet
        if self.streams:
            from .fleet_cluster_stream import ClusterStream

            return ClusterStream(fleet, self._id, self.on, args, kwargs)
        return fleet._call(
            self.on, fleet_engine.call, lambda engine: (fleet._id, self._id, args, kwargs), timeout=self.timeout
        )
