r"""Sans-I/O stopping of board code with Ctrl-C: the reply of interrupted code, and the raw REPL after a cut send.

Both machines repeat Ctrl-C because a board arms its interrupt character only once code runs: one still reading or
compiling the code takes a Ctrl-C as input. They read no clock: the driver passes the time (``now``, in seconds of
any monotonic clock) with every call and waits at most `timeout` seconds for bytes before calling again.
"""

from .control_bytes import CTRL_A, CTRL_C, RAW_REPL_BANNER
from .framing import Finished, RawReplFramer

#: Seconds between Ctrl-Cs while interrupted board code has not ended.
CTRL_C_REPEAT = 0.25


class CodeStopper:
    """Stop the code behind `framer`: Ctrl-C now, then again every `CTRL_C_REPEAT` s until its reply has ended.

    Ctrl-C is repeated while the code runs or has not started yet, never once it has ended and the board prints
    its traceback or prompt (a late one would reach the idle raw REPL).

    Parameters
    ----------
    framer : RawReplFramer
        The framer of the code's reply, as far as it has been read.
    now : float
        The time now.
    timeout : float
        Seconds the code has to stop: once they are up, a read that brings nothing ends the wait (`timed_out`).
    """

    def __init__(self, framer: RawReplFramer, now: float, timeout: float):
        self._framer = framer
        self._deadline = now + timeout
        self._next_ctrl_c = now + CTRL_C_REPEAT
        self._outgoing = [CTRL_C]
        #: Bytes after the reply's end, for whatever reads next.
        self.leftover = b""
        #: Whether the board went silent after the deadline without ending the reply.
        self.timed_out = False

    @property
    def finished(self) -> bool:
        """Whether the reply has ended: the board is idle in the raw REPL."""
        return self._framer.finished

    def data_to_send(self) -> list[bytes]:
        """Take the bytes to write to the board (Ctrl-Cs), one write each."""
        outgoing, self._outgoing = self._outgoing, []
        return outgoing

    def timeout(self, now: float) -> float:
        """Seconds the driver may wait for bytes before calling `receive_data`, with or without them."""
        wake = self._deadline
        if self._repeats():
            wake = min(wake, self._next_ctrl_c)
        return max(0.0, wake - now)

    def receive_data(self, data: bytes, now: float) -> None:
        """Take what a read brought by `now`: bytes of the reply, or ``b""`` when the wait ended in silence.

        Raises
        ------
        ConnectionLost
            The board soft-rebooted instead of ending the reply (see `RawReplFramer.feed`).
        """
        if data:
            for event in self._framer.feed(data):
                if isinstance(event, Finished):
                    self.leftover = event.leftover
        elif now >= self._deadline:
            self.timed_out = True
            return
        if self._repeats() and now >= self._next_ctrl_c:
            self._outgoing.append(CTRL_C)
            self._next_ctrl_c = now + CTRL_C_REPEAT

    def _repeats(self) -> bool:
        # Running, or not started (the board still reads or compiles the code): a Ctrl-C may still be needed.
        framer = self._framer
        return not framer.finished and (framer.running or not framer.acknowledged)


class InterruptedSendRecovery:
    """After host code was interrupted while sending code, leave the board idle in the raw REPL.

    Part of the code may sit on the REPL's input line or in an unfinished raw paste, where the next command would
    be appended to it; or all of it may be running. Ctrl-C clears the line, ends the paste (the board answers with
    a KeyboardInterrupt) or stops the code; Ctrl-A then makes the raw REPL print its banner once it reads input
    again. Ctrl-C is repeated every `CTRL_C_REPEAT` s, for code that came whole and took the first one in while
    compiling. Everything up to the banner is dropped; what follows it is kept (`leftover`).

    Parameters
    ----------
    now : float
        The time now.
    timeout : float
        Seconds to wait for the banner; then the recovery gives up (`gave_up`).
    """

    def __init__(self, now: float, timeout: float):
        self._deadline = now + timeout
        self._next_ctrl_c = now + CTRL_C_REPEAT
        self._received = b""
        self._outgoing = [CTRL_C + CTRL_A]
        #: Whether the banner came: the board is idle in the raw REPL.
        self.finished = False
        #: Whether the time ran out before the banner (the board is stuck; the next command will say so).
        self.gave_up = False
        #: Bytes after the banner, for whatever reads next.
        self.leftover = b""

    @property
    def done(self) -> bool:
        """Whether the recovery is over, either way."""
        return self.finished or self.gave_up

    def data_to_send(self) -> list[bytes]:
        """Take the bytes to write to the board, one write each."""
        outgoing, self._outgoing = self._outgoing, []
        return outgoing

    def timeout(self, now: float) -> float:
        """Seconds the driver may wait for bytes before calling `receive_data`, with or without them."""
        return max(0.0, min(self._deadline, self._next_ctrl_c) - now)

    def receive_data(self, data: bytes, now: float) -> None:
        """Take what a read brought by `now`: bytes, or ``b""`` when the wait ended in silence."""
        received = self._received + data
        end = received.find(RAW_REPL_BANNER)
        if end >= 0:
            self.finished = True
            self.leftover = received[end + len(RAW_REPL_BANNER) :]
            return
        self._received = received[-(len(RAW_REPL_BANNER) - 1) :]  # what comes before the banner is dropped anyway
        if now >= self._deadline:
            self.gave_up = True
        elif now >= self._next_ctrl_c:
            self._outgoing.append(CTRL_C)
            self._next_ctrl_c = now + CTRL_C_REPEAT
