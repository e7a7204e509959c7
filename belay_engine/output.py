"""Forward what the board prints to a host text stream as it arrives, decoding UTF-8 across chunk borders."""

import codecs
import sys
from typing import Optional, TextIO


class OutputForwarder:
    """Write board bytes to `stream` (``sys.stdout`` at the time of each write when None), flushed at once.

    Invalid UTF-8 becomes U+FFFD instead of an exception; a character split between two chunks is
    written whole when its last byte arrives.
    """

    __slots__ = ("_decoder", "_stream")

    def __init__(self, stream: Optional[TextIO] = None):
        self._stream = stream
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def write(self, data: bytes) -> None:
        """Decode `data` and write it through."""
        text = self._decoder.decode(data)
        if text:
            stream = self._stream or sys.stdout
            stream.write(text)
            flush = getattr(stream, "flush", None)
            if flush is not None:
                flush()

    def finish(self) -> None:
        """Write out a character left incomplete at the end of the output."""
        text = self._decoder.decode(b"", final=True)
        if text:
            (self._stream or sys.stdout).write(text)
