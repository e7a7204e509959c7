"""Run one call per board at once: bounded concurrency, a deadline per board, Ctrl-C forwarded to every busy board.

Each call runs on its own thread (the work waits on the links, so threads are what it needs); the calling thread
waits for their outcomes. A board over its deadline is interrupted (Ctrl-C through its session) so its link stays
usable, and its entry becomes a `BoardTimeoutError`. A KeyboardInterrupt in the waiting thread interrupts every
busy board, waits for their calls to end, and propagates, leaving every board idle.
"""

import contextlib
import queue
import threading
import time
from collections.abc import Sequence
from typing import Any, Callable, Optional

from attrs import define, field

from .errors import BoardTimeoutError
from .fleet_output import BoardOutput

#: Seconds a board has, after its first Ctrl-C, to end its call before the fleet stops waiting for it.
INTERRUPT_GRACE = 10.0
#: Seconds between Ctrl-Cs to a board that has not stopped yet (one may land before its code started).
INTERRUPT_REPEAT = 0.5


@define
class BoardJob:
    """One board's part of a fleet call.

    Attributes
    ----------
    name : str
        The board.
    call : callable
        Runs the call on the board (on a worker thread); its value or exception is the board's entry.
    interrupt : callable
        Stops what the call runs on the board, from another thread (``session.interrupt``).
    timeout : float, optional
        Seconds the call may take once started; None: no limit.
    """

    name: str
    call: Callable[[], Any]
    interrupt: Callable[[], None]
    timeout: Optional[float] = None


@define
class _Progress:
    """The waiting thread's view of one board's job."""

    job: BoardJob
    started: Optional[float] = None
    interrupted: Optional[float] = None  # when the first Ctrl-C went
    last_interrupt: float = 0.0
    timed_out: bool = False


@define
class Outcomes:
    """The values and exceptions of a fleet call, by board name."""

    values: dict = field(factory=dict)
    errors: dict = field(factory=dict)


def run_jobs(
    jobs: Sequence[BoardJob], *, max_workers: Optional[int] = None, output: Optional[BoardOutput] = None
) -> Outcomes:
    """Run `jobs` at once, at most `max_workers` at a time (None: all), and collect what each gave.

    Raises
    ------
    KeyboardInterrupt
        The waiting thread was interrupted; every busy board was interrupted too and its call has ended (or
        did not within `INTERRUPT_GRACE` seconds of its Ctrl-C); jobs that had not started never will.
    """
    run = _Run(jobs, max_workers or max(1, len(jobs)), output or BoardOutput())
    for job in jobs:
        threading.Thread(target=run.work, args=(job,), name=f"fleet-{job.name}", daemon=True).start()
    try:
        run.collect()
    except KeyboardInterrupt:
        run.stop_all()
        raise
    return run.outcomes


class _Slots:
    """At most `count` jobs at a time; a job given up on frees its slot for the next while it still runs."""

    def __init__(self, count: int):
        self._semaphore = threading.Semaphore(count)
        self._lock = threading.Lock()
        self._held: set[str] = set()

    def acquire(self, name: str) -> None:
        self._semaphore.acquire()
        with self._lock:
            self._held.add(name)

    def release(self, name: str) -> None:
        """Free `name`'s slot (once: the job's own release after the waiter's does nothing)."""
        with self._lock:
            if name not in self._held:
                return
            self._held.discard(name)
        self._semaphore.release()


