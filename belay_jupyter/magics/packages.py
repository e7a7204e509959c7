"""%belay_install: the project's dependencies staged and put in the board's /lib."""

from IPython.core.magic import Magics, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring

from belay_engine.commands import package_commands
from belay_engine.commands.docs import parameter_help

from ..widgets.progress import sync_progress
from .arguments import device_argument, doc_from
from .errors import with_short_errors
from .registry import DeviceRegistry

_INSTALL = parameter_help(package_commands.install)


@with_short_errors
@magics_class
class PackageMagics(Magics):
    """The package manager."""

    def __init__(self, shell, devices: DeviceRegistry):
        super().__init__(shell=shell)
        self._devices = devices

    @magic_arguments()
    @device_argument
    @argument("--with", dest="groups", action="append", default=None, metavar="GROUP", help=_INSTALL["groups"])
    @argument("--frozen", action="store_true", help=_INSTALL["frozen"])
    @doc_from(package_commands.install)
    @line_magic
    def belay_install(self, line):  # noqa: D102 (the docstring is the command's)
        args = parse_argstring(self.belay_install, line)
        device = self._devices.get(args.device)
        print(
            package_commands.install(device, groups=args.groups, frozen=args.frozen, progress=sync_progress("Install"))
        )
