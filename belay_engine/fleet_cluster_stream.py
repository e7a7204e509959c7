"""ClusterStream: the values of a generator task on the boards of every engine of a cluster fleet, merged."""

import uuid
from typing import Any, Optional

from . import fleet_engine
from .fleet_cluster import ENGINE_GRACE, ClusterFleet
from .fleet_result import copy_error, name_error

#: Seconds an engine waits for a stream's values before answering its host with none.
POLL_WAIT = 0.25
#: Seconds an engine has to answer a stream poll before it counts as lost.
POLL_TIMEOUT = 60.0


class ClusterStream:
    """``(name, value)`` pairs of a generator task on every engine's boards, merged as they come back.

    Each running engine has one poll outstanding (it answers as soon as its boards produced something, or
    after `POLL_WAIT` seconds); the consumer takes the answers as they come. As with `FleetStream`, every value
    is kept, a board's error is raised once every board has ended, and `close` (or Ctrl-C while waiting)
    stops the generator on every board.
    """

    def __init__(self, fleet: ClusterFleet, function_id: str, on: Optional[list], args: tuple, kwargs: dict):
        self._fleet = fleet
        self._stream_id = f"{function_id}-{uuid.uuid4().hex[:8]}"
        self._buffer: list = []
        self._closed = False
        self.errors: dict[str, BaseException] = {}
        start_args = (fleet._id, function_id, self._stream_id, args, kwargs)
        start = {engine: (fleet_engine.start_stream, start_args) for engine in fleet._live_engines(on)}
        self._polls: dict[int, Any] = {}
        for engine, reply in fleet._on_engines(start, ENGINE_GRACE).items():
            if isinstance(reply, BaseException):
                self._engine_failed(engine, reply)
            else:
                self._ask(engine)

    def _ask(self, engine: int) -> None:
        fleet = self._fleet
        self._polls[engine] = fleet.client[engine].apply_async(
            fleet_engine.next_values, fleet._id, self._stream_id, POLL_WAIT
        )

    def _engine_failed(self, engine: int, error: BaseException) -> None:
        for name in self._fleet.engines[engine]:
            self.errors[name] = name_error(name, copy_error(error))

    def _take_answers(self, timeout: float) -> None:
        """Wait up to `timeout` for an engine's answer; take every answer there is and ask those engines again."""
        from concurrent.futures import FIRST_COMPLETED, wait

        done, _ = wait(list(self._polls.values()), timeout=timeout, return_when=FIRST_COMPLETED)
        for engine, poll in list(self._polls.items()):
            if poll not in done:
                continue
            del self._polls[engine]
            reply = self._fleet._reply_of(engine, poll, 0)
            if isinstance(reply, BaseException):
                self._engine_failed(engine, reply)
                continue
            self._fleet._print(reply["printed"])
            self._buffer.extend(reply["pairs"])
            self.errors.update({name: name_error(name, error) for name, error in reply["errors"].items()})
            if not reply["ended"]:
                self._ask(engine)

    def __iter__(self) -> "ClusterStream":
        return self

    def __next__(self) -> tuple[str, Any]:
        try:
            while not self._buffer and self._polls and not self._closed:
                self._take_answers(POLL_TIMEOUT)
        except BaseException:
            self.close()  # Ctrl-C while waiting: every engine stops its boards' generators, then it propagates
            raise
        if self._buffer:
            return self._buffer.pop(0)
        if self.errors and not self._closed:
            self._closed = True
            raise next(iter(self.errors.values()))
        self._closed = True
        raise StopIteration

    def close(self) -> None:
        """Stop the generator on every engine's boards (their ``finally`` runs) and wait for it."""
        fleet = self._fleet
        self._closed = True
        engines = list(self._polls)
        for engine in engines:
            fleet._reply_of(engine, self._polls.pop(engine), POLL_TIMEOUT)  # the engine answers one call at a time
        work = {engine: (fleet_engine.close_stream, (fleet._id, self._stream_id)) for engine in engines}
        for reply in fleet._on_engines(work, POLL_TIMEOUT + ENGINE_GRACE).values():
            if not isinstance(reply, BaseException):
                fleet._print(reply["printed"])
        self._buffer.clear()

    def __enter__(self) -> "ClusterStream":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def __del__(self) -> None:
        if getattr(self, "_polls", None):
            # Leaving a `for` loop drops the stream: stop it on the engines without waiting for their answers.
            fleet = self._fleet
            for engine in self._polls:
                fleet.client[engine].apply_async(fleet_engine.close_stream, fleet._id, self._stream_id)
            self._polls = {}
