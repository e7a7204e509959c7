"""A transport wrapper that trips at an exact byte offset of what the host reads or writes, and board helpers."""

import os
import signal
import threading
import time
from typing import Callable, Optional

import psutil
import pytest

#: Seconds a fault may take to surface as an exception: the device's control timeout plus a margin for load.
BOUND = 20


class Tripwire:
    """Wrap a Device's transport: count the bytes each way and, at `offset` in `direction`, run a fault.

    Parameters
    ----------
    inner : Transport
        The transport of the connected device (``device.session.repl.transport``).
    direction : str
        ``"read"`` (bytes from the board) or ``"write"`` (bytes to it); None only counts.
    offset : int
        The fault happens after exactly this many bytes went that way.
    fault : str
        ``"kill"``: the board process dies (nothing more reaches the host); ``"interrupt"``: the host gets a
        KeyboardInterrupt there, as from Ctrl-C, and the bytes not yet delivered stay on the wire;
        ``"ctrl-c"``: the board gets a Ctrl-C there, as from another thread's Stop.
    """

    def __init__(self, inner, direction: Optional[str] = None, offset: int = 0, fault: str = "kill"):
        self.inner = inner
        self.direction = direction
        self.offset = offset
        self.fault = fault
        self.read_count = 0
        self.written_count = 0
        self.tripped = False
        self._held = b""
        self._raise_next = False

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def read(self, max_bytes: int, timeout: Optional[float]) -> bytes:
        if self._raise_next:
            self._raise_next = False
            raise KeyboardInterrupt
        if self._held:
            data, self._held = self._held[:max_bytes], self._held[max_bytes:]
            return data
        if self.tripped and self.fault == "kill":
            while True:  # what the dead board had sent after the offset is lost with it
                if not self.inner.read(max_bytes, timeout):
                    return b""
        data = self.inner.read(max_bytes, timeout)
        if self.direction == "read" and not self.tripped and self.read_count + len(data) >= self.offset and data:
            cut = self.offset - self.read_count
            self.read_count += cut
            self.tripped = True
            delivered = data[:cut]
            if self.fault == "kill":
                kill_board(self.inner)
            elif self.fault == "interrupt":
                self._held = data[cut:]
                if not delivered:
                    raise KeyboardInterrupt
                self._raise_next = True
            else:
                self.inner.write(b"\x03")
                self._held = data[cut:]
            return delivered or self.read(max_bytes, timeout)
        self.read_count += len(data)
        return data

    def write(self, data: bytes) -> None:
        if self.direction == "write" and not self.tripped and self.written_count + len(data) >= self.offset:
            cut = self.offset - self.written_count
            self.tripped = True
            if cut:
                self.inner.write(data[:cut])
            self.written_count += cut
            if self.fault == "interrupt":
                raise KeyboardInterrupt  # between two writes: the rest never went out
            if self.fault == "kill":
                kill_board(self.inner)
            else:
                self.inner.write(b"\x03")
            data = data[cut:]
        self.written_count += len(data)
        if data:
            self.inner.write(data)


def wire(device, direction: Optional[str] = None, offset: int = 0, fault: str = "kill") -> Tripwire:
    """Put a Tripwire between `device` and its board; the next reconnect drops it."""
    tripwire = Tripwire(device.session.repl.transport, direction, offset, fault)
    device.session.repl.transport = tripwire
    return tripwire


def traffic(device, operation: Callable[[], object]) -> tuple[int, int]:
    """Bytes (read, written) that `operation` exchanges with the board of `device`."""
    counter = wire(device)
    try:
        operation()
    finally:
        device.session.repl.transport = counter.inner
    return counter.read_count, counter.written_count


def kill_board(transport) -> None:
    """SIGKILL the virtual board's process and wait until it has died (it stays to be reaped by its owner)."""
    pid = transport.pid
    os.kill(pid, signal.SIGKILL)
    pause = threading.Event()
    deadline = time.monotonic() + BOUND
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return
        except psutil.NoSuchProcess:
            return
        pause.wait(0.005)
    raise AssertionError(f"board process {pid} did not die of SIGKILL")


def raises_within(exception, operation: Callable[[], object], seconds: float = BOUND):
    """Run `operation`; it must raise `exception` (returned) within `seconds`, not hang or succeed."""
    start = time.monotonic()
    with pytest.raises(exception) as info:
        operation()
    elapsed = time.monotonic() - start
    assert elapsed < seconds, f"{info.typename} came after {elapsed:.1f} s, past the {seconds} s bound"
    return info.value
