"""The only hand-written double: a transport whose replies come from a handler playing the board."""

from typing import Callable, Optional

from belay_engine.errors import ConnectionLost
from belay_engine.transports.base import Transport


class ScriptedTransport(Transport):
    """`handler(written) -> reply bytes` plays the board; replies are read back in chunks of `chunk` bytes."""

    description = "scripted board"

    def __init__(self, handler: Callable[[bytes], bytes], chunk: int = 1 << 16):
        self._handler = handler
        self._chunk = chunk
        self._incoming = b""
        self.written: list[bytes] = []
        self.closed = False

    def read(self, max_bytes: int, timeout: Optional[float]) -> bytes:
        if self.closed:
            raise ConnectionLost("scripted board closed")
        size = min(max_bytes, self._chunk)
        data, self._incoming = self._incoming[:size], self._incoming[size:]
        return data

    def write(self, data: bytes) -> None:
        self.written.append(data)
        self._incoming += self._handler(data)

    def close(self) -> None:
        self.closed = True
