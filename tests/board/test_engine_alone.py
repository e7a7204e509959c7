"""The engine drives a board with the Jupyter side and its libraries missing, as a plain Python user installs it."""

import subprocess
import sys

from tests.unit.test_engine_imports import ABOVE_THE_ENGINE, BLOCKER

# Written to a file: tasks need their source, which code given with -c has none of.
SCRIPT = BLOCKER + """
import pathlib

from belay_engine import Device, ProxyObject

project = pathlib.Path(sys.argv[1]) / "project"
project.mkdir()
(project / "tiny.py").write_text("VALUE = 42\\n")
board = pathlib.Path(sys.argv[1]) / "board"
board.mkdir()

with Device(f"virtual:{board}") as device:

    @device.task
    def add(a, b):
        return a + b

    @device.task
    def count(n):
        for i in range(n):
            yield i

    assert add(2, 3) == 5
    assert list(count(4)) == [0, 1, 2, 3]
    device("data = {'a': [1, 2]}")
    data = device.proxy("data")
    assert isinstance(data, ProxyObject)
    assert data["a"][1] == 2 and len(data) == 1
    assert repr(data) == "<ProxyObject {'a': [1, 2]}>"
    device.sync(project)
    assert device("__import__('tiny').VALUE") == 42
assert (board / "tiny.py").exists()
assert not [name for name in sys.modules if name.partition(".")[0] in ABOVE], sorted(sys.modules)
print("ok")
"""


def test_tasks_generators_proxies_and_sync_work_with_the_jupyter_side_blocked(tmp_path):
    script = tmp_path / "engine_alone.py"
    script.write_text(SCRIPT.replace("in ABOVE]", f"in {ABOVE_THE_ENGINE!r}]"))
    result = subprocess.run(
        [sys.executable, str(script), str(tmp_path)], capture_output=True, text=True, timeout=90, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "ok\n"
