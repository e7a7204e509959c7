"""Kernels started from other kernel specs: both interrupt modes, and a board port given as a spec argument."""

import json
import sys

import pytest
from jupyter_client.manager import KernelManager

from .conftest import execute, reply_to, results_of, stdout_of, wait_for_output


def start_kernel_from_spec(tmp_path, monkeypatch, *, interrupt_mode="signal", extra_argv=()):
    """Write a kernel spec under a temporary JUPYTER_PATH and start a kernel from it; return (manager, client)."""
    spec_folder = tmp_path / "kernels" / "belay-test"
    spec_folder.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "belay_jupyter.kernel", "-f", "{connection_file}", *extra_argv],
        "display_name": "Belay MicroPython (test)",
        "language": "python",
        "interrupt_mode": interrupt_mode,
    }
    (spec_folder / "kernel.json").write_text(json.dumps(spec))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    manager = KernelManager(kernel_name="belay-test")
    manager.start_kernel()
    client = manager.client()
    client.start_channels()
    client.wait_for_ready(timeout=60)
    return manager, client


@pytest.mark.parametrize(
    ("mode", "interrupt_after"),
    [
        # Once the board runs the loop, in each interrupt mode.
        ("signal", "spinning"),
        ("message", "spinning"),
        # At the kernel's "Connected to" line: while the code goes out, the board compiles it or has just started
        # it (a board takes Ctrl-C as input until its code runs).
        ("signal", "Connected to"),
    ],
)
def test_an_interrupt_stops_the_board_code_and_leaves_the_kernel_usable(mode, interrupt_after, tmp_path, monkeypatch):
    monkeypatch.setenv("BELAY_DEVICE", "virtual:")
    manager, client = start_kernel_from_spec(tmp_path, monkeypatch, interrupt_mode=mode)
    try:
        # stop_on_error=False: after an error reply the kernel aborts requests that reach it before it is done
        # aborting, and the next cell goes at once.
        msg_id = client.execute("print('spinning')\nwhile True:\n    pass", stop_on_error=False)
        wait_for_output(client, msg_id, interrupt_after)
        manager.interrupt_kernel()
        reply = reply_to(client, msg_id)
        assert (reply["content"]["status"], reply["content"]["ename"]) == ("error", "KeyboardInterrupt")
        reply, messages = execute(client, "6 * 7")
        assert results_of(messages) == ["42"]
    finally:
        client.stop_channels()
        manager.shutdown_kernel()  # a shutdown request: the kernel closes its board and its temporary folders


def test_a_port_given_in_the_kernel_spec_is_used_and_announced(tmp_path, monkeypatch):
    monkeypatch.delenv("BELAY_DEVICE", raising=False)
    root = tmp_path / "board"
    root.mkdir()
    (root / "marker.txt").write_text("here")
    manager, client = start_kernel_from_spec(tmp_path, monkeypatch, extra_argv=[f"--BelayKernel.port=virtual:{root}"])
    try:
        reply, messages = execute(client, "open('/marker.txt').read()")
        assert reply["content"]["status"] == "ok"
        assert f"Connected to virtual:{root}" in stdout_of(messages)
        assert [m["content"]["data"]["text/plain"] for m in messages if m["msg_type"] == "execute_result"] == ["'here'"]
    finally:
        client.stop_channels()
        manager.shutdown_kernel()  # a shutdown request: the kernel closes its board and its temporary folders


def test_shutting_the_kernel_down_removes_its_virtual_board_folder(tmp_path, monkeypatch):
    import re
    from pathlib import Path

    monkeypatch.setenv("BELAY_DEVICE", "virtual:")
    manager, client = start_kernel_from_spec(tmp_path, monkeypatch)
    try:
        _, messages = execute(client, "%info")
        root = Path(re.search(r"virtual board at (\S+?)'", stdout_of(messages)).group(1))
        assert root.is_dir()
    finally:
        client.stop_channels()
        manager.shutdown_kernel()
    assert not root.exists()
