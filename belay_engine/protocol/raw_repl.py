"""The raw REPL over a Transport: enter and leave it, run code with streamed output, interrupt, soft reset."""

import struct
import time
from collections import deque
from typing import Callable, Optional

from ..errors import BoardTimeoutError, ConnectionLost, ProtocolError, PyboardError
from ..transports.base import Transport
from .deadline import Deadline
from .framing import ErrorOutput, Event, Finished, Output, RawReplFramer

RAW_REPL_BANNER = b"raw REPL; CTRL-B to exit\r\n>"
SOFT_REBOOT = b"soft reboot\r\n"
CTRL_A, CTRL_B, CTRL_C, CTRL_D = b"\x01", b"\x02", b"\x03", b"\x04"
CONTROL_BYTES = CTRL_A + CTRL_B + CTRL_C + CTRL_D
RAW_PASTE_REQUEST = b"\x05A\x01"

#: Seconds between Ctrl-Cs while interrupted board code has not ended (see `RawRepl._stop`).
CTRL_C_REPEAT = 0.25
#: Code up to this size goes in one write in the plain raw REPL: every board's input buffer holds it.
PLAIN_WRITE_LIMIT = 256
READ_SIZE = 1 << 16


class RawRepl:
    """Drive a board's raw REPL over `transport`.

    Parameters
    ----------
    transport : Transport
        The byte pipe to the board.
    acknowledge_timeout : float
        Seconds to wait for the board to accept code (``OK``) or to answer a control byte.
    interrupt_timeout : float
        Seconds to wait for running code to stop after Ctrl-C.
    """

    def __init__(self, transport: Transport, *, acknowledge_timeout: float = 10.0, interrupt_timeout: float = 2.0):
        self.transport = transport
        self.acknowledge_timeout = acknowledge_timeout
        self.interrupt_timeout = interrupt_timeout
        self.raw_paste_supported: Optional[bool] = None
        self._buffer = b""

    # -- reading ---------------------------------------------------------------------------------

    def _read(self, deadline: Deadline, awaited: str) -> bytes:
        if self._buffer:
            data, self._buffer = self._buffer, b""
            return data
        data = self.transport.read(READ_SIZE, deadline.remaining())
        if not data:
            raise BoardTimeoutError(
                f"waited {deadline.seconds} s for {awaited} from {self.transport.description}; no answer"
            )
        return data

    def read_until(self, marker: bytes, timeout: Optional[float], awaited: Optional[str] = None) -> bytes:
        """Return everything up to and including `marker`; later bytes stay buffered.

        Raises
        ------
        BoardTimeoutError
            `marker` did not arrive within `timeout` seconds.
        """
        deadline = Deadline(timeout)
        received = b""
        while True:
            received += self._read(deadline, awaited or repr(marker))
            end = received.find(marker)
            if end >= 0:
                end += len(marker)
                self._buffer = received[end:] + self._buffer
                return received[:end]

    # -- modes -----------------------------------------------------------------------------------

    def enter(self, timeout: Optional[float] = None) -> None:
        """Stop whatever runs (Ctrl-C twice) and enter the raw REPL, discarding what the board printed before.

        Raises
        ------
        BoardTimeoutError
            The raw REPL banner did not come.
        """
        # \r ends a half-typed friendly-REPL line; Ctrl-C twice stops a running program (a second one
        # catches a program that handles the first); Ctrl-A enters, or re-enters, the raw REPL.
        self._buffer = b""
        self.transport.write(b"\r" + CTRL_C + CTRL_C + CTRL_A)
        self.read_until(RAW_REPL_BANNER, timeout or self.acknowledge_timeout, "the raw REPL banner")

    def exit(self) -> None:
        """Leave the raw REPL for the friendly REPL (Ctrl-B)."""
        self.transport.write(CTRL_B)

    def soft_reset(self, timeout: Optional[float] = None) -> None:
        """Soft-reset the board from the raw REPL and wait until it is back in the raw REPL.

        Raises
        ------
        BoardTimeoutError
            The board did not come back in time.
        """
        timeout = timeout or self.acknowledge_timeout
        self.transport.write(CTRL_D)
        self.read_until(SOFT_REBOOT, timeout, "the soft reboot message")
        self.read_until(RAW_REPL_BANNER, timeout, "the raw REPL banner after a soft reboot")

    def hard_reset(self, timeout: Optional[float] = None) -> None:
        """Reset the board with ``machine.reset()`` and wait for its friendly prompt after the reboot.

        Raises
        ------
        ConnectionLost
            The port went away with the reset (boards with native USB); reconnect to go on.
        BoardTimeoutError
            The board did not come back in time.
        """
        self._buffer = b""
        self._write_plain(b"import machine\nmachine.reset()")
        self.read_until(b">>> ", timeout or self.acknowledge_timeout, "the board's prompt after a hard reset")

    # -- running code ----------------------------------------------------------------------------

    def execute(self, code: bytes, timeout: Optional[float] = None, stdin: bytes = b"") -> "Reply":
        """Send `code` now and return an iterator over the reply's events as bytes arrive.

        Closing the iterator before `Finished` (or a `KeyboardInterrupt` while it waits) stops the code
        on the board with Ctrl-C and reads up to the prompt, so the board is ready for the next command.
        The code is on its way when this returns, so another thread may interrupt it from then on.

        Parameters
        ----------
        code : bytes
            Source to compile and run on the board.
        timeout : float or None
            Seconds the code may run; ``None`` lets it run as long as it likes.
        stdin : bytes
            Sent right after the code, for the code to read from its stdin (no control bytes; the board's input
            buffer must hold it while the code compiles).

        Raises
        ------
        BoardTimeoutError
            The board did not accept the code, or the code ran past `timeout`.
        ConnectionLost
            The link dropped.
        """
        if any(byte in stdin for byte in CONTROL_BYTES):
            raise ValueError("raw REPL control bytes cannot be sent as program input")  # before the code runs
        try:
            acknowledgement = self._send(code)
            if stdin:
                self.transport.write(stdin)
        except (ConnectionLost, PyboardError):
            raise
        except BaseException:
            self._recover_from_interrupted_send()
            raise
        return Reply(self, RawReplFramer(acknowledgement), timeout)

    def _recover_from_interrupted_send(self) -> None:
        """After host code was interrupted while sending code (Ctrl-C), leave the board idle in the raw REPL.

        Part of the code may sit on the REPL's input line or in an unfinished raw paste, where the next command
        would be appended to it; or all of it may be running. Ctrl-C clears the line, ends the paste (the board
        answers with a KeyboardInterrupt) or stops the code; Ctrl-A then makes the raw REPL print its banner once
        it reads input again, and everything up to that banner is dropped.
        """
        self._buffer = b""
        try:
            self.transport.write(CTRL_C + CTRL_A)
            deadline = Deadline(self.acknowledge_timeout)
            repeat = Deadline(CTRL_C_REPEAT)
            received = b""
            while RAW_REPL_BANNER not in received:
                received = received[-len(RAW_REPL_BANNER) :]  # what comes before the banner is dropped anyway
                if deadline.expired():
                    return  # the board is stuck: the next command reports it; the interrupt is what goes up now
                if repeat.expired():
                    self.transport.write(CTRL_C)  # the code came whole and the board took Ctrl-C in while compiling
                    repeat = Deadline(CTRL_C_REPEAT)
                received += self.transport.read(READ_SIZE, min(repeat.remaining(), deadline.remaining()))
            self._buffer = received[received.index(RAW_REPL_BANNER) + len(RAW_REPL_BANNER) :]
        except (ConnectionLost, PyboardError):
            pass  # the board is gone: the next command reports it; the interrupt is what goes up now

    def exec(
        self, code: bytes, on_output: Optional[Callable[[bytes], None]] = None, timeout=None
    ) -> tuple[bytes, bytes]:
        """Run `code` and return ``(stdout, stderr)``; with `on_output`, stdout goes there as it arrives instead."""
        stdout, stderr = [], []
        events = self.execute(code, timeout)
        try:
            for event in events:
                if isinstance(event, Output):
                    (stdout.append if on_output is None else on_output)(event.data)
                elif isinstance(event, ErrorOutput):
                    stderr.append(event.data)
        finally:
            events.close()  # stops the board if `on_output` raised
        return b"".join(stdout), b"".join(stderr)

    def write_to_program(self, data: bytes) -> None:
        """Send `data` to the running code's stdin (never a control byte the REPL acts on)."""
        if any(byte in data for byte in CONTROL_BYTES):
            raise ValueError("raw REPL control bytes cannot be sent as program input")
        self.transport.write(data)

    def clear_input_line(self) -> None:
        """Drop anything that reached the idle raw REPL's input line (Ctrl-C there clears the line)."""
        self.transport.write(CTRL_C)

    def _stop(self, framer: RawReplFramer) -> None:
        """Interrupt the code behind `framer` and read its reply to the end.

        Ctrl-C goes again every `CTRL_C_REPEAT` seconds while the code has not ended: a board arms its interrupt
        character only once the code runs, so one still reading or compiling the code took the first as input.
        """
        self.transport.write(CTRL_C)
        deadline = Deadline(self.interrupt_timeout)
        repeat = Deadline(CTRL_C_REPEAT)
        ran = framer.running
        while not framer.finished:
            data = self.transport.read(READ_SIZE, min(repeat.remaining(), deadline.remaining()))
            if not data and deadline.expired():
                raise BoardTimeoutError(
                    f"the board did not stop within {self.interrupt_timeout} s of Ctrl-C "
                    f"({self.transport.description}); reconnect or reset it"
                )
            for event in framer.feed(data):
                if isinstance(event, Finished):
                    self._buffer = event.leftover
            ran = ran or framer.running
            if repeat.expired() and not framer.finished and (framer.running or not ran):
                self.transport.write(CTRL_C)
                repeat = Deadline(CTRL_C_REPEAT)

    def _send(self, code: bytes) -> bytes:
        """Write `code` for execution and return the acknowledgement the reply starts with."""
        if len(code) <= PLAIN_WRITE_LIMIT or self.raw_paste_supported is False:
            self._write_plain(code)
            return b"OK"
        if self._start_raw_paste():
            self._write_raw_paste(code)
            return b""
        self._write_plain(code)
        return b"OK"

    def _write_plain(self, code: bytes) -> None:
        if len(code) <= PLAIN_WRITE_LIMIT:
            self.transport.write(code + CTRL_D)
            return
        # Boards without raw-paste have no flow control: pace the writes so a small input buffer keeps up.
        for start in range(0, len(code), PLAIN_WRITE_LIMIT):
            self.transport.write(code[start : start + PLAIN_WRITE_LIMIT])
            time.sleep(0.01)
        self.transport.write(CTRL_D)

    def _start_raw_paste(self) -> bool:
        self.transport.write(RAW_PASTE_REQUEST)
        answer = b""
        deadline = Deadline(self.acknowledge_timeout)
        while len(answer) < 2:
            answer += self._read(deadline, "the answer to the raw-paste request")
        self._buffer = answer[2:] + self._buffer
        if answer[:2] == b"R\x01":
            self.raw_paste_supported = True
            return True
        self.raw_paste_supported = False
        if answer[:2] == b"R\x00":
            return False  # understood but unsupported: the board still waits for raw-REPL input
        # An old board took the request as input; its Ctrl-A re-entered the raw REPL and printed the banner.
        self._buffer = answer + self._buffer
        self.read_until(RAW_REPL_BANNER, self.acknowledge_timeout, "the raw REPL banner after a raw-paste request")
        return False

    def _write_raw_paste(self, code: bytes) -> None:
        deadline = Deadline(self.acknowledge_timeout)
        header = b""
        while len(header) < 2:
            header += self._read(deadline, "the raw-paste window size")
        self._buffer = header[2:] + self._buffer
        (window,) = struct.unpack("<H", header[:2])
        remaining = window
        position = 0
        while position < len(code):
            # Take every flow-control byte already here; block for one only when the window is used up.
            while remaining == 0 or self._buffer:
                data = self._read(Deadline(self.acknowledge_timeout), "a raw-paste flow-control byte")
                self._buffer = data[1:] + self._buffer
                if data[:1] == b"\x01":
                    remaining += window
                elif data[:1] == CTRL_D:
                    # The board ended the paste early (a syntax error in what it has read): acknowledge it.
                    self.transport.write(CTRL_D)
                    return
                else:
                    raise ProtocolError(f"unexpected byte {data[:1]!r} during a raw paste")
            chunk = code[position : position + remaining]
            self.transport.write(chunk)
            position += len(chunk)
            remaining -= len(chunk)
        self.transport.write(CTRL_D)
        self.read_until(CTRL_D, self.acknowledge_timeout, "the end of a raw paste")

    def close(self) -> None:
        """Close the transport."""
        self.transport.close()


