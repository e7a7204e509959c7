"""``belay run micropython FILE`` with the staged dependencies, and the package commands' arguments and errors."""

import os
import sys
from pathlib import Path

from .conftest import belay, belay_env

PYPROJECT = """\
[tool.belay]
name = "demo"

[tool.belay.dependencies]
greeting = "../sources/greeting.py"

[tool.belay.group.dev]
optional = true
dependencies = { helper = { uri = "../sources/helper.py", develop = true } }
"""


def _project(folder: Path) -> Path:
    """A project with one installed dependency and one develop dependency in an optional group."""
    sources = folder.parent / "sources"
    sources.mkdir()
    for name in ("greeting", "helper"):
        (sources / f"{name}.py").write_text(f"WORD = {name!r}\n")
    folder.mkdir()
    (folder / "pyproject.toml").write_text(PYPROJECT)
    return folder


def test_run_a_local_micropython_with_every_dependency_group_on_its_path(tmp_path):
    project = _project(tmp_path / "demo")
    (project / "main.py").write_text("import greeting, helper, sys\nprint(greeting.WORD, helper.WORD)\nsys.exit(3)\n")
    env = belay_env(PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    assert belay("install", "--host-only", "--with", "dev", env=env, cwd=project).returncode == 0
    # A develop dependency is used where it lives: an edit shows at once, with no install in between.
    (tmp_path / "sources" / "helper.py").write_text("WORD = 'edited helper'\n")
    result = belay("run", "micropython", "main.py", env=env, cwd=project)
    assert result.stdout == "greeting edited helper\n"
    assert result.returncode == 3  # the program's own exit code


def test_run_micropython_outside_a_project_is_one_error_line(tmp_path):
    env = belay_env(PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    result = belay("run", "micropython", "main.py", env=env, cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: ")


def test_cache_clear_needs_a_prefix_or_all():
    result = belay("cache", "clear")
    assert result.returncode == 1
    assert result.stderr.strip() == 'error: either provide a prefix OR set the "--all" flag.'
    both = belay("cache", "clear", "abc", "--all")
    assert both.returncode == 1


def test_package_commands_take_belay_options():
    install = belay("install", "--help").stdout
    for option in ["--with", "--frozen", "--host-only", "--password", "PORT"]:
        assert option in install
    assert "--group" in belay("add", "--help").stdout
    assert "Lay out a new Belay project" in belay("init", "--help").stdout  # new's alias
    for sub in ["info", "list", "clear"]:
        assert sub in belay("cache", "--help").stdout


def test_install_update_add_clean_and_the_cache_end_to_end(server, tmp_path, root):
    server.put("https://example.com/drivers/sensor.py", b"VALUE = 1\n")
    project = tmp_path / "robot"
    new = belay("new", str(project), cwd=tmp_path)
    assert new.returncode == 0, new.stderr
    assert (project / "pyproject.toml").exists()

    added = belay("add", "sensor", "https://example.com/drivers/sensor.py", cwd=project)
    assert added.returncode == 0, added.stderr
    assert "sensor" in (project / "pyproject.toml").read_text()

    installed = belay("install", f"virtual:{root}", cwd=project)
    assert installed.returncode == 0, installed.stderr
    assert (root / "lib" / "sensor" / "__init__.py").read_text() == "VALUE=1\n"  # minified on the way
    assert (project / "belay.lock").exists()
    assert belay("exec", f"virtual:{root}", "__import__('sensor').VALUE", cwd=project).stdout == "1\n"

    server.put("https://example.com/drivers/sensor.py", b"VALUE = 10\n")
    updated = belay("update", "sensor", cwd=project)
    assert updated.returncode == 0, updated.stderr
    assert (project / ".belay" / "dependencies" / "main" / "sensor" / "__init__.py").read_text() == "VALUE = 10\n"

    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('sensor = "https://example.com/drivers/sensor.py"', ""))
    cleaned = belay("clean", cwd=project)
    assert cleaned.returncode == 0, cleaned.stderr
    assert not (project / ".belay" / "dependencies" / "main" / "sensor").exists()

    info = belay("cache", "info")
    assert info.returncode == 0
    assert info.stdout.startswith("Location: ")
    assert belay("cache", "list").stdout.strip()
    cleared = belay("cache", "clear", "--all", "--yes")
    assert cleared.returncode == 0, cleared.stderr
    assert belay("cache", "list").stdout.strip() == ""


def test_install_with_a_bad_pyproject_is_one_error_line(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.belay]\nunknown_key = 1\n")
    result = belay("install", "--host-only", cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: ")
    assert "pyproject.toml" in lines[0]
