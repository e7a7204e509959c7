"""Other people's clients against the virtual board's faces: mpremote (socket://, rfc2217://), mpfshell (telnet)."""

import importlib.util
import subprocess
import sys
import warnings

import pytest

from .links import LOOPBACK

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


@pytest.fixture
def mpfshell_telnet(network_board, monkeypatch):
    """mpfshell's telnet connection class, pointed at the telnet face (it always dials the telnet port, 23)."""
    pytest.importorskip("mp.contelnet", reason="mpfshell is not installed")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # telnetlib warns of its removal in Python 3.13
        telnetlib = pytest.importorskip("telnetlib", reason="telnetlib is gone from this Python")
        from mp.contelnet import ConTelnet
    monkeypatch.setattr(telnetlib, "TELNET_PORT", network_board.faces["telnet"].address[1])
    return ConTelnet


def test_mpfshell_logs_in_over_telnet_and_runs_code_in_the_raw_repl(mpfshell_telnet):
    from mp.pyboard import Pyboard

    board = Pyboard(mpfshell_telnet(LOOPBACK, "micro", "python"))
    try:
        board.enter_raw_repl()
        assert board.exec_("print(6 * 7)").strip() == b"42"
        board.exit_raw_repl()
    finally:
        board.close()
