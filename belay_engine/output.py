"""Forward what the board prints to a host text stream as it arrives, decoding UTF-8 across chunk borders.

Board code's display calls, which arrive as records between the printed text, go the same way (see `displays`),
so a display shows exactly where it was made among the prints.
"""

import codecs
import sys
from typing import Optional, TextIO

from .displays import DisplayHandler, board_display, display_handler, is_display_record

_UTF8_DECODER = codecs.getincrementaldecoder("utf-8")


class OutputForwarder:
    """Write board bytes to `stream` (``sys.stdout`` at the time of each write when None), flushed at once.

    Invalid UTF-8 becomes U+FFFD instead of an exception; a character split between two chunks is
    written whole when its last byte arrives.

    Parameters
    ----------
    stream : TextIO, optional
        Receives the printed text.
    on_display : callable, optional
        Shows the board's displays (a `displays.BoardDisplay` each). Default: the handler registered with
        `displays.set_display_handler` at the time of each display, and without one their text to `stream`.
    """

    __slots__ = ("_decoder", "_on_display", "_stream")

    def __init__(self, stream: Optional[TextIO] = None, *, on_display: Optional[DisplayHandler] = None):
        self._stream = stream
        self._on_display = on_display
        self._decoder: Optional[codecs.IncrementalDecoder] = None  # made by the first write: most calls print nothing

    def write(self, data: bytes) -> None:
        """Decode `data` and write it through."""
        if not data:
            return
        decoder = self._decoder
        if decoder is None:
            decoder = self._decoder = _UTF8_DECODER(errors="replace")
        self._write_text(decoder.decode(data))

    def record(self, kind: int, payload: bytes) -> bool:
        """Show the display record `(kind, payload)`; False (and nothing done) for a record of another kind.

        Raises
        ------
        NotBelayResponseError
            A display record that board/display.py would not write.
        """
        if not is_display_record(kind):
            return False
        shown = board_display(kind, payload)
        handler = self._on_display or display_handler()
        if handler is None:
            self._write_text(shown.text)
        else:
            handler(shown)
        return True

    def finish(self) -> None:
        """Write out a character left incomplete at the end of the output."""
        if self._decoder is None:
            return
        text = self._decoder.decode(b"", final=True)
        if text:
            (self._stream or sys.stdout).write(text)

    def _write_text(self, text: str) -> None:
        if text:
            stream = self._stream or sys.stdout
            stream.write(text)
            flush = getattr(stream, "flush", None)
            if flush is not None:
                flush()
