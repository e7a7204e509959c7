"""How a ProxyObject displays is registered by the IPython side: by ``%load_ext belay``, and by importing belay."""

import subprocess
import sys

from belay_engine import ProxyObject
from belay_jupyter.widgets.display import PROXY_TYPE, proxy_display


def test_the_registered_names_are_those_of_the_engine_s_class():
    assert (ProxyObject.__module__, ProxyObject.__qualname__) == PROXY_TYPE


def test_loading_the_extension_registers_the_proxy_display(ip):
    assert ip.display_formatter.mimebundle_formatter.lookup_by_type(ProxyObject) is proxy_display


def test_the_engine_s_proxy_has_no_display_method_of_its_own():
    # The engine knows nothing of IPython: without the registration a proxy is shown by its repr.
    assert "_repr_mimebundle_" not in vars(ProxyObject)


SHELL = """\
from IPython.core.interactiveshell import InteractiveShell

shell = InteractiveShell.instance()
shell.kernel = object()  # what ipykernel's shell has: a widget front end
import {package}
from belay_engine import Device

with Device("virtual:") as device:
    device("data = [1, 2]")
    data, _ = shell.display_formatter.format(device.proxy("data"))
    print(sorted(data), data["text/plain"])
"""


def test_importing_belay_in_a_running_shell_registers_the_display_without_the_extension():
    for package in ("belay", "belay_jupyter"):
        result = subprocess.run(
            [sys.executable, "-c", SHELL.format(package=package)], capture_output=True, text=True, timeout=90
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout == (
            "['application/vnd.jupyter.widget-view+json', 'text/plain'] <ProxyObject [1, 2]>\n"
        ), package


def test_importing_belay_outside_ipython_registers_nothing_and_imports_no_ipython():
    code = "import sys, belay\nprint(sorted(m for m in sys.modules if m.split('.')[0] in ('IPython', 'ipywidgets')))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "[]\n"
