"""``belay run micropython FILE`` with the staged dependencies, and the package commands' arguments and errors."""

import os
import sys
from pathlib import Path

from .conftest import belay, belay_env

PYPROJECT = """\
[tool.belay]
name = "demo"

[tool.belay.group.dev]
optional = true
"""


def _project(folder: Path) -> Path:
    folder.mkdir()
    (folder / "pyproject.toml").write_text(PYPROJECT)
    for group, name in [("main", "greeting"), ("dev", "helper")]:
        staged = folder / ".belay" / "dependencies" / group
        staged.mkdir(parents=True)
        (staged / f"{name}.py").write_text(f"WORD = {name!r}\n")
    return folder


def test_run_a_local_micropython_with_every_staged_group_on_its_path(tmp_path):
    project = _project(tmp_path / "demo")
    (project / "main.py").write_text("import greeting, helper, sys\nprint(greeting.WORD, helper.WORD)\nsys.exit(3)\n")
    env = belay_env(PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    result = belay("run", "micropython", "main.py", env=env, cwd=project)
    assert result.stdout == "greeting helper\n"
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
