"""The IPython extension's magics, one class per concern, sharing one DeviceRegistry."""

from .connection import ConnectionMagics
from .execution import ExecutionMagics
from .files import FileMagics
from .fleet import FleetMagics
from .packages import PackageMagics
from .registry import DeviceRegistry
from .views import ViewMagics

# FleetMagics last: it adds --fleet in front of %belay, %%belay_task and %belay_plot.
MAGIC_CLASSES = (ConnectionMagics, ExecutionMagics, FileMagics, PackageMagics, ViewMagics, FleetMagics)

__all__ = ["MAGIC_CLASSES", "DeviceRegistry"]
