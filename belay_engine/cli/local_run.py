"""``belay run micropython main.py``: run a local program (the unix port, say) with the project's dependencies."""

import os
import subprocess
import tempfile
from pathlib import Path

from .. import packages


def run_local(command: list[str]) -> int:
    """Run `command` with MICROPYPATH holding the current folder and the installed dependencies; its exit code.

    The non-optional groups, and the optional ones that were installed (``install --with``), are copied into one
    temporary folder laid out as the board's /lib, as `Device.sync_dependencies` would send them (develop
    dependencies read from where they live).
    """
    import shutil

    from ..packages.lock import read_lock

    project = packages.load_project()
    lock = read_lock(project.lock_path)
    installed = tuple(
        group.name
        for group in project.groups
        if group.optional and lock is not None and all(lock.find(group.name, name) for name in group.dependencies)
    )
    with tempfile.TemporaryDirectory(prefix="belay-run-") as folder:
        for files in packages.staged_tree(project, installed).values():
            for relative, local in files.items():
                target = Path(folder) / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(local, target)
        env = {**os.environ, "MICROPYPATH": os.pathsep.join([".", str(Path(folder))])}
        return subprocess.run(command, env=env, check=False).returncode
