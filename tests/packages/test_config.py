"""[tool.belay] in pyproject.toml: every dependency form, groups, defaults, and one-line errors."""

from pathlib import Path

import pytest

from belay_engine.errors import ConfigError
from belay_engine.packages import DependencySource, load_project

from .conftest import write_project


def test_every_dependency_form_is_normalised_as_belay_does(project_dir):
    project = write_project(
        project_dir,
        """
[tool.belay]
name = "app"
[tool.belay.dependencies]
star = "*"
latest_ = "latest"
pinned = "1.2.3"
url = "https://example.com/a.py"
several = ["github:u/r/a.py", {uri = "github:u/r/b.py", rename_to_init = true}]
table = {uri = "github:u/r/t.py"}
table_version = {uri = "2.0", rename_to_init = false}
local = {uri = "../lib/thing", develop = true}
""",
    )
    deps = project.config.dependencies
    assert deps["star"] == (DependencySource(uri="star", rename_to_init=True),)
    assert deps["latest_"] == (DependencySource(uri="latest_", rename_to_init=True),)
    assert deps["pinned"] == (DependencySource(uri="pinned@1.2.3", rename_to_init=True),)
    assert deps["url"] == (DependencySource(uri="https://example.com/a.py", rename_to_init=True),)
    assert deps["several"] == (
        DependencySource(uri="github:u/r/a.py"),
        DependencySource(uri="github:u/r/b.py", rename_to_init=True),
    )
    assert deps["table"] == (DependencySource(uri="github:u/r/t.py", rename_to_init=True),)
    assert deps["table_version"] == (DependencySource(uri="table_version@2.0", rename_to_init=False),)
    assert deps["local"] == (DependencySource(uri="../lib/thing", develop=True, rename_to_init=True),)
    assert project.config.name == "app"


def test_defaults(project_dir):
    project = write_project(project_dir, "[project]\nname = 'x'\n")
    assert project.config.dependencies_path == Path(".belay/dependencies")
    assert project.dependencies_folder == project_dir.resolve() / ".belay" / "dependencies"
    assert project.config.mpy_version == "py"
    assert project.config.package_indices == ("https://micropython.org/pi/v2",)
    assert [g.name for g in project.groups] == ["main"]
    assert project.lock_path == project_dir.resolve() / "belay.lock"


def test_groups_are_listed_main_first_and_optional_ones_are_selected_only_by_name(project_dir):
    project = write_project(
        project_dir,
        """
[tool.belay.dependencies]
a = "*"
[tool.belay.group.test]
dependencies = {b = "*"}
[tool.belay.group.dev]
optional = true
[tool.belay.group.dev.dependencies]
c = "*"
""",
    )
    assert [(g.name, g.optional) for g in project.groups] == [("main", False), ("dev", True), ("test", False)]
    assert [g.name for g in project.selected_groups()] == ["main", "test"]
    assert [g.name for g in project.selected_groups(["dev"])] == ["main", "dev", "test"]
    with pytest.raises(ConfigError, match="no dependency group 'nope'"):
        project.selected_groups(["nope"])


def test_project_is_found_walking_up_from_a_sub_folder(project_dir, monkeypatch):
    write_project(project_dir, "[tool.belay]\nname = 'found'\n")
    deep = project_dir / "a" / "b"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    assert load_project().config.name == "found"
    assert load_project(deep).pyproject == project_dir.resolve() / "pyproject.toml"


def test_no_pyproject_anywhere_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match=r"no pyproject\.toml in"):
        load_project(Path("/"))


@pytest.mark.parametrize(
    ("body", "key", "what"),
    [
        ('[tool.belay.group.dev.dependencies]\nfoo = ">=1.0"', "tool.belay.group.dev.dependencies.foo", "ranges"),
        ("[tool.belay.dependencies]\nfoo = 3", "tool.belay.dependencies.foo", "not int"),
        ('[tool.belay.dependencies]\n"my-pkg" = "*"', "tool.belay.dependencies.my-pkg", "not a Python identifier"),
        ('[tool.belay.dependencies]\nfoo = {url = "x"}', "tool.belay.dependencies.foo.url", "unknown key"),
        ('[tool.belay]\nmpy_version = "six"', "tool.belay.mpy_version", "neither"),
        ('[tool.belay]\npackage_indices = ["ftp://x"]', "tool.belay.package_indices", "http(s)"),
        ("[tool.belay.group.main]\noptional = true", "tool.belay.group", '"main"'),
        ('[tool.belay]\nnmae = "typo"', "tool.belay.nmae", "unknown key"),
        (
            '[tool.belay.dependencies]\nfoo = ["a.py", {uri = "b.py", develop = "yes"}]',
            "tool.belay.dependencies.foo.1.develop",
            "boolean",
        ),
        ('[tool.belay.dependencies]\nfoo = [["a"]]', "tool.belay.dependencies.foo", "strings or tables"),
        (
            "[tool.belay.dependencies]\nfoo = [{uri='a.py', rename_to_init=true}, {uri='b.py', rename_to_init=true}]",
            "tool.belay.dependencies",
            "at most one",
        ),
    ],
)
def test_invalid_config_names_file_key_path_and_problem_in_one_line(project_dir, body, key, what):
    with pytest.raises(ConfigError) as caught:
        write_project(project_dir, body + "\n")
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{project_dir.resolve() / 'pyproject.toml'}: {key}: ")
    assert what in message
    assert "pydantic" not in message
    assert "validation error" not in message


def test_toml_syntax_error_names_the_file(project_dir):
    with pytest.raises(ConfigError, match=r"pyproject.toml: not valid TOML: .*line 2"):
        write_project(project_dir, "[tool.belay]\nname = \n")
