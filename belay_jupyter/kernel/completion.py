"""Pure text helpers for completion and inspection: which dotted name is at the cursor."""

import re
from typing import Optional

from attrs import frozen

_DOTTED_BEFORE_CURSOR = re.compile(r"(?:[A-Za-z_]\w*\.)*[A-Za-z_]?\w*$")
_IDENTIFIER_CHARACTERS = re.compile(r"[\w.]")


@frozen
class CompletionRequest:
    """What to complete: attributes of `owner` (a dotted name, or None for globals) starting with `prefix`."""

    owner: Optional[str]
    prefix: str
    start: int


def completion_request(code: str, cursor_pos: int) -> Optional[CompletionRequest]:
    """Split the dotted name that ends at the cursor into owner and prefix, or None if there is none."""
    before = code[:cursor_pos]
    match = _DOTTED_BEFORE_CURSOR.search(before)
    text = match.group(0) if match else ""
    if text and text[0].isdigit():
        return None
    owner, _, prefix = text.rpartition(".")
    if not text and before and _IDENTIFIER_CHARACTERS.match(before[-1]):
        return None
    return CompletionRequest(owner or None, prefix, cursor_pos - len(prefix))


def name_at(code: str, cursor_pos: int) -> Optional[str]:
    """The dotted name under or just before the cursor (``machine.Pin`` in ``machine.Pi|n(``), or None."""
    start = cursor_pos
    while start > 0 and _IDENTIFIER_CHARACTERS.match(code[start - 1]):
        start -= 1
    end = cursor_pos
    while end < len(code) and re.match(r"\w", code[end]):
        end += 1
    name = code[start:end].strip(".")
    if not name or not re.fullmatch(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*", name):
        return None
    return name
