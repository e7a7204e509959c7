"""The helpers kept on the board (/.belay): written once, loaded with one line, written again when they differ."""

import pytest

import belay_engine.device as device_module
from belay_engine import Device, board_calls
from belay_engine.board_code import MODULE_FOLDER, helper_module, kept_source_path
from belay_engine.protocol.control_bytes import CTRL_D
from belay_engine.protocol.raw_repl import RawRepl
from belay_engine.session import Session
from belay_engine.source_map import SourceMap
from belay_engine.virtual.transport import VirtualBoardTransport

HELPERS = helper_module()


@pytest.fixture
def written(monkeypatch):
    """What each Device made from now on writes to its transport, write by write."""
    writes: list[bytes] = []
    opened = device_module.open_transport

    def recording(*args, **kwargs):
        transport = opened(*args, **kwargs)
        write = transport.write

        def recorded(data):
            writes.append(bytes(data))
            write(data)

        transport.write = recorded
        return transport

    monkeypatch.setattr(device_module, "open_transport", recording)
    return writes


def on_host(board_root, path: str):
    return board_root / path.lstrip("/")


def kept_files_are_current(board_root) -> bool:
    return all(on_host(board_root, path).read_bytes() == content for path, content in HELPERS.files)


def test_a_fresh_board_gets_the_files_and_the_next_connect_only_loads_them(board_root, written):
    with Device(f"virtual:{board_root}") as device:
        assert device.session.helpers_kept
        assert kept_files_are_current(board_root)
        assert device("1 + 1") == 2
    written.clear()
    with Device(f"virtual:{board_root}") as device:
        connect = list(written)
        nonce = device.session.nonce
        assert device("sleep") is not None  # the kept startup ran
    load = board_calls.load_helper_module(HELPERS.helpers_path, nonce, HELPERS.version)
    startup = board_calls.run_kept_source(kept_source_path("startup_micropython"))
    # Enter the raw REPL, soft reset, one line for the helpers and one for the startup: nothing else.
    assert connect == [b"\r\x03\x03\x01", CTRL_D, load.encode() + CTRL_D, startup.encode() + CTRL_D]
    assert len(load) < 110 and len(startup) < 60


def test_the_kept_helpers_carry_no_nonce(board_root):
    with Device(f"virtual:{board_root}") as device:
        nonce = device.session.nonce
    assert nonce.encode() not in on_host(board_root, HELPERS.helpers_path).read_bytes()
    with Device(f"virtual:{board_root}") as device:
        assert device.session.nonce != nonce
        assert device("[1, 'two']") == [1, "two"]


def test_another_engines_files_are_written_again(board_root):
    folder = on_host(board_root, MODULE_FOLDER)
    folder.mkdir()
    stale = HELPERS.files[-1][1].replace(HELPERS.version.encode(), b"00000000")
    on_host(board_root, HELPERS.helpers_path).write_bytes(stale)
    on_host(board_root, kept_source_path("startup_micropython")).write_text("raise ImportError('old startup')\n")
    with Device(f"virtual:{board_root}") as device:
        assert device.session.helpers_kept
        assert device("sleep") is not None
    assert kept_files_are_current(board_root)


def damaged_part(content: bytes) -> bytes:
    # Still valid Python, with the same version: only the parts' digest tells.
    return content.replace(b"w=sys.stdout.write", b"w=sys.stdout.flush", 1)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda content: content[: len(content) // 2], id="cut short"),
        pytest.param(damaged_part, id="a part changed"),
        pytest.param(lambda content: b"\xff\xfe" + content[2:], id="not text"),
        pytest.param(lambda content: b"", id="empty"),
    ],
)
def test_a_damaged_helpers_file_is_written_again_and_the_device_works(board_root, damage):
    with Device(f"virtual:{board_root}"):
        pass
    path = on_host(board_root, HELPERS.helpers_path)
    damaged = damage(path.read_bytes())
    assert damaged != path.read_bytes()
    path.write_bytes(damaged)
    with Device(f"virtual:{board_root}") as device:
        assert device("'text'") == "text"

        @device.task
        def twice(x):
            return 2 * x

        assert twice(21) == 42
    assert kept_files_are_current(board_root)


def test_a_missing_kept_startup_runs_from_source(board_root):
    with Device(f"virtual:{board_root}"):
        pass
    on_host(board_root, kept_source_path("startup_micropython")).unlink()
    with Device(f"virtual:{board_root}") as device:
        assert device.session.helpers_kept
        assert device("sleep") is not None


def read_only_session(board_root, reset: bool = False) -> Session:
    """A session on a virtual board whose own filesystem was mounted read-only (writes raise EROFS)."""
    transport = VirtualBoardTransport(board_root)
    remount = (
        f"import vfs\nvfs.umount('/')\nvfs.mount(vfs.VfsPosix({str(transport.root)!r}),'/',readonly=True)\n"
        "try:\n open('/probe','w')\nexcept OSError as e:\n print(e.errno)\n"
    )
    repl = RawRepl(transport)
    repl.enter()
    assert repl.exec(remount.encode()) == (b"30\n", b"")  # EROFS
    return Session.connect(transport, reset=reset, timeout=10.0, source_map=SourceMap(), generation=1)


def test_a_board_that_cannot_write_files_gets_the_helpers_sent(board_root):
    session = read_only_session(board_root)
    try:
        assert not session.helpers_kept
        assert session.run(board_calls.result_of("1 + 1")) == 2
        assert session.implementation.name == "micropython"
        assert session.compiles
    finally:
        session.close()
    assert list(board_root.iterdir()) == []


def test_a_read_only_board_with_current_files_loads_them(board_root):
    with Device(f"virtual:{board_root}"):
        pass
    session = read_only_session(board_root)
    try:
        assert session.helpers_kept
        assert session.run(board_calls.result_of("'ok'")) == "ok"
    finally:
        session.close()


def test_sync_at_the_root_keeps_the_helpers(board_root, tmp_path):
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "main.py").write_text("print('hi')\n")
    with Device(f"virtual:{board_root}") as device:
        device("open('stray.txt', 'w').write('x')")
        device.sync(folder)
    assert sorted(entry.name for entry in board_root.iterdir()) == [".belay", "main.py"]
    assert kept_files_are_current(board_root)


def test_the_helpers_hold_at_most_4_kib_of_heap(device):
    run = device.session.repl.exec
    run(b"import gc\ndel _belay\ngc.collect()")
    before = int(run(b"gc.collect()\nprint(gc.mem_free())")[0])
    device.session.install_helpers()
    assert device.session.helpers_kept
    after = int(run(b"gc.collect()\nprint(gc.mem_free())")[0])
    assert before - after <= 4096
    # Nothing of the loader stays behind in the REPL's globals.
    assert device("[n for n in globals() if n.startswith('_belay') and n != '_belay']") == []
