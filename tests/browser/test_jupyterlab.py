"""The example notebooks' widgets in JupyterLab, in headless Chromium: the live plot and the proxy editor."""

import re
import time

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

# Deadlines only, so that a broken widget fails the test instead of hanging it.
KERNEL_TIMEOUT = 60_000  # ms: kernel start plus connecting the virtual board
CELL_TIMEOUT = 60_000
STREAM_TIMEOUT = 30.0  # s
QUIET_PERIOD = 1.5  # s without a new value before the plot counts as stopped


def test_live_plot_grows_while_the_task_runs_and_stop_leaves_the_board_idle(jupyterlab, page, artifacts):
    _open_notebook(page, jupyterlab.notebook_url("live_plot.ipynb"))
    _run_all_cells(page)
    plot = page.locator(".belay-plot").last  # the notebook's long-running plot; short ones come before it
    plot.locator(".bqplot").wait_for(timeout=CELL_TIMEOUT)
    count = plot.locator(".belay-plot-count")

    line = plot.locator(".bqplot path.line").first
    first = _wait_for_count(count, lambda n: n > 0)
    drawn = line.get_attribute("d")
    later = _wait_for_count(count, lambda n: n > first)
    expect(line).not_to_have_attribute("d", drawn or "", timeout=STREAM_TIMEOUT * 1000)  # the drawing follows
    assert _points_in(line.get_attribute("d")) > 1
    page.screenshot(path=artifacts / "live_plot_running.png")

    plot.locator(".belay-plot-stop").click()
    stopped_at = _wait_until_steady(count)
    page.screenshot(path=artifacts / "live_plot_stopped.png")
    assert stopped_at >= later

    assert _run_new_cell(page, "%belay streaming") == "False"
    assert _count_value(count) == stopped_at
    page.screenshot(path=artifacts / "live_plot_board_idle.png")


def test_a_value_typed_into_the_proxy_widget_reaches_the_board(jupyterlab, page, artifacts):
    _open_notebook(page, jupyterlab.notebook_url("proxy_objects.ipynb"))
    _run_all_cells(page)
    speed = page.locator(".belay-proxy .belay-proxy-attr-speed input")
    speed.wait_for(timeout=CELL_TIMEOUT)
    assert speed.input_value() != "42"
    page.screenshot(path=artifacts / "proxy_before_edit.png")

    speed.fill("42")
    speed.press("Enter")

    assert _run_new_cell(page, "%belay motor.speed") == "42"
    page.screenshot(path=artifacts / "proxy_board_has_the_value.png")


def _open_notebook(page, url):
    page.goto(url)
    # The toolbar's execution indicator says idle before a kernel is attached, and Run All then runs nothing;
    # the status bar's kernel item names the kernel once it is connected ("Python 3 (ipykernel) | Idle").
    page.wait_for_function(
        """() => [...document.querySelectorAll('#jp-main-statusbar .jp-StatusBar-TextItem')]
            .some((item) => /^(?!No Kernel).+ \\| Idle$/.test(item.textContent.trim()))""",
        timeout=KERNEL_TIMEOUT,
    )


def _run_all_cells(page):
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
    # Every code cell has an execution count once the kernel has run them all.
    page.wait_for_function(
        """() => {
            const prompts = [...document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell .jp-InputPrompt')];
            return prompts.length > 0 && prompts.every((p) => /\\[\\d+\\]/.test(p.textContent));
        }""",
        timeout=CELL_TIMEOUT,
    )
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']")
    assert errors.count() == 0, errors.all_inner_texts()


def _run_new_cell(page, code):
    """Add a code cell at the end, run it, and return its output text."""
    cells = page.locator(".jp-NotebookPanel .jp-Cell")
    before = cells.count()
    # Notebook shortcuts need the focus on the notebook in command mode: into the last cell, then out of its editor.
    cells.last.locator(".jp-Cell-inputArea").click()
    page.keyboard.press("Escape")
    page.keyboard.press("b")
    cell = cells.nth(before)
    cell.locator(".cm-content").click()
    page.keyboard.type(code)
    page.keyboard.press("Shift+Enter")
    cell.locator(".jp-InputPrompt", has_text=re.compile(r"\[\d+\]")).wait_for(timeout=CELL_TIMEOUT)
    return cell.locator(".jp-OutputArea-output").inner_text().strip()


def _count_value(label):
    match = re.search(r"(\d+) values", label.inner_text())
    assert match, f"count label reads {label.inner_text()!r}"
    return int(match.group(1))


def _wait_for_count(label, condition):
    """Poll the plot's count label until `condition(count)` holds; return that count."""
    deadline = time.monotonic() + STREAM_TIMEOUT
    while time.monotonic() < deadline:
        value = _count_value(label)
        if condition(value):
            return value
        label.page.wait_for_timeout(100)
    pytest.fail(f"the plot's count stayed at {value} for {STREAM_TIMEOUT} s")


def _wait_until_steady(label):
    """The count once it has not changed for QUIET_PERIOD seconds."""
    deadline = time.monotonic() + STREAM_TIMEOUT
    value, since = _count_value(label), time.monotonic()
    while time.monotonic() < deadline:
        label.page.wait_for_timeout(100)
        current = _count_value(label)
        if current != value:
            value, since = current, time.monotonic()
        elif time.monotonic() - since >= QUIET_PERIOD:
            return value
    pytest.fail(f"the plot's count kept changing for {STREAM_TIMEOUT} s after Stop (last {value})")


def _points_in(path_data):
    """Number of points in an SVG path's 'd' attribute (one M or L command each)."""
    return len(re.findall(r"[ML]", path_data or ""))
