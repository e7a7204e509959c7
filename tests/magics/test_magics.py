import pytest
from IPython.core.error import UsageError

from belay_engine import Device, ProxyObject, PyboardException
from tests.fakes import ReactingStream
from tests.packages.conftest import server  # noqa: F401  (the package manager's stand-in hosts)

from ..board.boards import micropython_children


def test_connect_binds_the_device_in_the_user_namespace(ip, capsys):
    assert isinstance(ip.user_ns["device"], Device)
    ip.run_line_magic("belay_devices", "")
    assert "* device: virtual:" in capsys.readouterr().out


def test_line_magic_evaluates_on_the_board(ip):
    assert ip.run_line_magic("belay", "1 + 2") == 3


def test_cell_magic_streams_output_and_shows_the_last_value(ip, capsys):
    value = ip.run_cell_magic("belay", "", "x = 5\nprint('from board')\nx * 2")
    assert repr(value) == "10"
    assert capsys.readouterr().out == "from board\n"


def test_task_cell_binds_host_callables_including_generators(ip):
    ip.run_cell_magic(
        "belay_task", "", "def add(a, b):\n    return a + b\n\ndef count(n):\n    for i in range(n):\n        yield i\n"
    )
    assert ip.user_ns["add"](2, 3) == 5
    assert list(ip.user_ns["count"](4)) == [0, 1, 2, 3]


def test_task_cell_with_other_statements_is_refused(ip):
    with pytest.raises(UsageError, match="only function definitions"):
        ip.run_cell_magic("belay_task", "", "x = 1\ndef f():\n    return x\n")


def test_setup_cell_runs_in_the_board_global_context(ip):
    ip.run_cell_magic("belay_setup", "", "configured = 'yes'")
    assert ip.run_line_magic("belay", "configured") == "yes"


def test_setup_cell_with_autoinit_runs_again_after_a_reset(ip):
    ip.run_cell_magic("belay_setup", "--autoinit", "ready = 1")
    ip.run_line_magic("belay_reset", "")
    assert ip.run_line_magic("belay", "ready") == 1


def test_board_errors_point_at_the_cell_line(ip):
    with pytest.raises(PyboardException) as info:
        ip.run_cell_magic("belay", "", "a = 1\nb = a / 0")
    assert "line 2, in <module>" in str(info.value)
    assert "b = a / 0" in str(info.value)


def test_thread_and_teardown_cells(ip):
    ip.run_cell_magic("belay_thread", "", "def work():\n    global worked\n    worked = True\n")
    ip.run_line_magic("belay", "worked = False")
    ip.user_ns["work"]()
    ip.run_cell_magic("belay", "", "import time\nfor _ in range(200):\n    if worked: break\n    time.sleep_ms(5)")
    assert ip.run_line_magic("belay", "worked") is True
    ip.run_cell_magic("belay_teardown", "", "def bye():\n    open('bye.txt', 'w').write('closed')\n")
    ip.run_line_magic("belay_disconnect", "")
    assert (ip.board_root / "bye.txt").read_text() == "closed"


def test_proxy_magic_returns_a_proxy(ip):
    ip.run_line_magic("belay", "data = [1, 2, 3]")
    proxy = ip.run_line_magic("belay_proxy", "data")
    assert isinstance(proxy, ProxyObject)
    assert len(proxy) == 3


def test_several_named_devices_at_once(ip):
    ip.run_line_magic("belay_connect", "virtual: --name second")
    assert "second" in ip.user_ns
    ip.run_line_magic("belay", "where = 'second'")  # the newest connection is current
    ip.run_line_magic("belay", "--device device where = 'first'")
    assert ip.run_line_magic("belay", "where") == "second"
    assert ip.run_line_magic("belay", "-d device where") == "first"


def test_info_latency_and_timeit(ip, capsys):
    assert ip.run_line_magic("belay_info", "").name == "micropython"
    ip.run_line_magic("belay_latency", "--count 5")
    ip.run_line_magic("belay_timeit", "-n 10 -r 2 x = 1 + 1")
    out = capsys.readouterr().out
    assert "Statistics (5 samples):" in out
    assert "timed on the board: 2 runs, 10 loops each" in out


def test_unknown_device_name_is_a_usage_error(ip):
    with pytest.raises(UsageError, match="no device named 'nope'"):
        ip.run_line_magic("belay", "--device nope 1")


def test_plot_magic_returns_a_live_plot_that_keeps_every_value(ip):
    ip.run_cell_magic("belay_task", "", "def wave(n):\n    for i in range(n):\n        yield i * 2\n")
    live = ip.run_line_magic("belay_plot", "wave(5) --window 3 --fps 5")
    table = live.wait(30)
    assert live.values == [0, 2, 4, 6, 8]
    assert list(table["value"]) == [0, 2, 4, 6, 8]
    assert (live.window, live.state) == (3, "finished")


def test_plot_magic_refuses_what_is_not_a_stream(ip):
    with pytest.raises(UsageError, match="needs a generator task call"):
        ip.run_line_magic("belay_plot", "[1, 2]")