class _Run:
    """One fleet call: the worker threads post events, the calling thread follows each job's progress."""

    def __init__(self, jobs: Sequence[BoardJob], workers: int, output: BoardOutput):
        self.events: queue.Queue = queue.Queue()
        self.slots = _Slots(workers)
        self.output = output
        # Starting a job and cancelling the call exclude each other: a job either started (and will be
        # interrupted) or sees the cancellation.
        self.gate = threading.Lock()
        self.cancelled = False
        self.progress = {job.name: _Progress(job) for job in jobs}
        self.outcomes = Outcomes()

    # -- worker threads ------------------------------------------------------------------------------

    def work(self, job: BoardJob) -> None:
        self.slots.acquire(job.name)
        try:
            with self.gate:
                if self.cancelled:
                    return
                self.events.put(("started", job.name, time.monotonic()))
            try:
                with self.output.routed(job.name):
                    value = job.call()
            except BaseException as error:  # the board's entry: whatever the call raised
                self.events.put(("failed", job.name, error))
            else:
                self.events.put(("done", job.name, value))
        finally:
            self.slots.release(job.name)

    # -- the calling thread --------------------------------------------------------------------------

    def collect(self) -> None:
        while self.progress:
            self._wait_once()

    def stop_all(self) -> None:
        """After a KeyboardInterrupt: no job starts any more, Ctrl-C goes to every busy board, wait for them."""
        with self.gate:
            self.cancelled = True
        while True:  # take the starts already posted: those boards are busy too
            try:
                self._take(self.events.get_nowait())
            except queue.Empty:
                break
        now = time.monotonic()
        for name, entry in list(self.progress.items()):
            if entry.started is None:
                del self.progress[name]  # it will never start
            else:
                _interrupt(entry, now)
        while self.progress:  # a second Ctrl-C here propagates at once
            self._wait_once()

    def _wait_once(self) -> None:
        try:
            event = self.events.get(timeout=_next_wakeup(self.progress, time.monotonic()))
        except queue.Empty:
            pass
        else:
            self._take(event)
        self._act_on_time(time.monotonic())

    def _take(self, event: tuple) -> None:
        kind, name, payload = event
        entry = self.progress.get(name)
        if entry is None:
            return  # a board given up on earlier has ended at last
        if kind == "started":
            entry.started = payload
            return
        del self.progress[name]
        if entry.timed_out:
            timeout = entry.job.timeout
            error = BoardTimeoutError(f"board {name!r} did not finish within {timeout} s; its call was interrupted")
            error.__cause__ = payload if kind == "failed" else None
            self.outcomes.errors[name] = error
        elif kind == "failed":
            self.outcomes.errors[name] = payload
        else:
            self.outcomes.values[name] = payload

    def _act_on_time(self, now: float) -> None:
        for name, entry in list(self.progress.items()):
            if entry.interrupted is not None:
                if now >= entry.interrupted + INTERRUPT_GRACE:
                    # The board ignores Ctrl-C: stop waiting; its link stays busy until it ends, its slot does not.
                    del self.progress[name]
                    self.slots.release(name)
                    self.outcomes.errors[name] = BoardTimeoutError(
                        f"board {name!r} did not stop within {INTERRUPT_GRACE} s of Ctrl-C; reset or reconnect it"
                    )
                elif now >= entry.last_interrupt + INTERRUPT_REPEAT:
                    _interrupt(entry, now)
            elif _overdue(entry, now):
                entry.timed_out = True
                _interrupt(entry, now)


def _overdue(entry: _Progress, now: float) -> bool:
    timeout = entry.job.timeout
    return entry.started is not None and timeout is not None and now >= entry.started + timeout


def _interrupt(entry: _Progress, now: float) -> None:
    if entry.interrupted is None:
        entry.interrupted = now
    entry.last_interrupt = now
    with contextlib.suppress(Exception):  # a board whose link is gone has nothing left to stop; its call says so
        entry.job.interrupt()


def _next_wakeup(progress: dict, now: float) -> Optional[float]:
    """Seconds until a deadline, a repeated Ctrl-C or a give-up is due (None: nothing is due)."""
    due = []
    for entry in progress.values():
        if entry.interrupted is not None:
            due.append(entry.last_interrupt + INTERRUPT_REPEAT)
            due.append(entry.interrupted + INTERRUPT_GRACE)
        elif entry.started is not None and entry.job.timeout is not None:
            due.append(entry.started + entry.job.timeout)
    return max(0.0, min(due) - now) if due else None
