"""Widgets in a real IPython kernel: the live plot's Stop button and the proxy view's editors work between cells."""

import os
import time
from pathlib import Path

import pytest
from jupyter_client.manager import start_new_kernel

from ..kernel.conftest import execute

TIMEOUT = 60


@pytest.fixture
def python_kernel(tmp_path, monkeypatch):
    """(manager, client) of an ipykernel with the extension loaded and a virtual board connected."""
    monkeypatch.setenv("BELAY_DEVICE", "virtual:")
    manager, client = start_new_kernel(kernel_name="python3", startup_timeout=60, cwd=str(tmp_path))
    try:
        reply, _ = execute(client, "%load_ext belay\n%belay_connect\nimport belay_jupyter", TIMEOUT)
        assert reply["content"]["status"] == "ok", reply["content"]
        yield manager, client
    finally:
        client.stop_channels()
        manager.shutdown_kernel()


def value_of(client, expression):
    """The text/plain repr of `expression` evaluated in the kernel."""
    reply, messages = execute(client, expression, TIMEOUT)
    assert reply["content"]["status"] == "ok", reply["content"]
    results = [m for m in messages if m["msg_type"] == "execute_result"]
    return results[-1]["content"]["data"]["text/plain"]


def send_to_widget(client, model_id, data):
    """A front end's message to a widget model, handled by the kernel while no cell runs."""
    message = client.session.msg("comm_msg", {"comm_id": model_id, "data": data})
    client.shell_channel.send(message)


def poll(client, expression, expected, seconds=30.0):
    """Evaluate `expression` until its repr is `expected` (the kernel handles widget messages in between)."""
    deadline = time.monotonic() + seconds
    while True:
        value = value_of(client, expression)
        if value == expected or time.monotonic() > deadline:
            return value


LIVE_TASK = """%%belay_task
def read_adc(samples):
    import time
    from machine import ADC

    global streaming
    adc = ADC(0)
    streaming = True
    try:
        for _ in range(samples):
            yield adc.read_u16()
            time.sleep_ms(10)
    finally:
        streaming = False
"""


def test_stop_button_interrupts_the_task_while_no_cell_runs(python_kernel):
    _, client = python_kernel
    execute(client, "%belay streaming = False", TIMEOUT)
    execute(client, LIVE_TASK, TIMEOUT)
    reply, messages = execute(client, "live = belay_jupyter.plot(read_adc(100000))", TIMEOUT)
    assert reply["content"]["status"] == "ok"
    shown = [m for m in messages if m["msg_type"] == "display_data"]
    assert "application/vnd.jupyter.widget-view+json" in shown[0]["content"]["data"]
    assert poll(client, "len(live.values) > 5", "True") == "True"
    assert value_of(client, "%belay streaming") == "True"
    model_id = value_of(client, "live.stop_button.model_id").strip("'")
    send_to_widget(client, model_id, {"method": "custom", "content": {"event": "click"}})
    assert poll(client, "live.state", "'stopped'") == "'stopped'"
    assert value_of(client, "%belay streaming") == "False"
    assert value_of(client, "live.count_label.value") == repr(f"{int(value_of(client, 'len(live.values)'))} values")


def test_kernel_shutdown_during_a_live_plot_leaves_no_board_process(tmp_path, monkeypatch):
    monkeypatch.setenv("BELAY_DEVICE", "virtual:")
    manager, client = start_new_kernel(kernel_name="python3", startup_timeout=60, cwd=str(tmp_path))
    try:
        execute(client, "%load_ext belay\n%belay_connect\nimport belay_jupyter", TIMEOUT)
        execute(client, LIVE_TASK, TIMEOUT)
        execute(client, "live = belay_jupyter.plot(read_adc(100000))", TIMEOUT)
        assert poll(client, "len(live.values) > 5", "True") == "True"
        board_pid = int(value_of(client, "device.session.repl.transport.pid"))
    finally:
        client.stop_channels()
        manager.shutdown_kernel()
    assert not manager.is_alive()
    assert not _running(board_pid)


def _running(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "State:\tZ" not in status.read_text()


def test_editing_a_proxy_attribute_in_the_view_writes_it_to_the_board(python_kernel):
    _, client = python_kernel
    execute(client, "%%belay\nclass Motor:\n    def __init__(self):\n        self.speed = 10\nmotor = Motor()", TIMEOUT)
    reply, _ = execute(
        client,
        "from belay_jupyter.widgets.proxy_view import ProxyView\n"
        "motor = %belay_proxy motor\nview = ProxyView(motor)",
        TIMEOUT,
    )
    assert reply["content"]["status"] == "ok", reply["content"]
    model_id = value_of(client, "view.editors['speed'].model_id").strip("'")
    send_to_widget(client, model_id, {"method": "update", "state": {"value": 42}, "buffer_paths": []})
    assert poll(client, "%belay motor.speed", "42") == "42"


def test_sync_in_a_kernel_shows_a_progress_bar(python_kernel, tmp_path):
    _, client = python_kernel
    source = tmp_path / "project"
    source.mkdir()
    (source / "main.py").write_text("print('main')\n")
    reply, messages = execute(client, f"%belay_sync {source}", TIMEOUT)
    assert reply["content"]["status"] == "ok", reply["content"]
    shown = [m["content"]["data"] for m in messages if m["msg_type"] == "display_data"]
    assert "application/vnd.jupyter.widget-view+json" in shown[0]
    text = "".join(m["content"]["text"] for m in messages if m["msg_type"] == "stream")
    assert "[1/1]" not in text  # the bar replaces the text lines
    assert "1 sent, 0 removed" in text
