"""What every fleet offers over its own `_decorate` and `close`: the four decorators and the context manager."""

from typing import Any, Callable, Optional


class FleetDecorators:
    """Base of `Fleet` and `ClusterFleet`: ``@fleet.task`` and friends, and ``with fleet:``."""

    def task(self, f: Optional[Callable] = None, /, **options: Any) -> Any:
        """Define `f` as a task on every board (or those in ``on=``); calling it calls it on all of them.

        A plain task gives a `FleetResult`; a generator task gives a `FleetStream` of ``(name, value)`` pairs
        (streams have no deadline: `FleetStream.close` ends them). ``timeout=`` sets the per-board deadline of
        its calls; other options go to each ``device.task``.
        """
        return self._decorate("task", f, options)

    def setup(self, f: Optional[Callable] = None, /, **options: Any) -> Any:
        """Define `f` as setup code on every board (``autoinit=True`` runs it at once); calling runs it on all."""
        return self._decorate("setup", f, options)

    def thread(self, f: Optional[Callable] = None, /, **options: Any) -> Any:
        """Define `f` as a board thread on every board; calling it starts it on all."""
        return self._decorate("thread", f, options)

    def teardown(self, f: Optional[Callable] = None, /, **options: Any) -> Any:
        """Define `f` as teardown code on every board, run when the fleet closes (calling it runs it now)."""
        return self._decorate("teardown", f, options)

    def _decorate(self, kind: str, f: Optional[Callable], options: dict) -> Any:
        raise NotImplementedError

    def close(self) -> None:
        """Close every board (their teardowns run)."""
        raise NotImplementedError

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()
