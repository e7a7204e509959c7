"""%%background in a real kernel: a job's output lands in its own cell while other cells run; %jobs; %kill."""

import time
from collections import defaultdict

import pytest

from .conftest import TIMEOUT, reply_to

JOB = """%%background
import os, time
n = 0
try:
    while True:
        n += 1
        print('tick', n)
        time.sleep_ms(20)
finally:
    print('cleaned up')
    open('/job-finally', 'w').close()
"""


class Inbox:
    """Every IOPub message, by the msg_id of its parent: a job's output comes after its cell's reply."""

    def __init__(self, client):
        self.client = client
        self.by_parent = defaultdict(list)

    def pump(self, timeout=0.1):
        """Take the messages waiting (waiting at most `timeout` for the first); whether any came."""
        try:
            message = self.client.get_iopub_msg(timeout=timeout)
        except Exception:  # queue.Empty
            return False
        while True:
            self.by_parent[message["parent_header"].get("msg_id")].append(message)
            try:
                message = self.client.get_iopub_msg(timeout=0)
            except Exception:
                return True

    def text(self, msg_id, name="stdout"):
        """The stream text sent with parent `msg_id`."""
        return "".join(
            m["content"]["text"]
            for m in self.by_parent[msg_id]
            if m["msg_type"] == "stream" and m["content"]["name"] == name
        )

    def idle(self, msg_id):
        """Whether the kernel went idle after request `msg_id`."""
        return any(
            m["msg_type"] == "status" and m["content"]["execution_state"] == "idle" for m in self.by_parent[msg_id]
        )

    def wait_for(self, condition, what, timeout=TIMEOUT):
        """Pump until `condition()` holds."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"waited {timeout} s for {what}")
            self.pump()

    def run(self, code, **options):
        """Execute `code`; return (reply, msg_id) once the kernel is idle after it."""
        msg_id = self.client.execute(code, **options)
        reply = reply_to(self.client, msg_id)
        self.wait_for(lambda: self.idle(msg_id), f"the kernel to go idle after {code!r}")
        return reply, msg_id


@pytest.fixture
def inbox(kernel):
    return Inbox(kernel[1])


def ticks(text):
    """The numbers of the job's ``tick N`` lines, in order."""
    return [int(line.split()[1]) for line in text.splitlines() if line.startswith("tick ")]


def test_a_background_job_prints_in_its_own_cell_while_another_cell_runs(inbox, board_folder):
    reply, job_cell = inbox.run(JOB)
    assert reply["content"]["status"] == "ok", reply["content"]
    assert "[job 1] running" in inbox.text(job_cell)
    # The other cell waits for a file only the test makes, once the job's output has come during that cell.
    waiting = (
        "import os, time\nprint('waiting')\nwhile 'go' not in os.listdir('/'):\n    time.sleep_ms(5)\nprint('went')"
    )
    other = inbox.client.execute(waiting)
    inbox.wait_for(lambda: "waiting" in inbox.text(other), "the other cell to start")
    before = len(ticks(inbox.text(job_cell)))
    inbox.wait_for(lambda: len(ticks(inbox.text(job_cell))) >= before + 3, "job output while the other cell runs")
    assert not inbox.idle(other)
    (board_folder / "go").write_text("")
    assert reply_to(inbox.client, other)["content"]["status"] == "ok"
    inbox.wait_for(lambda: inbox.idle(other), "the other cell to end")
    # Neither cell got the other's output, and the job's lines came whole and in order.
    assert inbox.text(other) == "waiting\nwent\n"
    numbers = ticks(inbox.text(job_cell))
    assert numbers == list(range(1, len(numbers) + 1))
    # No cell runs now: the idle reader brings the job's output.
    count = len(numbers)
    inbox.wait_for(lambda: len(ticks(inbox.text(job_cell))) >= count + 3, "job output between cells")
    inbox.run("%kill 1")


