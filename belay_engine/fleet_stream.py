"""FleetStream: the values of a generator task on many boards, merged as they arrive, as ``(name, value)`` pairs.

One thread per board iterates that board's stream and puts what it yields on one queue; the consumer takes
from the queue. Every value is kept, each board's in its order. `close` (or leaving a ``for`` loop, or Ctrl-C
while waiting) stops every board's generator: each board thread closes its own stream, so the board code's
``finally`` runs there.
"""

import queue
import threading
import time
from collections.abc import Iterator
from typing import Any, Callable, Optional

from .errors import BoardTimeoutError
from .fleet_output import BoardOutput
from .fleet_result import name_error

#: Seconds `close` waits for the boards' generators to stop (each stream escalates to Ctrl-C by itself).
STOP_TIMEOUT = 15.0


class _BoardStreamer:
    """The thread that iterates one board's stream and posts ``("value", name, v)``, errors and its end."""

    def __init__(
        self,
        name: str,
        start: Callable[[], Any],
        interrupt: Callable[[], None],
        events: queue.Queue,
        output: BoardOutput,
    ):
        self.name = name
        self._start = start
        self._output = output
        self._interrupt = interrupt
        self._events = events
        self.stream: Any = None
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"fleet-stream-{name}", daemon=True)

    def _run(self) -> None:
        with self._output.routed(self.name):
            self._iterate()

    def _iterate(self) -> None:
        try:
            self.stream = self._start()
            if self.stopping.is_set():
                return
            for value in self.stream:
                self._events.put(("value", self.name, value))
                if self.stopping.is_set():
                    break
        except BaseException as error:  # the board's failure ends its part only; the consumer hears of it
            if not self.stopping.is_set():
                self._events.put(("error", self.name, error))
        finally:
            try:
                close = getattr(self.stream, "close", None)
                if close is not None:
                    close()  # on this thread, holding the link: the board generator's `finally` runs
            except BaseException as error:
                if not self.stopping.is_set():
                    self._events.put(("error", self.name, error))
            finally:
                self._events.put(("end", self.name, None))

    def request_stop(self) -> None:
        """Ask this board's generator to end, from any thread."""
        self.stopping.set()
        request_stop = getattr(self.stream, "request_stop", None)
        if request_stop is not None:
            request_stop()  # a pushed stream stops its board loop (Ctrl-C after a grace) and ends the iteration
        elif self.stream is not None:
            self._interrupt()  # a stepped (send) stream blocks in one round trip: Ctrl-C ends that


class _Merge:
    """What the board threads and the consumer share (the FleetStream itself is not, so it can be collected)."""

    def __init__(self) -> None:
        self.events: queue.Queue = queue.Queue()
        self.streamers: dict[str, _BoardStreamer] = {}
        self.running: set[str] = set()
        self.errors: dict[str, BaseException] = {}
        self.closed = False

    def stop(self, timeout: float) -> None:
        for streamer in self.streamers.values():
            if streamer.name in self.running:
                streamer.request_stop()
        deadline = time.monotonic() + timeout
        for streamer in self.streamers.values():
            streamer.thread.join(max(0.0, deadline - time.monotonic()))
        late = [streamer.name for streamer in self.streamers.values() if streamer.thread.is_alive()]
        for name in late:
            self.errors[name] = name_error(
                name, BoardTimeoutError(f"board {name!r}'s generator did not stop within {timeout} s")
            )
        self.running.clear()


class FleetStream:
    """Iterate over ``(name, value)`` pairs from a generator task running on many boards at once.

    A board whose generator raises ends its part; its exception is kept in `errors` and, once every board has
    ended, raised by the iteration (with a ``board`` attribute naming it), after every value of every board.
    """

    def __init__(
        self,
        starts: dict[str, Callable[[], Any]],
        interrupts: dict[str, Callable[[], None]],
        output: Optional[BoardOutput] = None,
    ):
        self._merge = merge = _Merge()
        output = output or BoardOutput()
        for name, start in starts.items():
            merge.streamers[name] = _BoardStreamer(name, start, interrupts[name], merge.events, output)
            merge.running.add(name)
        for streamer in merge.streamers.values():
            streamer.thread.start()

    @property
    def errors(self) -> dict[str, BaseException]:
        """Name → exception of every board whose generator failed so far."""
        return dict(self._merge.errors)

    @property
    def running(self) -> set[str]:
        """The boards whose generators have not ended yet."""
        return set(self._merge.running)

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        return self

    def __next__(self) -> tuple[str, Any]:
        merge = self._merge
        try:
            while merge.running and not merge.closed:
                kind, name, payload = merge.events.get()
                if kind == "value":
                    return name, payload
                if kind == "error":
                    merge.errors[name] = name_error(name, payload)
                elif kind == "end":
                    merge.running.discard(name)
        except BaseException:
            self.close()  # Ctrl-C while waiting: every board's generator stops, then it propagates
            raise
        if merge.errors and not merge.closed:
            merge.closed = True
            raise next(iter(merge.errors.values()))
        merge.closed = True
        raise StopIteration

    @property
    def ended(self) -> bool:
        """Whether every board's generator has ended (or the stream was closed)."""
        return not self._merge.running

    def take(self, wait: float, limit: int = 10_000) -> list[tuple[str, Any]]:
        """The pairs that arrived, waiting at most `wait` seconds for the first; errors go to `errors`, never raised.

        For a consumer that polls (an ipyparallel engine answering its host) instead of iterating.
        """
        merge = self._merge
        pairs: list[tuple[str, Any]] = []
        deadline = time.monotonic() + wait
        while merge.running and len(pairs) < limit:
            try:
                timeout = max(0.0, deadline - time.monotonic()) if not pairs else 0.0
                kind, name, payload = merge.events.get(timeout=timeout)
            except queue.Empty:
                break
            if kind == "value":
                pairs.append((name, payload))
            elif kind == "error":
                merge.errors[name] = name_error(name, payload)
            elif kind == "end":
                merge.running.discard(name)
        return pairs

    def close(self, timeout: float = STOP_TIMEOUT) -> None:
        """Stop every board's generator (their ``finally`` runs) and wait up to `timeout` seconds for it."""
        merge = self._merge
        if merge.closed and not merge.running:
            return
        merge.closed = True
        merge.stop(timeout)

    def __enter__(self) -> "FleetStream":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def __del__(self) -> None:
        # Leaving a `for` loop drops the stream: its boards must not go on pushing. Only requests from here
        # (no waiting); each board thread closes its own stream.
        merge = self._merge
        if merge.running:
            merge.closed = True
            for streamer in merge.streamers.values():
                if streamer.name in merge.running:
                    streamer.request_stop()
