"""What the boards of a fleet print, kept apart: each worker thread's ``sys.stdout`` writes go to its board's stream.

A Device writes board output to ``sys.stdout`` as it is at the time of each write (see `OutputForwarder`), so
while fleet calls run, ``sys.stdout`` is a router that sends the writes of a board's worker thread to that
board's stream and every other thread's writes where they went before.
"""

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Callable, Optional, TextIO


class TaggedLines:
    """A text stream that writes each complete line to `target` as ``[name] line``; `flush_partial` ends the rest.

    Parameters
    ----------
    name : str
        The board's name.
    target : callable
        Returns the stream to write to (looked up at each write, as ``sys.stdout`` is).
    """

    def __init__(self, name: str, target: Callable[[], TextIO]):
        self.name = name
        self._target = target
        self._partial = ""
        self._lock = threading.Lock()

    def write(self, text: str) -> int:
        """Write the complete lines of what arrived so far; keep a trailing partial line for later."""
        with self._lock:
            lines = (self._partial + text).split("\n")
            self._partial = lines.pop()
            if lines:
                self._emit("".join(f"[{self.name}] {line}\n" for line in lines))
        return len(text)

    def flush(self) -> None:
        """Nothing to do: lines go out as they complete (`flush_partial` writes an unfinished one)."""

    def flush_partial(self) -> None:
        """Write an unfinished last line (the call ended without a newline)."""
        with self._lock:
            partial, self._partial = self._partial, ""
            if partial:
                self._emit(f"[{self.name}] {partial}\n")

    def _emit(self, text: str) -> None:
        target = self._target()
        target.write(text)
        flush = getattr(target, "flush", None)
        if flush is not None:
            flush()


class _ThreadRouter:
    """Installed as ``sys.stdout``: writes from a routed thread go to its stream, the others to `fallback`."""

    def __init__(self, fallback: TextIO):
        self.fallback = fallback
        self.routes: dict[int, TextIO] = {}

    def _stream(self) -> TextIO:
        return self.routes.get(threading.get_ident(), self.fallback)

    def write(self, text: str) -> int:
        return self._stream().write(text)

    def flush(self) -> None:
        flush = getattr(self._stream(), "flush", None)
        if flush is not None:
            flush()

    def __getattr__(self, name: str):
        return getattr(self.fallback, name)


_install_lock = threading.Lock()
_router: Optional[_ThreadRouter] = None


def _original_stdout() -> TextIO:
    """``sys.stdout`` as it is without the router."""
    stdout = sys.stdout
    return stdout.fallback if isinstance(stdout, _ThreadRouter) else stdout


@contextmanager
def stdout_routed_to(stream: TextIO) -> Iterator[None]:
    """Within this block, what this thread writes to ``sys.stdout`` goes to `stream`."""
    global _router
    me = threading.get_ident()
    if isinstance(stream, _ThreadRouter):
        stream = stream.fallback  # `output` gave sys.stdout while routed: the host's stream, not a loop
    with _install_lock:
        if _router is None or sys.stdout is not _router:
            _router = _ThreadRouter(sys.stdout)
            sys.stdout = _router
        router = _router
        router.routes[me] = stream
    try:
        yield
    finally:
        with _install_lock:
            router.routes.pop(me, None)
            if not router.routes and sys.stdout is router:
                sys.stdout = router.fallback  # the last routed thread is done: put the host's stream back
                _router = None


class BoardOutput:
    """Where each board's printed output goes: its own stream from `factory`, or tagged lines on ``sys.stdout``.

    Parameters
    ----------
    factory : callable, optional
        ``factory(name) -> TextIO``, asked once per board (a notebook gives each board its own output area).
        None: lines tagged ``[name]`` on the host's ``sys.stdout``.
    """

    def __init__(self, factory: Optional[Callable[[str], TextIO]] = None):
        self._factory = factory
        self._streams: dict[str, TextIO] = {}
        self._lock = threading.Lock()

    def stream(self, name: str) -> TextIO:
        """The stream of board `name`."""
        with self._lock:
            if name not in self._streams:
                factory = self._factory
                self._streams[name] = factory(name) if factory is not None else TaggedLines(name, _original_stdout)
            return self._streams[name]

    @contextmanager
    def routed(self, name: str) -> Iterator[None]:
        """Within this block, this thread's printed output is board `name`'s."""
        stream = self.stream(name)
        try:
            with stdout_routed_to(stream):
                yield
        finally:
            flush_partial = getattr(stream, "flush_partial", None)
            if flush_partial is not None:
                flush_partial()
