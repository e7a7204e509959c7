"""Other people's clients against the virtual board's faces: mpremote over socket:// and rfc2217://."""

import importlib.util
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(importlib.util.find_spec("mpremote") is None, reason="mpremote is not installed")
#: Seconds one mpremote command may take (it connects, enters the raw REPL, runs, leaves).
MPREMOTE_TIMEOUT = 60


def mpremote(url: str, *command: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mpremote", "connect", url, *command],
        capture_output=True,
        text=True,
        timeout=MPREMOTE_TIMEOUT,
        check=False,
    )


@pytest.mark.parametrize("kind", ["tcp", "rfc2217"])
def test_mpremote_runs_code_on_the_board_through_the_face(network_board, kind):
    finished = mpremote(network_board.url(kind), "exec", "print(1 + 1)")
    assert (finished.returncode, finished.stdout.strip()) == (0, "2"), finished.stderr


def test_mpremote_copies_a_file_there_over_socket_and_back_over_rfc2217(network_board, board_root, tmp_path):
    payload = bytes(range(256)) * 12
    (tmp_path / "out.bin").write_bytes(payload)
    sent = mpremote(network_board.url("tcp"), "fs", "cp", str(tmp_path / "out.bin"), ":data.bin")
    assert sent.returncode == 0, sent.stderr
    assert (board_root / "data.bin").read_bytes() == payload
    fetched = mpremote(network_board.url("rfc2217"), "fs", "cp", ":data.bin", str(tmp_path / "back.bin"))
    assert fetched.returncode == 0, fetched.stderr
    assert (tmp_path / "back.bin").read_bytes() == payload
