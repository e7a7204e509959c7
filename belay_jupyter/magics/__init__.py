"""The IPython extension's magics, one class per concern, sharing one DeviceRegistry."""

from .connection import ConnectionMagics
from .execution import ExecutionMagics
from .files import FileMagics
from .registry import DeviceRegistry
from .views import ViewMagics

MAGIC_CLASSES = (ConnectionMagics, ExecutionMagics, FileMagics, ViewMagics)

__all__ = ["MAGIC_CLASSES", "DeviceRegistry"]
