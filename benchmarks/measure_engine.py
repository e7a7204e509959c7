"""Our engine and the bare raw-REPL floor on one board: connect, tiny call, ``device("expr")``, stream, heap.

Each function returns figure name → value: seconds for times, values per second for ``stream``, bytes for
``heap`` and the ``*_bytes`` counts (bytes on the wire both ways, per connect, per call or per streamed value).
"""

import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Callable, Optional

from boards import Board, WireCount, count_bytes
from settings import STREAM_VALUE, Settings, median_and_p95, timings

import belay_engine.device
from belay_engine import Device
from belay_engine.protocol.raw_repl import RawRepl
from belay_engine.transports import open_transport

#: Board code that prints the free heap after a collection.
FREE_HEAP = b"import gc\ngc.collect()\nprint(gc.mem_free())"


def free_heap_of_fresh_board(board: Board) -> int:
    """The free heap of the board just after a soft reset, read over a bare raw REPL (the link is closed after)."""
    transport = open_transport(board.port, baudrate=board.baud or 115200)
    try:
        repl = RawRepl(transport)
        repl.enter()
        repl.soft_reset()
        return int(repl.exec(FREE_HEAP)[0])
    finally:
        transport.close()


@contextmanager
def counted_connects() -> Iterator[list]:
    """Count the bytes of every connect of a `Device` made inside; yields the list their `WireCount` join."""
    counts: list[WireCount] = []
    opened = belay_engine.device.open_transport

    def open_counted(*args: Any, **kwargs: Any) -> Any:
        transport = opened(*args, **kwargs)
        counts.append(count_bytes(transport))
        return transport

    belay_engine.device.open_transport = open_counted
    try:
        yield counts
    finally:
        belay_engine.device.open_transport = opened


def connect_counted(board: Board) -> tuple[Device, WireCount]:
    """A `Device` on `board`, with the bytes of its connect counted (and counting on)."""
    with counted_connects() as counts:
        device = Device(board.port, baudrate=board.baud or 115200)
    return device, counts[0]


def our_steps(settings: Settings, free_before: Optional[int]) -> dict:
    """Section → ``step(device, wire)`` returning its figures, for the board sections of `settings` but sync."""

    def heap(device: Device, wire: WireCount) -> dict:
        return {"heap": free_before - int(device.session.repl.exec(FREE_HEAP)[0])}

    def call(device: Device, wire: WireCount) -> dict:
        @device.task
        def tiny():
            return 1

        return timed_exchange("call", tiny, settings.calls, wire)

    def evaluate(device: Device, wire: WireCount) -> dict:
        return timed_exchange("eval", lambda: device("1+1"), settings.calls, wire)

    def stream(device: Device, wire: WireCount) -> dict:
        @device.task
        def count(n):
            for i in range(n):
                yield 100 + i % 900  # STREAM_VALUE: three digits each

        wire.reset()
        started = time.perf_counter()
        received = sum(1 for _ in count(settings.values))
        return {"stream": received / (time.perf_counter() - started), "value_bytes": wire.total / received}

    steps = {"heap": heap, "call": call, "eval": evaluate, "stream": stream}
    return {name: step for name, step in steps.items() if name in settings.sections}


def measure_ours(
    board: Board, settings: Settings, errors: list, then: Optional[Callable[[Device], dict]] = None
) -> dict:
    """Our engine on `board`: the board sections of `settings`, and `then(device)` on the same connection.

    A section that fails goes to `errors` (its traceback to stderr) and the next one runs on a new connection.
    """
    figures: dict = {}
    free_before = free_heap_of_fresh_board(board) if "heap" in settings.sections else None
    if "connect" in settings.sections:
        connects = []
        for _ in range(settings.connects):
            started = time.perf_counter()
            Device(board.port, baudrate=board.baud or 115200).close()
            connects.append(time.perf_counter() - started)
        figures["connect"] = median_and_p95(connects)[0]
    device, wire = connect_counted(board)
    figures["connect_bytes"] = wire.total
    steps = our_steps(settings, free_before)
    if then is not None:
        steps["sync"] = lambda device, wire: then(device)
    try:
        for name, step in steps.items():
            try:
                figures.update(step(device, wire))
            except Exception as error:  # one failed section; the others still run
                traceback.print_exc()
                errors.append(f"{name}: {type(error).__name__}: {error}")
                device.close()
                device, wire = connect_counted(board)
    finally:
        device.close()
    return figures


def timed_exchange(name: str, function: Any, calls: int, wire: WireCount) -> dict:
    """Median and p95 of `calls` calls of `function`, and the bytes on the wire per call in a run of calls.

    The first two calls go before the count: what the first call defines, and what the second sets up (our
    resident call dispatcher starts on the second task call in a row) are paid once, not per call.
    """
    function()
    function()
    wire.reset()
    times = timings(function, calls)
    per_call = wire.total / (len(times) + max(1, calls // 10))  # the timed calls and their warm-up
    median, p95 = median_and_p95(times)
    return {name: median, f"{name}_p95": p95, f"{name}_bytes": per_call}


def measure_floor(board: Board, settings: Settings) -> dict:
    """The bare raw REPL on `board` (our `RawRepl`, nothing on top): the least each exchange takes."""
    sections, figures = settings.sections, {}
    baudrate = board.baud or 115200
    connects, wire = [], None
    for _ in range(max(1, settings.connects) if "connect" in sections else 1):
        started = time.perf_counter()
        transport = open_transport(board.port, baudrate=baudrate)
        wire = count_bytes(transport)
        repl = RawRepl(transport)
        repl.enter()
        connects.append(time.perf_counter() - started)
        transport.close()
    if "connect" in sections:
        figures["connect"] = median_and_p95(connects)[0]
    figures["connect_bytes"] = wire.total
    transport = open_transport(board.port, baudrate=baudrate)
    wire = count_bytes(transport)
    repl = RawRepl(transport)
    try:
        repl.enter()
        repl.exec(b"def tiny():\n return 1")
        if "call" in sections:
            figures.update(timed_exchange("call", lambda: repl.exec(b"print(tiny())"), settings.calls, wire))
        if "eval" in sections:
            figures.update(timed_exchange("eval", lambda: repl.exec(b"print(1+1)"), settings.calls, wire))
        if "stream" in sections:
            figures.update(floor_stream(repl, settings.values, wire))
    finally:
        transport.close()
    return figures


def floor_stream(repl: RawRepl, values: int, wire: Optional[WireCount]) -> dict:
    """The board printing `values` small ints in a loop, as fast as the raw REPL carries them."""
    code = f"for i in range({values}):\n print({STREAM_VALUE})".encode()
    wire.reset()
    started = time.perf_counter()
    repl.exec(code, on_output=lambda data: None)
    return {"stream": values / (time.perf_counter() - started), "value_bytes": wire.total / values}
