import time

import pytest

from tests.packages.conftest import server  # noqa: F401  (the package manager's stand-in hosts)

from .conftest import TIMEOUT, board_pids_of, execute, reply_to, results_of, stdout_of, wait_for_output, without_ansi


def test_a_last_expression_comes_back_as_execute_result(kernel):
    _, client = kernel
    reply, messages = execute(client, "x = 20\nx + 1")
    assert reply["content"]["status"] == "ok"
    results = [m for m in messages if m["msg_type"] == "execute_result"]
    assert [r["content"]["data"]["text/plain"] for r in results] == ["21"]
    assert results[0]["content"]["execution_count"] == reply["content"]["execution_count"]


def test_a_silent_cell_runs_broadcasts_nothing_and_keeps_the_execution_count(kernel):
    _, client = kernel
    first, _ = execute(client, "1")
    reply, messages = execute(client, "print('hidden')\nran_silently = 2\nran_silently", silent=True)
    assert reply["content"]["status"] == "ok"
    # The messaging spec: a silent request broadcasts nothing on IOPub (no execute_input, stream or
    # execute_result) and does not count as history; only its busy status is seen before idle.
    assert [(m["msg_type"], m["content"].get("execution_state")) for m in messages] == [("status", "busy")]
    second, messages = execute(client, "ran_silently + 1")
    assert results_of(messages) == ["3"]  # the silent cell did run
    assert second["content"]["execution_count"] == first["content"]["execution_count"] + 1


def test_print_output_streams_while_the_cell_runs(kernel, board_folder):
    _, client = kernel
    cell = (
        "import os, time\n"
        "print('waiting')\n"
        "while 'go' not in os.listdir('/'):\n"
        "    time.sleep_ms(5)\n"
        "print('done')\n"
    )
    msg_id = client.execute(cell)
    deadline = time.monotonic() + TIMEOUT
    seen = ""
    while "waiting" not in seen:
        message = client.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
        if message["parent_header"].get("msg_id") == msg_id and message["msg_type"] == "stream":
            seen += message["content"]["text"]
    # The first print arrived while the board still waits for the host: output is not held back.
    assert not client.shell_channel.msg_ready()
    (board_folder / "go").write_text("")
    reply = reply_to(client, msg_id)
    assert reply["content"]["status"] == "ok"


def test_a_board_exception_gives_an_error_reply_with_name_value_and_traceback(kernel):
    _, client = kernel
    reply, messages = execute(client, "a = 1\nb = a / 0")
    content = reply["content"]
    assert (content["status"], content["ename"]) == ("error", "ZeroDivisionError")
    assert "divide by zero" in content["evalue"]
    assert any("<cell" in line and ":2" in line for line in map(without_ansi, content["traceback"]))
    assert [m["msg_type"] for m in messages if m["msg_type"] == "error"] == ["error"]


def test_a_syntax_error_is_reported_and_the_next_cell_runs(kernel):
    _, client = kernel
    reply, _ = execute(client, "def broken(:\n    pass")
    assert reply["content"]["ename"] == "SyntaxError"
    reply, messages = execute(client, "40 + 2")
    assert [m["content"]["data"]["text/plain"] for m in messages if m["msg_type"] == "execute_result"] == ["42"]


def test_interrupt_stops_the_board_code_and_the_kernel_stays_usable(kernel):
    manager, client = kernel
    # stop_on_error=False: the next cell goes at once, before the kernel is done aborting after the error
    msg_id = client.execute("print('spinning')\nwhile True:\n    pass", stop_on_error=False)
    wait_for_output(client, msg_id, "spinning")
    manager.interrupt_kernel()
    reply = reply_to(client, msg_id)
    assert (reply["content"]["status"], reply["content"]["ename"]) == ("error", "KeyboardInterrupt")
    reply, messages = execute(client, "6 * 7")
    assert reply["content"]["status"] == "ok"
    assert results_of(messages) == ["42"]


def test_completion_comes_from_the_board(kernel):
    _, client = kernel
    execute(client, "import machine\nboard_value = 5")
    reply = reply_to(client, client.complete("machine.Pi", 10))
    assert "Pin" in reply["content"]["matches"]
    assert reply["content"]["cursor_start"] == 8
    assert reply_to(client, client.complete("board_va", 8))["content"]["matches"] == ["board_value"]


def test_inspection_shows_type_and_repr(kernel):
    _, client = kernel
    execute(client, "numbers = [1, 2, 3]")
    content = reply_to(client, client.inspect("numbers", 3))["content"]
    assert content["found"] is True
    assert content["data"]["text/plain"] == "numbers: list\n[1, 2, 3]"
    assert reply_to(client, client.inspect("no_such_name", 3))["content"]["found"] is False


def test_is_complete_answers_for_blocks(kernel):
    _, client = kernel
    for code, status in [("1 + 1", "complete"), ("for i in range(3):", "incomplete"), ("x = )", "invalid")]:
        assert reply_to(client, client.is_complete(code))["content"]["status"] == status


