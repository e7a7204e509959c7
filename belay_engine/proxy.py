"""ProxyObject: a host handle on an object that lives on the board."""

import builtins
from typing import Any, Optional

from attrs import frozen

from . import board_calls
from .board_values import board_source, encode
from .errors import ConnectionLost, PyboardException

# Probes from IPython, Jupyter and the standard library; answered on the host, never sent to the board.
_HOST_ONLY_PREFIXES = ("_ipython_", "_repr_", "_belay", "__belay")
_HOST_ONLY_NAMES = frozenset(
    {
        "__wrapped__",
        "_fields",
        "__array__",
        "__array_interface__",
        "__array_struct__",
        # IPython's inspector (`obj?`) and the standard library's inspect / asyncio / mock
        "getdoc",
        "_partialmethod",
        "_is_coroutine",
        "_is_coroutine_marker",
        "_mock_methods",
        "trait_names",
        "_getAttributeNames",
    }
)
_PROMOTED = ("AttributeError", "KeyError", "IndexError", "ValueError", "TypeError", "NameError")
_IMMUTABLE = (int, float, str, bool, bytes, type(None))


@frozen
class ProxyReference:
    """A value record that names a board object instead of carrying a value."""

    target: str
    object_id: int = -1

    @classmethod
    def from_payload(cls, payload: bytes) -> "ProxyReference":
        """Build from a ``P`` record's payload (the object's id; empty: a name the caller knows)."""
        if not payload:
            return cls("")
        object_id = int(payload)
        return cls(board_calls.kept_object(object_id), object_id)


def _promote(error: PyboardException) -> Exception:
    # Board errors of the builtin kinds become those builtins, so `hasattr`, `in`, `getattr(p, x, default)`
    # and friends behave as for a local object; the board's message is kept.
    name = error.exception_name or ""
    if name in _PROMOTED:
        message = error.board_traceback.strip().splitlines()[-1]
        message = message.split(": ", 1)[1] if ": " in message else ""
        return getattr(builtins, name)(message)
    return error


