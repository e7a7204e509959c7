"""What a cell shows through a real kernel: values of last expressions, exit, coloured board tracebacks."""

import time

from jupyter_client.manager import start_new_kernel

from .conftest import TIMEOUT, board_pids_of, execute, results_of, stdout_of, without_ansi


def test_an_expression_after_statements_on_its_line_is_the_cell_result(kernel):
    _, client = kernel
    reply, messages = execute(client, "x = 5; x")
    assert reply["content"]["status"] == "ok"
    assert results_of(messages) == ["5"]
    _, messages = execute(client, "import sys; sys.implementation")
    assert [result.startswith("(name='micropython'") for result in results_of(messages)] == [True]
    _, messages = execute(client, "a = 2\nb = 3; [\n  a,\n  b]  # both")
    assert results_of(messages) == ["[2, 3]"]


def test_a_semicolon_at_the_end_hides_the_value_but_the_cell_runs(kernel):
    _, client = kernel
    reply, messages = execute(client, "hidden = 7; hidden;  # nothing shown")
    assert reply["content"]["status"] == "ok"
    assert results_of(messages) == []
    _, messages = execute(client, "hidden")
    assert results_of(messages) == ["7"]


def test_a_wrapped_expression_keeps_its_line_in_the_traceback(kernel):
    _, client = kernel
    reply, _ = execute(client, "a = 0\nb = 1; b / a")
    content = reply["content"]
    assert (content["ename"], content["evalue"]) == ("ZeroDivisionError", "divide by zero")
    frames = [without_ansi(entry) for entry in content["traceback"] if "<cell" in without_ansi(entry)]
    assert len(frames) == 1
    assert frames[0].splitlines()[0].endswith(":2")
    assert frames[0].splitlines()[1] == "----> 2 b = 1; b / a"


def test_a_board_traceback_is_coloured_with_each_cell_line_under_its_frame(kernel):
    _, client = kernel
    execute(client, "def half(x):\n    return x / 0\n")
    definition_cell = f"<cell {reply_count(client) - 1}>"
    reply, messages = execute(client, "y = 4\nhalf(y)")
    content = reply["content"]
    assert (content["status"], content["ename"], content["evalue"]) == ("error", "ZeroDivisionError", "divide by zero")
    assert all("\x1b[" in entry for entry in content["traceback"])  # every entry is coloured
    plain = [without_ansi(entry) for entry in content["traceback"]]
    this_cell = f"<cell {reply['content']['execution_count']}>"
    assert plain[1].startswith("ZeroDivisionError")
    assert plain[1].endswith("Traceback (most recent call last)")
    assert f"File {this_cell}:2\n----> 2 half(y)\n" in plain
    assert f"File {definition_cell}:2, in half\n----> 2 return x / 0\n" in plain
    assert plain[-1] == "ZeroDivisionError: divide by zero"
    assert content["traceback"][-1] == "\x1b[91mZeroDivisionError\x1b[39m: divide by zero"  # the name in red
    errors = [m["content"] for m in messages if m["msg_type"] == "error"]
    assert [(e["ename"], e["traceback"]) for e in errors] == [("ZeroDivisionError", content["traceback"])]


def reply_count(client):
    """The execution count of a harmless cell run now."""
    reply, _ = execute(client, "pass")
    return reply["content"]["execution_count"]


def test_exit_as_a_whole_cell_asks_the_front_end_to_shut_down_and_closes_the_board(kernel):
    manager, client = kernel
    assert board_pids_of(manager.provisioner.pid)
    for code in ["exit", "quit()"]:
        reply, messages = execute(client, code)
        assert reply["content"]["status"] == "ok"
        assert reply["content"]["payload"] == [{"source": "ask_exit", "keepkernel": False}]
        assert [m for m in messages if m["msg_type"] == "error"] == []
        assert board_pids_of(manager.provisioner.pid) == []  # the board process ended with the connection
        # A front end that ignores the request keeps a working kernel: the next cell reconnects.
        reply, messages = execute(client, "1 + 1")
        assert "Connected to" in stdout_of(messages)
        assert results_of(messages) == ["2"]


def test_exit_on_the_last_line_runs_the_cell_first(kernel, board_folder):
    _, client = kernel
    reply, _ = execute(client, "open('ran.txt', 'w').write('yes')\nquit")
    assert reply["content"]["payload"] == [{"source": "ask_exit", "keepkernel": False}]
    assert (board_folder / "ran.txt").read_text() == "yes"
    reply, _ = execute(client, "x = 1; exit()")
    assert reply["content"]["payload"] == [{"source": "ask_exit", "keepkernel": False}]


def test_exit_after_an_error_is_not_reached(kernel):
    _, client = kernel
    execute(client, "kept = 3")
    reply, _ = execute(client, "1 / 0\nexit")
    assert (reply["content"]["status"], reply["content"]["ename"]) == ("error", "ZeroDivisionError")
    _, messages = execute(client, "kept")
    assert results_of(messages) == ["3"]  # still the same board connection


def test_exit_keeping_the_kernel_keeps_the_board(kernel):
    _, client = kernel
    execute(client, "kept = 4")
    reply, _ = execute(client, "exit(keep_kernel=True)")
    assert reply["content"]["payload"] == [{"source": "ask_exit", "keepkernel": True}]
    _, messages = execute(client, "kept")
    assert results_of(messages) == ["4"]


def test_a_name_exit_used_otherwise_goes_to_the_board(kernel):
    _, client = kernel
    reply, _ = execute(client, "exit(1, 2)")
    assert (reply["content"]["status"], reply["content"]["ename"]) == ("error", "NameError")  # the board's answer
    assert "payload" not in reply["content"]


def test_a_silent_first_cell_connects_without_a_word(monkeypatch):
    monkeypatch.setenv("BELAY_DEVICE", "virtual:")
    manager, client = start_new_kernel(kernel_name="belay", startup_timeout=60)
    try:
        reply, messages = execute(client, "print('hidden')\nsilently = 1", silent=True)
        assert reply["content"]["status"] == "ok"
        assert [m["msg_type"] for m in messages] == ["status"]  # no "Connected to" stream either
        deadline = time.monotonic() + TIMEOUT
        while not board_pids_of(manager.provisioner.pid):
            assert time.monotonic() < deadline
        _, messages = execute(client, "silently")
        assert results_of(messages) == ["1"]
    finally:
        client.stop_channels()
        manager.shutdown_kernel()
