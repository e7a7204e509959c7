"""The IPython extension's magics, one class per concern, sharing one DeviceRegistry."""

from .connection import ConnectionMagics
from .execution import ExecutionMagics
from .files import FileMagics
from .packages import PackageMagics
from .registry import DeviceRegistry
from .views import ViewMagics

MAGIC_CLASSES = (ConnectionMagics, ExecutionMagics, FileMagics, PackageMagics, ViewMagics)

__all__ = ["MAGIC_CLASSES", "DeviceRegistry"]
