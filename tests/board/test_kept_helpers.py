"""The helpers kept on the board (/.belay): written once, loaded with one line, written again when they differ."""

import pytest

import belay_engine.device as device_module
import belay_engine.helper_install as helper_install
from belay_engine import Device, PyboardException, board_calls, displays
from belay_engine.board_code import (
    LAZY_MODULES,
    MODULE_FOLDER,
    MPY_MODULE_FILE,
    compiled_helpers,
    find_mpy_cross,
    helper_module,
    kept_source_path,
)
from belay_engine.displays import DISPLAY_DATA, BoardDisplay
from belay_engine.protocol.control_bytes import CTRL_D
from belay_engine.protocol.raw_repl import RawRepl
from belay_engine.session import Session
from belay_engine.source_map import SourceMap
from belay_engine.tracebacks import ENGINE_FILE
from belay_engine.virtual.transport import VirtualBoardTransport


@pytest.fixture(params=["mpy", "py"])
def kept(request, monkeypatch):
    """The helper files the engine keeps: compiled by the dev environment's mpy-cross, or as source without it."""
    if request.param == "py":
        monkeypatch.setattr(helper_install, "find_mpy_cross", lambda: None)
        return helper_module()
    binary = find_mpy_cross()
    compiled = compiled_helpers(binary, 6) if binary else None  # the virtual board loads .mpy version 6
    if compiled is None:
        pytest.skip("no mpy-cross for .mpy version 6 on this host")
    return helper_module(compiled)


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


def kept_files_are_current(board_root, kept) -> bool:
    return all(on_host(board_root, path).read_bytes() == content for path, content in kept.files)


def test_a_fresh_board_gets_the_files_and_the_next_connect_only_loads_them(board_root, written, kept):
    with Device(f"virtual:{board_root}") as device:
        assert device.session.helpers_kept
        assert kept_files_are_current(board_root, kept)
        assert device("1 + 1") == 2
    written.clear()
    with Device(f"virtual:{board_root}") as device:
        connect = list(written)
        nonce = device.session.nonce
        assert device("sleep") is not None  # the kept startup ran
    load = board_calls.load_helper_module(kept.helpers_path, nonce, kept.version)
    startup = board_calls.run_kept_source(kept_source_path("startup_micropython"))
    # Enter the raw REPL, soft reset, one line for the helpers and one for the startup: nothing else.
    assert connect == [b"\r\x03\x03\x01", CTRL_D, load.encode() + CTRL_D, startup.encode() + CTRL_D]
    assert len(load) < 80
    assert len(startup) < 60


def test_the_kept_helpers_carry_no_nonce(board_root, kept):
    with Device(f"virtual:{board_root}") as device:
        nonce = device.session.nonce
    assert nonce.encode() not in on_host(board_root, kept.helpers_path).read_bytes()
    with Device(f"virtual:{board_root}") as device:
        assert device.session.nonce != nonce
        assert device("[1, 'two']") == [1, "two"]


def test_another_engines_files_are_written_again(board_root, kept):
    folder = on_host(board_root, MODULE_FOLDER)
    folder.mkdir()
    stale = kept.files[-1][1].replace(kept.version.encode(), b"00000000")
    on_host(board_root, kept.helpers_path).write_bytes(stale)
    on_host(board_root, kept_source_path("startup_micropython")).write_text("raise ImportError('old startup')\n")
    with Device(f"virtual:{board_root}") as device:
        assert device.session.helpers_kept
        assert device("sleep") is not None
    assert kept_files_are_current(board_root, kept)


