"""Pure parsing of the values the engine's board helpers print: host values from board reprs, and the sentinels.

The records that carry them are split from free output by `protocol.records.RecordParser`.
"""

import ast
import re
from typing import Any

from .errors import NotBelayResponseError


class SentinelMeta(type):
    """Metaclass of result sentinels: falsy, with a readable repr, never instantiated."""

    def __repr__(cls) -> str:
        return f"<{cls.__name__}>"

    def __bool__(cls) -> bool:
        return False


class Sentinel(metaclass=SentinelMeta):
    """Base of the sentinel classes; compare them with ``is``."""

    def __new__(cls, *args, **kwargs):
        """Refuse: sentinels are classes, used as they are."""
        raise ValueError(f"{cls.__name__} is a sentinel; compare with `is`, do not instantiate it")


class NO_RESULT(Sentinel):  # noqa: N801 - Belay 0.30's public name
    """The board code produced no value."""


class UNPARSABLE_RESULT(Sentinel):  # noqa: N801 - Belay 0.30's public name
    """The board's repr of a value is not a Python literal (pass ``trusted=True`` to evaluate it)."""


_INT = re.compile(rb"-?\d+\Z")
_VIEW = re.compile(r"(dict_keys|dict_values|dict_items|bytearray)\((.*)\)\Z", re.S)
_SPECIAL_FLOATS = {"inf": float("inf"), "-inf": float("-inf"), "nan": float("nan")}


def parse_value(payload: bytes, trusted: bool = False) -> Any:
    """Turn the board's repr of a value into a host value.

    Literals are parsed with `ast.literal_eval`; ``dict_keys([...])``-style views become lists and
    ``bytearray(b'..')`` a bytearray. Anything else is `UNPARSABLE_RESULT`, unless `trusted` is set, in
    which case it is evaluated with `eval` (a security risk: the board then runs code on the host).
    """
    if payload.isdigit() or _INT.match(payload):  # isdigit: the usual small int, without the regex
        return int(payload)
    text = payload.decode("utf-8", "backslashreplace")
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        pass
    if text in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[text]
    view = _VIEW.match(text)
    if view:
        try:
            inner = ast.literal_eval(view.group(2))
        except (ValueError, SyntaxError):
            inner = UNPARSABLE_RESULT
        if inner is not UNPARSABLE_RESULT:
            return bytearray(inner) if view.group(1) == "bytearray" else list(inner)
    if trusted:
        return eval(text)
    return UNPARSABLE_RESULT


def unexpected_record(kind: int, payload: bytes) -> NotBelayResponseError:
    """The error for a record that does not belong where it arrived."""
    return NotBelayResponseError(f"unexpected reply record {chr(kind)!r} with payload {payload[:60]!r}")
