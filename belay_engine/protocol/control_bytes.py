"""Every control byte and record byte the host sends to the board or parses from it."""

#: Read by the board's stream loop between two values: stop pushing, keep the generator.
PAUSE = b"\x06"
#: Written by the board's file receiver for each 32 wire bytes it has read (see `file_credit`).
GRANT = b"\x06"
RECORD_START = b"\x1e"
RECORD_END = b"\x1f"

#: Record kinds, as the byte values the record parser hands out.
RESULT, PROXY, YIELDED, PAUSED = b"R"[0], b"P"[0], b"Y"[0], b"W"[0]
