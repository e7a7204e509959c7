"""``belay kernel install``: the kernel's command in the ``belay`` command line.

The CLI finds it through the ``belay.commands`` entry point group (pyproject.toml), so the engine never
imports the kernel.
"""

import sys
from typing import Optional

from cyclopts import App

from belay_engine.cli.common import say

kernel_app = App(name="kernel", help="The Belay MicroPython Jupyter kernel.")


@kernel_app.command(name="install")
def kernel_install(*, user: bool = False, prefix: Optional[str] = None, sys_prefix: bool = False) -> None:
    """Install the Jupyter kernel spec "belay" (Belay MicroPython), run by this Python.

    Parameters
    ----------
    user : bool
        Install for the current user only.
    prefix : str, optional
        Install under this prefix.
    sys_prefix : bool
        Install under this Python's prefix (a virtual environment's own Jupyter).
    """
    from .install import install

    say(f"Installed the belay kernel spec in {install(user=user, prefix=sys.prefix if sys_prefix else prefix)}")
