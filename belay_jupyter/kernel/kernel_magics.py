"""Kernel magics: `%` lines of a cell run on the host, each one engine call; the rest of the cell goes to the board."""

import argparse
import shlex
from pathlib import Path
from typing import Any, Callable

from belay_engine import files
from belay_engine.sync import sync
from belay_engine.timing import time_on_board

from ..widgets.progress import TextProgress


class MagicError(Exception):
    """A magic line could not be run; the message says what to type."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:
        raise MagicError(f"%{self.prog}: {message}\nusage: {self.format_usage().strip()}")


def _parser(name: str, description: str) -> _Parser:
    return _Parser(prog=name, description=description, add_help=False)


class KernelMagics:
    """The host-side magics of the Belay MicroPython kernel."""

    def __init__(self, kernel: Any):
        self.kernel = kernel
        self.table: dict[str, tuple[Callable[[list[str]], None], str]] = {
            "connect": (
                self.connect,
                "%connect PORT [--password PW]  connect to a board (virtual: for the virtual one)",
            ),
            "disconnect": (self.disconnect, "%disconnect  close the board connection"),
            "reset": (self.reset, "%reset  soft-reset the board (globals cleared, files kept)"),
            "info": (self.info, "%info  the connected board's implementation, version, platform and port"),
            "sync": (self.sync, "%sync FOLDER [--dst /]  mirror a host folder onto the board (only changed files)"),
            "ls": (self.ls, "%ls [PATH]  list a board folder"),
            "cat": (self.cat, "%cat PATH  print a board file"),
            "rm": (self.rm, "%rm PATH  remove a board file or empty folder"),
            "put": (self.put, "%put LOCAL [REMOTE]  copy a host file to the board"),
            "get": (self.get, "%get REMOTE [LOCAL]  copy a board file to the host"),
            "timeit": (self.timeit, "%timeit STATEMENT  time a statement on the board itself"),
            "lsmagic": (self.lsmagic, "%lsmagic  list these magics"),
        }

    def run_leading_magics(self, code: str) -> str:
        """Run the `%` lines at the top of a cell; return the rest of the cell (blank lines kept in their place)."""
        lines = code.splitlines(keepends=True)
        for index, line in enumerate(lines):
            stripped = line.strip()
            if stripped.startswith("%"):
                self.run(stripped[1:])
                lines[index] = "\n"
            elif stripped:
                break
        return "".join(lines)

    def run(self, line: str) -> None:
        """Run one magic line (without its `%`)."""
        name, _, rest = line.strip().partition(" ")
        if not name:
            raise MagicError("an empty magic; %lsmagic lists them")
        handler = self.table.get(name)
        if handler is None:
            raise MagicError(f"unknown magic %{name}; %lsmagic lists the magics of this kernel")
        # %timeit takes its statement verbatim; the others take shell-like words.
        handler[0]([rest] if name == "timeit" else shlex.split(rest))

    # -- the magics ------------------------------------------------------------------------------------

    @property
    def _device(self) -> Any:
        return self.kernel.device or self.kernel.connect()

    def connect(self, words: list[str]) -> None:
        """Connect to a board."""
        parser = _parser("connect", "Connect to a board.")
        parser.add_argument("port")
        parser.add_argument("--password", default=None)
        args = parser.parse_args(words)
        self.kernel.connect(args.port, args.password)

    def disconnect(self, words: list[str]) -> None:
        """Close the board connection."""
        self.kernel.disconnect()
        self.kernel.say("Disconnected.\n")

    def reset(self, words: list[str]) -> None:
        """Soft-reset the board."""
        self._device.soft_reset()
        self.kernel.say("Soft reset done: globals cleared, files kept.\n")

    def info(self, words: list[str]) -> None:
        """Print the board's implementation and port."""
        device = self._device
        self.kernel.say(f"{device!r}\n{device.implementation}\n")

    def sync(self, words: list[str]) -> None:
        """Mirror a host folder onto the board."""
        parser = _parser("sync", "Mirror a host folder onto the board.")
        parser.add_argument("folder")
        parser.add_argument("--dst", default="/")
        args = parser.parse_args(words)
        progress = TextProgress(write=self.kernel.say)
        plan = sync(self._device, Path(args.folder).expanduser(), dst=args.dst, progress_update=progress)
        self.kernel.say(
            f"Synced {args.folder} to {args.dst}: {len(plan.uploads)} sent, {len(plan.remove_files)} removed.\n"
        )

    def ls(self, words: list[str]) -> None:
        """List a board folder."""
        path = words[0] if words else "/"
        entries = files.list_dir(self._device, path)
        self.kernel.say("".join(f"{e.name}/\n" if e.is_dir else f"{e.size:>10}  {e.name}\n" for e in entries))

    def cat(self, words: list[str]) -> None:
        """Print a board file."""
        if len(words) != 1:
            raise MagicError("usage: %cat PATH")
        self.kernel.say(files.read_file(self._device, words[0]).decode("utf-8", "replace"))

    def rm(self, words: list[str]) -> None:
        """Remove a board file or empty folder."""
        if len(words) != 1:
            raise MagicError("usage: %rm PATH")
        files.remove(self._device, words[0])

    def put(self, words: list[str]) -> None:
        """Copy a host file to the board."""
        if len(words) not in (1, 2):
            raise MagicError("usage: %put LOCAL [REMOTE]")
        local = Path(words[0]).expanduser()
        remote = words[1] if len(words) == 2 else "/" + local.name
        data = local.read_bytes()
        files.write_file(self._device, remote, data)
        self.kernel.say(f"{local} -> {remote} ({len(data)} bytes)\n")

    def get(self, words: list[str]) -> None:
        """Copy a board file to the host."""
        if len(words) not in (1, 2):
            raise MagicError("usage: %get REMOTE [LOCAL]")
        remote = words[0]
        local = Path(words[1] if len(words) == 2 else Path(remote).name).expanduser()
        data = files.read_file(self._device, remote)
        local.write_bytes(data)
        self.kernel.say(f"{remote} -> {local} ({len(data)} bytes)\n")

    def timeit(self, words: list[str]) -> None:
        """Time a statement on the board itself."""
        if not words or not words[0].strip():
            raise MagicError("usage: %timeit STATEMENT")
        self.kernel.say(f"{time_on_board(self._device, words[0])}\n")

    def lsmagic(self, words: list[str]) -> None:
        """List the magics."""
        self.kernel.say("".join(f"{help_text}\n" for _, help_text in self.table.values()))
