"""Device's file methods: `sync` a folder to the board, and `sync_dependencies` of the project."""

import os
from typing import Any, Callable, Optional, Union


class FileMethods:
    """The file side of `Device` (a base class of it): each method works through the Device's session."""

    def sync(
        self,
        folder: Union[str, "os.PathLike[str]"],
        dst: str = "/",
        keep: Union[str, list, tuple, bool, None] = None,
        ignore: Union[str, list, tuple, None] = None,
        minify: bool = True,
        mpy_cross_binary: Optional[str] = None,
        progress_update: Optional[Callable[..., Any]] = None,
    ) -> None:
        """Make the board folder `dst` match the local `folder`, sending only files that differ.

        Parameters
        ----------
        folder : path
            Local folder (or a single file) to mirror on the board.
        dst : str
            Board folder to sync into; must start with ``/``.
        keep : str, list of str, or bool, optional
            Board paths (gitignore-style, relative to `dst`) never deleted. Default at ``/``: ``boot.py``,
            ``webrepl_cfg.py``, ``lib`` and ``.belay`` (the engine's kept helpers); elsewhere nothing. ``True``
            deletes nothing.
        ignore : str or list of str, optional
            Local paths (gitignore-style, relative to `folder`) not synced, on top of VCS folders, caches and
            the patterns of a ``.belayignore`` file.
        minify : bool
            Minify ``.py`` files on the way (line numbers are kept).
        mpy_cross_binary : str, optional
            Compile ``.py`` files (but ``boot.py`` and ``main.py``) to ``.mpy`` with this mpy-cross, for the
            board's .mpy version and architecture; a mismatched mpy-cross is refused before anything is sent.
        progress_update : callable, optional
            Called with ``description=``, ``total=`` or ``advance=`` keywords as the sync proceeds.

        Raises
        ------
        ValueError
            `folder` does not exist or `dst` does not start with ``/``.
        """
        from .sync import sync

        sync(self.session, folder, dst, keep, ignore, minify, mpy_cross_binary, progress_update)

    def sync_dependencies(
        self,
        *groups: Any,
        project: Any = None,
        dst: str = "/lib",
        minify: bool = True,
        mpy_cross_binary: Optional[str] = None,
        progress_update: Optional[Callable[..., Any]] = None,
    ) -> Any:
        """Put the project's staged dependencies on the board's ``/lib``, sending only files that differ.

        Syncs the non-optional groups and the optional ones named in `groups`, as staged by ``belay install``;
        ``develop`` dependencies are read from their folders as they are now. A manifest on the board
        (``/lib/.belay-dependencies.json``) records which files each group put there: a later call removes only
        the files of the groups it syncs that are no longer wanted (and those of groups gone from
        pyproject.toml), so files that Belay did not put in ``/lib`` are never touched. Call it from
        ``__pre_autoinit__`` to have every connection bring ``/lib`` up to date. Belay 0.30's form
        ``sync_dependencies(package_module, "subfolder", ...)`` syncs those folders of a Python package instead.

        Parameters
        ----------
        *groups : str
            Optional groups to sync too; an unknown name is a ConfigError.
        project : Project, optional
            Default: the project found walking up from the current folder.
        dst : str
            Board folder; ``/lib`` is on MicroPython's import path.
        minify, mpy_cross_binary, progress_update
            As for `sync`.

        Returns
        -------
        BoardSyncReport
            The board paths sent and removed.
        """
        from .packages import sync_dependencies

        return sync_dependencies(
            self,
            *groups,
            project=project,
            dst=dst,
            minify=minify,
            mpy_cross_binary=mpy_cross_binary,
            progress_update=progress_update,
        )
