"""%belay_connect %belay_disconnect %belay_devices %belay_reset %belay_info %belay_latency."""

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring

from belay_engine import Device, commands
from belay_engine.commands.docs import parameter_help

from .arguments import device_argument, doc_from
from .errors import with_short_errors
from .registry import DeviceRegistry

_CONNECT = parameter_help(commands.connect)
_LATENCY = parameter_help(commands.latency)
_RESET = parameter_help(commands.reset)


def _describe(name: str, device: Device) -> str:
    return f"{name}: {device._port} — {commands.describe_board(device)}"


@with_short_errors
@magics_class
class ConnectionMagics(Magics):
    """Connect to boards and look after the connections."""

    def __init__(self, shell, devices: DeviceRegistry):
        super().__init__(shell=shell)
        self._devices = devices

    @magic_arguments()
    @argument(
        "port",
        nargs="?",
        default=None,
        help=_CONNECT["port"] + " With none of those: the virtual board.",
    )
    @argument("--name", "-n", default="device", help="Name of the connection, and of the variable bound to it.")
    @argument("--password", default=None, help=_CONNECT["password"])
    @line_magic
    def belay_connect(self, line):
        """Connect to a board; the Device is bound in the namespace under --name and becomes current.

        Without a port: BELAY_DEVICE if set, else the one MicroPython USB board plugged in, else the virtual board.
        """
        args = parse_argstring(self.belay_connect, line)
        if not args.name.isidentifier():
            raise UsageError(f"--name must be a Python identifier, not {args.name!r}")
        connected = commands.connect(args.port, password=args.password, name=args.name, virtual_fallback=True)
        self._devices.add(args.name, connected.device)
        self.shell.user_ns[args.name] = connected.device
        print(connected)
        return None

    @magic_arguments()
    @argument("name", nargs="?", default=None, help="Device to close (default: the current one).")
    @line_magic
    def belay_disconnect(self, line):
        """Close a board connection."""
        args = parse_argstring(self.belay_disconnect, line)
        name = self._devices.remove(args.name)
        if self.shell.user_ns.get(name) is not None and self.shell.user_ns[name].__class__ is Device:
            del self.shell.user_ns[name]
        print(f"Disconnected {name}")

    @line_magic
    def belay_devices(self, line):
        """List the open connections; the current one is marked with *."""
        if not self._devices.devices:
            print("No boards connected; %belay_connect [PORT] connects one.")
        for name, device in self._devices.devices.items():
            marker = "*" if name == self._devices.current else " "
            print(f"{marker} {_describe(name, device)}")

    @magic_arguments()
    @device_argument
    @argument("--hard", action="store_true", help=_RESET["hard"])
    @doc_from(commands.reset)
    @line_magic
    def belay_reset(self, line):  # noqa: D102 (the docstring is the command's)
        args = parse_argstring(self.belay_reset, line)
        print(commands.reset(self._devices.get(args.device), args.hard))

    @magic_arguments()
    @device_argument
    @doc_from(commands.info)
    @line_magic
    def belay_info(self, line):  # noqa: D102 (the docstring is the command's)
        args = parse_argstring(self.belay_info, line)
        return commands.info(self._devices.get(args.device))

    @magic_arguments()
    @device_argument
    @argument("--count", "-c", type=int, default=10, help=_LATENCY["count"])
    @doc_from(commands.latency)
    @line_magic
    def belay_latency(self, line):  # noqa: D102 (the docstring is the command's)
        args = parse_argstring(self.belay_latency, line)
        print(commands.latency(self._devices.get(args.device), args.count))
