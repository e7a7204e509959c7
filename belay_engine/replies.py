r"""Pure parsing of what the engine's board helpers print: records among free output, and values from reprs.

A record is ``\\x1e<nonce><kind><payload>\\x1f`` (see ``board/helpers.py``). The nonce is random per
connection, so text that user code prints can never be taken for a record.
"""

import ast
import re
from typing import Any, Optional, Union

from .errors import NotBelayResponseError

RECORD_START = b"\x1e"
RECORD_END = b"\x1f"

#: Record kinds, as the byte values the parser hands out.
RESULT, PROXY, YIELDED, PAUSED = b"R"[0], b"P"[0], b"Y"[0], b"W"[0]


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


Record = tuple[int, bytes]


class RecordParser:
    """Split board output into free text (``bytes``) and records (``(kind, payload)``), however it is chunked.

    Parameters
    ----------
    nonce : bytes
        The connection's nonce, as installed in the board helpers.
    """

    def __init__(self, nonce: bytes):
        self._marker = RECORD_START + nonce
        self._payload_offset = len(self._marker) + 1
        self._pending = b""
        # The parts of a record whose end has not arrived yet (a big value comes in many chunks): each new
        # chunk is searched once, never the whole record again.
        self._open: Optional[list[bytes]] = None

    def feed(self, data: bytes) -> list[Union[bytes, Record]]:
        """Consume `data`; return free text and complete records in order."""
        items: list[Union[bytes, Record]] = []
        if self._open is not None:
            end = data.find(RECORD_END)
            if end < 0:
                self._open.append(data)
                return items
            self._open.append(data[:end])
            record, self._open = b"".join(self._open) + RECORD_END, None
            items.append((record[len(self._marker)], record[self._payload_offset : -1]))
            data = data[end + 1 :]
        if self._pending:
            data = self._pending + data
            self._pending = b""
        marker = self._marker
        if RECORD_START not in data:
            if data:
                items.append(data)
            return items
        position = 0
        while True:
            start = data.find(marker, position)
            if start < 0:
                break
            if start > position:
                items.append(data[position:start])
            end = data.find(RECORD_END, start)
            if end < 0:
                # A record cut by the chunking: collect it until its end arrives.
                self._open = [data[start:]]
                return items
            items.append((data[start + len(marker)], data[start + self._payload_offset : end]))
            position = end + 1
        tail = data[position:] if position else data
        # Hold back what may be the start of a record cut by the chunking; pass everything else on now.
        cut = tail.rfind(RECORD_START)
        if cut >= 0 and marker.startswith(tail[cut:]):
            self._pending = tail[cut:]
            tail = tail[:cut]
        if tail:
            items.append(tail)
        return items

    def flush(self) -> bytes:
        """Return held-back bytes once the board has finished (they were not a record after all).

        A record that was started but never ended (the board raised while writing a big value piece by
        piece) is dropped: it is the engine's, not output of the user's code.
        """
        pending, self._pending, self._open = self._pending, b"", None
        return pending


_INT = re.compile(rb"-?\d+\Z")
_VIEW = re.compile(r"(dict_keys|dict_values|dict_items|bytearray)\((.*)\)\Z", re.S)
_SPECIAL_FLOATS = {"inf": float("inf"), "-inf": float("-inf"), "nan": float("nan")}


def parse_value(payload: bytes, trusted: bool = False) -> Any:
    """Turn the board's repr of a value into a host value.

    Literals are parsed with `ast.literal_eval`; ``dict_keys([...])``-style views become lists and
    ``bytearray(b'..')`` a bytearray. Anything else is `UNPARSABLE_RESULT`, unless `trusted` is set, in
    which case it is evaluated with `eval` (a security risk: the board then runs code on the host).
    """
    if _INT.match(payload):
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
