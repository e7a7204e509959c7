"""Ctrl-C in the middle of ``belay sync``: exit 130, no half-written file on the board, and the board still answers."""

import os
import signal
import subprocess
import sys
import time

import pytest

from .conftest import TIMEOUT, belay, belay_env, serve_board

TEMPORARY_SUFFIX = ".belay-tmp"


@pytest.fixture
def slow_board(tmp_path):
    """A served board behind an emulated 115200 baud UART, so a sync of tens of KiB takes seconds."""
    served = serve_board(tmp_path / "slow", "--baud", "115200")
    yield served
    served.stop()


def _wait_for_temporary(root, process, deadline_seconds: float = TIMEOUT) -> str:
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        found = [p.name for p in root.iterdir() if p.name.endswith(TEMPORARY_SUFFIX)]
        if found:
            return found[0]
        assert process.poll() is None, process.communicate()
        time.sleep(0.01)  # polls the board's folder for the upload's first bytes, with the deadline above
    raise AssertionError("the sync never started writing a file")


def test_ctrl_c_mid_sync_exits_130_leaves_no_half_file_and_the_board_usable(slow_board, tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    contents = {f"blob{i}.bin": os.urandom(12_000) for i in range(3)}  # random: the compression cannot shrink it
    for name, data in contents.items():
        (project / name).write_bytes(data)
    sync = subprocess.Popen(
        [sys.executable, "-m", "belay", "sync", slow_board.port, str(project)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=belay_env(),
    )
    try:
        _wait_for_temporary(slow_board.root, sync)
        sync.send_signal(signal.SIGINT)
        _, stderr = sync.communicate(timeout=TIMEOUT)
    finally:
        if sync.poll() is None:
            sync.kill()
    assert sync.returncode == 130, stderr
    assert "Traceback" not in stderr
    for name, data in contents.items():
        board_file = slow_board.root / name
        assert not board_file.exists() or board_file.read_bytes() == data, f"{name} is half written"

    answer = belay("exec", slow_board.port, "'still here'")
    assert (answer.returncode, answer.stdout) == (0, "'still here'\n"), answer.stderr
    again = belay("sync", slow_board.port, str(project))
    assert again.returncode == 0, again.stderr
    # The temporary is gone too; .belay holds the engine's kept helpers.
    assert {p.name for p in slow_board.root.iterdir()} == {*contents, ".belay"}
    assert all((slow_board.root / name).read_bytes() == data for name, data in contents.items())
