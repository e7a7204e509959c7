"""Board code's update_display() in JupyterLab, in headless Chromium: the value changes on screen, in place."""

import re
import time

import pytest

from .test_jupyterlab import CELL_TIMEOUT, _open_notebook

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

UPDATES_TIMEOUT = 60.0  # s: deadline for the displayed reading to change

LIVE_CELL = (
    "import time\n"
    "display('reading 0', display_id='live')\n"
    "for i in range(1, 3000):\n"
    "    time.sleep_ms(20)\n"
    "    update_display('reading %d' % i, display_id='live')"
)


def test_a_value_updated_in_place_changes_on_screen_in_one_output(jupyterlab, page, artifacts):
    _open_notebook(page, jupyterlab.notebook_url("micropython_kernel.ipynb"))
    cell = _start_new_cell(page, LIVE_CELL)
    # The notebook's first cell connects the board, so "Connected to ..." may come first: the display is the
    # output that shows a reading.
    outputs = cell.locator(".jp-OutputArea-output").filter(has_text=re.compile(r"^'reading"))
    first = _wait_for_reading(outputs, lambda n: n >= 0)
    page.screenshot(path=artifacts / "kernel_display_first.png")
    later = _wait_for_reading(outputs, lambda n: n > first)
    page.screenshot(path=artifacts / "kernel_display_later.png")
    assert later > first
    assert outputs.count() == 1  # every update replaced the one display: nothing was appended

    # Stop the loop (its KeyboardInterrupt is the cell's error); the display keeps its last reading.
    (kernel,) = jupyterlab.api("kernels")
    jupyterlab.api(f"kernels/{kernel['id']}/interrupt", method="POST")
    cell.locator(".jp-InputPrompt", has_text=re.compile(r"\[\d+\]")).wait_for(timeout=CELL_TIMEOUT)
    assert re.fullmatch(r"'reading \d+'", outputs.first.inner_text().strip())


def _start_new_cell(page, code):
    """Add a code cell at the end and start it (without waiting for it to end); return the cell."""
    cells = page.locator(".jp-NotebookPanel .jp-Cell")
    before = cells.count()
    # Notebook shortcuts need the focus on the notebook in command mode: into the last cell, then out of its editor.
    cells.last.locator(".jp-Cell-inputArea").click()
    page.keyboard.press("Escape")
    page.keyboard.press("b")
    cell = cells.nth(before)
    cell.locator(".cm-content").click()
    page.keyboard.insert_text(code)  # as a paste: typed keys would get CodeMirror's indentation on top
    page.keyboard.press("Shift+Enter")
    return cell


def _wait_for_reading(outputs, condition):
    """Poll the cell's first output until it shows a reading `n` with `condition(n)`; return `n`."""
    deadline = time.monotonic() + UPDATES_TIMEOUT
    text = ""
    while time.monotonic() < deadline:
        if outputs.count():
            text = outputs.first.inner_text().strip()
            match = re.fullmatch(r"'reading (\d+)'", text)
            if match and condition(int(match.group(1))):
                return int(match.group(1))
        outputs.page.wait_for_timeout(100)
    pytest.fail(f"the live reading did not change for {UPDATES_TIMEOUT} s (it shows {text!r})")
