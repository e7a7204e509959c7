import json
import subprocess
import sys

from jupyter_client.kernelspec import KernelSpecManager


def test_the_kernel_spec_is_installed_with_the_package():
    spec = KernelSpecManager().get_kernel_spec("belay")
    assert spec.display_name == "Belay MicroPython"
    assert spec.language == "python"
    assert spec.argv[1:3] == ["-m", "belay_jupyter.kernel"]


def test_install_command_writes_a_spec_under_a_prefix(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "belay_jupyter.kernel", "install", "--prefix", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    folder = tmp_path / "share" / "jupyter" / "kernels" / "belay"
    assert str(folder) in result.stdout
    spec = json.loads((folder / "kernel.json").read_text())
    assert spec["argv"][0] == sys.executable
    assert (folder / "logo-64x64.png").exists()
