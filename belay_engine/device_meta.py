"""Class-level decorators (``@Device.task`` ...), their binding to a Device's executors, and DeviceMeta (overloads)."""

import inspect
import itertools
from typing import Any, Callable, Optional

from attrs import define, field

from .errors import NoMatchingExecuterError

_definition_order = itertools.count()


@define
class MethodMetadata:
    """What a class-level ``@Device.task`` (etc.) recorded about a method, in definition order."""

    executor: str
    kwargs: dict = field(factory=dict)
    autoinit: bool = False
    implementation: str = ""
    id: int = field(factory=lambda: next(_definition_order))


def attach_metadata(
    executor: str, f: Optional[Callable], implementation: Optional[str], autoinit: bool = False, **kwargs: Any
) -> Callable:
    """Mark `f` (or, called without it, the function decorated next) for instantiation by ``Device.__init__``."""

    def mark(function: Callable) -> Callable:
        function.__belay__ = MethodMetadata(executor, kwargs, autoinit, implementation or "")
        return function

    return mark if f is None else mark(f)


def _parameters(function: Callable) -> list[str]:
    return list(inspect.signature(function).parameters)


def mark_setup(f: Optional[Callable] = None, autoinit: bool = False, implementation: str = "", **kwargs: Any):
    """Mark a method as setup code: its body runs in the board's global context.

    Parameters
    ----------
    autoinit : bool
        Run it while the Device connects (and again after a soft reset); it may then take no parameters.
    implementation : str
        Use this definition only on that implementation (``"micropython"``, ``"circuitpython"``).
    """

    def check(function: Callable) -> Callable:
        if autoinit and _parameters(function):
            raise ValueError("Method with autoinit=True cannot have arguments.")
        return attach_metadata("setup", function, implementation, autoinit, **kwargs)

    return check if f is None else check(f)


def mark_teardown(f: Optional[Callable] = None, implementation: str = "", **kwargs: Any):
    """Mark a method as teardown code, run by `close`; it may take no parameters."""

    def check(function: Callable) -> Callable:
        if _parameters(function):
            raise ValueError("Method decorated with @teardown cannot have arguments.")
        return attach_metadata("teardown", function, implementation, **kwargs)

    return check if f is None else check(f)


def mark_task(f: Optional[Callable] = None, implementation: str = "", **kwargs: Any):
    """Mark a method as a task: it runs on the board when called (generators stream)."""
    return attach_metadata("task", f, implementation, **kwargs)


def mark_thread(f: Optional[Callable] = None, implementation: str = "", **kwargs: Any):
    """Mark a method as a thread: calling it starts it on the board with ``_thread``."""
    return attach_metadata("thread", f, implementation, **kwargs)


def bind_decorated_methods(device: Any, executors: dict[str, Any]) -> list[Callable]:
    """Turn the marked methods of `device`'s class into board callables; return its autoinit setups, in order.

    The plain executors take the names ``setup``, ``task``, ... on the instance where no method replaced them,
    so ``@device.task`` works on every Device.
    """
    autoinit = []
    replaced = set()
    for name in dir(type(device)):
        if isinstance(getattr(type(device), name, None), property):
            continue  # reading one may talk to the board (time_offset synchronises)
        try:
            method = getattr(device, name)
        except AttributeError:
            continue
        metadata = getattr(method, "__belay__", None)
        if metadata is None:
            continue
        kwargs = dict(metadata.kwargs)
        if metadata.executor == "setup" and metadata.autoinit:
            kwargs["_autoinit_later"] = True
        instance_callable = executors[metadata.executor](method, **kwargs)
        setattr(device, name, instance_callable)
        replaced.add(name)
        if metadata.autoinit:
            autoinit.append((metadata.id, instance_callable))
    for name, executor in executors.items():
        if name not in replaced:
            setattr(device, name, executor)
    return [setup for _, setup in sorted(autoinit, key=lambda item: item[0])]


class OverloadList(list):
    """Several definitions of one executor method, each for an implementation (or a catch-all last)."""


class OverloadDict(dict):
    """Class namespace that gathers executor methods of the same name into an OverloadList."""

    def __setitem__(self, key: str, value: Any) -> None:
        existing = self.get(key)
        if getattr(value, "__belay__", None) is None:
            if isinstance(existing, OverloadList):
                raise ValueError(f"Cannot mix non-executer and executer methods: {key}")
            super().__setitem__(key, value)
            return
        if existing is None:
            super().__setitem__(key, OverloadList([value]))
            return
        if not isinstance(existing, OverloadList):
            raise ValueError(f"Cannot mix non-executer and executer methods: {key}")
        if any(not function.__belay__.implementation for function in existing):
            raise ValueError(f"Cannot define another executor after catchall: {key}.")
        existing.append(value)


class ExecuterMethod:
    """Descriptor returning the overload that matches ``instance.implementation.name``."""

    def __init__(self, overloads: OverloadList):
        self.overloads = overloads
        self.name = ""
        self.owner: Optional[type] = None

    def __set_name__(self, owner: type, name: str) -> None:
        self.owner, self.name = owner, name

    def __get__(self, instance: Any, owner: Optional[type] = None) -> Any:
        if instance is None:
            return self
        implementation = instance.implementation.name
        for function in self.overloads:
            if function.__belay__.implementation in ("", implementation):
                return function
        try:
            return getattr(super(self.owner, instance), self.name)
        except AttributeError:
            available = ", ".join(repr(f.__belay__.implementation) for f in self.overloads)
            raise NoMatchingExecuterError(
                f"{self.name}: no definition for implementation {implementation!r} (defined for {available})"
            ) from None


class DeviceMeta(type):
    """Metaclass of Device: collects implementation-specific overloads of executor methods."""

    @classmethod
    def __prepare__(cls, name: str, bases: tuple, **kwargs: Any) -> OverloadDict:
        return OverloadDict()

    def __new__(cls, name: str, bases: tuple, namespace: dict, **kwargs: Any) -> type:
        """Create the class, wrapping each OverloadList in an ExecuterMethod descriptor."""
        kwargs.pop("skip", None)  # Belay 0.30's registry option; subclasses are not registered here
        converted = {k: ExecuterMethod(v) if isinstance(v, OverloadList) else v for k, v in namespace.items()}
        return super().__new__(cls, name, bases, converted, **kwargs)

    def __init__(cls, name: str, bases: tuple, namespace: dict, **kwargs: Any) -> None:
        kwargs.pop("skip", None)
        super().__init__(name, bases, namespace, **kwargs)

    def mro(cls) -> list:
        """The method resolution order, with the base Device class last but for object."""
        # Move the base Device class last (before object), so mixins with this metaclass override its
        # class-level decorator names.
        order = super().mro()
        base = next((c for c in order if c.__module__ == "belay_engine.device" and c.__name__ == "Device"), None)
        if base is None or base is cls:
            return order
        order.remove(base)
        order.insert(len(order) - 1, base)
        return order
