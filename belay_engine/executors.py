"""The instance decorators setup, teardown, task and thread: host function → board source + host callable."""

import functools
import inspect
import time
from collections.abc import Generator, Iterable
from typing import Any, Callable, Optional

from . import board_calls
from .board_values import call_source, encode
from .call_dispatch import call_task
from .errors import FeatureUnavailableError, NoMatchingExecuterError, PyboardException, SpecialFunctionNameError
from .minify import minify as minify_code
from .source import getsource, yield_value_is_used
from .streams import TaskStream, lockstep_stream
from .tracebacks import SourceLocation


def timestamped(values: Any, clock: Any, sent_at: float) -> Generator[tuple[Any, Any], Any, None]:
    """``(value, datetime)`` for each ``(value, tick)`` pair a timed stream yields; `send` and `close` pass through."""
    try:
        pair = next(values)
        while True:
            sent = yield clock.stamped(pair, sent_at)
            pair = values.send(sent) if sent is not None else next(values)
    except StopIteration:
        return
    finally:
        values.close()


def sorted_by_definition(callables: Iterable[Callable]) -> list[Callable]:
    """Executor callables in the order their host functions were decorated."""
    return sorted(callables, key=lambda c: getattr(c, "_belay_order", 0))


_order = iter(range(1, 1 << 62))


class Executor:
    """Base of the instance decorators: bare (``@device.task``) and called (``@device.task(...)``) forms."""

    name = ""

    def __init__(self, device: Any):
        self._belay_device = device
        self._belay_executers: list[Callable] = []

    def __call__(self, f: Optional[Callable] = None, /, **kwargs: Any) -> Any:
        """Decorate `f` (or, called with options only, return a decorator)."""
        if f is None:
            return functools.partial(self.__call__, **kwargs)
        name = f.__name__
        if name.startswith(("_belay", "__belay")) or (name.startswith("__") and name.endswith("__")):
            raise SpecialFunctionNameError(f"{name!r} is reserved for the engine; rename the function")
        implementation = kwargs.pop("implementation", None)
        register = kwargs.pop("register", True)
        if implementation and implementation != self._belay_device.implementation.name:
            return self._unavailable(f, implementation)
        wrapped = self._wrap(f, **kwargs)
        wrapped._belay_order = next(_order)
        if register:
            setattr(self, name, wrapped)
        self._belay_executers.append(wrapped)
        return wrapped

    def _unavailable(self, f: Callable, implementation: str) -> Callable:
        connected = self._belay_device.implementation.name

        @functools.wraps(f)
        def unavailable(*args: Any, **kwargs: Any) -> Any:
            raise NoMatchingExecuterError(f"{f.__name__} is defined for {implementation}, the board runs {connected}")

        return unavailable

    def _wrap(self, f: Callable, **kwargs: Any) -> Callable:
        raise NotImplementedError


class GlobalCodeExecutor(Executor):
    """Runs a function's body in the board's global context; arguments become globals."""

    @staticmethod
    def parameters_of(f: Callable) -> list[str]:
        """The names of `f`'s parameters (a bound method's ``self`` excluded)."""
        return list(inspect.signature(f).parameters)

    def _wrap(
        self, f: Callable, *, minify: bool = True, record: bool = True, ignore_errors: bool = False, **options: Any
    ) -> Callable:
        if inspect.isgeneratorfunction(f):
            raise ValueError(f"@Device.{self.name} does not support generators.")
        body, first_line, file = getsource(f, strip_signature=True)
        if minify:
            body = minify_code(body)
        signature = inspect.signature(f)
        device = self._belay_device

        @functools.wraps(f)
        def run(*args: Any, **kwargs: Any) -> None:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            assignments = ";".join(f"{key}={encode(value)}" for key, value in bound.arguments.items())
            code = f"{assignments}\n{body}" if assignments else body
            location = SourceLocation(file, first_line, lines_added=1 if assignments else 0)
            try:
                device.run_global(code, location, record=record)
            except PyboardException:
                if not ignore_errors:
                    raise

        return run


