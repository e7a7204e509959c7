"""A PNG of a stream's series with matplotlib, for front ends without widgets and for saved notebooks."""

import io
from typing import Optional

from .series import SeriesTable


def series_png(table: SeriesTable, title: Optional[str] = None) -> bytes:
    """Draw every series of `table` on an Agg canvas and return the PNG bytes.

    An explicit Figure (never pyplot): no global state, safe from a worker thread.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.4, 3.2), dpi=80)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    x, ys = table.window(len(table))
    for name, y in zip(table.names, ys):
        axes.plot(x, y, label=str(name), linewidth=1)
    if len(table.names) > 1:
        axes.legend(loc="upper right")
    axes.set_xlabel("sample")
    axes.set_title(title or f"{len(table)} values")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
