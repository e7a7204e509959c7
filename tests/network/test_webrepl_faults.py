"""WebREPL faults: dropped links, wrong passwords, silent hosts, transfers cut short, a board that never answers."""

import random
import socket
import threading
import time

import pytest

from belay_engine import Device
from belay_engine.errors import AuthenticationError, ConnectionFailedError, ConnectionLost
from belay_engine.sync import put_file, sync_helpers
from belay_engine.transports import webrepl
from belay_engine.transports.webrepl import WebreplTransport

from . import webrepl_fixtures
from .webrepl_fixtures import PASSWORD

webrepl_face = webrepl_fixtures.webrepl_face


def _in_thread(action):
    """Run `action` on a daemon thread; the returned list gets its exception (or None) when it ends."""
    outcome: list = []

    def run():
        try:
            action()
            outcome.append(None)
        except BaseException as exc:  # handed to the test to check
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def test_reconnect_after_the_server_drops_the_client(webrepl_face):
    with Device(webrepl_face.url, password=PASSWORD) as device:
        device("kept = 41")
        webrepl_face.drop_client()
        with pytest.raises(ConnectionLost):
            device("1")
        device.reconnect()
        assert device("kept + 1") == 42  # the board kept running; the history was replayed too


def test_a_server_closing_mid_reply_raises_connection_lost_within_a_second(webrepl_face):
    printed = threading.Event()

    class Sink:
        def write(self, text):
            printed.set()

        def flush(self):
            pass

    with Device(webrepl_face.url, password=PASSWORD) as device:
        call, outcome = _in_thread(
            lambda: device("import time\nprint('started')\ntime.sleep(30)", stream_out=Sink(), record=False)
        )
        assert printed.wait(10), "the board never printed"
        webrepl_face.drop_client()
        call.join(1.0)
        assert not call.is_alive(), "the call still waits on a closed connection"
        assert isinstance(outcome[0], ConnectionLost)


def test_a_wrong_password_is_an_authentication_error_raised_once(webrepl_face):
    host, port = webrepl_face.address
    with pytest.raises(AuthenticationError, match=f"{host}:{port}"):
        Device(webrepl_face.url, password="wrong", attempts=3)
    assert webrepl_face.logins == 1
    with Device(webrepl_face.url, password=PASSWORD) as device:  # the board still serves the right password
        assert device("2 * 21") == 42


def test_a_host_that_does_not_answer_fails_within_the_timeout_naming_it():
    with socket.create_server(("127.0.0.1", 0), backlog=4) as silent:  # accepts TCP, never says a word
        port = silent.getsockname()[1]
        opening, outcome = _in_thread(lambda: Device(f"ws://127.0.0.1:{port}", password=PASSWORD, timeout=0.5))
        opening.join(5)
        assert not opening.is_alive(), "the connection attempt outlived its timeout"
    assert isinstance(outcome[0], ConnectionFailedError)
    assert f"127.0.0.1:{port}" in str(outcome[0])


def test_a_port_nobody_listens_on_fails_naming_the_host():
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    with pytest.raises(ConnectionFailedError, match=f"127.0.0.1:{port}"):
        WebreplTransport(f"ws://127.0.0.1:{port}", timeout=2)


def test_a_second_client_is_refused_while_one_is_connected(webrepl_face):
    with Device(webrepl_face.url, password=PASSWORD) as device:
        with pytest.raises(ConnectionFailedError, match=r"127\.0\.0\.1"):
            WebreplTransport(webrepl_face.url, password=PASSWORD, timeout=3)
        assert device("1 + 1") == 2


def test_a_file_transfer_cut_halfway_leaves_the_old_file(webrepl_face, tmp_path):
    root = webrepl_face.board.root
    (root / "data.bin").write_bytes(b"old contents")
    new = random.Random(5).randbytes(300_000)
    sent = []

    def cut_halfway(count):
        sent.append(count)
        if sum(sent) >= len(new) // 2 and sum(sent) - count < len(new) // 2:
            webrepl_face.drop_client()

    with Device(webrepl_face.url, password=PASSWORD) as device:
        with pytest.raises(ConnectionLost), sync_helpers(device.session):
            put_file(device.session, "/data.bin", new, on_sent=cut_halfway)
        assert (root / "data.bin").read_bytes() == b"old contents"
        temporary = root / "data.bin.belay-tmp"
        assert not temporary.exists() or temporary.stat().st_size < len(new)
        # The next sync replaces the file and removes what the cut transfer left.
        device.reconnect()
        local = tmp_path / "local"
        local.mkdir()
        (local / "data.bin").write_bytes(new)
        device.sync(local)
    assert (root / "data.bin").read_bytes() == new
    assert not temporary.exists()


