"""The one encoder of host values into board source: task, setup and thread arguments, proxy operands, helper calls.

A value becomes board code that evaluates to an equal value on the board: literals for the builtin types
(with ``float('nan')``, ``float('inf')``, ``float('-inf')`` for the floats MicroPython has no name for),
lists, tuples, sets and dicts of those, a proxy's board expression for a `ProxyObject`, and, as Belay 0.30
did, the repr of any other value when that repr is Python code (``range(0, 5)``). A value whose repr is not
code (``<object at 0x...>``) is never sent: `encode` raises `TypeError` before anything reaches the board.
"""

import ast
import functools
import math
import numbers
from typing import Any, Optional


@functools.cache
def _proxy_type() -> type:
    # Imported on first use: proxy.py encodes its operands with this module, so a top-level import would cycle.
    from .proxy import ProxyObject

    return ProxyObject


def board_source(value: Any) -> Optional[str]:
    """Board code for a host value, or None when it has none.

    Parameters
    ----------
    value : Any
        A proxy, a literal (also inside lists, tuples, sets and dicts), a number type registered with
        `numbers` (numpy's integers and floats), or any value whose repr is a Python expression.

    Returns
    -------
    str or None
        Source the board evaluates to the value; None for a value whose repr is not code, or a container
        that holds itself.

    Examples
    --------
    >>> board_source([1.5, float("nan"), ("a",)])
    "[1.5,float('nan'),('a',)]"
    >>> board_source(object()) is None
    True
    """
    try:
        return _source(value)
    except RecursionError:  # a container that holds itself
        return None


def encode(value: Any) -> str:
    """Board code for a host value, as `board_source`, raising when it has none.

    Raises
    ------
    TypeError
        The value's repr is not Python code (or it is a container that holds itself): sending it would
        fail on the board, or worse, mean something else there.
    """
    source = board_source(value)
    if source is None:
        raise TypeError(
            f"{type(value).__name__} value {_shown(value)} cannot be sent to the board: {_refusal(value, set())} "
            "(only proxies, literals and reprs that are code can be sent)"
        )
    return source


def call_source(function: str, args: tuple = (), kwargs: Optional[dict] = None) -> str:
    """Board source calling the board expression `function` with host arguments, e.g. ``f(1,'a',k=2)``.

    Raises
    ------
    TypeError
        An argument cannot be sent (see `encode`); nothing is built, so nothing is sent.
    """
    parts = [encode(arg) for arg in args]
    if kwargs:
        parts += [f"{key}={encode(value)}" for key, value in kwargs.items()]
    return f"{function}({','.join(parts)})"


def _refusal(value: Any, seen: set[int]) -> str:
    # Why a value has no board source, naming the innermost item of a container that is to blame.
    seen.add(id(value))
    kind = type(value)
    items = [*value.keys(), *value.values()] if kind is dict else value if kind in (list, tuple, set) else ()
    for item in items:
        if id(item) in seen:
            return "it holds itself"
        if board_source(item) is None:
            reason = _refusal(item, seen)
            if reason.startswith("its "):
                return f"it holds {type(item).__name__} value {_shown(item)}, whose repr is not Python code"
            return reason
    return "its repr is not Python code"


def _shown(value: Any) -> str:
    try:
        return f"{value!r:.80}"
    except Exception:  # a repr that raises still gets its clear TypeError
        return f"of type {type(value).__qualname__}"


def _source(value: Any) -> Optional[str]:
    kind = type(value)
    # The usual arguments first, by exact type: a task call encodes each of its arguments.
    if kind is int:
        return int.__repr__(value)
    if kind is str:
        return str.__repr__(value)
    if kind is float:
        return _float_source(value)
    if value is None:
        return "None"
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, _proxy_type()):
        return object.__getattribute__(value, "_belay_target_name")
    if isinstance(value, str):
        return str.__repr__(value)
    if isinstance(value, bytes):
        return bytes.__repr__(value)
    if isinstance(value, bytearray):
        return f"bytearray({bytes(value)!r})"
    if isinstance(value, numbers.Integral):  # also numpy integers, whose repr may be np.int64(1)
        return int.__repr__(int(value))
    if isinstance(value, numbers.Real):
        return _float_source(float(value))
    if kind in (list, tuple, set):
        parts = [_source(item) for item in value]
        if None in parts:
            return None
        if kind is set:
            return "{" + ",".join(parts) + "}" if parts else "set()"
        if kind is tuple:
            return "(" + ",".join(parts) + ("," if len(parts) == 1 else "") + ")"
        return "[" + ",".join(parts) + "]"
    if kind is dict:
        pairs = [(_source(key), _source(item)) for key, item in value.items()]
        if any(key is None or item is None for key, item in pairs):
            return None
        return "{" + ",".join(f"{key}:{item}" for key, item in pairs) + "}"
    # Belay 0.30 sends any repr: keep those that are code (`range(0, 5)`, `Point(1, 2)` for a class the board
    # has too), refuse those that are not (`<object at 0x...>`, `<class 'type'>`).
    try:
        text = repr(value)
        ast.parse(text, mode="eval")
    except Exception:  # not code (SyntaxError, ValueError), or a repr that raises
        return None
    return text


def _float_source(number: float) -> str:
    # The board has no names `nan` and `inf`; float() of these strings works on every port.
    if math.isnan(number):
        return "float('nan')"
    if math.isinf(number):
        return "float('inf')" if number > 0 else "float('-inf')"
    return float.__repr__(number)
