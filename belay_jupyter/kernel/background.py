"""Background cells: ``%%background`` runs a cell in a board thread; its output keeps landing in that cell.

The board side is belay_engine/board/background.py. A job's output reaches the host as frames tagged with
its id, inside whatever exchange runs on the board when the board's main thread writes them: a cell's
output, a plot's stream, or the kernel's idle reader (a stream of the board's queue, held while no cell
runs and paused by the next cell at once, the link's lock being fair). Every text stream the kernel hands
board output to goes through `JobRouter.wrap`, which takes the frames out and shows each in its job's cell
(the job's parent header), whatever cell runs now.
"""

import ast
import contextlib
import queue
import secrets
import string
import threading
from typing import Any, Callable, Optional, TextIO

from attrs import define, field

from belay_engine import board_calls
from belay_engine.board_code import board_source
from belay_engine.errors import BelayException, ConnectionLost, PyboardException
from belay_engine.minify import minify
from belay_engine.protocol.control_bytes import JOB_END, JOB_OUTPUT, RECORD_END, RECORD_START
from belay_engine.streams import TaskStream
from belay_engine.tracebacks import ENGINE_FILE

from .cell_output import CellOutput
from .traceback_view import render_traceback

RUNNING, STOPPING, DONE, FAILED, KILLED, LOST = "running", "stopping", "done", "failed", "killed", "lost"


class NoThreadsError(Exception):
    """The board has no ``_thread``: background cells cannot run there."""


@define
class Job:
    """One background cell: where its output goes and how far it got."""

    id: int
    cell: str
    code: str
    output: CellOutput
    state: str = RUNNING
    #: Splits the job's text into free text and the connection's records (its displays), per job.
    parser: Any = None
    done: threading.Event = field(factory=threading.Event)

    def summary(self) -> str:
        """``[id] state  first line of the code``."""
        first = next((line.strip() for line in self.code.splitlines() if line.strip()), "")
        return f"[{self.id}] {self.state:<8} {self.cell}  {first[:60]}"


class _RoutedStream:
    """A text stream that takes job frames out of what is written and writes the rest on to `stream`."""

    def __init__(self, router: "JobRouter", stream: Optional[TextIO]):
        self._router, self._stream = router, stream
        self._pending = ""

    def write(self, text: str) -> None:
        marker = self._router.marker
        rest = self._router.take_frames(self._pending + text)
        self._pending = ""
        start = rest.find(marker)
        if start >= 0:  # a frame whose end has not arrived yet
            rest, self._pending = rest[:start], rest[start:]
        else:  # what may be the start of a frame's marker, cut by the chunking
            cut = rest.rfind(marker[0])
            if cut >= 0 and marker.startswith(rest[cut:]):
                rest, self._pending = rest[:cut], rest[cut:]
        if rest and self._stream is not None:
            self._stream.write(rest)

    def flush(self) -> None:
        if self._stream is not None:
            flush = getattr(self._stream, "flush", None)
            if flush is not None:
                flush()


class JobRouter:
    """Finds job frames in board text and hands each to its job (`deliver`)."""

    def __init__(self, nonce: str, deliver: Callable[[int, int, str], None]):
        self.marker = RECORD_START.decode() + nonce
        self._end = RECORD_END.decode()
        self._deliver = deliver

    def wrap(self, stream: Optional[TextIO]) -> _RoutedStream:
        """A text stream for board output that routes job frames and passes the rest to `stream` (None: drop)."""
        return _RoutedStream(self, stream)

    def take_frames(self, text: str) -> str:
        """Deliver the complete frames in `text`; return the rest (an incomplete last frame included)."""
        marker = self.marker
        if marker not in text:
            return text
        kept = []
        position = 0
        while True:
            start = text.find(marker, position)
            if start < 0:
                break
            end = text.find(self._end, start)
            if end < 0:
                break  # cut by the chunking: returned, the caller keeps it for the next write
            kept.append(text[position:start])
            self._frame(text[start + len(marker) : end])
            position = end + 1
        kept.append(text[position:])
        return "".join(kept)

    def _frame(self, body: str) -> None:
        kind = ord(body[0]) if body else -1
        number, _, payload = body[1:].partition(":")
        with contextlib.suppress(ValueError, SyntaxError):  # not a frame of the board's: not without the nonce
            self._deliver(kind, int(number), ast.literal_eval(payload))


