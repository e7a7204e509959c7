"""%belay_connect %belay_disconnect %belay_devices %belay_reset %belay_info %belay_latency."""

import statistics
import time

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring

from belay_engine import Device
from belay_engine.transports import notebook_port

from .arguments import device_argument
from .registry import DeviceRegistry


def _describe(name: str, device: Device) -> str:
    implementation = device.implementation
    version = ".".join(map(str, implementation.version))
    return f"{name}: {device._port} — {implementation.name} {version} on {implementation.platform}"


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
        help="Port, e.g. /dev/ttyACM0 or virtual: (default: BELAY_DEVICE, else the one USB board, else virtual:).",
    )
    @argument("--name", "-n", default="device", help="Name of the connection, and of the variable bound to it.")
    @argument("--password", default=None, help="Password for WebREPL or telnet boards.")
    @line_magic
    def belay_connect(self, line):
        """Connect to a board; the Device is bound in the namespace under --name and becomes current.

        Without a port: BELAY_DEVICE if set, else the one MicroPython USB board plugged in, else the virtual board.
        """
        args = parse_argstring(self.belay_connect, line)
        if not args.name.isidentifier():
            raise UsageError(f"--name must be a Python identifier, not {args.name!r}")
        port = notebook_port(args.port)
        options = {} if args.password is None else {"password": args.password}
        device = Device(port, **options)
        self._devices.add(args.name, device)
        self.shell.user_ns[args.name] = device
        print(f"Connected {_describe(args.name, device)}")
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
    @argument("--hard", action="store_true", help="Reset as the reset button does (machine.reset()).")
    @line_magic
    def belay_reset(self, line):
        """Reset the board: globals cleared, files kept, tasks re-sent and autoinit setups run again.

        A soft reset by default; --hard resets the whole chip and reconnects if the port went away.
        """
        args = parse_argstring(self.belay_reset, line)
        device = self._devices.get(args.device)
        if args.hard:
            device.hard_reset()
        else:
            device.soft_reset()
        print(f"{'Hard' if args.hard else 'Soft'} reset done.")

    @magic_arguments()
    @device_argument
    @line_magic
    def belay_info(self, line):
        """Return the board's implementation facts (name, version, platform, arch, emitters)."""
        args = parse_argstring(self.belay_info, line)
        return self._devices.get(args.device).implementation

    @magic_arguments()
    @device_argument
    @argument("--count", "-c", type=int, default=100, help="Round trips to time.")
    @line_magic
    def belay_latency(self, line):
        """Time round trips of a tiny expression over the link; print min, median and max in ms."""
        args = parse_argstring(self.belay_latency, line)
        device = self._devices.get(args.device)
        times = []
        for _ in range(max(1, args.count)):
            started = time.perf_counter()
            device("0", record=False)
            times.append((time.perf_counter() - started) * 1000)
        print(
            f"{len(times)} round trips: min {min(times):.3f} ms, median {statistics.median(times):.3f} ms, "
            f"max {max(times):.3f} ms"
        )
