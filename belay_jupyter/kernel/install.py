"""Install the kernel spec ("belay", Belay MicroPython) with this Python as the kernel's interpreter."""

import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Optional

KERNEL_NAME = "belay"
SPEC_FOLDER = Path(__file__).resolve().parents[2] / "share" / "jupyter" / "kernels" / KERNEL_NAME


def kernel_spec(python: Optional[str] = None) -> dict:
    """The kernel.json content, launching the kernel with `python` (this interpreter by default)."""
    return {
        "argv": [python or sys.executable, "-m", "belay_jupyter.kernel", "-f", "{connection_file}"],
        "display_name": "Belay MicroPython",
        "language": "python",
        "interrupt_mode": "signal",
        "metadata": {"debugger": False},
    }


def install(user: bool = False, prefix: Optional[str] = None) -> str:
    """Install the kernel spec and return the folder it went to.

    Parameters
    ----------
    user : bool
        Install for the current user (``~/.local/share/jupyter``).
    prefix : str, optional
        Install under this prefix (``sys.prefix`` for ``--sys-prefix``).
    """
    from jupyter_client.kernelspec import KernelSpecManager

    with tempfile.TemporaryDirectory() as folder:
        for logo in SPEC_FOLDER.glob("logo-*.png"):
            shutil.copy(logo, folder)
        (Path(folder) / "kernel.json").write_text(json.dumps(kernel_spec(), indent=2))
        return KernelSpecManager().install_kernel_spec(folder, KERNEL_NAME, user=user, prefix=prefix)
