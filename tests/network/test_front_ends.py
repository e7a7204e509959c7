"""The IPython magics and the Jupyter kernel reach boards over the network transports too."""

import subprocess
import sys

from jupyter_client.manager import start_new_kernel

from ..kernel.conftest import execute
from .conftest import KINDS

#: IPython in a child process: the magics connect to each URL given and evaluate on the board. (This
#: process's test shell is started once per session by tests/magics, so a second one is not made here.)
MAGICS_SCRIPT = """
import sys
from IPython.testing.globalipapp import start_ipython
ip = start_ipython()
ip.run_line_magic("load_ext", "belay")
for number, url in enumerate(sys.argv[1:]):
    ip.run_line_magic("belay_connect", f"{url} --password python --name board{number}")
    print(url, ip.run_line_magic("belay", "6 * 7"))
    ip.run_line_magic("belay_disconnect", f"board{number}")
"""


def test_the_magics_connect_and_run_over_every_network_transport(network_board):
    urls = [network_board.url(kind) for kind in KINDS]
    finished = subprocess.run(
        [sys.executable, "-c", MAGICS_SCRIPT, *urls], capture_output=True, text=True, timeout=120, check=False
    )
    assert finished.returncode == 0, finished.stderr
    answers = [line.split() for line in finished.stdout.splitlines() if line.split()[:1] and line.split()[0] in urls]
    assert answers == [[url, "42"] for url in urls], finished.stdout + finished.stderr


def test_the_kernel_connects_and_runs_over_telnet(network_board):
    kind = "telnet"
    manager, client = start_new_kernel(kernel_name="belay", startup_timeout=60)
    try:
        reply, _ = execute(client, f"%connect {network_board.url(kind)} --password python")
        assert reply["content"]["status"] == "ok", reply["content"]
        reply, messages = execute(client, "print(6 * 7)")
        assert reply["content"]["status"] == "ok", reply["content"]
        printed = "".join(m["content"].get("text", "") for m in messages if m["msg_type"] == "stream")
        assert printed.strip() == "42"
    finally:
        client.stop_channels()
        manager.shutdown_kernel()
