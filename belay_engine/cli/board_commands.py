"""CLI commands that talk to one board: sync, exec, run, info, latency, terminal, ls, cat, put, get, rm."""

import sys
from pathlib import Path
from typing import Annotated, Optional

from cyclopts import Parameter

from .. import commands
from .common import Password, Port, ProgressBar, Settings, board, documented_by, on_board, out, required, say, take_port

Patterns = Annotated[Optional[list[str]], Parameter(consume_multiple=True)]


@documented_by(commands.sync)
def sync(  # noqa: D103 (the docstring is the command's)
    port: Port = None,
    folder: Optional[str] = None,
    *,
    dst: str = "/",
    keep: Patterns = None,
    ignore: Patterns = None,
    minify: bool = True,
    mpy_cross: Annotated[Optional[str], Parameter(alias="--mpy-cross-binary")] = None,
    password: Password = None,
) -> None:
    port, (folder,) = take_port(port, folder)
    folder = folder or "."
    with board(port, password) as device, ProgressBar("Sync") as progress:
        result = commands.sync(
            device, folder, dst=dst, keep=keep, ignore=ignore, minify=minify, mpy_cross=mpy_cross, progress=progress
        )
    say(result)


@documented_by(commands.execute)
def exec_(  # noqa: D103 (the docstring is the command's)
    port: Port = None, statement: Optional[str] = None, *, password: Password = None
) -> None:
    port, (statement,) = take_port(port, statement)
    on_board(port, password, out, commands.execute, required(statement, "STATEMENT"))


@documented_by(commands.run_file)
def run(  # noqa: D103 (the docstring is the command's)
    port: Port = None, file: Optional[Path] = None, *, password: Password = None
) -> None:
    port, (file,) = take_port(port, file)
    file = Path(required(file, "FILE"))
    if not file.is_file():
        raise FileNotFoundError(2, "No such file", str(file))
    on_board(port, password, out, commands.run_file, file)


@documented_by(commands.info)
def info(port: Port = None, *, password: Password = None) -> None:  # noqa: D103 (the docstring is the command's)
    on_board(port, password, out, commands.info)


def latency(
    port: Port = None,
    *,
    count: Annotated[int, Parameter(alias="-c")] = 10,
    output: Annotated[Optional[Path], Parameter(alias="-o")] = None,
    password: Password = None,
) -> None:
    """Time round trips of a tiny expression over the link (host and board both take part).

    With --verbose each round trip is listed too.

    Parameters
    ----------
    count : int
        Round trips to time.
    output : Path, optional
        Also write the samples to this CSV file (column latency_ms).
    """
    with board(port, password) as device:
        if Settings.verbose:
            say(f"Measuring latency with {count} iterations...")
        result = commands.latency(device, count)
    if Settings.verbose:
        out(result.sample_lines())
    out(result)
    if output is not None:
        output.write_text(result.csv())


def terminal(port: Port = None, *, password: Password = None) -> None:
    """Talk to the board's REPL from this terminal: keys go to the board as typed, Ctrl-] quits."""
    on_board(port, password, say, lambda device: device.terminal())


@documented_by(commands.ls)
def ls(  # noqa: D103 (the docstring is the command's)
    port: Port = None, path: Optional[str] = None, *, password: Password = None
) -> None:
    port, (path,) = take_port(port, path)
    on_board(port, password, out, commands.ls, path or "/")


@documented_by(commands.cat)
def cat(  # noqa: D103 (the docstring is the command's)
    port: Port = None, path: Optional[str] = None, *, password: Password = None
) -> None:
    port, (path,) = take_port(port, path)
    with board(port, password) as device:
        contents = commands.cat(device, required(path, "PATH"))
    sys.stdout.buffer.write(contents.data)
    sys.stdout.flush()


@documented_by(commands.put)
def put(  # noqa: D103 (the docstring is the command's)
    port: Port = None, local: Optional[str] = None, remote: Optional[str] = None, *, password: Password = None
) -> None:
    port, (local, remote) = take_port(port, local, remote)
    local = required(local, "LOCAL")
    if not Path(local).is_file():
        raise FileNotFoundError(2, "No such file", local)
    on_board(port, password, say, commands.put, local, remote)


@documented_by(commands.get)
def get(  # noqa: D103 (the docstring is the command's)
    port: Port = None, remote: Optional[str] = None, local: Optional[str] = None, *, password: Password = None
) -> None:
    port, (remote, local) = take_port(port, remote, local)
    on_board(port, password, say, commands.get, required(remote, "REMOTE"), local)


@documented_by(commands.rm)
def rm(  # noqa: D103 (the docstring is the command's)
    port: Port = None, path: Optional[str] = None, *, password: Password = None
) -> None:
    port, (path,) = take_port(port, path)
    on_board(port, password, say, commands.rm, required(path, "PATH"))


@documented_by(commands.reset)
def reset(  # noqa: D103 (the docstring is the command's)
    port: Port = None, *, hard: bool = False, password: Password = None
) -> None:
    on_board(port, password, say, commands.reset, hard)
