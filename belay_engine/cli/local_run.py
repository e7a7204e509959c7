"""``belay run micropython main.py``: run a local program (the unix port, say) with the project's dependencies."""

import os
import subprocess
import tempfile
from pathlib import Path

from .. import packages


def run_local(command: list[str]) -> int:
    """Run `command` with MICROPYPATH holding the current folder and every staged dependency group; its exit code.

    The groups, optional ones too, are copied into one temporary folder laid out as the board's /lib.
    """
    import shutil

    project = packages.load_project()
    with tempfile.TemporaryDirectory(prefix="belay-run-") as folder:
        for group in project.groups:
            staged = project.dependencies_folder / group.name
            if staged.is_dir():
                shutil.copytree(staged, folder, dirs_exist_ok=True)
        env = {**os.environ, "MICROPYPATH": os.pathsep.join([".", str(Path(folder))])}
        return subprocess.run(command, env=env, check=False).returncode