def one_byte_changed(content: bytes) -> bytes:
    middle = len(content) // 2
    return content[:middle] + bytes([content[middle] ^ 1]) + content[middle + 1 :]


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda content: content[: len(content) // 2], id="cut short"),
        pytest.param(one_byte_changed, id="one byte changed"),
        pytest.param(lambda content: b"\xff\xfe" + content[2:], id="not text"),
        pytest.param(lambda content: b"", id="empty"),
    ],
)
@pytest.mark.parametrize("which", ["loader", MPY_MODULE_FILE, *LAZY_MODULES])
def test_a_damaged_kept_file_is_written_again_and_the_device_works(board_root, damage, which, kept):
    with Device(f"virtual:{board_root}"):
        pass
    # The kept parts are in the loader's file (source), or in the .mpy it imports; the lazy ones in their modules.
    paths = [path for path, _content in kept.files if which in path.rsplit("/", 1)[1]]
    if which == MPY_MODULE_FILE and not paths:
        paths = [kept.helpers_path]
    (target,) = [kept.helpers_path] if which == "loader" else paths
    path = on_host(board_root, target)
    damaged = damage(path.read_bytes())
    assert damaged != path.read_bytes()
    path.write_bytes(damaged)
    with Device(f"virtual:{board_root}") as device:
        assert device("'text'") == "text"

        @device.task
        def twice(x):
            return 2 * x

        assert twice(21) == 42
        assert_the_lazy_parts_work(device)
    assert kept_files_are_current(board_root, kept)


def assert_the_lazy_parts_work(device):
    """A stream, a big value and a display: each needs a part imported on first use."""

    @device.task
    def count(n):
        for i in range(n):
            yield i

    assert list(count(3)) == [0, 1, 2]
    assert device("'x' * 3000") == "x" * 3000
    shown = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(displays, "_handler", shown.append)
        assert device("display(1) or 'shown'") == "shown"
    assert shown == [BoardDisplay(DISPLAY_DATA, {"text/plain": "1"}, None)]  # a record under this nonce


def test_a_source_part_changed_within_the_same_version_fails_its_digest(board_root, monkeypatch):
    monkeypatch.setattr(helper_install, "find_mpy_cross", lambda: None)
    kept = helper_module()
    with Device(f"virtual:{board_root}"):
        pass
    path = on_host(board_root, kept.helpers_path)
    # Still valid Python, with the same version: only the parts' digest tells.
    path.write_bytes(path.read_bytes().replace(b"w=sys.stdout.write", b"w=sys.stdout.flush", 1))
    with Device(f"virtual:{board_root}") as device:
        assert device("[1, 2]") == [1, 2]
    assert kept_files_are_current(board_root, kept)


def test_a_missing_kept_startup_runs_from_source(board_root, kept):
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


def test_a_board_that_cannot_write_files_gets_every_part_at_connect(board_root, monkeypatch):
    monkeypatch.setattr(helper_install, "_can_write_files", lambda session: False)
    with Device(f"virtual:{board_root}") as device:
        assert not device.session.helpers_kept
        assert device("[n for n in ('s', 'q', 'e', 'h', 'display') if not hasattr(_belay, n)]") == []
        assert_the_lazy_parts_work(device)
    assert list(board_root.iterdir()) == []


def test_a_read_only_board_with_current_files_loads_them(board_root, kept):
    with Device(f"virtual:{board_root}"):
        pass
    session = read_only_session(board_root)
    try:
        assert session.helpers_kept
        assert session.run(board_calls.result_of("'ok'")) == "ok"
    finally:
        session.close()


def test_sync_at_the_root_keeps_the_helpers(board_root, tmp_path, kept):
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "main.py").write_text("print('hi')\n")
    with Device(f"virtual:{board_root}") as device:
        device("open('stray.txt', 'w').write('x')")
        device.sync(folder)
    assert sorted(entry.name for entry in board_root.iterdir()) == [".belay", "main.py"]
    assert kept_files_are_current(board_root, kept)


def test_a_sync_that_deletes_the_helpers_folder_leaves_the_connection_whole(board_root, tmp_path, kept):
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "main.py").write_text("print('hi')\n")
    with Device(f"virtual:{board_root}") as device:
        device.sync(folder, keep=[])  # an explicit keep without .belay: the kept files go
        assert sorted(entry.name for entry in board_root.iterdir()) == ["main.py"]
        assert_the_lazy_parts_work(device)  # their parts were imported before the files went
    with Device(f"virtual:{board_root}") as device:
        assert_the_lazy_parts_work(device)
    assert kept_files_are_current(board_root, kept)  # the next connect wrote them again


