"""%belay_sync %belay_ls %belay_cat %belay_put %belay_get %belay_rm, generated from the file commands' table."""

from typing import Callable

from IPython.core.magic import Magics, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring

from belay_engine.commands import FileContents
from belay_engine.commands.line_commands import FILE_COMMANDS, LineCommand

from ..widgets.progress import sync_progress
from .arguments import device_argument
from .errors import with_short_errors
from .registry import DeviceRegistry

PREFIX = "belay_"


class FileMagics(Magics):
    """Files on the board."""

    def __init__(self, shell, devices: DeviceRegistry):
        super().__init__(shell=shell)
        self._devices = devices


def _file_magic(command: LineCommand) -> Callable:
    def magic(self, line):
        parsed = parse_argstring(magic, line)
        device = self._devices.get(parsed.device)
        progress = sync_progress() if command.reports_progress else None
        result = command.call(device, parsed, progress)
        print(result, end="" if isinstance(result, FileContents) else "\n")  # a file is shown as it is, like cat

    magic.__name__ = magic.__qualname__ = PREFIX + command.name
    magic.__doc__ = command.description
    for flags, options in reversed(command.argument_specs()):
        magic = argument(*flags, **options)(magic)
    return magic_arguments()(device_argument(magic))


for _command in FILE_COMMANDS.values():
    setattr(FileMagics, PREFIX + _command.name, line_magic(_file_magic(_command)))
FileMagics = with_short_errors(magics_class(FileMagics))
