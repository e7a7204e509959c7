"""Open the right Transport for a port string; a new transport is one module and one row of `SCHEMES`."""

import importlib
import json
import os
import re
from pathlib import Path
from typing import Any, Optional

from ..errors import ConnectionFailedError, DeviceNotFoundError
from .base import Transport

#: Port kind → (module, class). Modules are imported only when their kind is used.
SCHEMES = {
    "serial": ("belay_engine.transports.serial", "SerialTransport"),
    "process": ("belay_engine.transports.process", "ProcessTransport"),
    "virtual": ("belay_engine.virtual.transport", "VirtualBoardTransport"),
}

_IP_ADDRESS = re.compile(r"^\d{1,3}(\.\d{1,3}){3}(:\d+)?$")
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
    if _IP_ADDRESS.match(port):
        return "telnet"
    if port.lstrip().startswith("{"):
        return "usb-specifier"
    return "serial"


def _load(kind: str) -> Any:
    module_name, class_name = SCHEMES[kind]
    return getattr(importlib.import_module(module_name), class_name)


def default_port() -> str:
    """The port to use when none is given: ``BELAY_DEVICE``.

    Raises
    ------
    DeviceNotFoundError
        ``BELAY_DEVICE`` is not set.
    """
    port = os.environ.get("BELAY_DEVICE", "").strip()
    if port:
        return port
    raise DeviceNotFoundError(
        "no port given and BELAY_DEVICE is not set; pass a port such as '/dev/ttyACM0', "
        "'socket://host:port' or 'virtual:' (the built-in virtual board)"
    )


def notebook_port(port: Optional[str] = None) -> str:
    """The port a notebook front end connects to: `port`, else ``BELAY_DEVICE``, else the virtual board."""
    if port:
        return port
    try:
        return default_port()
    except DeviceNotFoundError:
        return VIRTUAL_PREFIX


def open_transport(port: Optional[str], *, baudrate: int = 115200, exclusive: bool = True) -> Transport:
    """Open a link to the board named by `port`.

    Parameters
    ----------
    port : str or None
        A serial path, a pyserial URL, ``exec:CMD``, ``execpty:CMD``, ``virtual:`` or ``virtual:PATH``;
        None reads ``BELAY_DEVICE``.
    baudrate : int
        Line speed for serial ports.
    exclusive : bool
        Refuse to share a local serial port.

    Raises
    ------
    ConnectionFailedError
        The link could not be opened, or its kind is not available.
    DeviceNotFoundError
        No port was given and none is configured.
    """
    if port is None:
        port = default_port()
    port = str(port)
    kind = classify_port(port)
    if kind == "virtual":
        root = port[len(VIRTUAL_PREFIX) :] if port.startswith(VIRTUAL_PREFIX) else ""
        return _load("virtual")(Path(root).expanduser() if root else None)
    if kind == "process":
        use_pty = port.startswith("execpty:")
        return _load("process")(port.split(":", 1)[1], pty=use_pty)
    if kind == "usb-specifier":
        try:
            json.loads(port)
        except ValueError as exc:
            raise ConnectionFailedError(f"the port {port!r} looks like JSON but does not parse: {exc}") from exc
    if kind in ("webrepl", "telnet", "usb-specifier"):
        raise ConnectionFailedError(f"{kind} ports are not supported by this version yet (port {port!r})")
    return _load("serial")(port, baudrate=baudrate, exclusive=exclusive)