class ProxyObject:
    """A board object seen from the host: attributes, items, calls and methods go to the board.

    Values that are plain immutables (int, float, str, bool, bytes, None) come back as values; anything
    else comes back as another ProxyObject, kept alive on the board until this side is garbage collected.

    Parameters
    ----------
    device : Device
        The board's Device.
    name : str
        Board expression naming the object (a global name, or an engine-kept object).
    delete : bool
        Delete the board object when this proxy is garbage collected.
    """

    def __init__(self, device: Any, name: str, delete: bool = True):
        session = device.session
        object.__setattr__(self, "_belay_device", device)
        object.__setattr__(self, "_belay_session", session)
        object.__setattr__(self, "_belay_target_name", name)
        object.__setattr__(self, "_belay_delete", delete)
        object.__setattr__(self, "_belay_generation", session.generation)

    # -- plumbing -----------------------------------------------------------------------------------

    def _belay_eval(self, expression: str) -> Any:
        device = object.__getattribute__(self, "_belay_device")
        if _stale(self):
            raise ConnectionLost(
                f"{object.__getattribute__(self, '_belay_target_name')} belonged to the board before a reset or "
                "reconnect; create a new proxy"
            )
        try:
            return device(expression, proxy=True, record=False, minify=False)
        except PyboardException as error:
            promoted = _promote(error)
            if promoted is error:
                raise
            raise promoted from error

    def _belay_exec(self, statement: str) -> None:
        device = object.__getattribute__(self, "_belay_device")
        try:
            device(statement, record=False, minify=False)
        except PyboardException as error:
            promoted = _promote(error)
            if promoted is error:
                raise
            raise promoted from error

    @property
    def _target(self) -> str:
        return object.__getattribute__(self, "_belay_target_name")

    @staticmethod
    def _literal(value: Any) -> str:
        return encode(value)

    def __del__(self) -> None:
        if not object.__getattribute__(self, "_belay_delete"):
            return
        object_id = board_calls.kept_object_id(object.__getattribute__(self, "_belay_target_name"))
        if object_id is not None:
            session = object.__getattribute__(self, "_belay_session")
            session.release_later(object_id, object.__getattribute__(self, "_belay_generation"))

    # -- attributes ---------------------------------------------------------------------------------------

    def __getattr__(self, name: str) -> Any:
        if (
            name.startswith(_HOST_ONLY_PREFIXES)
            or name in _HOST_ONLY_NAMES
            or (name.startswith("__") and name.endswith("__"))
        ):
            raise AttributeError(name)
        if not name.isidentifier():
            raise AttributeError(f"{name!r} is not an identifier")
        return self._belay_eval(f"{self._target}.{name}")

    def __setattr__(self, name: str, value: Any) -> None:
        if hasattr(type(self), name) or not name.isidentifier():
            object.__setattr__(self, name, value)
            return
        self._belay_exec(f"{self._target}.{name}={self._literal(value)}")

    def __dir__(self) -> list[str]:
        return list(self._belay_eval(f"dir({self._target})"))

    # -- items and containers -----------------------------------------------------------------------------

    @staticmethod
    def _key(key: Any) -> str:
        if isinstance(key, slice):
            # MicroPython has no slice() constructor: write the slice as syntax.
            parts = ["" if part is None else ProxyObject._literal(part) for part in (key.start, key.stop)]
            return ":".join(parts) + (f":{ProxyObject._literal(key.step)}" if key.step is not None else "")
        return ProxyObject._literal(key)

    def __getitem__(self, key: Any) -> Any:
        return self._belay_eval(f"{self._target}[{self._key(key)}]")

    def __setitem__(self, key: Any, value: Any) -> None:
        self._belay_exec(f"{self._target}[{self._key(key)}]={self._literal(value)}")

    def __delitem__(self, key: Any) -> None:
        self._belay_exec(f"del {self._target}[{self._key(key)}]")

    def __len__(self) -> int:
        return self._belay_eval(f"len({self._target})")

    def __contains__(self, item: Any) -> bool:
        return self._belay_eval(f"{self._literal(item)} in {self._target}")

    def __iter__(self) -> Any:
        device = object.__getattribute__(self, "_belay_device")
        return iter(device(f"list({self._target})", record=False, minify=False))

    def __bool__(self) -> bool:
        return self._belay_eval(f"bool({self._target})")

    # -- calls, comparisons, text ---------------------------------------------------------------------------

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Call the board object; the result is a value or another proxy."""
        parts = [self._literal(a) for a in args] + [f"{k}={self._literal(v)}" for k, v in kwargs.items()]
        return self._belay_eval(f"{self._target}({','.join(parts)})")

    def _compare(self, operator: str, other: Any) -> Any:
        source = board_source(other)
        if source is None:
            return NotImplemented  # e.g. IPython's `obj == type`: Python falls back to identity, the board is not asked
        return self._belay_eval(f"{self._target}{operator}{source}")

    def __eq__(self, other: Any) -> Any:
        return self._compare("==", other)

    def __ne__(self, other: Any) -> Any:
        return self._compare("!=", other)

    def __lt__(self, other: Any) -> Any:
        return self._compare("<", other)

    def __le__(self, other: Any) -> Any:
        return self._compare("<=", other)

    def __gt__(self, other: Any) -> Any:
        return self._compare(">", other)

    def __ge__(self, other: Any) -> Any:
        return self._compare(">=", other)

    def __hash__(self) -> int:
        return self._belay_eval(f"hash({self._target})")

    def __str__(self) -> str:
        return self._belay_eval(f"str({self._target})")

    def __repr__(self) -> str:
        try:
            return f"<ProxyObject {self._belay_eval(f'repr({self._target})')}>"
        except Exception as error:
            return f"<ProxyObject {self._target} ({type(error).__name__})>"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict:
        """The notebook display: a widget view of the board object in a kernel with ipywidgets, else its repr."""
        if _widget_frontend():
            try:
                from belay_jupyter.widgets.proxy_view import proxy_mimebundle

                return proxy_mimebundle(self)
            except ImportError:
                pass
        return {"text/plain": repr(self)}


def proxy_object_lost(proxy: ProxyObject) -> Optional[str]:
    """Why the board object behind `proxy` is out of reach (its device closed, reset or reconnected), or None."""
    device = object.__getattribute__(proxy, "_belay_device")
    name = object.__getattribute__(proxy, "_belay_target_name")
    try:
        device.session  # noqa: B018 - raises for a closed device
    except ConnectionLost:
        return f"the device of {name} is closed"
    if _stale(proxy):
        return f"{name} belonged to the board before a reset or reconnect"
    return None


def _stale(proxy: ProxyObject) -> bool:
    """Whether `proxy`'s board object went with its connection (closed, lost) or with a reset."""
    session = object.__getattribute__(proxy, "_belay_session")
    return session.closed or object.__getattribute__(proxy, "_belay_generation") != session.generation


def _widget_frontend() -> bool:
    # Lazy and guarded: the engine itself never needs IPython or ipywidgets.
    try:
        from belay_jupyter.widgets.frontend import widget_frontend
    except ImportError:
        return False
    return widget_frontend()


def get_proxy_object_target_name(proxy: ProxyObject) -> str:
    """The board expression a proxy stands for."""
    return object.__getattribute__(proxy, "_belay_target_name")
