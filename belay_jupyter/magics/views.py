"""%belay_proxy and %belay_plot: look at board objects and generator streams."""

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring

from .arguments import device_argument
from .errors import with_short_errors
from .registry import DeviceRegistry


@with_short_errors
@magics_class
class ViewMagics(Magics):
    """Views of what lives on the board."""

    def __init__(self, shell, devices: DeviceRegistry):
        super().__init__(shell=shell)
        self._devices = devices

    @magic_arguments()
    @device_argument
    @argument("name", help="Board global (or expression) to proxy.")
    @line_magic
    def belay_proxy(self, line):
        """Return a ProxyObject for a board global: attributes, items and calls go to the board.

        In a notebook the proxy displays as a widget: attributes (or items) with editors, methods with a Call
        button, and a Refresh button.
        """
        args = parse_argstring(self.belay_proxy, line)
        return self._devices.get(args.device).proxy(args.name)

    @magic_arguments()
    @argument("--window", "-w", type=int, default=200, help="Values shown at a time.")
    @argument("--fps", type=float, default=20.0, help="Redraws per second at most.")
    @argument("call", nargs="+", help="A generator task call, e.g. read_adc(100).")
    @line_magic
    def belay_plot(self, line):
        """Plot what a generator task yields, live, and return the StreamPlot; the cell returns at once.

        Values may be numbers, tuples or lists of numbers (one series per position) or dicts of named series.
        Stop interrupts the task on the board; `.values` holds every value, `.wait()` returns them as a
        DataFrame when the task ends. Same as ``belay_jupyter.plot(CALL, window=N, fps=F)``.
        """
        args = parse_argstring(self.belay_plot, line)
        stream = self.shell.ev(" ".join(args.call))
        if not hasattr(stream, "__next__"):
            raise UsageError("%belay_plot needs a generator task call, e.g. %belay_plot read_adc(100)")
        from ..widgets.stream_plot import plot

        return plot(stream, window=args.window, fps=args.fps)
