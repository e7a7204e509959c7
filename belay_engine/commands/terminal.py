"""An interactive pass-through to the board's friendly REPL: keys go to the board raw, its output shows as it arrives.

Ctrl-] quits; the host terminal's mode is put back on the way out, whatever happens, and the board is taken
back into the raw REPL so the Device stays usable (its helpers are sent again if the user soft-reset it).
"""

import os
import select
import sys
import threading
from contextlib import contextmanager
from typing import Any, Iterator, Optional

from ..errors import ConnectionLost
from ..session import Session

EXIT_CHAR = chr(0x1D)  # Ctrl-], as in telnet and Miniterm
_POLL_SECONDS = 0.2  # how often the key loop looks whether the board link ended


@contextmanager
def raw_keys(fd: int) -> Iterator[None]:
    """Put the terminal on `fd` in raw mode (every key as a byte, no echo, no signals) and restore it after."""
    if not os.isatty(fd):
        yield
        return
    import termios
    import tty

    saved = termios.tcgetattr(fd)
    try:
        tty.setraw(fd)
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def _copy_board_output(transport: Any, out_fd: int, stop: threading.Event, failure: list) -> None:
    try:
        while not stop.is_set():
            data = transport.read(4096, _POLL_SECONDS)
            if data:
                os.write(out_fd, data)
    except (ConnectionLost, OSError) as error:
        failure.append(error)
    finally:
        stop.set()


def pass_through(transport: Any, exit_char: str = EXIT_CHAR, in_fd: Optional[int] = None, out_fd: Optional[int] = None):
    """Copy keys from `in_fd` to `transport` and its bytes to `out_fd` until `exit_char` is typed or the link ends.

    Raises
    ------
    ConnectionLost
        The link to the board dropped.
    """
    in_fd = sys.stdin.fileno() if in_fd is None else in_fd
    out_fd = sys.stdout.fileno() if out_fd is None else out_fd
    quit_byte = exit_char.encode()
    stop = threading.Event()
    failure: list = []
    reader = threading.Thread(target=_copy_board_output, args=(transport, out_fd, stop, failure), daemon=True)
    with raw_keys(in_fd):
        reader.start()
        try:
            while not stop.is_set():
                ready, _, _ = select.select([in_fd], [], [], _POLL_SECONDS)
                if not ready:
                    continue
                keys = os.read(in_fd, 1024)
                if not keys:
                    break  # end of input
                keys, quit_now, _ = keys.partition(quit_byte)
                if keys:
                    transport.write(keys)
                if quit_now:
                    break
        finally:
            stop.set()
            reader.join(_POLL_SECONDS * 5)
    if failure:
        raise ConnectionLost(f"the board link ended: {failure[0]}") from failure[0]


def terminal(
    session: Session,
    port: Any,
    *,
    exit_char: str = EXIT_CHAR,
    in_fd: Optional[int] = None,
    out_fd: Optional[int] = None,
) -> bool:
    """Talk to the board's friendly REPL from this terminal; Ctrl-] quits. Whether the board was reset meanwhile.

    A reset (the user pressed Ctrl-D) took the engine's helpers with the board's globals: the caller puts them
    back (`Device.terminal` does).

    Parameters
    ----------
    session : Session
        The board's connection.
    port : str
        The port, as the user named it (shown in the banner).
    exit_char : str
        The key that quits (default Ctrl-]).
    in_fd, out_fd : int, optional
        Where keys come from and board output goes (default: stdin and stdout).
    """
    sys.stderr.write(f"Board REPL on {port}; {_key_name(exit_char)} quits.\n")
    sys.stderr.flush()
    with session.hold() as repl:
        repl.exit()
        try:
            pass_through(repl.transport, exit_char, in_fd, out_fd)
        finally:
            repl.enter()
            helpers_there, _ = repl.exec(b"print('_belay' in globals())")
    sys.stderr.write("\n")
    return helpers_there.strip() != b"True"


def _key_name(char: str) -> str:
    code = ord(char)
    return f"Ctrl-{chr(code + 64)}" if code < 32 else repr(char)