def test_a_put_the_board_cannot_open_ends_the_connection_as_on_a_board(webrepl_face):
    transport = WebreplTransport(webrepl_face.url, password=PASSWORD, timeout=5)
    try:
        with pytest.raises(ConnectionLost):
            transport.put_file("/no/such/folder/x.txt", b"data")
    finally:
        transport.close()
    assert not (webrepl_face.board.root / "no").exists()


def _silent_board(frames: list):
    """A websocket server that logs in like a board, then only records the REPL frames it receives."""
    from websockets.sync.server import serve

    def handler(connection):
        connection.send("Password: ")
        connection.recv(timeout=5)
        connection.send("\r\nWebREPL connected\r\n>>> ")
        try:
            while True:
                data = connection.recv(timeout=5)
                frames.append((time.monotonic(), data.encode() if isinstance(data, str) else data))
        except Exception:  # the client left or went quiet: the recording is complete
            return

    return serve(handler, "127.0.0.1", 0, compression=None)


def test_writes_to_a_board_that_stays_silent_are_held_back_past_the_in_flight_limit(monkeypatch):
    monkeypatch.setattr(webrepl, "FLOW_PAUSE", 0.3)
    frames: list = []
    with _silent_board(frames) as server:
        server_thread = threading.Thread(target=server.serve_forever, daemon=True)
        server_thread.start()
        port = server.socket.getsockname()[1]
        transport = WebreplTransport(f"ws://127.0.0.1:{port}", timeout=5)
        try:
            transport.write(b"x" * 1500)
            deadline = time.monotonic() + 5
            while sum(len(data) for _, data in frames) < 1500 and time.monotonic() < deadline:
                time.sleep(0.01)  # polls the recording server's log; the client is done already
        finally:
            transport.close()
            server.shutdown()
    sizes = [len(data) for _, data in frames]
    assert sum(sizes) == 1500
    assert max(sizes) <= webrepl.FRAME_LIMIT
    # Past the limit each frame waited for the board to speak, and went on after the pause.
    times = [when for when, _ in frames]
    assert times[-1] - times[0] >= 2 * 0.3 * 0.9


def test_a_face_like_an_esp32_ends_the_connection_after_a_soft_reset(tmp_path):
    from belay_engine.protocol.raw_repl import CTRL_D, RawRepl
    from belay_engine.virtual.transport import VirtualBoardTransport
    from belay_engine.virtual.webrepl_face import WebreplFace

    board = VirtualBoardTransport(tmp_path)
    face = WebreplFace(board, password=PASSWORD, drop_on_soft_reset=True)
    face.serve_in_background()
    try:
        repl = RawRepl(WebreplTransport(face.url, password=PASSWORD, timeout=5))
        try:
            repl.enter()
            repl.transport.write(CTRL_D)
            assert repl.read_until(b"soft reboot\r\n", 5).endswith(b"MPY: soft reboot\r\n")
            with pytest.raises(ConnectionLost):
                repl.transport.read(100, 5)
        finally:
            repl.close()
        with Device(face.url, password=PASSWORD, reset=False) as device:  # the board serves the next client
            assert device("1 + 1") == 2
    finally:
        face.stop()
        board.close()


def test_a_sync_cut_halfway_leaves_every_board_file_old_or_new(webrepl_face, tmp_path):
    root = webrepl_face.board.root
    generator = random.Random(9)
    names = ["a.bin", "b.bin", "c.bin"]
    old = {name: generator.randbytes(30_000) for name in names}
    new = {name: generator.randbytes(30_000) for name in names}
    local = tmp_path / "local"
    local.mkdir()
    for name in names:
        (root / name).write_bytes(old[name])
        (local / name).write_bytes(new[name])
    sent = []

    def progress(**fields):
        sent.append(fields.get("advance_bytes") or 0)
        if sum(sent) >= 45_000 and sum(sent) - sent[-1] < 45_000:  # in the middle of the second file
            webrepl_face.drop_client()

    with Device(webrepl_face.url, password=PASSWORD) as device:
        with pytest.raises(ConnectionLost):
            device.sync(local, progress_update=progress)
        for name in names:
            assert (root / name).read_bytes() in (old[name], new[name])
        device.reconnect()
        device.sync(local)
    for name in names:
        assert (root / name).read_bytes() == new[name]
    assert not list(root.glob("*.belay-tmp"))


def test_connecting_does_not_soft_reset_a_board_whose_webrepl_ends_with_a_reset(tmp_path):
    from belay_engine.virtual.transport import VirtualBoardTransport
    from belay_engine.virtual.webrepl_face import WebreplFace

    board = VirtualBoardTransport(tmp_path)
    face = WebreplFace(board, password=PASSWORD, drop_on_soft_reset=True)
    face.serve_in_background()
    try:
        with Device(face.url, password=PASSWORD) as device:  # reset=True, the default
            device("kept = 5")
            assert device("kept") == 5
        assert face.logins == 1
    finally:
        face.stop()
        board.close()
