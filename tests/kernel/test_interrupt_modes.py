"""Interrupting works with both of Jupyter's interrupt modes: a signal, or an interrupt_request message."""

import json
import sys

import pytest
from jupyter_client.manager import KernelManager

from .conftest import TIMEOUT, execute, wait_for_output


@pytest.mark.parametrize("mode", ["signal", "message"])
def test_interrupt_in_each_mode_stops_the_board_code(mode, tmp_path, monkeypatch):
    spec_folder = tmp_path / "kernels" / "belay-mode"
    spec_folder.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "belay_jupyter.kernel", "-f", "{connection_file}"],
        "display_name": f"Belay MicroPython ({mode} interrupts)",
        "language": "python",
        "interrupt_mode": mode,
    }
    (spec_folder / "kernel.json").write_text(json.dumps(spec))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    monkeypatch.setenv("BELAY_DEVICE", "virtual:")
    manager = KernelManager(kernel_name="belay-mode")
    manager.start_kernel()
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        wait_for_output(client, client.execute("print('spinning')\nwhile True:\n    pass"))
        manager.interrupt_kernel()
        reply = client.get_shell_msg(timeout=TIMEOUT)
        assert (reply["content"]["status"], reply["content"]["ename"]) == ("error", "KeyboardInterrupt")
        reply, messages = execute(client, "6 * 7")
        assert [m["content"]["data"]["text/plain"] for m in messages if m["msg_type"] == "execute_result"] == ["42"]
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
