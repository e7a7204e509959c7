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
        did not within `INTERRUPT_GRACE` seconds of its Ctrl-C).
    """
    output = output or BoardOutput()
    events: queue.Queue = queue.Queue()
    slots = threading.Semaphore(max_workers or max(1, len(jobs)))
    cancelled = threading.Event()
    progress = {job.name: _Progress(job) for job in jobs}
    for job in jobs:
        thread = threading.Thread(
            target=_work, args=(job, slots, cancelled, events, output), name=f"fleet-{job.name}", daemon=True
        )
        thread.start()
    outcomes = Outcomes()
    try:
        _collect(progress, events, outcomes)
    except KeyboardInterrupt:
        cancelled.set()
        _stop_all(progress, events, outcomes)
        raise
    return outcomes


def _work(job: BoardJob, slots: threading.Semaphore, cancelled: threading.Event, events: queue.Queue, output) -> None:
    with slots:
        if cancelled.is_set():
            events.put(("cancelled", job.name, None))
            return
        events.put(("started", job.name, time.monotonic()))
        try:
            with output.routed(job.name):
                value = job.call()
        except BaseException as error:  # the board's entry: whatever the call raised
            events.put(("failed", job.name, error))
        else:
            events.put(("done", job.name, value))


def _take(event: tuple, progress: dict, outcomes: Outcomes) -> None:
    kind, name, payload = event
    entry = progress.get(name)
    if entry is None:
        return  # a board given up on earlier has ended at last
    if kind == "started":
        entry.started = payload
        return
    del progress[name]
    if entry.timed_out:
        timeout = entry.job.timeout
        error = BoardTimeoutError(f"board {name!r} did not finish within {timeout} s; its call was interrupted")
        error.__cause__ = payload if kind == "failed" else None
        outcomes.errors[name] = error
    elif kind == "failed":
        outcomes.errors[name] = payload
    elif kind == "done":
        outcomes.values[name] = payload


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


def _act_on_time(progress: dict, outcomes: Outcomes, now: float) -> None:
    for name, entry in list(progress.items()):
        if entry.interrupted is not None:
            if now >= entry.interrupted + INTERRUPT_GRACE:
                del progress[name]  # the board ignores Ctrl-C: stop waiting (its link stays busy until it ends)
                outcomes.errors[name] = BoardTimeoutError(
                    f"board {name!r} did not stop within {INTERRUPT_GRACE} s of Ctrl-C; reset or reconnect it"
                )
            elif now >= entry.last_interrupt + INTERRUPT_REPEAT:
                _interrupt(entry, now)
        elif entry.started is not None and entry.job.timeout is not None and now >= entry.started + entry.job.timeout:
            entry.timed_out = True
            _interrupt(entry, now)


def _collect(progress: dict, events: queue.Queue, outcomes: Outcomes) -> None:
    while progress:
        try:
            event = events.get(timeout=_next_wakeup(progress, time.monotonic()))
        except queue.Empty:
            _act_on_time(progress, outcomes, time.monotonic())
            continue
        _take(event, progress, outcomes)
        _act_on_time(progress, outcomes, time.monotonic())


def _stop_all(progress: dict, events: queue.Queue, outcomes: Outcomes) -> None:
    """After a KeyboardInterrupt: Ctrl-C to every busy board, then wait for their calls to end."""
    now = time.monotonic()
    for entry in progress.values():
        if entry.started is not None:
            _interrupt(entry, now)
    # Jobs that had not started see `cancelled` and report so; a second Ctrl-C here propagates at once.
    while progress:
        try:
            event = events.get(timeout=_next_wakeup(progress, time.monotonic()))
        except queue.Empty:
            _act_on_time(progress, outcomes, time.monotonic())
            continue
        kind, name, _ = event
        if kind == "started" and name in progress:
            _interrupt(progress[name], time.monotonic())  # it started after the Ctrl-C: stop it too
        _take(event, progress, outcomes)
        _act_on_time(progress, outcomes, time.monotonic())
