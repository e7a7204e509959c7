from belay_engine import Device, files


def test_files_are_written_read_listed_and_removed(board_root):
    with Device(f"virtual:{board_root}") as device:
        files.write_file(device, "/abs.bin", bytes(range(256)) * 20)
        files.write_file(device, "rel.txt", b"relative to the board's folder")
        assert (board_root / "abs.bin").read_bytes() == bytes(range(256)) * 20
        assert files.read_file(device, "/rel.txt") == b"relative to the board's folder"
        # .belay: the engine's helpers, kept on the board since the connect (board_code.helper_module).
        assert [e.name for e in files.list_dir(device, "/")] == [".belay", "abs.bin", "rel.txt"]
        files.remove(device, "/abs.bin")
        assert not (board_root / "abs.bin").exists()
        assert device("[n for n in globals() if n.startswith('_belay_')]") == []
