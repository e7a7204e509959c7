"""Devices over WebREPL, end to end against the virtual board's WebREPL face on 127.0.0.1."""

import io
import random

import pytest

from belay_engine import Device, PyboardException
from belay_engine.files import read_file, write_file
from belay_engine.transports.webrepl import WebreplTransport

from ..board.test_stream_stop import _consume_in_thread, _wait_for
from . import webrepl_fixtures
from .webrepl_fixtures import PASSWORD

webrepl_face = webrepl_fixtures.webrepl_face


@pytest.fixture
def device(webrepl_face):
    with Device(webrepl_face.url, password=PASSWORD) as connected:
        yield connected


def test_device_connects_over_webrepl_and_runs_code(device):
    assert isinstance(device.session.repl.transport, WebreplTransport)
    assert device.implementation.name == "micropython"
    assert device("1 + 1") == 2


def test_tasks_run_on_the_board(device):
    @device.task
    def add(a, b):
        return a + b

    assert add(2, 3) == 5


def test_generator_tasks_stream_every_value(device):
    @device.task
    def count(n):
        for i in range(n):
            yield i

    assert list(count(300)) == list(range(300))


def test_proxies_read_and_write_board_objects(device):
    device("things = {'a': [1, 2]}")
    things = device.proxy("things")
    things["b"] = 3
    assert device("things['b']") == 3
    assert things["a"][1] == 2


def test_output_of_many_frames_arrives_whole(device):
    out = io.StringIO()
    device("for i in range(2000):\n print('%04d' % i + 'x' * 45)", stream_out=out)
    assert out.getvalue().splitlines() == ["%04d" % i + "x" * 45 for i in range(2000)]


def test_sync_writes_every_file_byte_for_byte_through_webrepl_puts(webrepl_face, device, tmp_path):
    local = tmp_path / "local"
    (local / "lib" / "deep").mkdir(parents=True)
    generator = random.Random(7)
    files = {
        "main.py": b"print('hello')\n",
        "lib/deep/blob.bin": generator.randbytes(50_000),
        "lib/empty.txt": b"",
        "lib/control.bin": bytes(range(256)) * 4,  # every byte, the REPL's control bytes too
    }
    for relative, data in files.items():
        (local / relative).write_bytes(data)
    device.sync(local, minify=False)
    root = webrepl_face.board.root
    for relative, data in files.items():
        assert (root / relative).read_bytes() == data
    assert not list(root.rglob("*.belay-tmp"))
    puts = {name for operation, name in webrepl_face.transfers if operation == "put"}
    assert puts == {f"/{relative}.belay-tmp" for relative in files}


def test_sync_of_changed_files_replaces_them(webrepl_face, device, tmp_path):
    local = tmp_path / "local"
    local.mkdir()
    (local / "a.txt").write_bytes(b"old")
    device.sync(local)
    (local / "a.txt").write_bytes(b"new contents")
    device.sync(local)
    assert (webrepl_face.board.root / "a.txt").read_bytes() == b"new contents"


def test_board_files_are_written_and_read_with_webrepl_transfers(webrepl_face, device):
    data = random.Random(3).randbytes(20_000)
    write_file(device, "/data.bin", data)
    assert (webrepl_face.board.root / "data.bin").read_bytes() == data
    (webrepl_face.board.root / "from_host.bin").write_bytes(data[::-1])
    assert read_file(device, "/from_host.bin") == data[::-1]
    assert ("put", "/data.bin.belay-tmp") in webrepl_face.transfers
    assert ("get", "/from_host.bin") in webrepl_face.transfers


def test_reading_an_empty_board_file_gives_no_bytes(webrepl_face, device):
    (webrepl_face.board.root / "empty").write_bytes(b"")
    assert read_file(device, "/empty") == b""


def test_a_missing_board_file_is_the_boards_error_and_the_link_stays(webrepl_face, device):
    with pytest.raises(PyboardException, match="ENOENT"):
        read_file(device, "/missing.txt")
    with pytest.raises(PyboardException, match="ENOENT"):
        write_file(device, "/no/such/folder/file.txt", b"x")
    assert device("1 + 2") == 3
    assert [operation for operation, _ in webrepl_face.transfers] == []


def test_file_names_too_long_for_webrepl_go_through_the_repl(webrepl_face, device):
    name = "/" + "n" * 70 + ".txt"
    write_file(device, name, b"long name")
    assert (webrepl_face.board.root / name[1:]).read_bytes() == b"long name"
    assert read_file(device, name) == b"long name"
    assert webrepl_face.transfers == []


def test_the_transport_reads_the_boards_version(device):
    with device.session.hold() as repl:
        assert repl.transport.board_version() == device.implementation.version


def test_a_stream_read_on_a_thread_is_stopped_from_another(device, guarded):
    # The consumer thread waits in the link's read while this thread writes the stop: both use one socket.
    stream = guarded(0)
    thread, received, errors = _consume_in_thread(stream)
    _wait_for(lambda: len(received) >= 500)
    stream.request_stop()
    thread.join(10)
    assert not thread.is_alive()
    assert errors == []
    assert received == list(range(1, device("produced") + 1))
    assert device("cleaned") is True


def test_calls_from_another_thread_pause_a_stream_read_in_the_background(device, guarded):
    stream = guarded(2)
    thread, received, errors = _consume_in_thread(stream)
    _wait_for(lambda: len(received) >= 3)
    assert [device("1 + 1") for _ in range(20)] == [2] * 20
    before = len(received)
    _wait_for(lambda: len(received) > before + 3)
    stream.request_stop()
    thread.join(10)
    assert errors == []
    assert received == list(range(1, len(received) + 1))


def test_a_temporary_the_board_wrote_short_is_not_moved_into_place(webrepl_face, device):
    # A board whose filesystem filled up during a put still answers success; the size check catches it.
    from belay_engine.sync import sync_helpers
    from belay_engine.sync.file_protocol import rename_code

    root = webrepl_face.board.root
    (root / "app.py").write_bytes(b"old")
    (root / "app.py.belay-tmp").write_bytes(b"new but sh")
    with pytest.raises(PyboardException, match=r"short copy of /app\.py"), sync_helpers(device.session):
        device.session.run(rename_code([("/app.py.belay-tmp", "/app.py", len(b"new but short"))]))
    assert (root / "app.py").read_bytes() == b"old"
    assert not (root / "app.py.belay-tmp").exists()
