"""Each board command of ``belay`` end to end on virtual boards: exit codes; stdout keeps what scripts read."""

import re

from .conftest import belay, belay_env


def _status_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()]


def test_help_names_every_command_and_version_is_the_package_version():
    result = belay("--help")
    assert result.returncode == 0
    for name in ["sync", "exec", "run", "terminal", "info", "latency", "select", "install", "new (init)", "update"]:
        assert re.search(rf"│ {re.escape(name)}\s", result.stdout), name
    for name in ["clean", "cache", "add", "ls", "cat", "put", "get", "rm", "virtual-board", "kernel"]:
        assert re.search(rf"│ {name}\s", result.stdout), name
    from importlib.metadata import version

    assert belay("--version").stdout.strip() == version("belay-jupyter")


def test_command_help_comes_from_the_command_docstring():
    from belay_engine import commands

    result = belay("sync", "--help")
    assert result.returncode == 0
    assert "sending only files whose hash differs" in result.stdout
    assert commands.sync.__doc__.split("\n")[0] in result.stdout
    assert "--mpy-cross-binary" in result.stdout  # Belay's name still works


def test_sync_ls_cat_and_the_port_given_first(root, tmp_path):
    project = tmp_path / "project"
    (project / "lib").mkdir(parents=True)
    (project / "main.py").write_text("print('main')\n")
    (project / "lib" / "util.py").write_text("X = 1\n")
    port = f"virtual:{root}"

    synced = belay("sync", port, str(project), "--no-minify")
    assert synced.returncode == 0, synced.stderr
    assert synced.stdout == ""  # status only, on stderr
    assert _status_lines(synced.stderr) == [
        f"Connected to {port}: " + _status_lines(synced.stderr)[0].split(": ", 1)[1],
        f"Synced {project} to /: 2 sent, 0 removed, rest unchanged.",
    ]
    assert (root / "lib" / "util.py").read_text() == "X = 1\n"
    ignored = belay("sync", port, str(project), "--dst", "/app", "--ignore", "lib", "main.py")
    assert ignored.returncode == 0
    assert "0 sent" in ignored.stderr

    listed = belay("ls", port)
    # .belay: the engine's helpers, kept on the board since the first connect (and kept by the sync to /).
    assert (listed.returncode, listed.stdout.split()) == (0, [".belay/", "app/", "lib/", "main.py"])
    assert belay("ls", port, "/lib").stdout.split() == ["util.py"]
    shown = belay("cat", port, "/main.py")
    assert (shown.returncode, shown.stdout) == (0, "print('main')\n")


def test_exec_prints_board_output_and_the_value_on_stdout(root):
    port = f"virtual:{root}"
    printed = belay("exec", port, "print('from the board')")
    assert (printed.returncode, printed.stdout) == (0, "from the board\n")
    valued = belay("exec", port, "6 * 7")
    assert (valued.returncode, valued.stdout) == (0, "42\n")
    assert "Connected to" in valued.stderr


def test_a_board_exception_is_its_traceback_and_one_error_line_with_exit_1(root):
    result = belay("exec", f"virtual:{root}", "1 / 0")
    assert result.returncode == 1
    lines = _status_lines(result.stderr)
    assert lines[-1] == "error: ZeroDivisionError: divide by zero"
    assert "belay_engine" not in result.stderr  # no host traceback
    verbose = belay("exec", f"virtual:{root}", "1 / 0", "--verbose")
    assert verbose.returncode == 1
    assert "belay_engine" in verbose.stderr
    assert "PyboardException" in verbose.stderr
    assert _status_lines(verbose.stderr)[-1] == "error: ZeroDivisionError: divide by zero"


def test_a_bad_port_is_one_error_line_with_exit_1(tmp_path):
    result = belay("exec", "/dev/ttyNOPE", "1")
    assert result.returncode == 1
    assert result.stdout == ""
    lines = _status_lines(result.stderr)
    assert len(lines) == 1
    assert lines[0].startswith("error: ")
    assert "/dev/ttyNOPE" in lines[0]


