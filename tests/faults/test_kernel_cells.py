"""A real Belay kernel (through jupyter_client): its board killed, or the kernel interrupted, at seeded random
points of a cell's output.

Contract: the cell's reply is an error naming `ConnectionLost` or `KeyboardInterrupt` within a bound, the
kernel stays alive, the next cell works (reconnecting to the board if it went), the board's files stay, and
after shutdown neither the kernel nor a board process is left.
"""

import os
import random
import signal

from ..kernel.conftest import board_folder, board_pids_of, execute, kernel, reply_to, results_of  # noqa: F401
from .wire import BOUND

LINES = 300
#: The cell prints LINES numbered lines, then waits (at most about 20 s) for a file the test never writes:
#: so a fault at any offset of its output lands while the cell still runs.
CELL = (
    "import os, time\n"
    f"for i in range({LINES}):\n"
    "    print('%05d' % i)\n"
    "for _ in range(2000):\n"
    "    try:\n"
    "        os.stat('/never')\n"
    "    except OSError:\n"
    "        time.sleep_ms(10)\n"
)
OUTPUT_BYTES = LINES * len("00000\n")


def wait_for_bytes(client, msg_id, count):
    """Wait until request `msg_id` has printed at least `count` characters of board output."""
    seen = 0
    while seen < count:
        message = client.get_iopub_msg(timeout=BOUND)
        if message["parent_header"].get("msg_id") == msg_id and message["msg_type"] == "stream":
            seen += len(message["content"]["text"])


def assert_next_cell_works(client, context):
    reply, messages = execute(client, "6 * 7\n", timeout=BOUND)
    assert reply["content"]["status"] == "ok", (context, reply["content"])
    assert results_of(messages) == ["42"], context
    reply, messages = execute(client, "open('kept.txt').read()", timeout=BOUND)
    assert results_of(messages) == ["'kept'"], (context, reply["content"])


def test_board_killed_or_kernel_interrupted_at_random_points_of_a_cell(kernel, board_folder):  # noqa: F811
    manager, client = kernel
    execute(client, "open('kept.txt', 'w').write('kept')")
    generator = random.Random("kernel-cell")
    faults = ["kill", "interrupt"] * 3
    generator.shuffle(faults)
    for fault in faults:
        offset = generator.randrange(OUTPUT_BYTES)
        context = f"{fault} after {offset} characters of output"
        msg_id = client.execute(CELL, stop_on_error=False)
        wait_for_bytes(client, msg_id, offset)
        if fault == "kill":
            boards = board_pids_of(manager.provisioner.pid)
            assert boards, context
            for pid in boards:
                os.kill(pid, signal.SIGKILL)
        else:
            manager.interrupt_kernel()
        reply = reply_to(client, msg_id, timeout=BOUND)
        expected = "ConnectionLost" if fault == "kill" else "KeyboardInterrupt"
        assert (reply["content"]["status"], reply["content"]["ename"]) == ("error", expected), context
        assert manager.is_alive(), context
        assert_next_cell_works(client, context)
    assert (board_folder / "kept.txt").read_text() == "kept"