def test_file_magics_move_files_between_host_and_board(kernel, board_folder, tmp_path):
    _, client = kernel
    local = tmp_path / "hello.txt"
    local.write_text("hi there")
    reply, _ = execute(client, f"%put {local} /hello.txt")
    assert reply["content"]["status"] == "ok"
    assert (board_folder / "hello.txt").read_text() == "hi there"
    _, messages = execute(client, "%cat /hello.txt")
    assert stdout_of(messages) == "hi there"
    _, messages = execute(client, "%ls /")
    assert "hello.txt" in stdout_of(messages)
    copy = tmp_path / "copy.txt"
    execute(client, f"%get /hello.txt {copy}")
    assert copy.read_text() == "hi there"
    execute(client, "%rm /hello.txt")
    assert not (board_folder / "hello.txt").exists()


def test_reset_and_info_magics(kernel):
    _, client = kernel
    execute(client, "gone = 1")
    reply, _ = execute(client, "%reset")
    assert reply["content"]["status"] == "ok"
    reply, _ = execute(client, "gone")
    assert reply["content"]["ename"] == "NameError"
    _, messages = execute(client, "%info")
    assert "micropython" in stdout_of(messages)


def test_timeit_magic_times_on_the_board(kernel):
    _, client = kernel
    _, messages = execute(client, "%timeit x = 1 + 1")
    assert "timed on the board" in stdout_of(messages)


def test_unknown_magic_is_a_clear_error_and_not_sent_to_the_board(kernel):
    _, client = kernel
    reply, _ = execute(client, "%frobnicate now")
    assert reply["content"]["status"] == "error"
    assert "unknown magic %frobnicate" in reply["content"]["evalue"]


def test_lsmagic_lists_the_kernel_magics(kernel):
    _, client = kernel
    _, messages = execute(client, "%lsmagic")
    assert all(f"%{name}" in stdout_of(messages) for name in ["connect", "put", "get", "ls", "timeit", "reset"])


def test_a_board_that_vanishes_mid_cell_is_reported_and_the_next_cell_reconnects(kernel):
    import os
    import signal

    manager, client = kernel
    msg_id = client.execute("print('working')\nwhile True:\n    pass", stop_on_error=False)
    wait_for_output(client, msg_id, "working")
    for pid in board_pids_of(manager.provisioner.pid):
        os.kill(pid, signal.SIGKILL)
    reply = reply_to(client, msg_id)
    assert (reply["content"]["status"], reply["content"]["ename"]) == ("error", "ConnectionLost")
    assert manager.is_alive()
    reply, messages = execute(client, "1 + 1")
    assert reply["content"]["status"] == "ok"
    assert "Connected to" in stdout_of(messages)


def test_sync_magic_mirrors_a_host_folder(kernel, board_folder, tmp_path):
    _, client = kernel
    source = tmp_path / "project"
    source.mkdir()
    (source / "main.py").write_text("print('hi')\n")
    reply, messages = execute(client, f"%sync {source}")
    assert reply["content"]["status"] == "ok"
    assert "[1/1] main.py" in stdout_of(messages)  # progress while it runs
    assert "1 sent" in stdout_of(messages)
    assert (board_folder / "main.py").exists()


def test_sync_magic_takes_the_options_of_the_ipython_magic(kernel, board_folder, tmp_path):
    _, client = kernel
    source = tmp_path / "project"
    (source / "lib").mkdir(parents=True)
    (source / "main.py").write_text("print( 'hi' )\n")
    (source / "lib" / "util.py").write_text("X = 1\n")
    reply, messages = execute(client, f"%sync {source} --dst /app --ignore lib --keep keep.txt --no-minify")
    assert reply["content"]["status"] == "ok", reply["content"]
    assert f"Synced {source} to /app: 1 sent" in stdout_of(messages)
    assert (board_folder / "app" / "main.py").read_text() == "print( 'hi' )\n"
    assert not (board_folder / "app" / "lib").exists()
    reply, _ = execute(client, f"%sync {source} --frobnicate")
    assert reply["content"]["status"] == "error"
    assert "unrecognized arguments: --frobnicate" in reply["content"]["evalue"]


@pytest.fixture
def project_folder(server, tmp_path, monkeypatch):  # noqa: F811
    """A project with one dependency on the stand-in hosts, as the kernel's working folder."""
    server.put("https://example.com/drivers/sensor.py", b"VALUE = 1\n")
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "pyproject.toml").write_text(
        '[tool.belay.dependencies]\nsensor = "https://example.com/drivers/sensor.py"\n'
    )
    monkeypatch.chdir(folder)  # the kernel starts after this, in this folder
    return folder


def test_install_magic_puts_the_project_dependencies_on_the_board(project_folder, kernel, board_folder):
    _, client = kernel
    reply, messages = execute(client, "%install")
    assert reply["content"]["status"] == "ok", reply["content"]
    assert "groups main on the board" in stdout_of(messages)
    _, messages = execute(client, "import sensor\nsensor.VALUE")
    assert results_of(messages) == ["1"]


def test_a_user_error_in_a_magic_is_one_line(kernel, tmp_path):
    _, client = kernel
    for line in [f"%sync {tmp_path / 'missing'}", f"%put {tmp_path / 'missing.txt'}", "%connect /dev/ttyNOPE"]:
        reply, _ = execute(client, line)
        assert reply["content"]["status"] == "error", line
        assert len(reply["content"]["traceback"]) == 1, reply["content"]["traceback"]
        assert "missing" in reply["content"]["evalue"] or "ttyNOPE" in reply["content"]["evalue"]
