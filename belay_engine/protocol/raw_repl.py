"""The raw REPL over a Transport: enter and leave it, run code with streamed output, interrupt, soft reset.

`RawRepl` is the I/O driver: it writes what the Sans-I/O machines (`CodeSender`, `RawReplFramer`, `CodeStopper`,
`InterruptedSendRecovery`) give it to send and passes them what it reads, all through one read path and its buffer.
"""

import re
import time
from collections import deque
from typing import Callable, Optional

from ..errors import BoardTimeoutError, ConnectionLost, PyboardError
from ..transports.base import Transport
from .control_bytes import (
    CONTROL_BYTES,
    CTRL_A,
    CTRL_B,
    CTRL_C,
    CTRL_D,
    END_OF_OUTPUT,
    FRIENDLY_PROMPT,
    RAW_REPL_BANNER,
    SOFT_REBOOT,
)
from .deadline import Deadline
from .framing import ErrorOutput, Event, Finished, Output, RawReplFramer
from .raw_paste import CodeSender
from .stopping import CodeStopper, InterruptedSendRecovery

#: Most bytes one read takes from the transport.
READ_SIZE = 1 << 16
_CONTROL = re.compile(b"[" + re.escape(CONTROL_BYTES) + b"]")


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
        self._buffer = b""  # read from the transport, not yet consumed

    # -- reading and writing ---------------------------------------------------------------------

    def _read(self, deadline: Deadline, awaited: Optional[str] = None) -> bytes:
        """The one read path: buffered bytes first, else what the transport brings before `deadline`.

        With `awaited`, silence until `deadline` raises `BoardTimeoutError` naming it; without, it returns ``b""``.
        """
        if self._buffer:
            data, self._buffer = self._buffer, b""
            return data
        data = self.transport.read(READ_SIZE, deadline.remaining())
        if not data and awaited is not None:
            raise BoardTimeoutError(
                f"waited {deadline.seconds} s for {awaited} from {self.transport.description}; no answer"
            )
        return data

    def _unread(self, data: bytes) -> None:
        """Give back bytes a machine did not consume, for the next read."""
        self._buffer = data + self._buffer

    def _write(self, chunks: list[bytes], pause: float = 0.0) -> None:
        for index, chunk in enumerate(chunks):
            if pause and index:
                time.sleep(pause)  # pacing asked for by the machine (a board without flow control)
            self.transport.write(chunk)

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
                self._unread(received[end:])
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
        sender = CodeSender(b"import machine\nmachine.reset()", raw_paste_supported=False)
        self._write(sender.data_to_send(), sender.write_pause)
        self.read_until(FRIENDLY_PROMPT, timeout or self.acknowledge_timeout, "the board's prompt after a hard reset")

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
        if _CONTROL.search(stdin):
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

    def _send(self, code: bytes) -> bytes:
        """Write `code` for execution (see `CodeSender`) and return the acknowledgement the reply starts with."""
        sender = CodeSender(code, self.raw_paste_supported)
        awaited = sender.awaited
        deadline = Deadline(self.acknowledge_timeout)
        while True:
            outgoing = sender.data_to_send()
            if outgoing:
                self._write(outgoing, sender.write_pause)
            for event in sender.events_received():
                self._unread(event.leftover)
                return event.acknowledgement
            if outgoing or sender.awaited != awaited:
                # Every answer the board owes (to the request, to a window sent, to the end) has its own time.
                awaited = sender.awaited
                deadline = Deadline(self.acknowledge_timeout)
            data = self._read(deadline, awaited)
            try:
                sender.receive_data(data)
            finally:
                self.raw_paste_supported = sender.raw_paste_supported

    def _recover_from_interrupted_send(self) -> None:
        """After host code was interrupted while sending code (Ctrl-C), leave the board idle in the raw REPL.

        See `InterruptedSendRecovery`. Any failure here stays quiet: the interrupt is what goes up now, and the
        next command reports a stuck or lost board.
        """
        self._buffer = b""  # bytes of the cut exchange, which the recovery drops anyway
        try:
            recovery = InterruptedSendRecovery(time.monotonic(), self.acknowledge_timeout)
            while True:
                self._write(recovery.data_to_send())
                if recovery.done:
                    break
                data = self._read(Deadline(recovery.timeout(time.monotonic())))
                recovery.receive_data(data, time.monotonic())
            self._unread(recovery.leftover)
        except (ConnectionLost, PyboardError):
            pass

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
        if _CONTROL.search(data):
            raise ValueError("raw REPL control bytes cannot be sent as program input")
        self.transport.write(data)

    def interrupt(self) -> None:
        """Send Ctrl-C to the running code; safe from any thread, as it is one write and reads nothing.

        The reply's reader sees the code end (with a KeyboardInterrupt traceback, unless the code catches it).
        """
        self.transport.write(CTRL_C)

    def clear_input_line(self) -> None:
        """Drop anything that reached the idle raw REPL's input line (Ctrl-C there clears the line)."""
        self.transport.write(CTRL_C)

    def _stop(self, framer: RawReplFramer) -> None:
        """Interrupt the code behind `framer` and read its reply to the end (see `CodeStopper`).

        Raises
        ------
        BoardTimeoutError
            The board went silent past `interrupt_timeout` without ending the reply.
        """
        stopper = CodeStopper(framer, time.monotonic(), self.interrupt_timeout)
        while True:
            self._write(stopper.data_to_send())
            if stopper.finished:
                self._unread(stopper.leftover)
                return
            data = self._read(Deadline(stopper.timeout(time.monotonic())))
            stopper.receive_data(data, time.monotonic())
            if stopper.timed_out:
                raise BoardTimeoutError(
                    f"the board did not stop within {self.interrupt_timeout} s of Ctrl-C "
                    f"({self.transport.description}); reconnect or reset it"
                )

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
        self._tail: Optional[Deadline] = None  # from the end of stdout: the traceback and the prompt follow at once
        self._pending: deque = deque()
        self._finished = False

    def __iter__(self) -> "Reply":
        return self

    def __next__(self) -> Event:
        while not self._pending:
            if self._finished:
                raise StopIteration
            deadline, awaited = self._wait()
            try:
                data = self._repl._read(deadline, awaited)
            except ConnectionLost:
                self._finished = True  # nothing to stop on a link that is gone
                raise
            except BaseException:
                self.close()  # an interrupt or a deadline while waiting: stop the board code
                raise
            self._take(data)
        return self._pending.popleft()

    def _wait(self) -> tuple[Deadline, str]:
        """What the reply waits for now, and until when: each phase of the reply has its own limit.

        The code may run as long as its timeout allows; the board must accept it, and end the reply once its
        stdout has ended, within the acknowledge timeout of each of those moments.
        """
        framer = self._framer
        if not framer.acknowledged:
            return self._acknowledged, "the board to accept the code"
        if framer.running:
            return self._deadline, "the end of the running code"
        if self._tail is None:
            self._tail = Deadline(self._repl.acknowledge_timeout)
        return self._tail, "the end of the reply (traceback and prompt)"

    def _take(self, data: bytes) -> None:
        """Queue the events in `data`; at the reply's end, give the bytes after it back to the REPL."""
        try:
            events = self._framer.feed(data)
        except ConnectionLost:
            self._finished = True  # the board reset itself: no code left to stop
            raise
        for event in events:
            if isinstance(event, Finished):
                self._repl._unread(event.leftover)
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

    def read_stdout(self, deadline: Deadline) -> Optional[bytes]:
        """One read while the code runs and nothing is queued: the bytes, where they are all stdout; else None.

        A fast path for a reader that takes the running code's output a chunk at a time (the call dispatcher):
        the bytes are what `finish` would pass on as one `Output`. With None (something queued, the code's
        stdout ended, or nothing arrived before `deadline`) what was read is queued as events: `finish` takes it.
        """
        if self._pending or self._finished or not self._framer.running:
            return None
        data = self._repl._read(deadline)
        if data and END_OF_OUTPUT not in data:
            return data  # the framer, running, would make it one Output and stay as it is
        self._take(data)
        return None

    def close(self) -> None:
        """Stop the code if it still runs (Ctrl-C, then read its reply to the end)."""
        if not self._finished:
            self._finished = True
            self._pending.clear()
            self._repl._stop(self._framer)
