"""Notebook widgets over the engine: a board object's view, a live stream plot, sync progress.

Imported only when a widget is needed, so ``import belay_jupyter`` never pulls in ipywidgets or bqplot.
"""

from .frontend import widget_frontend

__all__ = ["widget_frontend"]
