"""Open the right Transport for a port string; a new transport is one module and one row of `SCHEMES`."""

import importlib
import os
import re
import sys
from pathlib import Path
from typing import Any, Optional

from ..errors import DeviceNotFoundError, InsufficientSpecifierError
from .base import Transport

#: Port kind → (module, class). Modules are imported only when their kind is used.
SCHEMES = {
    "serial": ("belay_engine.transports.serial", "SerialTransport"),
    "process": ("belay_engine.transports.process", "ProcessTransport"),
    "virtual": ("belay_engine.virtual.transport", "VirtualBoardTransport"),
    "telnet": ("belay_engine.transports.telnet", "TelnetTransport"),
    "webrepl": ("belay_engine.transports.webrepl", "WebreplTransport"),
}

_IP_ADDRESS = re.compile(r"^\d{1,3}(\.\d{1,3}){3}(:\d+)?$")
#: ``host:port`` with no scheme and no path: a telnet REPL (``COM3`` and device paths never match).
_HOST_AND_PORT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]*:\d{1,5}$")
TELNET_PORT = 23
VIRTUAL_PREFIX = "virtual:"


def classify_port(port: str) -> str:
    """Name the kind of link a port string asks for.

    Returns one of ``"virtual"``, ``"process"``, ``"webrepl"``, ``"telnet"``, ``"usb-specifier"`` or
    ``"serial"`` (device paths, ``COMn`` and pyserial URLs).
    """
    if port.startswith(VIRTUAL_PREFIX) or port == "virtual":
        return "virtual"
    if port.startswith(("exec:", "execpty:")):
        return "process"
    if port.startswith(("ws://", "wss://")):
        return "webrepl"
    if port.startswith("telnet://") or _IP_ADDRESS.match(port) or _HOST_AND_PORT.match(port):
        return "telnet"
    if port.lstrip().startswith("{"):
        return "usb-specifier"
    return "serial"


def telnet_address(port: str) -> tuple[str, int]:
    """The host and TCP port of a telnet port string (``192.168.4.1``, ``host:2323``, ``telnet://host[:port]``)."""
    address = port[len("telnet://") :] if port.startswith("telnet://") else port
    address = address.rstrip("/")
    host, _, number = address.rpartition(":") if ":" in address else (address, "", "")
    return host, int(number) if number else TELNET_PORT


def _load(kind: str) -> Any:
    module_name, class_name = SCHEMES[kind]
    return getattr(importlib.import_module(module_name), class_name)


def default_port() -> str:
    """The port to use when none is given: ``BELAY_DEVICE``, else the one USB board that looks like a board.

    ``BELAY_DEVICE`` holds a port (``/dev/ttyACM0``, ``socket://host:port``, ...) or JSON of a `UsbSpecifier`
    (``{"serial_number": "e661"}``); JSON is checked here so a mistake names the variable.

    Raises
    ------
    ConfigError
        ``BELAY_DEVICE`` holds JSON that is not a valid USB specifier.
    DeviceNotFoundError
        ``BELAY_DEVICE`` is not set and no USB board is found; the message lists the serial ports there are.
    InsufficientSpecifierError
        ``BELAY_DEVICE`` is not set and several USB boards are found; the message lists them.
    """
    from . import usb  # pydantic and pyserial's port listing load only when a default is needed

    port = os.environ.get("BELAY_DEVICE", "").strip()
    if not port:
        return usb.find_board()
    if classify_port(port) == "usb-specifier":
        usb.UsbSpecifier.from_json(port, source="BELAY_DEVICE")
    return port


def notebook_port(port: Optional[str] = None) -> str:
    """The port a notebook connects to: `port`, else ``BELAY_DEVICE``, else the one USB board, else the virtual board.

    Several USB boards raise `InsufficientSpecifierError` (listing them) rather than picking one: code meant
    for one board must not run on another, and falling back to the virtual board would hide both.
    """
    if port:
        return port
    try:
        return default_port()
    except InsufficientSpecifierError:
        raise
    except DeviceNotFoundError:
        return VIRTUAL_PREFIX


def open_transport(
    port: Any,
    *,
    baudrate: int = 115200,
    exclusive: bool = True,
    user: str = "micro",
    password: str = "python",
    timeout: float = 10.0,
) -> Transport:
    """Open a link to the board named by `port`.

    Parameters
    ----------
    port : str, UsbSpecifier or None
        A serial path, a pyserial URL (``socket://``, ``rfc2217://``), a telnet address (``192.168.4.1``,
        ``host:2323``, ``telnet://host[:port]``), a WebREPL URL (``ws://host:8266``), ``exec:CMD``,
        ``execpty:CMD``, ``virtual:`` or ``virtual:PATH``, JSON of a USB specifier, or a `UsbSpecifier`;
        None reads ``BELAY_DEVICE``, else looks for one USB board.
    baudrate : int
        Line speed for serial ports.
    exclusive : bool
        Refuse to share a local serial port.
    user, password : str
        Credentials for telnet and WebREPL boards.
    timeout : float
        Seconds to wait for a network board to connect and log in.

    Raises
    ------
    ConnectionFailedError
        The link could not be opened, or its kind is not available.
    AuthenticationError
        A network board refused the credentials.
    ConfigError
        JSON of a USB specifier (given, or in ``BELAY_DEVICE``) has an unknown field or a bad value.
    DeviceNotFoundError
        No port was given and none is configured or found, or no USB port matches the specifier.
    InsufficientSpecifierError
        Several USB ports match the specifier, or several boards are found when none was given.
    """
    if port is None:
        port = default_port()
    usb = sys.modules.get(f"{__name__}.usb")  # a UsbSpecifier exists only once its module is loaded
    if usb is not None and isinstance(port, usb.UsbSpecifier):
        port = usb.find_port(port)
    port = str(port)
    kind = classify_port(port)
    if kind == "virtual":
        root = port[len(VIRTUAL_PREFIX) :] if port.startswith(VIRTUAL_PREFIX) else ""
        return _load("virtual")(Path(root).expanduser() if root else None)
    if kind == "process":
        use_pty = port.startswith("execpty:")
        return _load("process")(port.split(":", 1)[1], pty=use_pty)
    if kind == "usb-specifier":
        from . import usb  # pydantic and pyserial's port listing load only for specifiers

        specifier = usb.UsbSpecifier.from_json(port)
        options = {"user": user, "password": password, "timeout": timeout}
        return open_transport(usb.find_port(specifier), baudrate=baudrate, exclusive=exclusive, **options)
    if kind == "telnet":
        host, number = telnet_address(port)
        return _load("telnet")(host, number, user=user, password=password, timeout=timeout)
    if kind == "webrepl":
        return _load("webrepl")(port, password=password, timeout=timeout)
    return _load("serial")(port, baudrate=baudrate, exclusive=exclusive)
