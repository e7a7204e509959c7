"""%belay_sync: mirror a host folder onto the board, with progress."""

from pathlib import Path

from IPython.core.magic import Magics, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring

from belay_engine.sync import sync

from ..widgets.progress import sync_progress
from .arguments import device_argument
from .registry import DeviceRegistry


@magics_class
class FileMagics(Magics):
    """Files on the board."""

    def __init__(self, shell, devices: DeviceRegistry):
        super().__init__(shell=shell)
        self._devices = devices

    @magic_arguments()
    @device_argument
    @argument("folder", nargs="?", default=".", help="Host folder (or file) to mirror (default: the current folder).")
    @argument("--dst", default="/", help="Board folder to sync into.")
    @argument("--ignore", nargs="*", default=None, help="Host paths not to sync (gitignore-style patterns).")
    @argument("--keep", nargs="*", default=None, help="Board paths never deleted (gitignore-style patterns).")
    @argument("--no-minify", action="store_true", help="Send .py files as they are.")
    @argument("--mpy-cross", default=None, metavar="BINARY", help="Compile .py files with this mpy-cross.")
    @line_magic
    def belay_sync(self, line):
        """Make a board folder match a host folder, sending only files whose hash differs.

        Board files under --dst that are not in the host folder are deleted, except kept ones (by default at
        the root: boot.py, webrepl_cfg.py and lib). Progress shows as a bar in a notebook, as lines elsewhere.
        """
        args = parse_argstring(self.belay_sync, line)
        device = self._devices.get(args.device)
        plan = sync(
            device,
            Path(args.folder).expanduser(),
            dst=args.dst,
            keep=args.keep,
            ignore=args.ignore,
            minify=not args.no_minify,
            mpy_cross_binary=args.mpy_cross,
            progress_update=sync_progress(),
        )
        removed = len(plan.remove_files)
        print(f"Synced {args.folder} to {args.dst}: {len(plan.uploads)} sent, {removed} removed, rest unchanged.")
