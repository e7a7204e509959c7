"""CLI commands that serve things: the virtual board server."""

from pathlib import Path
from typing import Optional


def virtual_board(
    *,
    port: Optional[Path] = None,
    root: Optional[Path] = None,
    baud: Optional[int] = None,
    tcp: Optional[str] = None,
    telnet: Optional[str] = None,
    rfc2217: Optional[str] = None,
    webrepl: Optional[str] = None,
    user: str = "micro",
    password: str = "python",
) -> int:
    """Serve the virtual board (real MicroPython) on a serial port path and/or network faces until Ctrl-C.

    Network faces listen on 127.0.0.1 unless HOST:PORT names another address.

    Parameters
    ----------
    port : Path, optional
        Path of the serial port to create (a symlink to a PTY).
    root : Path, optional
        Host folder used as the board's / (default: a temporary folder).
    baud : int, optional
        Emulate a UART at this speed (bits per second).
    tcp : str, optional
        Serve raw TCP at HOST:PORT or PORT, as socket:// and ser2net's raw mode.
    telnet : str, optional
        Serve telnet with MicroPython's login at HOST:PORT or PORT.
    rfc2217 : str, optional
        Serve an RFC 2217 serial port at HOST:PORT or PORT, as rfc2217://.
    webrepl : str, optional
        Serve WebREPL at HOST:PORT or PORT, as ws://.
    user : str
        Telnet user.
    password : str
        Telnet and WebREPL password.
    """
    from ..virtual.__main__ import main as serve
    from .common import UsageProblem

    if port is None and not any((tcp, telnet, rfc2217, webrepl)):
        raise UsageProblem("give --port PATH and/or a network face (--tcp, --telnet, --rfc2217, --webrepl)")

    argv = ["--user", user, "--password", password]
    for option, value in [("--port", port), ("--root", root), ("--baud", baud)]:
        if value is not None:
            argv += [option, str(value)]
    for kind, address in [("tcp", tcp), ("telnet", telnet), ("rfc2217", rfc2217), ("webrepl", webrepl)]:
        if address is not None:
            argv += [f"--{kind}", address]
    return serve(argv)