def test_jobs_lists_the_jobs_and_kill_runs_the_jobs_finally(inbox, board_folder):
    _, job_cell = inbox.run(JOB)
    inbox.wait_for(lambda: ticks(inbox.text(job_cell)), "the job's first tick")
    _, listing = inbox.run("%jobs")
    assert "[1] running" in inbox.text(listing)
    reply, kill = inbox.run("%kill 1")
    assert reply["content"]["status"] == "ok"
    assert "asked to stop" in inbox.text(kill)
    inbox.wait_for(lambda: "cleaned up" in inbox.text(job_cell), "the job's finally")
    inbox.wait_for(lambda: "killed" in inbox.text(job_cell, "stderr"), "the job's end")
    assert (board_folder / "job-finally").exists()
    _, listing = inbox.run("%jobs")
    assert "[1] killed" in inbox.text(listing)
    # The board is free for the next cell, and the REPL's globals are the job's.
    reply, cell = inbox.run("print(n > 0)")
    assert inbox.text(cell) == "True\n"
    reply, _ = inbox.run("%kill 7")
    assert reply["content"]["status"] == "error"
    assert "no background job 7" in reply["content"]["evalue"]


def test_a_failing_job_shows_its_traceback_in_its_cell(inbox):
    _, job_cell = inbox.run("%%background\nimport time\ntime.sleep_ms(10)\nprint('about to fail')\n1 / 0\n")
    inbox.wait_for(
        lambda: any(m["msg_type"] == "error" for m in inbox.by_parent[job_cell]), "the job's error in its cell"
    )
    (error,) = [m for m in inbox.by_parent[job_cell] if m["msg_type"] == "error"]
    assert error["content"]["ename"] == "ZeroDivisionError"
    assert any("<cell" in line and ":5" in line for line in error["content"]["traceback"])
    assert "about to fail" in inbox.text(job_cell)
    _, listing = inbox.run("%jobs")
    assert "[1] failed" in inbox.text(listing)


def test_a_job_with_a_syntax_error_fails_in_its_cell_and_starts_nothing(inbox):
    reply, _ = inbox.run("%%background\ndef broken(:\n    pass\n")
    assert reply["content"]["ename"] == "SyntaxError"
    _, listing = inbox.run("%jobs")
    assert "no background jobs" in inbox.text(listing)


def test_a_board_without_threads_gets_a_clear_message(inbox):
    inbox.run("import sys\nsys.modules['_thread'] = None")  # what `import _thread` gives is no thread module
    reply, _ = inbox.run("%%background\nprint('never')\n")
    content = reply["content"]
    assert (content["status"], content["ename"]) == ("error", "MagicError")
    assert "no _thread module" in content["evalue"]


def test_a_jobs_display_lands_in_its_own_cell(inbox):
    _, job_cell = inbox.run("%%background\nimport time\ntime.sleep_ms(50)\ndisplay('from the job', display_id='j')\n")
    inbox.wait_for(lambda: any(m["msg_type"] == "display_data" for m in inbox.by_parent[job_cell]), "the job's display")
    (shown,) = [m["content"] for m in inbox.by_parent[job_cell] if m["msg_type"] == "display_data"]
    assert shown["data"]["text/plain"] == "'from the job'"
    assert shown["transient"] == {"display_id": "j"}


def test_interrupting_another_cell_ends_that_cell_and_the_job_is_accounted_for(kernel, inbox):
    manager, client = kernel
    _, job_cell = inbox.run(JOB)
    inbox.wait_for(lambda: ticks(inbox.text(job_cell)), "the job's first tick")
    spinning = client.execute("print('spinning')\nwhile True:\n    pass", stop_on_error=False)
    inbox.wait_for(lambda: "spinning" in inbox.text(spinning), "the other cell to spin")
    manager.interrupt_kernel()
    inbox.wait_for(lambda: inbox.idle(spinning), "the interrupted cell to end")
    errors = [m["content"]["ename"] for m in inbox.by_parent[spinning] if m["msg_type"] == "error"]
    assert errors == ["KeyboardInterrupt"]
    # A board gives Ctrl-C to its main thread. The unix port (the virtual board) takes it as a signal, which
    # may land in the job's thread instead: then the job ends, and says so in its cell. Either way %jobs knows.
    _, listing = inbox.run("%jobs")
    if "[1] running" in inbox.text(listing):
        count = len(ticks(inbox.text(job_cell)))
        inbox.wait_for(lambda: len(ticks(inbox.text(job_cell))) > count + 2, "the job's output after the interrupt")
        inbox.run("%kill 1")
        inbox.wait_for(lambda: "cleaned up" in inbox.text(job_cell), "the job's finally")
    else:
        inbox.wait_for(
            lambda: inbox.text(job_cell, "stderr") or any(m["msg_type"] == "error" for m in inbox.by_parent[job_cell]),
            "the job's end in its cell",
        )
    _, cell = inbox.run("print('usable')")
    assert inbox.text(cell) == "usable\n"
