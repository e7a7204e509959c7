"""add() edits pyproject.toml keeping the rest of it; new_project() lays out an importable project."""

import pytest

from belay_engine.errors import ConfigError
from belay_engine.packages import DependencySource, PackageError, add, load_project, new_project

from .conftest import serve_index_package, write_project

ORIGINAL = """# my project
[project]
name = "thing"   # keep this comment

[tool.belay]
name = "thing"

[tool.belay.dependencies]
first = "https://example.com/first.py"  # the first one


[tool.other]
x = 1
"""


def test_add_appends_to_the_dependencies_table_and_keeps_everything_else(server, project_dir):
    server.put("https://example.com/second.py", b"S = 2\n")
    project = write_project(project_dir, ORIGINAL)
    updated = add(project, None, "https://example.com/second.py")
    text = (project_dir / "pyproject.toml").read_text()
    assert text == ORIGINAL.replace("# the first one\n", '# the first one\nsecond = "https://example.com/second.py"\n')
    assert updated.config.dependencies["second"] == (
        DependencySource(uri="https://example.com/second.py", rename_to_init=True),
    )


def test_add_to_a_new_group_and_as_a_table(server, project_dir, tmp_path):
    serve_index_package(server, "ntptime", "0.1", {"ntptime.py": b""})
    local = project_dir / "vendor"
    local.mkdir(parents=True)
    (local / "tool.py").write_text("")
    project = write_project(project_dir, ORIGINAL)
    project = add(project, "ntp", "ntptime", group="dev")
    project = add(project, "tool", "./vendor/tool.py", develop=True)
    project = add(project, None, "./vendor/tool.py", group="dev", rename_to_init=False)
    text = (project_dir / "pyproject.toml").read_text()
    assert text.startswith(ORIGINAL.split("\n\n\n")[0])
    group = '\n[tool.belay.group.dev.dependencies]\nntp = "ntptime"\n'
    assert text.endswith(group + 'tool = {uri = "./vendor/tool.py", rename_to_init = false}\n')
    assert 'tool = {uri = "./vendor/tool.py", develop = true}\n' in text
    dev = project.group("dev")
    assert dev.dependencies["ntp"] == (DependencySource(uri="ntptime", rename_to_init=True),)
    assert project.config.dependencies["tool"] == (
        DependencySource(uri="./vendor/tool.py", develop=True, rename_to_init=True),
    )


def test_add_refuses_duplicates_bad_names_develop_urls_and_broken_sources(server, project_dir):
    server.put("https://example.com/broken.py", b"def (:\n")
    project = write_project(project_dir, ORIGINAL)
    with pytest.raises(ConfigError, match="first: already a dependency"):
        add(project, "first", "https://example.com/other.py")
    with pytest.raises(ConfigError, match="not a Python identifier"):
        add(project, "my-pkg", "https://example.com/other.py")
    with pytest.raises(ConfigError, match="develop = true is for local paths"):
        add(project, "x", "https://example.com/x.py", develop=True)
    with pytest.raises(PackageError, match="not found"):
        add(project, "missing", "https://example.com/missing.py")
    with pytest.raises(PackageError, match="not valid Python"):
        add(project, "broken", "https://example.com/broken.py")
    assert (project_dir / "pyproject.toml").read_text() == ORIGINAL


def test_add_to_a_file_without_belay_tables(server, project_dir):
    server.put("https://example.com/a.py", b"")
    project = write_project(project_dir, '[project]\nname = "x"')
    add(project, "a", "https://example.com/a.py")
    assert (project_dir / "pyproject.toml").read_text() == (
        '[project]\nname = "x"\n\n[tool.belay.dependencies]\na = "https://example.com/a.py"\n'
    )


def test_new_project_has_an_importable_package_name(tmp_path):
    folder = new_project(tmp_path / "my-cool.project")
    assert (folder / "my_cool_project" / "__init__.py").is_file()
    assert "import my_cool_project\n" in (folder / "main.py").read_text()
    project = load_project(folder)
    assert project.config.name == "my_cool_project"
    assert project.config.dependencies == {}
    assert (folder / ".gitignore").read_text() == ".belay/\n"
    compile((folder / "main.py").read_text(), "main.py", "exec")


def test_new_project_in_a_folder_with_a_pyproject_adds_the_belay_tables(tmp_path):
    folder = tmp_path / "proj"
    folder.mkdir()
    (folder / "pyproject.toml").write_text('[project]\nname = "proj"\n')
    new_project(folder, "firmware")
    text = (folder / "pyproject.toml").read_text()
    assert text.startswith('[project]\nname = "proj"\n\n[tool.belay]\nname = "firmware"\n')
    assert load_project(folder).config.name == "firmware"
    with pytest.raises(ConfigError, match="there is one already"):
        new_project(folder)
    with pytest.raises(ConfigError, match="not an importable package name"):
        new_project(tmp_path / "other", "my-name")


def test_add_to_a_new_project(server, tmp_path):
    server.put("https://example.com/a.py", b"")
    folder = new_project(tmp_path / "fresh")
    project = add(load_project(folder), "a", "https://example.com/a.py")
    assert project.config.dependencies["a"][0].uri == "https://example.com/a.py"
    assert project.config.name == "fresh"


def test_add_refuses_a_layout_it_cannot_extend(server, project_dir):
    server.put("https://example.com/a.py", b"")
    text = '[tool.belay]\ndependencies = {b = "https://example.com/a.py"}\n'
    project = write_project(project_dir, text)
    with pytest.raises(ConfigError, match="does not take a new line safely"):
        add(project, "a", "https://example.com/a.py")
    assert (project_dir / "pyproject.toml").read_text() == text