def test_the_helpers_hold_at_most_4_kib_of_heap(board_root, kept):
    # From a fresh board's free heap, as the benchmark measures it: the names the helpers intern count too.
    free = b"import gc\ngc.collect()\nprint(gc.mem_free())"
    with Device(f"virtual:{board_root}") as device:
        repl = device.session.repl
        repl.soft_reset()
        before = int(repl.exec(free)[0])
        device.session.install_helpers()
        assert device.session.helpers_kept
        after = int(repl.exec(free)[0])
        assert before - after <= 4096
        # Nothing of the loader stays behind in the REPL's globals, and nothing is imported before it is needed.
        assert device("[n for n in globals() if n.startswith('_belay') and n != '_belay']") == []
        assert device("[n for n in ('s', 'q', 'e', 'h', 'display') if hasattr(_belay, n)]") == []


def test_helpers_loaded_again_without_a_reset_import_the_lazy_parts_again(board_root, kept):
    with Device(f"virtual:{board_root}") as device:
        assert_the_lazy_parts_work(device)
        # What a connect with reset=False runs, under a new nonce: new helpers, the old parts' modules gone.
        nonce = "Ab3dE6g8"
        device.session.repl.exec(board_calls.load_helper_module(kept.helpers_path, nonce, kept.version).encode())
        device.session.nonce = nonce
        assert device("[n for n in ('s', 'e', 'display') if hasattr(_belay, n)]") == []
        assert_the_lazy_parts_work(device)  # their records carry the new nonce: the old parts are not used


def test_a_lazy_part_that_cannot_be_imported_fails_its_call_cleanly(board_root, kept):
    with Device(f"virtual:{board_root}") as device:
        for path in on_host(board_root, MODULE_FOLDER).glob("_belay_val.*"):
            path.unlink()
        with pytest.raises(PyboardException, match="_belay_val"):
            device("'x' * 3000")  # a big value needs the piece writer
        assert device("'x' * 30") == "x" * 30  # no half-written record left behind: the link reads on


def interned_names(device) -> int:
    """How many names the board has interned (they stay in its heap for good)."""
    report = device.session.repl.exec(b"import micropython\nmicropython.qstr_info()")[0].decode()
    return int(report.split("n_qstr=")[1].split(",")[0])


def test_reconnecting_without_a_reset_interns_nothing_new(board_root, kept):
    with Device(f"virtual:{board_root}") as device:
        run = device.session.repl.exec
        nonces = ["Ab3dE6g8", "Zy9xW8v7", "Qq1Rr2Ss", device.session.nonce]
        load = [board_calls.load_helper_module(kept.helpers_path, nonce, kept.version) for nonce in nonces]
        run(load[-1].encode())
        before = interned_names(device)
        for nonce, line in zip(nonces, load):  # what a connect with reset=False runs, each with its own nonce
            assert b"\x1e" + nonce.encode() in run(line.encode())[0]
        assert interned_names(device) == before
        assert device("1 + 1") == 2


def test_streams_intern_no_key(device):
    @device.task
    def count(n):
        for i in range(n):
            yield i

    assert list(count(3)) == [0, 1, 2]
    before = interned_names(device)
    for _ in range(5):
        assert list(count(3)) == [0, 1, 2]
    assert interned_names(device) == before


def test_engine_frames_still_name_the_engine_file(board_root, kept):
    with Device(f"virtual:{board_root}"):
        pass
    with Device(f"virtual:{board_root}") as device:
        device("class Unshowable:\n def __repr__(self):\n  raise ValueError('no repr')\n")
        with pytest.raises(PyboardException) as info:
            device("Unshowable()")  # its repr is taken by the helpers (_belay.r)
        assert f'File "{ENGINE_FILE}"' in str(info.value)
        assert "ValueError: no repr" in str(info.value)

        @device.task
        def fails():
            return 1 / 0

        with pytest.raises(PyboardException) as info:
            fails()
        assert ENGINE_FILE not in str(info.value)  # the runner's frames are the engine's plumbing, not shown
