"""The fault suite: boards that die, reset, flood or never answer; hosts that interrupt or call from many threads.

Every test here gets the `faults` marker and must leave no process behind: the autouse fixture below fails a
test that ends with a child process of this one (a board, a kernel) still alive or unreaped.
"""

import os
import threading
from pathlib import Path

import psutil
import pytest

HERE = Path(__file__).parent
#: Seconds one fault test may take: each asserts its own tighter bounds, this catches a hang.
TEST_TIMEOUT = 60
#: Seconds a process that was killed or closed has to disappear before it counts as left behind.
REAP_TIMEOUT = 10


def pytest_configure(config):
    config.addinivalue_line("markers", "faults: boards killed, reset or flooding, interrupts, busy or silent ports")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.faults)
            item.add_marker(pytest.mark.timeout(TEST_TIMEOUT))  # a hang is a failure, well before the default


def descendants() -> dict:
    """Pid → command line of every process below this one, zombies included (they were not reaped)."""
    found = {}
    for child in psutil.Process(os.getpid()).children(recursive=True):
        try:
            found[child.pid] = f"{child.pid} {child.status()} {' '.join(child.cmdline()) or child.name()}"
        except psutil.NoSuchProcess:
            continue
    return found


@pytest.fixture(autouse=True)
def leaves_no_process():
    """Fail the test if a process it started is still there (alive or a zombie) once it has ended."""
    before = set(descendants())
    yield
    pause = threading.Event()
    left = {}
    for _ in range(REAP_TIMEOUT * 20):
        left = {pid: line for pid, line in descendants().items() if pid not in before}
        if not left:
            return
        pause.wait(0.05)  # a killed process takes a moment to go; never reaped here, that is its owner's job
    pytest.fail(f"processes left behind: {sorted(left.values())}")