def test_unload_closes_every_connection(shell):
    shell.run_line_magic("load_ext", "belay")
    shell.run_line_magic("belay_connect", "virtual:")
    assert micropython_children()
    shell.run_line_magic("unload_ext", "belay")
    assert micropython_children() == []


def test_loading_twice_is_harmless_and_belay_jupyter_loads_too(shell):
    shell.run_line_magic("load_ext", "belay_jupyter")
    shell.run_line_magic("load_ext", "belay_jupyter")
    assert "belay_connect" in shell.magics_manager.magics["line"]
    shell.run_line_magic("unload_ext", "belay_jupyter")


def test_sync_magic_mirrors_a_folder_and_reports(ip, tmp_path, capsys):
    source = tmp_path / "project"
    (source / "lib").mkdir(parents=True)
    (source / "main.py").write_text("print('main')\n")
    (source / "lib" / "util.py").write_text("X = 1\n")
    ip.run_line_magic("belay_sync", f"{source}")
    assert (ip.board_root / "lib" / "util.py").exists()
    assert "2 sent, 0 removed" in capsys.readouterr().out
    ip.run_line_magic("belay_sync", f"{source} --dst /app --ignore lib")
    assert sorted(p.name for p in (ip.board_root / "app").iterdir()) == ["main.py"]
    assert "1 sent" in capsys.readouterr().out


def test_cell_output_streams_before_the_cell_finishes(ip, monkeypatch):
    # The cell waits for a file that the host writes only after seeing the first print: if output were
    # held back until the cell ends, the cell could never end.
    stdout = ReactingStream("waiting", lambda: (ip.board_root / "go").write_text(""))
    monkeypatch.setattr("sys.stdout", stdout)
    ip.run_cell_magic(
        "belay",
        "",
        "import os, time\nprint('waiting')\nwhile 'go' not in os.listdir('/'):\n    time.sleep_ms(5)\nprint('done')",
    )
    assert stdout.text == "waiting\ndone\n"


def test_interrupting_a_cell_stops_the_board_and_the_device_stays_usable(ip, monkeypatch):
    import os
    import signal
    import threading

    def interrupt():
        threading.Thread(target=os.kill, args=(os.getpid(), signal.SIGINT)).start()

    monkeypatch.setattr("sys.stdout", ReactingStream("spinning", interrupt))
    with pytest.raises(KeyboardInterrupt):
        ip.run_cell_magic("belay", "", "print('spinning')\nwhile True:\n    pass")
    assert ip.run_line_magic("belay", "1 + 1") == 2


def test_magics_have_help(ip):
    for name in ["belay_connect", "belay", "belay_task", "belay_sync", "belay_timeit", "belay_proxy"]:
        magic = ip.find_magic(name)
        assert f"  %{name} [" in magic.__doc__  # the usage line that `%magic?` shows


def test_reset_magic_soft_and_hard(ip, capsys):
    ip.run_line_magic("belay", "gone = 1")
    ip.run_line_magic("belay", "open('kept.txt', 'w').write('kept')")
    ip.run_line_magic("belay_reset", "")
    assert ip.run_line_magic("belay", "'gone' in globals()") is False  # the board's RAM state went
    assert ip.run_line_magic("belay", "open('kept.txt').read()") == "kept"  # its files stayed
    ip.run_line_magic("belay", "gone = 2")
    ip.run_line_magic("belay_reset", "--hard")
    assert ip.run_line_magic("belay", "'gone' in globals()") is False
    assert ip.run_line_magic("belay", "open('kept.txt').read()") == "kept"
    assert (ip.board_root / "kept.txt").read_text() == "kept"
    assert capsys.readouterr().out.splitlines()[-2:] == ["Soft reset done.", "Hard reset done."]


def test_a_proxy_displays_as_text_outside_a_kernel(ip):
    ip.run_line_magic("belay", "data = {'a': 1}")
    proxy = ip.run_line_magic("belay_proxy", "data")
    data, _ = ip.display_formatter.format(proxy)
    assert data == {"text/plain": "<ProxyObject {'a': 1}>"}


def test_a_proxy_displays_as_its_widget_view_in_a_kernel(ip, monkeypatch):
    monkeypatch.setattr(ip, "kernel", object(), raising=False)  # what ipykernel's shell has
    ip.run_line_magic("belay", "data = {'a': 1}")
    proxy = ip.run_line_magic("belay_proxy", "data")
    data, _ = ip.display_formatter.format(proxy)
    assert data["application/vnd.jupyter.widget-view+json"]["model_id"]
    assert data["text/plain"] == "<ProxyObject {'a': 1}>"


def test_sync_magic_reports_files_and_bytes_as_text_outside_a_kernel(ip, tmp_path, capsys):
    source = tmp_path / "project"
    source.mkdir()
    (source / "main.py").write_text("print('main')\n" * 100)
    ip.run_line_magic("belay_sync", f"{source} --no-minify")
    out = capsys.readouterr().out
    assert "[1/1] main.py" in out
    assert "Sent files 1/1, KiB 1.4/1.4" in out


