"""A real Belay MicroPython kernel process, driven through jupyter_client, on a virtual board."""

import re
import time
from pathlib import Path

import pytest
from jupyter_client.manager import start_new_kernel

TIMEOUT = 30


@pytest.fixture
def board_folder(tmp_path):
    """The host folder that is the kernel's board `/`."""
    root = tmp_path / "board"
    root.mkdir()
    return root


@pytest.fixture
def kernel(board_folder):
    """(manager, client) of a kernel connected to a virtual board rooted at `board_folder`."""
    manager, client = start_new_kernel(kernel_name="belay", startup_timeout=60)
    try:
        reply, _ = execute(client, f"%connect virtual:{board_folder}")
        assert reply["content"]["status"] == "ok", reply["content"]
        yield manager, client
    finally:
        client.stop_channels()
        manager.shutdown_kernel()  # a shutdown request: the kernel closes its board and its temporary folders


def execute(client, code, timeout=TIMEOUT, **options):
    """Run `code` (`options` go to the execute_request); return (shell reply, iopub messages of it up to idle)."""
    msg_id = client.execute(code, **options)
    reply = reply_to(client, msg_id, timeout)
    messages = []
    while True:
        message = client.get_iopub_msg(timeout=timeout)
        if message["parent_header"].get("msg_id") != msg_id:
            continue
        if message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
            return reply, messages
        messages.append(message)


def reply_to(client, msg_id, timeout=TIMEOUT):
    """The shell reply to request `msg_id`.

    Others are skipped: `wait_for_ready` sends a kernel_info_request every second until one is answered, so
    a slow start leaves extra kernel_info_replies on the shell channel.
    """
    deadline = time.monotonic() + timeout
    while True:
        reply = client.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply


def wait_for_output(client, msg_id, text, timeout=TIMEOUT):
    """Wait until request `msg_id` has printed `text` (on a first cell the kernel first says it connected)."""
    deadline = time.monotonic() + timeout
    seen = ""
    while text not in seen:
        message = client.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
        if message["parent_header"].get("msg_id") == msg_id and message["msg_type"] == "stream":
            seen += message["content"]["text"]


def stdout_of(messages):
    """Text of the stdout stream messages."""
    return "".join(m["content"]["text"] for m in messages if m["msg_type"] == "stream")


def results_of(messages):
    """The text/plain of the execute_result messages."""
    return [m["content"]["data"]["text/plain"] for m in messages if m["msg_type"] == "execute_result"]


def without_ansi(text):
    """`text` without its ANSI colour codes."""
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def board_pids_of(kernel_pid):
    """MicroPython processes started by the kernel process."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            name = stat[stat.index("(") + 1 : stat.rindex(")")]
            if name.startswith("micropython") and int(stat[stat.rindex(")") + 2 :].split()[1]) == kernel_pid:
                pids.append(int(entry.name))
    return pids
