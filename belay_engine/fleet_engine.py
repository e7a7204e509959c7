"""The engine side of a cluster fleet: each ipyparallel engine keeps the Fleet of its own boards here.

`ClusterFleet` applies these functions on the engines (ipyparallel imports this module there by name); each
works on the engine's local `Fleet` and returns plain, picklable data: values, exceptions and what each board
printed, so only results cross the network.
"""

import io
import linecache
import tarfile
import tempfile
import threading
from pathlib import Path
from typing import Any, Callable, Optional

from .fleet import Fleet, FleetFunction
from .fleet_result import FleetResult
from .fleet_stream import FleetStream

#: Fleet id → this engine's Fleet of that id.
FLEETS: dict[str, Fleet] = {}
#: (fleet id, function id) → the function as defined on this engine's boards.
FUNCTIONS: dict[tuple[str, str], FleetFunction] = {}
#: Stream id → a generator task running on this engine's boards.
STREAMS: dict[str, FleetStream] = {}
#: Fleet id → board name → what the board printed since the last reply.
PRINTED: dict[str, dict[str, "_Printed"]] = {}


class _Printed(io.StringIO):
    """One board's printed text, kept until the next reply takes it."""

    def __init__(self) -> None:
        super().__init__()
        self.lock = threading.Lock()

    def write(self, text: str) -> int:
        with self.lock:
            return super().write(text)

    def take(self) -> str:
        with self.lock:
            text = self.getvalue()
            self.seek(0)
            self.truncate()
        return text


def usb_ports(engine_id: int) -> dict[str, str]:
    """The USB boards on the engine's host (`transports.usb`), named ``e<engine>-<port name>``."""
    from .transports.usb import list_devices, looks_like_board

    return {f"e{engine_id}-{Path(port.device).name}": port.device for port in list_devices() if looks_like_board(port)}


def connect(fleet_id: str, ports: Any, engine_id: int, options: dict) -> dict:
    """Connect this engine's boards (``"auto"``: its USB boards) as fleet `fleet_id`."""
    if ports == "auto":
        ports = usb_ports(engine_id)
    printed: dict[str, _Printed] = {}

    def output(name: str) -> _Printed:
        printed[name] = _Printed()
        return printed[name]

    PRINTED[fleet_id] = printed
    try:
        fleet = Fleet(ports, output=output, **options)
    except Exception as error:  # every board failed: the host reports each of them
        return {"boards": [], "failed": {name: error for name in ports}}
    FLEETS[fleet_id] = fleet
    return {"boards": fleet.names, "failed": fleet.failed}


def _reply(fleet_id: str, result: Optional[FleetResult]) -> dict:
    printed = {name: stream.take() for name, stream in PRINTED.get(fleet_id, {}).items()}
    reply: dict = {"printed": {name: text for name, text in printed.items() if text}}
    if result is not None:
        reply.update(values=result.succeeded, errors=result.errors, skipped=result.skipped)
    return reply


def _function_from_source(source: str, first_line: int, file: str, name: str) -> Callable:
    """Make the host's function here from its source, readable by `inspect` under its host file and lines."""
    padded = "\n" * (first_line - 1) + source
    # An entry with no modification time is never checked against the disk (linecache.checkcache skips it), so
    # the engine reads this source even where a different file of that name exists here.
    linecache.cache[file] = (len(padded), None, padded.splitlines(keepends=True), file)
    namespace: dict = {"__name__": "__belay_fleet__"}
    exec(compile(padded, file, "exec"), namespace)  # the host's own function, sent to drive its boards
    return namespace[name]