def test_run_streams_the_file_output_and_maps_its_traceback(root, tmp_path):
    good = tmp_path / "good.py"
    good.write_text("for i in range(3):\n    print('line', i)\n")
    result = belay("run", f"virtual:{root}", str(good))
    assert (result.returncode, result.stdout) == (0, "line 0\nline 1\nline 2\n")
    bad = tmp_path / "bad.py"
    bad.write_text("x = 1\ny = 2\nz = x / 0\n")
    failed = belay("run", f"virtual:{root}", str(bad))
    assert failed.returncode == 1
    assert f'File "{bad}", line 3' in failed.stderr
    assert _status_lines(failed.stderr)[-1] == "error: ZeroDivisionError: divide by zero"
    missing = belay("run", f"virtual:{root}", str(tmp_path / "missing.py"))
    assert missing.returncode == 1
    assert _status_lines(missing.stderr)[-1].startswith("error: No such file")


def test_put_get_rm(root, tmp_path):
    port = f"virtual:{root}"
    local = tmp_path / "data.bin"
    local.write_bytes(bytes(range(256)) * 10)
    put = belay("put", port, str(local), "/copy.bin")
    assert put.returncode == 0
    assert put.stdout == ""
    assert f"{local} -> /copy.bin (2560 bytes)" in put.stderr
    assert (root / "copy.bin").read_bytes() == local.read_bytes()
    back = tmp_path / "back.bin"
    got = belay("get", port, "/copy.bin", str(back))
    assert got.returncode == 0
    assert back.read_bytes() == local.read_bytes()
    removed = belay("rm", port, "/copy.bin")
    assert removed.returncode == 0
    assert "Removed /copy.bin" in removed.stderr
    assert not (root / "copy.bin").exists()
    again = belay("rm", port, "/copy.bin")
    assert again.returncode == 1
    assert _status_lines(again.stderr)[-1].startswith("error: OSError")


def test_info_and_latency_with_a_csv(root, tmp_path):
    port = f"virtual:{root}"
    info = belay("info", port)
    assert info.returncode == 0
    assert re.fullmatch(r"micropython v\d+\.\d+\.\d+ - linux\n", info.stdout)
    csv = tmp_path / "latency.csv"
    latency = belay("latency", port, "-c", "3", "-o", str(csv), "--verbose")
    assert latency.returncode == 0
    lines = latency.stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "   1",
        "   2",
        "   3",
        "Statistics (3 samples)",
        "  Min",
        "  Max",
        "  Average",
        "  Median",
        "  Std Dev",
    ]
    assert "Measuring latency with 3 iterations..." in latency.stderr
    rows = csv.read_text().splitlines()
    assert rows[0] == "latency_ms"
    assert len(rows) == 4
    assert all(float(row) >= 0 for row in rows[1:])


def test_the_port_falls_back_to_belay_device(root):
    (root / "hello.txt").write_text("hi")
    env = belay_env(BELAY_DEVICE=f"virtual:{root}")
    listed = belay("ls", env=env)
    assert (listed.returncode, listed.stdout.split()) == (0, [".belay/", "hello.txt"])  # .belay: the kept helpers
    shown = belay("cat", "/hello.txt", env=env)  # one argument that is not a port: the path
    assert (shown.returncode, shown.stdout) == (0, "hi")
    exec_ = belay("exec", "open('/hello.txt').read()", env=env)
    assert exec_.stdout == "'hi'\n"


def test_a_served_board_over_its_serial_path_and_a_telnet_face(served_board):
    result = belay("exec", served_board.port, "'served'")
    assert (result.returncode, result.stdout) == (0, "'served'\n")
    remote = belay("exec", served_board.telnet, "1 + 1", "--password", "s3cret")
    assert (remote.returncode, remote.stdout) == (0, "2\n"), remote.stderr


def test_a_wrong_password_is_one_error_line_with_exit_1(served_board):
    result = belay("exec", served_board.telnet, "1", "--password", "wrong")
    assert result.returncode == 1
    lines = _status_lines(result.stderr)
    assert len(lines) == 1, lines
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.stderr


def test_reset_and_kernel_install(root, tmp_path):
    reset = belay("reset", f"virtual:{root}")
    assert reset.returncode == 0
    assert "Soft reset done." in reset.stderr
    installed = belay("kernel", "install", "--prefix", str(tmp_path / "prefix"))
    assert installed.returncode == 0, installed.stderr
    spec = tmp_path / "prefix" / "share" / "jupyter" / "kernels" / "belay" / "kernel.json"
    assert '"belay_jupyter.kernel"' in spec.read_text()


def test_virtual_board_without_a_port_or_face_is_a_usage_error():
    result = belay("virtual-board")
    assert result.returncode == 1
    assert (
        result.stderr.strip() == "error: give --port PATH and/or a network face (--tcp, --telnet, --rfc2217, --webrepl)"
    )
