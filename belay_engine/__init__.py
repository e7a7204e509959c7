"""belay_engine: drive MicroPython and CircuitPython boards from Python through their raw REPL."""

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
    FeatureUnavailableError,
    InsufficientSpecifierError,
    MaxHistoryLengthError,
    NoMatchingExecuterError,
    NotBelayResponseError,
    ProtocolError,
    PyboardError,
    PyboardException,
    SpecialFunctionNameError,
)
from .implementation import Implementation
from .minify import minify
from .proxy import ProxyObject
from .replies import NO_RESULT, UNPARSABLE_RESULT

__version__ = "0.1.0"

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
    "FeatureUnavailableError",
    "Implementation",
    "InsufficientSpecifierError",
    "MaxHistoryLengthError",
    "NoMatchingExecuterError",
    "NotBelayResponseError",
    "ProtocolError",
    "ProxyObject",
    "PyboardError",
    "PyboardException",
    "SpecialFunctionNameError",
    "minify",
]