class SetupExecutor(GlobalCodeExecutor):
    """``@device.setup``: run the body in the board's global context when called."""

    name = "setup"

    def __init__(self, device: Any):
        super().__init__(device)
        #: Setups run again after a soft reset.
        self.autoinit: list[Callable] = []

    def _wrap(self, f: Callable, *, autoinit: bool = False, _autoinit_later: bool = False, **kwargs: Any) -> Callable:
        run = super()._wrap(f, **kwargs)
        if autoinit and not _autoinit_later:
            if self.parameters_of(f):
                raise ValueError("Method with autoinit=True cannot have arguments.")
            run()
            self.autoinit.append(run)
        return run


class TeardownExecutor(GlobalCodeExecutor):
    """``@device.teardown``: the body runs on the board when the Device closes."""

    name = "teardown"

    def _wrap(self, f: Callable, **kwargs: Any) -> Callable:
        if self.parameters_of(f):
            raise ValueError("Method decorated with @teardown cannot have arguments.")
        return super()._wrap(f, **kwargs)


class TaskExecutor(Executor):
    """``@device.task``: the function is defined on the board now; calling it runs it there.

    Parameters
    ----------
    device : Device
        The board.
    clock : BoardClock
        The Device's clock, for tasks that return the board time with their values.
    """

    name = "task"

    def __init__(self, device: Any, clock: Any):
        super().__init__(device)
        self._belay_clock = clock

    def _wrap(
        self, f: Callable, *, minify: bool = True, record: bool = False, trusted: bool = False, **options: Any
    ) -> Callable:
        return_time = options.pop("return_time", False)
        if options:
            raise TypeError(f"unexpected keyword arguments: {', '.join(sorted(options))}")
        source, first_line, file = getsource(f)
        device, clock = self._belay_device, self._belay_clock
        device.define(f.__name__, minify_code(source) if minify else source, SourceLocation(file, first_line))
        name = f.__name__

        if inspect.isgeneratorfunction(f):
            if record:
                raise NotImplementedError("generator tasks cannot be recorded for replay")
            receives = yield_value_is_used(source)

            @functools.wraps(f)
            def stream(*args: Any, **kwargs: Any) -> Any:
                call = call_source(name, args, kwargs)
                if return_time:
                    clock.ensure_synced()
                    call = clock.timed_generator(call)
                session = device.session
                stream = lockstep_stream if receives else TaskStream
                values = stream(session, session.new_stream_key(), call, trusted=trusted)
                return timestamped(values, clock, time.time()) if return_time else values

            return stream

        @functools.wraps(f)
        def call(*args: Any, **kwargs: Any) -> Any:
            if not (return_time or record):
                # The usual call: a frame to the board's resident dispatcher where that pays (call_dispatch.py).
                return call_task(device, name, args, kwargs, trusted)
            if return_time:
                clock.ensure_synced()
                code = clock.timed_call(call_source(name, args, kwargs))
            else:
                code = board_calls.result_of_call(call_source(name, args, kwargs))
            sent_at = time.time()
            result = device.run_recorded(code, record=record, trusted=trusted)
            return clock.stamped(result, sent_at) if return_time else result

        return call


class ThreadExecutor(Executor):
    """``@device.thread``: the function is defined on the board now; calling it starts a board thread."""

    name = "thread"

    def _wrap(self, f: Callable, *, minify: bool = True, record: bool = True, **options: Any) -> Callable:
        device = self._belay_device
        if device.implementation.name == "circuitpython":
            raise FeatureUnavailableError("CircuitPython does not support threading.")
        source, first_line, file = getsource(f)
        device.define(f.__name__, minify_code(source) if minify else source, SourceLocation(file, first_line))
        name = f.__name__

        @functools.wraps(f)
        def start(*args: Any, **kwargs: Any) -> None:
            code = f"import _thread\n_thread.start_new_thread({name},{encode(args)},{encode(kwargs)})"
            device.run_recorded(code, record=record, reconnect=False)

        return start
