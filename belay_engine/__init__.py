"""belay_engine: drive MicroPython and CircuitPython boards from Python through their raw REPL."""

import importlib
from typing import TYPE_CHECKING, Any

from .device import Device
from .device_meta import DeviceMeta
from .errors import (
    AuthenticationError,
    BelayException,
    BoardTimeoutError,
    ConfigError,
    ConnectionFailedError,
    ConnectionLost,
    DeviceNotFoundError,
    EngineLost,
    FeatureUnavailableError,
    InsufficientSpecifierError,
    MaxHistoryLengthError,
    NoAnswerError,
    NoMatchingExecuterError,
    NotBelayResponseError,
    ProtocolError,
    PyboardError,
    PyboardException,
    SpecialFunctionNameError,
)
from .fleet import Fleet, FleetFunction
from .fleet_progress import FleetProgress
from .fleet_result import FleetResult
from .fleet_stream import FleetStream
from .implementation import Implementation
from .minify import minify
from .proxy import ProxyObject
from .replies import NO_RESULT, UNPARSABLE_RESULT

if TYPE_CHECKING:
    from .transports.usb import UsbSpecifier, list_devices

__version__ = "0.1.0"

#: Names loaded on first use: their module imports pydantic and pyserial's port listing (about 0.2 s).
_LAZY = {"UsbSpecifier": ".transports.usb", "list_devices": ".transports.usb"}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name], __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "NO_RESULT",
    "UNPARSABLE_RESULT",
    "AuthenticationError",
    "BelayException",
    "BoardTimeoutError",
    "ConfigError",
    "ConnectionFailedError",
    "ConnectionLost",
    "Device",
    "DeviceMeta",
    "DeviceNotFoundError",
    "EngineLost",
    "FeatureUnavailableError",
    "Fleet",
    "FleetFunction",
    "FleetProgress",
    "FleetResult",
    "FleetStream",
    "Implementation",
    "InsufficientSpecifierError",
    "MaxHistoryLengthError",
    "NoAnswerError",
    "NoMatchingExecuterError",
    "NotBelayResponseError",
    "ProtocolError",
    "ProxyObject",
    "PyboardError",
    "PyboardException",
    "SpecialFunctionNameError",
    "UsbSpecifier",
    "list_devices",
    "minify",
]
