"""JupyterLab on 127.0.0.1 and headless Debian Chromium driven by Playwright, for tests in a real browser."""

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import attrs
import nbformat
import pytest

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
ARTIFACTS = REPO / "build" / "browser-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
# Playwright's own browser download cannot work here; Debian's build with flags that keep it off the network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STARTUP_TIMEOUT = 60
SHUTDOWN_TIMEOUT = 15


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives JupyterLab in headless Chromium (needs /usr/bin/chromium)")


@attrs.frozen
class Lab:
    """A running JupyterLab server."""

    url: str
    token: str
    root: Path
    process: subprocess.Popen

    def notebook_url(self, name: str) -> str:
        """Address that opens notebook `name` (relative to the server's root) in the Lab interface."""
        return f"{self.url}/lab/tree/{name}?reset&token={self.token}"

    def api(self, path: str, method: str = "GET"):
        """Decoded JSON answer of the REST API at `path` (``None`` for an empty body)."""
        request = urllib.request.Request(
            f"{self.url}/api/{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None


@pytest.fixture(scope="session")
def chromium():
    """Path of the system Chromium; a missing one skips the test on a developer machine and fails it under CI."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does it)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(reason)
        pytest.skip(reason)
    return CHROMIUM


@pytest.fixture(scope="package")
def browser(chromium):
    """A headless Chromium, closed after the last browser test.

    Not kept for the session: a live Chromium starts helper processes of its own at any time, which the fault
    suite's check then finds below pytest and fails its test with.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the test item, so the page fixture can tell whether the test failed.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(browser, artifacts, request):
    """A fresh browser page (own context: no storage shared between tests); a failed test leaves a screenshot."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(30_000)
    page = context.new_page()
    yield page
    if getattr(request.node, "report_call", None) is None or request.node.report_call.failed:
        page.screenshot(path=artifacts / f"{request.node.name}-FAILED.png")
    context.close()


@pytest.fixture(scope="session")
def artifacts():
    """Folder for screenshots, emptied once per session so it holds this run's images only."""
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    return ARTIFACTS


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    """JupyterLab serving a copy of notebooks/ on a free 127.0.0.1 port, with nothing from the user's home.

    At teardown the kernels are shut down by request (so their boards close), then the server; the test then
    fails if any process the server started is still alive.
    """
    base = tmp_path_factory.mktemp("jupyterlab")
    root = base / "notebooks"
    _copy_unexecuted(NOTEBOOKS, root)
    # Private Jupyter and IPython folders keep the developer's settings and kernels out; TMPDIR puts the
    # virtual boards' folders under `base`, so a leftover board process is recognisable by its arguments.
    env = dict(os.environ, BELAY_DEVICE="virtual:")
    for variable, folder in [
        ("JUPYTER_CONFIG_DIR", "config"),
        ("JUPYTER_DATA_DIR", "data"),
        ("JUPYTER_RUNTIME_DIR", "runtime"),
        ("IPYTHONDIR", "ipython"),
        ("TMPDIR", "tmp"),
    ]:
        (base / folder).mkdir()
        env[variable] = str(base / folder)
    _write_lab_settings(base / "config" / "lab" / "user-settings")
    token = secrets.token_hex(16)
    port = _free_port()
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ip=127.0.0.1"]
    command += [f"--port={port}", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}"]
    log = (base / "server.log").open("wb")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    lab = Lab(url=f"http://127.0.0.1:{port}", token=token, root=root, process=process)
    try:
        _wait_for_status(lab, base / "server.log")
        yield lab
    finally:
        started = _descendants(process.pid)
        _shut_down(lab)
        log.close()
        left = [line for pid, line in _processes().items() if pid in started or str(base) in line]
        assert left == [], f"processes left after JupyterLab shut down: {left}"


def _copy_unexecuted(source: Path, target: Path) -> None:
    # Without saved outputs and execution counts, a numbered prompt shows the cell ran in this session.
    target.mkdir()
    for path in source.glob("*.ipynb"):
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        nbformat.write(notebook, target / path.name)


def _write_lab_settings(folder: Path) -> None:
    # Fresh settings would ask in a toast over the notebook whether to fetch Jupyter news; and in the default
    # windowing mode cells scrolled out of view leave the DOM, hiding their prompts and outputs from the test.
    for plugin, settings in [
        ("apputils-extension/notification", {"fetchNews": "false", "checkForUpdates": False}),
        ("notebook-extension/tracker", {"windowingMode": "none"}),
    ]:
        path = folder / "@jupyterlab" / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(settings))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_status(lab: Lab, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if lab.process.poll() is not None:
            pytest.fail(f"JupyterLab exited with {lab.process.returncode}:\n{log.read_text()}")
        try:
            lab.api("status")
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)  # the server is still starting; nothing to block on but the port
    pytest.fail(f"JupyterLab did not answer /api/status within {STARTUP_TIMEOUT} s:\n{log.read_text()}")


def _shut_down(lab: Lab) -> None:
    """Kernels by request, then the server by request; terminate and kill only past a deadline."""
    try:
        for kernel in lab.api("kernels"):
            lab.api(f"kernels/{kernel['id']}", method="DELETE")
        lab.api("shutdown", method="POST")
    except (urllib.error.URLError, ConnectionError):
        pass  # a dead server is shut down already; the process checks below still run
    for stop in (None, lab.process.terminate, lab.process.kill):
        if stop is not None:
            stop()
        try:
            lab.process.wait(timeout=SHUTDOWN_TIMEOUT)
            return
        except subprocess.TimeoutExpired:
            continue


def _processes() -> dict:
    """Pid → 'pid ppid args' line of every live process, from ps (-ww: whole command lines, not 80 columns).

    Zombies are left out: they have exited, and a container's pid 1 may never reap what it inherits.
    """
    command = ["ps", "-ww", "-eo", "pid=,ppid=,stat=,args="]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    processes = {}
    for line in output.splitlines():
        pid, ppid, stat, args = line.split(maxsplit=3)
        if not stat.startswith("Z"):
            processes[int(pid)] = f"{pid} {ppid} {args}"
    return processes


def _descendants(root: int) -> set:
    """Pids of every process below `root` in the process tree (kernels and their boards)."""
    children = {}
    for line in _processes().values():
        pid, ppid = (int(field) for field in line.split()[:2])
        children.setdefault(ppid, []).append(pid)
    found, todo = set(), [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found
