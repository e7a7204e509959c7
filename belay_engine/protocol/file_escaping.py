"""The escaping of file bytes streamed to the board's stdin: no REPL control byte ever reaches the wire.

Each of the raw REPL's control bytes 0x01-0x05, and the escape byte itself, is sent as ``ESCAPE, byte + 0x40``
(about 2 % more bytes for random data), so an interrupt still works mid-transfer and bytes left over after an
error cannot end a command. The board's ``_belay.u`` undoes it (board/fast_*.py).
"""

from .control_bytes import CTRL_A, CTRL_B, CTRL_C, CTRL_D, CTRL_E

ESCAPE = 0x10
#: The escape byte first, so its own escapes are not escaped again.
ESCAPED = (ESCAPE, *(byte[0] for byte in (CTRL_A, CTRL_B, CTRL_C, CTRL_D, CTRL_E)))
#: Added to an escaped byte on the wire.
ESCAPE_OFFSET = 0x40


def escape(data: bytes) -> bytes:
    """`data` with the REPL's control bytes and the escape byte escaped."""
    for byte in ESCAPED:
        data = data.replace(bytes([byte]), bytes([ESCAPE, byte + ESCAPE_OFFSET]))
    return data


def unescape(wire: bytes) -> bytes:
    """The inverse of `escape` (the board does this; the host uses it in tests)."""
    out = bytearray()
    pending = False
    for byte in wire:
        if pending:
            out.append(byte - ESCAPE_OFFSET)
            pending = False
        elif byte == ESCAPE:
            pending = True
        else:
            out.append(byte)
    return bytes(out)
