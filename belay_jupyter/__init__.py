"""belay_jupyter: the IPython extension (``%load_ext belay``) and the Belay MicroPython kernel."""

from typing import Any

from . import board_displays
from .widgets.display import register_in_running_shell, register_proxy_display

_registries: dict[int, Any] = {}


def plot(stream: Any, window: int = 200, fps: float = 20.0, **options: Any) -> Any:
    """Plot a generator task's stream live (bqplot) and return the StreamPlot; the cell returns at once.

    See `belay_jupyter.widgets.stream_plot.plot` for the parameters. ipywidgets and bqplot are imported on
    the first call, not with this package.
    """
    from .widgets.stream_plot import plot as stream_plot

    return stream_plot(stream, window=window, fps=fps, **options)


def load_ipython_extension(ipython: Any) -> None:
    """Register the ``%belay*`` magics, how proxies display and how board code displays; loading twice is harmless."""
    from .magics import MAGIC_CLASSES, DeviceRegistry

    register_proxy_display(ipython)
    board_displays.register_board_display()
    if id(ipython) in _registries:
        return
    registry = DeviceRegistry()
    _registries[id(ipython)] = registry
    for magic_class in MAGIC_CLASSES:
        ipython.register_magics(magic_class(ipython, registry))


def unload_ipython_extension(ipython: Any) -> None:
    """Close every connection the extension opened."""
    registry = _registries.pop(id(ipython), None)
    if registry is not None:
        registry.close_all()


# A proxy made in a running shell displays as its widget even without ``%load_ext belay``, and board code's
# display() calls become IPython's.
register_in_running_shell()
board_displays.register_in_running_shell()