@pytest.mark.parametrize("in_kernel", [False, True], ids=["terminal", "kernel"])
def test_displaying_a_proxy_sends_no_probe_name_to_the_board(ip, monkeypatch, in_kernel):
    if in_kernel:
        monkeypatch.setattr(ip, "kernel", object(), raising=False)
    ip.run_cell_magic(
        "belay",
        "",
        "class Spy:\n"
        "    def __init__(self):\n"
        "        self.asked = []\n"
        "    def __getattr__(self, name):\n"
        "        self.asked.append(name)\n"
        "        raise AttributeError(name)\n"
        "spy = Spy()",
    )
    proxy = ip.run_line_magic("belay_proxy", "spy")
    ip.display_formatter.format(proxy)
    # The board's dir() asks __getattr__ for every name it knows; none of IPython's probes may be among them.
    asked = ip.run_line_magic("belay", "[n for n in spy.asked if n.startswith(('_ipython', '_repr'))]")
    assert asked == []


def test_file_magics_list_print_copy_and_remove(ip, tmp_path, capsys):
    local = tmp_path / "notes.txt"
    local.write_text("board notes\n")
    ip.run_line_magic("belay_put", f"{local} /notes.txt")
    assert (ip.board_root / "notes.txt").read_text() == "board notes\n"
    ip.run_line_magic("belay_ls", "/")
    ip.run_line_magic("belay_cat", "/notes.txt")
    back = tmp_path / "back.txt"
    ip.run_line_magic("belay_get", f"/notes.txt {back}")
    ip.run_line_magic("belay_rm", "/notes.txt")
    assert back.read_text() == "board notes\n"
    assert not (ip.board_root / "notes.txt").exists()
    assert capsys.readouterr().out.splitlines() == [
        f"{local} -> /notes.txt (12 bytes)",
        ".belay/",  # the engine's helpers, kept on the board since the connect
        "            notes.txt",  # the unix port gives no sizes in ilistdir
        "board notes",
        f"/notes.txt -> {back} (12 bytes)",
        "Removed /notes.txt",
    ]


def test_a_bad_port_in_a_magic_is_one_short_line(ip, capsys):
    with pytest.raises(UsageError) as info:
        ip.run_line_magic("belay_connect", "/dev/ttyNOPE --name other")
    assert "/dev/ttyNOPE" in str(info.value)
    assert "\n" not in str(info.value)
    ip.run_cell("%belay_connect /dev/ttyNOPE --name other")  # as a notebook user sees it
    shown = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(shown) == 1
    assert shown[0].startswith("UsageError: could not open /dev/ttyNOPE")


def test_a_gone_board_and_a_missing_host_file_are_usage_errors(ip, tmp_path):
    from ..board.boards import kill_boards

    with pytest.raises(UsageError, match="No such file or directory"):
        ip.run_line_magic("belay_put", str(tmp_path / "missing.txt"))
    with pytest.raises(PyboardException, match="OSError"):  # a board error stays the board's traceback
        ip.run_line_magic("belay_cat", "/missing.txt")
    kill_boards()
    with pytest.raises(UsageError):
        ip.run_line_magic("belay", "1 + 1")


def test_install_magic_passes_groups_and_frozen_to_the_package_manager(ip, monkeypatch, capsys):
    from belay_engine import packages as manager

    calls = []
    project = object()
    monkeypatch.setattr(manager, "load_project", lambda: project)
    monkeypatch.setattr(manager, "install", lambda *a, **k: calls.append(("install", a, k)) or "staged")
    monkeypatch.setattr(manager, "sync_dependencies", lambda *a, **k: calls.append(("board", a, k)) or "on board")
    ip.run_line_magic("belay_install", "--with dev --with test --frozen")
    (_, install_args, install_options), (_, board_args, board_options) = calls
    assert install_args == (project,)
    assert (install_options["groups"], install_options["frozen"]) == (["dev", "test"], True)
    assert board_args == (ip.user_ns["device"], "dev", "test")
    assert board_options["project"] is project
    assert capsys.readouterr().out == "staged\non board\n"


def test_install_magic_stages_and_puts_the_groups_on_the_board(ip, server, tmp_path, monkeypatch, capsys):  # noqa: F811
    server.put("https://example.com/drivers/sensor.py", b"VALUE = 1\n")
    server.put("https://example.com/drivers/probe.py", b"PROBE = 2\n")
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text(
        "[tool.belay.dependencies]\n"
        'sensor = "https://example.com/drivers/sensor.py"\n'
        "[tool.belay.group.dev]\noptional = true\n"
        "[tool.belay.group.dev.dependencies]\n"
        'probe = "https://example.com/drivers/probe.py"\n'
    )
    monkeypatch.chdir(project)
    ip.run_line_magic("belay_install", "")
    assert ip.run_line_magic("belay", "__import__('sensor').VALUE") == 1
    assert not (ip.board_root / "lib" / "probe").exists()
    ip.run_line_magic("belay_install", "--with dev")
    assert ip.run_line_magic("belay", "__import__('probe').PROBE") == 2
    assert "groups main, dev on the board" in capsys.readouterr().out
