"""A real Belay MicroPython kernel process, driven through jupyter_client, on a virtual board."""

import time

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


def execute(client, code, timeout=TIMEOUT):
    """Run `code`; return (shell reply, iopub messages of this request up to idle)."""
    msg_id = client.execute(code)
    reply = client.get_shell_msg(timeout=timeout)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = client.get_shell_msg(timeout=timeout)
    messages = []
    while True:
        message = client.get_iopub_msg(timeout=timeout)
        if message["parent_header"].get("msg_id") != msg_id:
            continue
        if message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
            return reply, messages
        messages.append(message)


def wait_for_output(client, msg_id, timeout=TIMEOUT):
    """Wait for the first stream message of request `msg_id`."""
    deadline = time.monotonic() + timeout
    while True:
        message = client.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
        if message["parent_header"].get("msg_id") == msg_id and message["msg_type"] == "stream":
            return message


def stdout_of(messages):
    """Text of the stdout stream messages."""
    return "".join(m["content"]["text"] for m in messages if m["msg_type"] == "stream")
