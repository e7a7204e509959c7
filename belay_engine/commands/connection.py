"""Connecting to a board and saying what it is: one announcement, one info line, one reset message everywhere."""

from typing import Any, Optional

from attrs import field, frozen

from ..transports import default_port, notebook_port


def describe_board(device: Any) -> str:
    """``micropython 1.28.0 on linux``: the board's implementation, version and platform."""
    implementation = device.implementation
    return f"{implementation.name} {'.'.join(map(str, implementation.version))} on {implementation.platform}"


@frozen
class Connected:
    """A new connection; its text is the announcement every front end prints."""

    device: Any = field(repr=False)
    port: str
    name: Optional[str] = None

    def __str__(self) -> str:
        named = f" as {self.name}" if self.name else ""
        return f"Connected to {self.port}{named}: {describe_board(self.device)}"


def connect(
    port: Optional[str] = None,
    *,
    password: Optional[str] = None,
    name: Optional[str] = None,
    virtual_fallback: bool = False,
    device_class: Any = None,
) -> Connected:
    """Connect to a board.

    Parameters
    ----------
    port : str, optional
        Where the board is: /dev/ttyACM0, COM3, socket://HOST:PORT, rfc2217://HOST:PORT, telnet address,
        ws://HOST:8266, virtual: or virtual:PATH. Default: BELAY_DEVICE, else the one USB board plugged in.
    password : str, optional
        Password of a WebREPL or telnet board.
    name : str, optional
        Name the connection goes by (said in the announcement).
    virtual_fallback : bool
        With no port, no BELAY_DEVICE and no USB board, use the virtual board (notebooks) instead of failing.
    device_class : type, optional
        The Device class to build (default: `belay_engine.Device`).
    """
    from ..device import Device

    port = notebook_port(port) if virtual_fallback else (port or default_port())
    options = {} if password is None else {"password": password}
    device = (device_class or Device)(port, **options)
    return Connected(device, port, name)


@frozen
class BoardInfo:
    """What the board runs, as Belay's ``info`` says it: ``micropython v1.28.0 - linux``."""

    name: str
    version: tuple
    platform: str
    implementation: Any = field(repr=False, eq=False)

    def __str__(self) -> str:
        return f"{self.name} v{'.'.join(map(str, self.version))} - {self.platform}"

    __repr__ = __str__


def info(device: Any) -> BoardInfo:
    """The board's implementation: name, version and platform (and arch and emitters on `.implementation`)."""
    implementation = device.implementation
    return BoardInfo(implementation.name, tuple(implementation.version), implementation.platform, implementation)


@frozen
class ResetDone:
    """A finished reset."""

    hard: bool

    def __str__(self) -> str:
        return f"{'Hard' if self.hard else 'Soft'} reset done."


def reset(device: Any, hard: bool = False) -> ResetDone:
    """Reset the board: globals cleared, files kept, tasks re-sent and autoinit setups run again.

    Parameters
    ----------
    device : Device
        The board.
    hard : bool
        Reset as the reset button does (machine.reset()), reconnecting if the port went away; default: soft.
    """
    if hard:
        device.hard_reset()
    else:
        device.soft_reset()
    return ResetDone(hard)