class Reply:
    """The events of code sent to the board, read as they arrive; see `RawRepl.execute`."""

    def __init__(self, repl: RawRepl, framer: RawReplFramer, timeout: Optional[float]):
        self._repl = repl
        self._framer = framer
        self._acknowledged = Deadline(repl.acknowledge_timeout)
        self._deadline = Deadline(timeout)
        self._pending: deque = deque()
        self._finished = False

    def __iter__(self) -> "Reply":
        return self

    def __next__(self) -> Event:
        while not self._pending:
            if self._finished:
                raise StopIteration
            framer = self._framer
            try:
                data = self._repl._read(
                    self._deadline if framer.running else self._acknowledged, "the end of the running code"
                )
            except ConnectionLost:
                self._finished = True  # nothing to stop on a link that is gone
                raise
            except BaseException:
                self.close()  # an interrupt or a deadline while waiting: stop the board code
                raise
            self._take(data)
        return self._pending.popleft()

    def _take(self, data: bytes) -> None:
        """Queue the events in `data`; at the reply's end, give the bytes after it back to the REPL."""
        try:
            events = self._framer.feed(data)
        except ConnectionLost:
            self._finished = True  # the board reset itself: no code left to stop
            raise
        for event in events:
            if isinstance(event, Finished):
                self._repl._buffer = event.leftover + self._repl._buffer
                self._finished = True
            self._pending.append(event)

    @property
    def finished(self) -> bool:
        """Whether the reply has ended (or was stopped)."""
        return self._finished

    def finish(self, timeout: float, on_event: Optional[Callable[[Event], None]] = None) -> bool:
        """Read the reply to its end for at most `timeout` seconds; whether it ended.

        The events read go to `on_event`, or are dropped.
        """
        deadline = Deadline(timeout)
        while True:
            while self._pending:
                event = self._pending.popleft()
                if on_event is not None:
                    on_event(event)
            if self._finished:
                return True
            try:
                data = self._repl._read(deadline, "the end of the stopped code")
            except BoardTimeoutError:
                return False
            self._take(data)

    def close(self) -> None:
        """Stop the code if it still runs (Ctrl-C, then read its reply to the end)."""
        if not self._finished:
            self._finished = True
            self._pending.clear()
            self._repl._stop(self._framer)
