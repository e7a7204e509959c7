"""The MicroPython kernel's %plot in JupyterLab, in headless Chromium: the widget draws, and Stop stops it."""

import pytest

from .test_jupyterlab import (
    CELL_TIMEOUT,
    _open_notebook,
    _points_in,
    _run_all_cells,
    _run_new_cell,
    _wait_for_count,
    _wait_until_steady,
)

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]


def test_the_kernels_plot_draws_and_stop_stops_it(jupyterlab, page, artifacts):
    _open_notebook(page, jupyterlab.notebook_url("micropython_kernel.ipynb"))
    _run_all_cells(page)
    # One line: the editor would indent a typed function body. The notebook imported time on the board.
    _run_new_cell(page, "%plot (time.sleep_ms(5) or i % 50 for i in range(10 ** 9))")
    plot = page.locator(".belay-plot").last
    plot.locator(".bqplot").wait_for(timeout=CELL_TIMEOUT)
    count = plot.locator(".belay-plot-count")
    first = _wait_for_count(count, lambda n: n > 1)
    _wait_for_count(count, lambda n: n > first)
    line = plot.locator(".bqplot path.line").first
    assert _points_in(line.get_attribute("d")) > 1
    page.screenshot(path=artifacts / "kernel_plot_running.png")

    plot.locator(".belay-plot-stop").click()
    _wait_until_steady(count)
    plot.locator(".belay-plot-state", has_text="stopped").wait_for(timeout=CELL_TIMEOUT)
    page.screenshot(path=artifacts / "kernel_plot_stopped.png")
    assert _run_new_cell(page, "print('the board is free')") == "the board is free"
