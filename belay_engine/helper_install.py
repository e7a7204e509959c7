"""Putting the engine's helpers on a board: load the files it keeps, write them where missing, else send the source."""

from typing import TYPE_CHECKING, Any, Optional

from . import board_calls
from .board_code import (
    HELPER_MODULE_FILE,
    MODULE_FOLDER,
    CompiledHelpers,
    HelperModule,
    compiled_helpers,
    find_mpy_cross,
    helper_module,
    helper_parts,
    lazy_module_paths,
    version,
)
from .errors import PyboardException
from .replies import NO_RESULT
from .tracebacks import ENGINE_FILE

if TYPE_CHECKING:
    from .session import Session


def install_helpers(session: "Session") -> tuple[Any, bool]:
    """Install the helpers on `session`'s board; return their reply (the board facts) and whether the board keeps them.

    From the files the board keeps (board_code.helper_module) where they are there and current: one short line.
    Where they are missing, another engine's or damaged, the host writes them (the helpers compiled to .mpy where an
    mpy-cross on the host writes the .mpy version the board loads) and loads them; where the board cannot write
    files, or the files do not load, the host sends the helpers' source.
    """
    load = board_calls.load_helper_module(f"{MODULE_FOLDER}/{HELPER_MODULE_FILE}", session.nonce, version())
    reply = _load_helpers(session, load)
    if reply is NO_RESULT and _can_write_files(session):
        # The .mpy where the board may take it, else (or where it did not load) the source.
        compiled = _compiled_helpers(session)
        for module in ([helper_module(compiled)] if compiled else []) + [helper_module()]:
            if _write_helpers(session, module):
                reply = _load_helpers(session, load)
                if reply is not NO_RESULT:
                    break
    if reply is not NO_RESULT:
        return reply, True
    return session.run(board_calls.install_helpers(helper_parts(), session.nonce, ENGINE_FILE)), False


def _load_helpers(session: "Session", load: str) -> Any:
    """Run the `load` line: the board's facts, or NO_RESULT where the kept files are missing or not current."""
    try:
        return session.run(load)
    except PyboardException:
        return NO_RESULT  # no such file (or a damaged one raised): written again, else the source is sent


def _compiled_helpers(session: "Session") -> Optional[CompiledHelpers]:
    """The helpers as .mpy for this board, where it loads .mpy and the host has an mpy-cross for it."""
    binary = find_mpy_cross()
    if binary is None:
        return None
    with session.hold() as repl:
        stdout, _ = repl.exec(board_calls.mpy_version_probe().encode())
    name, _, mpy = stdout.decode(errors="replace").strip().partition(" ")
    if name != "micropython" or not mpy.isdigit() or not int(mpy):
        return None  # CircuitPython's .mpy files are its own; a board without _mpy loads none
    return compiled_helpers(binary, int(mpy) & 0xFF)


def _can_write_files(session: "Session") -> bool:
    """Make the kept helpers' folder and remove their file; False where the board cannot write files.

    Found out before any file's bytes are sent: a read-only filesystem (CircuitPython's while its USB drive
    is mounted) or none.
    """
    try:
        session.run(
            board_calls.prepare_helper_module(
                MODULE_FOLDER, f"{MODULE_FOLDER}/{HELPER_MODULE_FILE}", lazy_module_paths()
            )
        )
    except PyboardException:
        return False
    return True


def _write_helpers(session: "Session", module: HelperModule) -> bool:
    """Write the kept helpers' files to the board; False where that failed (its filesystem is full, say)."""
    try:
        session.run(board_calls.write_helper_module(module.files))
    except PyboardException:
        return False  # the helpers' file is then missing, or cut short and fails its digest
    return True
