"""Board file operations for front ends: list, read, write and remove files by path."""

from typing import Any

from attrs import frozen

CHUNK = 2048


@frozen
class Entry:
    """One directory entry on the board."""

    name: str
    is_dir: bool
    size: int


def list_dir(device: Any, path: str = "/") -> list[Entry]:
    """The entries of board folder `path`, folders first, then by name."""
    rows = device(
        f"[(e[0], e[1] == 0x4000, e[3] if len(e) > 3 else -1) for e in __import__('os').ilistdir({path!r})]",
        record=False,
    )
    return sorted((Entry(*row) for row in rows), key=lambda e: (not e.is_dir, e.name))


def read_file(device: Any, path: str) -> bytes:
    """The contents of board file `path` (through the link's own file protocol where it has one: WebREPL)."""
    from .sync.file_protocol import file_transport

    if file_transport(device.session, path) is not None:
        # A board whose WebREPL get cannot open the file drops the connection: ask the REPL first, which
        # raises the board's own error for a missing file.
        is_folder = device(f"__import__('os').stat({path!r})[0] & 0x4000 != 0", record=False)
        if not is_folder:
            with device.session.hold() as repl:
                return repl.transport.get_file(path)
    device(f"_belay_f = open({path!r}, 'rb')", record=False)
    chunks = []
    try:
        while True:
            chunk = device(f"_belay_f.read({CHUNK})", record=False)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
    finally:
        device("_belay_f.close()\ndel _belay_f", record=False)


def write_file(device: Any, path: str, data: bytes) -> None:
    """Write `data` to board file `path`, replacing it safely (as sync does: temporary file, then rename)."""
    from .sync import put_file, sync_helpers
    from .sync.file_protocol import file_transport

    if file_transport(device.session, path) is not None:
        # A board whose WebREPL put cannot open the file drops the connection: a missing folder is the REPL's
        # error to raise, as it is without WebREPL.
        folder = path.rsplit("/", 1)[0] if "/" in path else "."
        device(f"__import__('os').stat({folder or '/'!r})", record=False)
    session = device.session
    with sync_helpers(session) as board:
        put_file(session, path, data, compress=board.inflates)


def remove(device: Any, path: str) -> None:
    """Remove board file or empty folder `path`."""
    device(
        f"import os\nif os.stat({path!r})[0] & 0x4000:\n os.rmdir({path!r})\nelse:\n os.remove({path!r})", record=False
    )
