"""`pip install belay-jupyter`, with no extras, into a fresh environment gives the whole product."""

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHECK = """
import json, subprocess, sys
from belay import Device
from IPython.core.interactiveshell import InteractiveShell

with Device("virtual:") as device:
    board_sum = device("1 + 2")
shell = InteractiveShell.instance()
shell.run_line_magic("load_ext", "belay")
magics = sorted(name for name in shell.magics_manager.magics["line"] if name.startswith("belay"))
specs = json.loads(subprocess.run(
    [sys.executable, "-m", "jupyter", "kernelspec", "list", "--json"], capture_output=True, text=True, check=True
).stdout)["kernelspecs"]
import bqplot, ipywidgets, matplotlib  # the widgets and live plots
print(json.dumps({"sum": board_sum, "magics": magics, "kernel": specs["belay"]["spec"]["display_name"],
                  "prefix": specs["belay"]["resource_dir"].startswith(sys.prefix)}))
"""


@pytest.mark.timeout(600)
def test_a_plain_pip_install_brings_the_kernel_the_extension_and_the_virtual_board(tmp_path):
    wheel_dir = tmp_path / "wheel"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(wheel_dir), str(ROOT)],
        check=True,
        timeout=300,
        capture_output=True,
    )
    (wheel,) = wheel_dir.glob("belay_jupyter-*.whl")
    env_dir = tmp_path / "env"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    environment = {key: value for key, value in os.environ.items() if key not in ("VIRTUAL_ENV", "PYTHONPATH")}
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)],
        check=True,
        timeout=500,
        env=environment,
        capture_output=True,
    )
    # Run from an empty folder so the checkout's packages cannot stand in for the installed ones.
    result = subprocess.run(
        [str(python), "-c", CHECK], capture_output=True, text=True, timeout=120, cwd=tmp_path, env=environment
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["sum"] == 3
    assert {"belay", "belay_connect", "belay_sync", "belay_plot"} <= set(report["magics"])
    assert report["kernel"] == "Belay MicroPython"
    assert report["prefix"]  # the spec came with the package, into the environment's own share/jupyter
