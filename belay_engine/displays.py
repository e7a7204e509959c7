"""What board code shows with ``display()``, ``update_display()`` and ``clear_output()``, for whoever shows it.

The board's calls (board/display.py) arrive as records among the printed text; `OutputForwarder` turns each
into a `BoardDisplay` and hands it, in order with that text, to a display handler: the one it was given (the
kernel's, for the cell that runs), else the one a front end registered here with `set_display_handler`
(belay_jupyter's, calling IPython's display functions), else it writes the text form to the output stream, as
a terminal shows it. The engine imports no front end: a handler is any callable taking a `BoardDisplay`.
"""

import json
from typing import Any, Callable, Optional

from attrs import Factory, frozen

from .protocol.control_bytes import CLEAR_OUTPUT, DISPLAY, UPDATE_DISPLAY
from .replies import parse_value, unexpected_record

#: `BoardDisplay.kind` values, named as the Jupyter messages they become.
DISPLAY_DATA = "display_data"
UPDATE_DISPLAY_DATA = "update_display_data"
CLEAR = "clear_output"

#: The board's names of an object's forms (its ``_repr_<form>_`` methods, "plain" for its repr) -> MIME types.
MIME_TYPES = {
    "html": "text/html",
    "svg": "image/svg+xml",
    "markdown": "text/markdown",
    "json": "application/json",
    "plain": "text/plain",
}


@frozen
class BoardDisplay:
    """One display call of board code.

    Attributes
    ----------
    kind : str
        `DISPLAY_DATA` (show), `UPDATE_DISPLAY_DATA` (replace the display named `display_id`) or `CLEAR`.
    data : dict
        The mime bundle, MIME type -> content (always with ``text/plain``; empty for `CLEAR`).
    display_id : str or None
        The display's name, for later updates.
    wait : bool
        For `CLEAR`: clear only when the next output arrives (no flicker in a loop).
    """

    kind: str
    data: dict[str, Any] = Factory(dict)
    display_id: Optional[str] = None
    wait: bool = False

    @property
    def text(self) -> str:
        """What a terminal prints for it: the text form and a newline (an update prints the new text; clear nothing)."""
        plain = self.data.get("text/plain")
        return "" if plain is None else f"{plain}\n"


DisplayHandler = Callable[[BoardDisplay], None]

_KINDS = {DISPLAY: DISPLAY_DATA, UPDATE_DISPLAY: UPDATE_DISPLAY_DATA}
_handler: Optional[DisplayHandler] = None


def set_display_handler(handler: Optional[DisplayHandler]) -> None:
    """Show board displays with `handler` where the caller gave none (None: print their text)."""
    global _handler
    _handler = handler


def display_handler() -> Optional[DisplayHandler]:
    """The handler set with `set_display_handler`, or None."""
    return _handler


def is_display_record(kind: int) -> bool:
    """Whether records of `kind` are display calls (see `board_display`)."""
    return kind in _KINDS or kind == CLEAR_OUTPUT


def board_display(kind: int, payload: bytes) -> BoardDisplay:
    """The display call a display record (`is_display_record`) of the board carries.

    Raises
    ------
    NotBelayResponseError
        The record is not what board/display.py writes (the nonce makes it the engine's: a bug, not user output).
    """
    if kind == CLEAR_OUTPUT:
        if payload not in (b"0", b"1"):
            raise unexpected_record(kind, payload)
        return BoardDisplay(CLEAR, wait=payload == b"1")
    value = parse_value(payload)
    if kind not in _KINDS or not (
        type(value) is tuple and len(value) == 2 and type(value[1]) is dict and _all_text(value[1].values())
    ):
        raise unexpected_record(kind, payload)
    display_id, forms = value
    data = {}
    for form, content in forms.items():
        mime = MIME_TYPES.get(form)
        if mime == "application/json":
            content = _json_form(content)
        if mime is not None and content is not None:
            data[mime] = content
    return BoardDisplay(_KINDS[kind], data, None if display_id is None else str(display_id))


def _all_text(values: Any) -> bool:
    """Whether every form is text (board/display.py sends JSON as its repr too)."""
    return all(type(value) is str for value in values)


def _json_form(text: str) -> Any:
    """The value of a ``_repr_json_`` from its board repr, or None when it is no literal or not JSON."""
    value = parse_value(text.encode("utf-8", "surrogatepass"))
    try:
        json.dumps(value, allow_nan=False)  # as Jupyter's messages will carry it
    except (TypeError, ValueError):
        return None
    return value