def _show_record(record: tuple[int, bytes], output: CellOutput) -> None:
    """Show a display record of the job's (``display()`` on the board) in its cell; other records are not a job's."""
    try:
        from belay_engine.displays import CLEAR, UPDATE_DISPLAY_DATA, board_display, is_display_record
    except ImportError:  # an engine without board displays: nothing on the board writes them
        return
    kind, payload = record
    if not is_display_record(kind):
        return
    shown = board_display(kind, payload)
    if shown.kind == CLEAR:
        output.send(CLEAR, {"wait": shown.wait})
    else:
        output.display(shown.data, shown.display_id, update=shown.kind == UPDATE_DISPLAY_DATA)


class BackgroundJobs:
    """The kernel's background jobs on the connected board, and the idle reader that brings their output.

    Parameters
    ----------
    kernel : BelayKernel
        Sends the jobs' output, and renders their tracebacks.
    """

    def __init__(self, kernel: Any):
        self.kernel = kernel
        self.jobs: dict[int, Job] = {}
        self.nonce = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(8))
        # Frames are found by whichever thread reads the link (the main thread in a cell, where an interrupt may
        # strike anywhere) and shown by one thread of their own, in the order they came.
        self._frames: queue.SimpleQueue = queue.SimpleQueue()
        self.router = JobRouter(self.nonce, lambda *frame: self._frames.put(frame))
        threading.Thread(target=self._show_frames, name="belay-job-output", daemon=True).start()
        self._count = 0
        self._lock = threading.Lock()
        self._reader: Optional[threading.Thread] = None
        self._session: Any = None  # the session the jobs run in, and its generation (a reset raises it)
        self._generation = 0

    def wrap(self, stream: Optional[TextIO]) -> Any:
        """`stream` for board output, with job frames taken out and shown in their jobs' cells."""
        return self.router.wrap(stream)

    # -- the magics ---------------------------------------------------------------------------------

    def start(self, device: Any, code: str, cell: str) -> Job:
        """Start `code` (a cell named `cell`, its lines in place) in a board thread; return at once.

        Raises
        ------
        NoThreadsError
            The board has no ``_thread``.
        PyboardException
            The code does not compile (a SyntaxError, in the cell).
        """
        session = device.session
        self._forget_old_session(session)
        try:
            session.run(
                board_calls.install_background(minify(board_source("background")), self.nonce, ENGINE_FILE),
                stream_out=self.wrap(None),
            )
        except PyboardException as error:
            if error.exception_name == "ImportError" and "_thread" in str(error):
                raise NoThreadsError(
                    "this board has no _thread module, so %%background cannot run cells in a thread there"
                ) from None
            raise
        with self._lock:
            self._count += 1
            job = Job(self._count, cell, code, CellOutput(self.kernel), parser=session.record_parser())
            self.jobs[job.id] = job
        try:
            session.run(board_calls.start_job(job.id, code, cell), stream_out=self.wrap(None))
        except BaseException:
            with self._lock:
                del self.jobs[job.id]
            raise
        self._session, self._generation = session, session.generation
        self._ensure_reader(session)
        return job

    def kill(self, device: Any, job_id: int) -> str:
        """Ask job `job_id` to stop (at its next print); the answer to show."""
        job = self.jobs.get(job_id)
        if job is None:
            raise ValueError(f"no background job {job_id}; %jobs lists them")
        if job.state not in (RUNNING, STOPPING):
            return f"job {job_id} has ended already ({job.state})"
        runs = device.session.run(board_calls.stop_job(job_id), stream_out=self.wrap(None))
        if not runs:
            return f"job {job_id} has ended already"
        job.state = STOPPING
        self._ensure_reader(device.session)
        return f"job {job_id} asked to stop: it stops at its next print (its finally runs)"

    def listing(self) -> str:
        """The jobs, one a line."""
        if not self.jobs:
            return "no background jobs (%%background starts one)"
        return "\n".join(job.summary() for job in self.jobs.values())

    def wait(self, job_id: int, timeout: Optional[float] = None) -> bool:
        """Wait until job `job_id` ends; whether it did in time."""
        return self.jobs[job_id].done.wait(timeout)

    # -- output --------------------------------------------------------------------------------------

    def _show_frames(self) -> None:
        while True:
            frame = self._frames.get()
            try:
                self._deliver(*frame)
            except Exception:  # a bug here must not end the output of every later job
                self.kernel.log.exception("a background job's output could not be shown")

    def _deliver(self, kind: Optional[int], job_id: int, payload: Any) -> None:
        if kind is None:
            if isinstance(payload, threading.Event):
                payload.set()  # the reader waits until what came before has been shown
            else:
                self._reconcile(job_id, payload)
            return
        job = self.jobs.get(job_id)
        if job is None:
            return
        if kind == JOB_OUTPUT and isinstance(payload, str):
            for item in job.parser.feed(payload.encode("utf-8", "surrogateescape")):
                if type(item) is bytes:
                    job.output.write(item.decode("utf-8", "replace"))
                else:
                    _show_record(item, job.output)
        elif kind == JOB_END and isinstance(payload, tuple) and len(payload) == 2:
            state, traceback_text = payload
            tail = job.parser.flush()
            if tail:
                job.output.write(tail.decode("utf-8", "replace"))
            if traceback_text:
                self._show_error(self._session.board_exception(traceback_text.encode()), job.output)
            job.state = {"done": DONE, "killed": KILLED}.get(state, FAILED)
            if job.state == KILLED:
                job.output.write(f"[job {job.id} killed]\n", name="stderr")
            job.done.set()

    def _show_error(self, error: PyboardException, output: CellOutput) -> None:
        name = error.exception_name or "PyboardException"
        traceback = render_traceback(error.board_error, name, self.kernel._cell_line)
        output.error(name, error.board_error.message, traceback)

    def _reconcile(self, started: int, running: tuple) -> None:
        """The board's list of running jobs (jobs up to `started`): those not in it have ended."""
        for job in list(self.jobs.values()):
            if job.id <= started and job.id not in running and job.state in (RUNNING, STOPPING):
                job.output.write(
                    f"[job {job.id} ended; what it printed last was lost in an interrupt]\n", name="stderr"
                )
                job.state = LOST
                job.done.set()

    # -- the idle reader -----------------------------------------------------------------------------

    def _running(self) -> bool:
        return any(job.state in (RUNNING, STOPPING) for job in self.jobs.values())

    def _ensure_reader(self, session: Any) -> None:
        with self._lock:
            if self._reader is not None:
                return  # it runs, and looks for running jobs again before it ends
            self._reader = threading.Thread(target=self._read, args=(session,), name="belay-jobs", daemon=True)
            self._reader.start()

    def _read(self, session: Any) -> None:
        """Stream the board's job queue until no job runs; a cell pauses the stream while it runs."""
        try:
            while True:
                stream = TaskStream(
                    session, session.new_stream_key(), board_calls.job_reader(), stream_out=self.wrap(None)
                )
                for started, running in stream:
                    self._frames.put((None, started, running))
                # The board has no job left; one may have started since (its own reader would not start). What
                # came before is shown first.
                shown = threading.Event()
                self._frames.put((None, 0, shown))
                shown.wait(5)
                with self._lock:
                    if not self._running():
                        self._reader = None
                        return
        except ConnectionLost:  # the board was reset or the link went: its threads went with it
            self._lose_jobs()
        except (BelayException, OSError, RuntimeError):
            self.kernel.log.exception("the background jobs' reader failed")
        with self._lock:
            self._reader = None

    def _forget_old_session(self, session: Any) -> None:
        """Jobs started before a reset or on another connection are gone."""
        if self._session is not None and (
            self._session is not session or session.closed or session.generation != self._generation
        ):
            self._lose_jobs()

    def _lose_jobs(self) -> None:
        """The board was reset or disconnected: its threads went with it."""
        for job in self.jobs.values():
            if job.state in (RUNNING, STOPPING):
                job.state = LOST
                job.done.set()
