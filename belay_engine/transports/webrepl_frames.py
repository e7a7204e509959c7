"""Websocket frames and WebREPL file-transfer records, as MicroPython's WebREPL server and clients write them.

Pure functions and parsers: bytes in, values out, no sockets. MicroPython's server reads frames with or
without a mask (its own command-line client sends them unmasked), refuses 64-bit lengths by closing, and
writes unmasked frames; `FrameDecoder` and `encode_frame` do the same.

File transfers are binary frames: a request record ``"<2sBBQLH64s"`` (``b"WA"``, operation, two unused
fields, size, name length, name), answered by status records ``"<2sH"`` (``b"WB"``, 0 for success).
"""

import struct
from typing import Optional

from attrs import define, frozen

CONTINUATION, TEXT, BINARY, CLOSE, PING, PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA
#: The largest payload a 16-bit length carries; MicroPython never writes or reads more in one frame.
LARGEST_SHORT_FRAME = 0xFFFF

REQUEST = struct.Struct("<2sBBQLH64s")
STATUS = struct.Struct("<2sH")
CHUNK_LENGTH = struct.Struct("<H")
PUT, GET, VERSION = 1, 2, 3
#: The server reads the name as a C string in a 64-byte field: at most 63 bytes are sure to arrive whole.
NAME_LIMIT = 63


@frozen
class Frame:
    """One websocket frame, unmasked."""

    opcode: int
    payload: bytes
    fin: bool = True


def _apply_mask(payload: bytes, key: bytes) -> bytes:
    if not payload:
        return payload
    size = len(payload)
    stream = (key * (size // 4 + 1))[:size]
    return (int.from_bytes(payload, "big") ^ int.from_bytes(stream, "big")).to_bytes(size, "big")


def encode_frame(opcode: int, payload: bytes, *, mask: Optional[bytes] = None, fin: bool = True) -> bytes:
    """One frame of `payload`; with a 4-byte `mask` the payload is masked, as RFC 6455 asks of clients."""
    first = (0x80 if fin else 0) | opcode
    size = len(payload)
    masked = 0x80 if mask is not None else 0
    if size < 126:
        header = bytes([first, masked | size])
    elif size <= LARGEST_SHORT_FRAME:
        header = struct.pack(">BBH", first, masked | 126, size)
    else:
        header = struct.pack(">BBQ", first, masked | 127, size)
    if mask is None:
        return header + payload
    return header + mask + _apply_mask(payload, mask)


class FrameError(ValueError):
    """Bytes that are not a websocket frame MicroPython's server would read."""


@define
class FrameDecoder:
    """Split a byte stream into frames; masked and unmasked frames alike.

    Parameters
    ----------
    allow_long : bool
        Accept 64-bit payload lengths (MicroPython's server does not: it closes the connection).
    """

    allow_long: bool = False
    _pending: bytes = b""

    def feed(self, data: bytes) -> list[Frame]:
        """The frames completed by `data`; an incomplete one waits for more bytes.

        Raises
        ------
        FrameError
            A frame with a 64-bit length when those are not allowed.
        """
        buffer = self._pending + data
        frames = []
        position = 0
        while True:
            parsed = self._parse(buffer, position)
            if parsed is None:
                break
            frame, position = parsed
            frames.append(frame)
        self._pending = buffer[position:]
        return frames

    def _parse(self, buffer: bytes, start: int) -> Optional[tuple[Frame, int]]:
        if len(buffer) - start < 2:
            return None
        first, second = buffer[start], buffer[start + 1]
        size = second & 0x7F
        position = start + 2
        if size == 126:
            if len(buffer) < position + 2:
                return None
            (size,) = struct.unpack_from(">H", buffer, position)
            position += 2
        elif size == 127:
            if not self.allow_long:
                raise FrameError("a frame with a 64-bit length (MicroPython's WebREPL closes the connection)")
            if len(buffer) < position + 8:
                return None
            (size,) = struct.unpack_from(">Q", buffer, position)
            position += 8
        key = None
        if second & 0x80:
            if len(buffer) < position + 4:
                return None
            key = buffer[position : position + 4]
            position += 4
        if len(buffer) < position + size:
            return None
        payload = buffer[position : position + size]
        if key is not None:
            payload = _apply_mask(payload, key)
        return Frame(first & 0x0F, payload, bool(first & 0x80)), position + size


# -- WebREPL file transfers ---------------------------------------------------------------------------------


@frozen
class FileRequest:
    """A WebREPL request: `operation` (PUT, GET or VERSION) on board file `name` of `size` bytes (for PUT)."""

    operation: int
    name: bytes
    size: int = 0


def encode_request(request: FileRequest) -> bytes:
    """The 82-byte record of `request`.

    Raises
    ------
    ValueError
        The name is longer than `NAME_LIMIT` bytes or holds a NUL byte (the server would read another name).
    """
    if len(request.name) > NAME_LIMIT or b"\0" in request.name:
        raise ValueError(f"a WebREPL file name must be at most {NAME_LIMIT} bytes with no NUL: {request.name!r}")
    return REQUEST.pack(b"WA", request.operation, 0, 0, request.size, len(request.name), request.name)


def decode_request(record: bytes) -> FileRequest:
    """The request in an 82-byte record; the name is read up to its first NUL, as the server reads it.

    Raises
    ------
    ValueError
        The record does not start with ``b"WA"``.
    """
    signature, operation, _, _, size, _, name = REQUEST.unpack(record)
    if signature != b"WA":
        raise ValueError(f"not a WebREPL request: {record[:2]!r}")
    return FileRequest(operation, name.split(b"\0", 1)[0], size)


def encode_status(code: int) -> bytes:
    """A status answer: 0 for success."""
    return STATUS.pack(b"WB", code)


def decode_status(record: bytes) -> int:
    """The code of a 4-byte status answer.

    Raises
    ------
    ValueError
        The record does not start with ``b"WB"``.
    """
    signature, code = STATUS.unpack(record)
    if signature != b"WB":
        raise ValueError(f"not a WebREPL status answer: {record!r}")
    return code
