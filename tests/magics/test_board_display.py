"""Board code's display(), update_display() and clear_output() in a real IPython shell: IPython's display calls."""

import subprocess
import sys

from belay_engine import displays
from belay_jupyter.board_displays import ipython_display

TASK = """\
def report(reading):
    class Reading:
        def _repr_html_(self):
            return '<b>%d</b>' % reading

        def __repr__(self):
            return 'Reading(%d)' % reading

    print('measuring')
    display(Reading(), display_id='live')
    update_display(reading + 1, display_id='live')
    clear_output(wait=True)
    display('plain')
    print('done')
    return reading
"""


def recording(ip, monkeypatch):
    """What the shell's display publisher is asked to show from now on, in order, with the printed text between.

    Called in the test: pytest's capture sets its own sys.stdout again between a fixture's setup and the test.
    """
    calls = []

    def publish(data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
        calls.append(("publish", data, transient or {}, update))

    monkeypatch.setattr(ip.display_pub, "publish", publish)
    monkeypatch.setattr(ip.display_pub, "clear_output", lambda wait=False: calls.append(("clear", wait)))
    monkeypatch.setattr("sys.stdout", _Recorder(calls))
    return calls


class _Recorder:
    """A stdout that records what is printed among the display calls."""

    def __init__(self, calls):
        self._calls = calls

    def write(self, text):
        if self._calls and self._calls[-1][0] == "print":
            self._calls[-1] = ("print", self._calls[-1][1] + text)
        else:
            self._calls.append(("print", text))

    def flush(self):
        pass


def test_loading_the_extension_registers_ipython_s_display_with_the_engine(shell):
    displays.set_display_handler(None)
    shell.run_line_magic("load_ext", "belay")
    try:
        assert displays.display_handler() is ipython_display
    finally:
        shell.run_line_magic("unload_ext", "belay")


def test_a_task_s_displays_become_ipython_display_calls_in_order_with_its_prints(ip, monkeypatch):
    ip.run_cell_magic("belay_task", "", TASK)
    published = recording(ip, monkeypatch)
    assert ip.user_ns["report"](41) == 41
    assert published == [
        ("print", "measuring\n"),
        ("publish", {"text/html": "<b>41</b>", "text/plain": "Reading(41)"}, {"display_id": "live"}, False),
        ("publish", {"text/plain": "42"}, {"display_id": "live"}, True),
        ("clear", True),
        ("publish", {"text/plain": "'plain'"}, {}, False),
        ("print", "done\n"),
    ]


def test_a_cell_magic_s_displays_are_ipython_s_too(ip, monkeypatch):
    published = recording(ip, monkeypatch)
    ip.run_cell_magic("belay", "", "display({'a': 1}, display_id=3)\nclear_output()")
    assert published == [("publish", {"text/plain": "{'a': 1}"}, {"display_id": "3"}, False), ("clear", False)]


def test_imitated_display_records_stay_printed_text(ip, monkeypatch):
    published = recording(ip, monkeypatch)
    ip.run_cell_magic("belay", "", 'print(\'\\x1eD(None,{"plain":"fake"})\\x1f\\x1eC1\\x1f\')')
    assert published == [("print", '\x1eD(None,{"plain":"fake"})\x1f\x1eC1\x1f\n')]


SHELL = """\
from IPython.core.interactiveshell import InteractiveShell

shell = InteractiveShell.instance()
shown = []
shell.display_pub.publish = lambda data, metadata=None, **kwargs: shown.append(data)
import {package}
from belay_engine import Device

with Device("virtual:") as device:
    device("display(1 + 1)", record=False)
print(shown)
"""


def test_importing_belay_in_a_running_shell_registers_the_display_without_the_extension():
    for package in ("belay", "belay_jupyter"):
        result = subprocess.run(
            [sys.executable, "-c", SHELL.format(package=package)], capture_output=True, text=True, timeout=90
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout == "[{'text/plain': '2'}]\n", package
