"""%belay_proxy and %belay_plot: look at board objects and generator streams."""

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring

from .arguments import device_argument
from .registry import DeviceRegistry


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
        """Return a ProxyObject for a board global: attributes, items and calls go to the board."""
        args = parse_argstring(self.belay_proxy, line)
        return self._devices.get(args.device).proxy(args.name)

    @magic_arguments()
    @argument("--window", "-w", type=int, default=200, help="Values shown at a time.")
    @argument("--fps", type=float, default=20.0, help="Redraws per second at most.")
    @argument("call", nargs="+", help="A generator task call, e.g. read_adc(100).")
    @line_magic
    def belay_plot(self, line):
        """Run a generator task and show what it yields as it arrives; return every value as a list.

        This text view prints the latest values; the live plot widget replaces it in widget front ends.
        """
        args = parse_argstring(self.belay_plot, line)
        stream = self.shell.ev(" ".join(args.call))
        if not hasattr(stream, "__next__"):
            raise UsageError("%belay_plot needs a generator task call, e.g. %belay_plot read_adc(100)")
        values = []
        for value in stream:
            values.append(value)
            print(f"{len(values)}: {value!r}")
        return values
