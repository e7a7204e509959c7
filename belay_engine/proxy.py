"""ProxyObject: a host handle on an object that lives on the board."""

import ast
import builtins
import math
import numbers
from typing import Any, Optional

from attrs import frozen

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
        return cls(f"_belay.o[{object_id}]", object_id)


def _promote(error: PyboardException) -> Exception:
    # Board errors of the builtin kinds become those builtins, so `hasattr`, `in`, `getattr(p, x, default)`
    # and friends behave as for a local object; the board's message is kept.
    name = error.exception_name or ""
    if name in _PROMOTED:
        return getattr(builtins, name)(error.board_error.message)
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
        object.__setattr__(self, "_belay_device", device)
        object.__setattr__(self, "_belay_target_name", name)
        object.__setattr__(self, "_belay_delete", delete)
        object.__setattr__(self, "_belay_generation", device.generation)

    # -- plumbing -----------------------------------------------------------------------------------

    def _belay_eval(self, expression: str) -> Any:
        device = object.__getattribute__(self, "_belay_device")
        if object.__getattribute__(self, "_belay_generation") != device.generation:
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
        source = board_source(value)
        if source is None:
            raise TypeError(
                f"{type(value).__name__} value {value!r:.80} cannot be sent to the board: "
                "its repr is not Python code (only proxies, literals and reprs that are code can)"
            )
        return source

    def __del__(self) -> None:
        if not object.__getattribute__(self, "_belay_delete"):
            return
        name = object.__getattribute__(self, "_belay_target_name")
        if name.startswith("_belay.o["):
            device = object.__getattribute__(self, "_belay_device")
            device.release_later(int(name[9:-1]), object.__getattribute__(self, "_belay_generation"))

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


def board_source(value: Any) -> Optional[str]:
    """Board code for a host value: a proxy's target name, a literal, or a repr that is code; else None.

    Floats that are not finite become ``float('inf')``, ``float('-inf')``, ``float('nan')`` (the board has no
    names ``inf`` and ``nan``), also inside lists, tuples, sets and dicts. Any other value counts if its repr
    is a Python expression, as Belay 0.30 sent it (``range(0, 5)``); a repr that is not code is never sent.
    """
    try:
        return _source(value)
    except RecursionError:  # a container that holds itself
        return None


def _source(value: Any) -> Optional[str]:
    if isinstance(value, ProxyObject):
        return object.__getattribute__(value, "_belay_target_name")
    if value is None:
        return "None"
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, str):
        return str.__repr__(value)
    if isinstance(value, bytes):
        return bytes.__repr__(value)
    if isinstance(value, bytearray):
        return f"bytearray({bytes(value)!r})"
    if isinstance(value, numbers.Integral):  # also numpy integers, whose repr may be np.int64(1)
        return repr(int(value))
    if isinstance(value, numbers.Real):
        number = float(value)
        if math.isnan(number):
            return "float('nan')"
        if math.isinf(number):
            return "float('inf')" if number > 0 else "float('-inf')"
        return repr(number)
    if type(value) in (list, tuple, set):
        parts = [_source(item) for item in value]
        if None in parts:
            return None
        if type(value) is set:
            return "{" + ",".join(parts) + "}" if parts else "set()"
        if type(value) is tuple:
            return "(" + ",".join(parts) + ("," if len(parts) == 1 else "") + ")"
        return "[" + ",".join(parts) + "]"
    if type(value) is dict:
        parts = [(_source(key), _source(item)) for key, item in value.items()]
        if any(key is None or item is None for key, item in parts):
            return None
        return "{" + ",".join(f"{key}:{item}" for key, item in parts) + "}"
    # Belay 0.30 sends any repr: keep those that are code (`range(0, 5)`, `Point(1, 2)` for a class the board
    # has too), refuse those that are not (`<object at 0x...>`, `<class 'type'>`).
    text = repr(value)
    try:
        ast.parse(text, mode="eval")
    except (SyntaxError, ValueError):
        return None
    return text


def proxy_object_lost(proxy: ProxyObject) -> Optional[str]:
    """Why the board object behind `proxy` is out of reach (its device closed, reset or reconnected), or None."""
    device = object.__getattribute__(proxy, "_belay_device")
    name = object.__getattribute__(proxy, "_belay_target_name")
    if getattr(device, "_repl", True) is None:
        return f"the device of {name} is closed"
    if object.__getattribute__(proxy, "_belay_generation") != device.generation:
        return f"{name} belonged to the board before a reset or reconnect"
    return None


def get_proxy_object_target_name(proxy: ProxyObject) -> str:
    """The board expression a proxy stands for."""
    return object.__getattribute__(proxy, "_belay_target_name")