def define(fleet_id: str, function_id: str, kind: str, source: tuple, on: Optional[list], options: dict) -> dict:
    """Define the host function given by `source` (``(code, first_line, file, name)``) on this engine's boards."""
    fleet = FLEETS[fleet_id]
    function = _function_from_source(*source)
    boards = [name for name in fleet.names if on is None or name in on]
    fleet_function = FleetFunction(fleet, kind, function, boards, options.pop("timeout", None), options)
    FUNCTIONS[fleet_id, function_id] = fleet_function
    reply = _reply(fleet_id, None)
    reply.update(values={name: None for name in boards if name not in fleet_function.definition_errors})
    reply.update(errors=fleet_function.definition_errors, skipped=())
    return reply


def call(fleet_id: str, function_id: str, args: tuple, kwargs: dict) -> dict:
    """Call a defined function on this engine's boards."""
    return _reply(fleet_id, FUNCTIONS[fleet_id, function_id](*args, **kwargs))


def apply(fleet_id: str, function: Callable, on: Optional[list]) -> dict:
    """Call ``function(device)`` for this engine's boards (those in `on`)."""
    fleet = FLEETS[fleet_id]
    return _reply(fleet_id, fleet.apply(function, on=_present(fleet, on)))


def evaluate(fleet_id: str, cmd: str, on: Optional[list], options: dict) -> dict:
    """Run `cmd` on this engine's boards (those in `on`)."""
    fleet = FLEETS[fleet_id]
    return _reply(fleet_id, fleet(cmd, on=_present(fleet, on), **options))


def sync(fleet_id: str, archive: bytes, dst: str, on: Optional[list], options: dict) -> dict:
    """Unpack the host folder sent as a tar `archive` here and sync it to this engine's boards."""
    fleet = FLEETS[fleet_id]
    with tempfile.TemporaryDirectory(prefix="belay-fleet-") as folder:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            # Python's "data" filter refuses links and paths leaving the folder, where this Python has it.
            tar.extractall(folder, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
        return _reply(fleet_id, fleet.sync(Path(folder) / "folder", dst, on=_present(fleet, on), **options))


def start_stream(fleet_id: str, function_id: str, stream_id: str, args: tuple, kwargs: dict) -> list:
    """Start a generator task on this engine's boards; return the boards it runs on."""
    stream = FUNCTIONS[fleet_id, function_id](*args, **kwargs)
    STREAMS[stream_id] = stream
    return sorted(stream.running)


def next_values(fleet_id: str, stream_id: str, wait: float) -> dict:
    """What the stream produced: pairs as soon as some arrive (at most `wait` seconds), errors, and its end."""
    stream = STREAMS[stream_id]
    pairs = stream.take(wait)
    reply = _reply(fleet_id, None)
    reply.update(pairs=pairs, errors=stream.errors, ended=stream.ended)
    if stream.ended:
        STREAMS.pop(stream_id, None)
    return reply


def close_stream(fleet_id: str, stream_id: str) -> dict:
    """Stop a stream on every board of this engine (their ``finally`` runs)."""
    stream = STREAMS.pop(stream_id, None)
    if stream is not None:
        stream.close()
    return _reply(fleet_id, None)


def lost(fleet_id: str) -> list:
    """The boards of this engine whose link is gone."""
    return FLEETS[fleet_id].lost


def reconnect(fleet_id: str, on: Optional[list]) -> dict:
    """Reconnect this engine's boards named in `on` (None: the lost ones)."""
    fleet = FLEETS[fleet_id]
    return _reply(fleet_id, fleet.reconnect(None if on is None else _present(fleet, on)))


def close(fleet_id: str) -> dict:
    """Close this engine's boards of fleet `fleet_id` and forget it."""
    fleet = FLEETS.pop(fleet_id, None)
    for key in [key for key in FUNCTIONS if key[0] == fleet_id]:
        del FUNCTIONS[key]
    if fleet is not None:
        fleet.close()
    reply = _reply(fleet_id, None)
    PRINTED.pop(fleet_id, None)
    return reply


def _present(fleet: Fleet, on: Optional[list]) -> Optional[list]:
    return None if on is None else [name for name in on if name in fleet.boards]
