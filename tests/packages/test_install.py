"""install / update / clean against the local stand-in hosts: layouts, checks, the cache and belay.lock."""

import hashlib
import json
import subprocess
import sys

import pytest

from belay_engine.errors import ConfigError
from belay_engine.packages import (
    CircularDependencyError,
    DownloadError,
    IntegrityError,
    LockError,
    PackageError,
    clean,
    install,
    update,
)
from belay_engine.packages.lock import read_lock

from .conftest import serve_github, serve_gitlab, serve_index_package, tar_gz, write_project, zip_bytes

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib


def staged(project, group="main"):
    """Staged files of a group: relative path → text."""
    folder = project.dependencies_folder / group
    return {p.relative_to(folder).as_posix(): p.read_text() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_single_files_by_url_github_and_gitlab_land_as_packages(server, project_dir):
    server.put("https://example.com/drivers/sensor.py", b"VALUE = 1\n")
    server.put("https://example.com/drivers/extra.py", b"EXTRA = 2\n")
    serve_github(server, "u", "r", "HEAD", {"lib/led.py": b"LED = 3\n"})
    serve_github(server, "u", "r", "v2", {"lib/led.py": b"LED = 4\n"})
    serve_gitlab(server, "g", "r", "main", {"motor.py": b"MOTOR = 5\n"})
    project = write_project(
        project_dir,
        """
[tool.belay.dependencies]
sensor = "https://example.com/drivers/sensor.py"
plain = {uri = "https://example.com/drivers/extra.py", rename_to_init = false}
led = "github:u/r/lib/led.py"
led2 = "https://github.com/u/r/blob/v2/lib/led.py"
motor = "gitlab:g/r/motor.py@main"
""",
    )
    report = install(project)
    assert staged(project) == {
        "sensor/__init__.py": "VALUE = 1\n",
        "plain/extra.py": "EXTRA = 2\n",
        "led/__init__.py": "LED = 3\n",
        "led2/__init__.py": "LED = 4\n",
        "motor/__init__.py": "MOTOR = 5\n",
    }
    assert len(report.changed) == 5
    assert "5 changed" in str(report)


def test_repository_folder_without_package_json_comes_from_the_archive_at_its_ref(server, project_dir):
    serve_github(server, "u", "r", "v1", {"sensor/__init__.py": b"V = 1\n", "sensor/core.py": b"C = 1\n"})
    serve_github(server, "u", "r", "v2", {"sensor/__init__.py": b"V = 2\n", "other.py": b""})
    project = write_project(
        project_dir,
        """
[tool.belay.dependencies]
old = "github:u/r/sensor@v1"
new = "https://github.com/u/r/tree/v2/sensor"
""",
    )
    install(project)
    assert staged(project) == {"old/__init__.py": "V = 1\n", "old/core.py": "C = 1\n", "new/__init__.py": "V = 2\n"}
    lock = read_lock(project.lock_path)
    commits = {e.name: e.resolved[0].commit for e in lock.dependency}
    assert commits["old"]
    assert commits["old"] != commits["new"]
    assert all(f.via == "archive" and commits["old"] in f.url for f in lock.find("main", "old").files)


def test_gitlab_folder_and_zip_archive(server, project_dir):
    serve_gitlab(server, "g", "r", "main", {"pkg/__init__.py": b"G = 1\n"})
    server.put("https://example.com/release.zip", zip_bytes({"__init__.py": b"Z = 1\n", "sub/m.py": b""}, "rel-1"))
    server.put("https://example.com/release.tar.gz", tar_gz({"__init__.py": b"T = 1\n"}, "rel-1"))
    project = write_project(
        project_dir,
        """
[tool.belay.dependencies]
glab = "gitlab:g/r/pkg@main"
zipped = "https://example.com/release.zip"
tarred = "https://example.com/release.tar.gz"
""",
    )
    install(project)
    assert staged(project) == {
        "glab/__init__.py": "G = 1\n",
        "zipped/__init__.py": "Z = 1\n",
        "zipped/sub/m.py": "",
        "tarred/__init__.py": "T = 1\n",
    }


def test_index_package_with_deps_lands_at_lib_root_with_hashes_checked(server, project_dir):
    serve_index_package(server, "ntptime", "0.1.0", {"ntptime.py": b"def settime(): pass\n"}, [["base64", "latest"]])
    serve_index_package(server, "base64", "3.3", {"base64.py": b"B = 64\n"})
    serve_index_package(
        server, "aioble", "0.2", {"aioble/__init__.py": b"", "aioble/core.py": b"X = 1\n"}, latest=False
    )
    project = write_project(
        project_dir,
        """
[tool.belay.dependencies]
ntptime = "*"
aioble = "0.2"
""",
    )
    install(project)
    assert staged(project) == {
        "ntptime.py": "def settime(): pass\n",
        "base64.py": "B = 64\n",
        "aioble/__init__.py": "",
        "aioble/core.py": "X = 1\n",
    }
    entry = read_lock(project.lock_path).find("main", "ntptime")
    assert [(r.source.rsplit("/", 2)[-2], r.version) for r in entry.resolved] == [
        ("base64", "3.3"),
        ("ntptime", "0.1.0"),
    ]


def test_index_hash_mismatch_is_an_integrity_error_and_nothing_is_staged(server, project_dir):
    serve_index_package(server, "bad", "1.0", {"bad.py": b"X = 1\n"}, hashes={"bad.py": "00000000"})
    project = write_project(project_dir, '[tool.belay.dependencies]\nbad = "*"\n')
    with pytest.raises(IntegrityError, match=r"/file/00/00000000: SHA-256 .* does not match the index hash 00000000"):
        install(project)
    assert not (project.dependencies_folder / "main").exists()
    assert not project.lock_path.exists()


def test_repository_package_json_with_relative_and_github_urls(server, project_dir):
    package = {
        "urls": [["sensor/__init__.py", "github:u/sensor/src/init.py"], ["sensor/data.py", "src/data.py"]],
        "deps": [["github:u/helper", "main"]],
        "version": "1.5",
    }
    commit = serve_github(
        server,
        "u",
        "sensor",
        "HEAD",
        {"package.json": json.dumps(package).encode(), "src/init.py": b"S = 1\n", "src/data.py": b"D = 1\n"},
    )
    helper = {"urls": [["helper.py", "github:u/helper/helper.py"]]}
    serve_github(server, "u", "helper", "main", {"package.json": json.dumps(helper).encode(), "helper.py": b"H = 1\n"})
    project = write_project(project_dir, '[tool.belay.dependencies]\nsensor = "github:u/sensor"\n')
    install(project)
    assert staged(project) == {"helper.py": "H = 1\n", "sensor/__init__.py": "S = 1\n", "sensor/data.py": "D = 1\n"}
    urls = {f.path: f.url for f in read_lock(project.lock_path).find("main", "sensor").files}
    assert urls["sensor/__init__.py"] == f"https://raw.githubusercontent.com/u/sensor/{commit}/src/init.py"


def test_package_json_cycle_is_a_clear_error(server, project_dir):
    a = {"urls": [["a.py", "a.py"]], "deps": [["https://example.com/b/package.json", ""]]}
    b = {"urls": [["b.py", "b.py"]], "deps": [["https://example.com/a/package.json", ""]]}
    server.put("https://example.com/a/package.json", json.dumps(a).encode())
    server.put("https://example.com/b/package.json", json.dumps(b).encode())
    server.put("https://example.com/a/a.py", b"")
    server.put("https://example.com/b/b.py", b"")
    project = write_project(project_dir, '[tool.belay.dependencies]\na = "https://example.com/a"\n')
    with pytest.raises(CircularDependencyError, match=r"cycle: .*b/package.json → https://example.com/a/package.json"):
        install(project)


def test_index_cycle_is_a_clear_error(server, project_dir):
    serve_index_package(server, "ping", "1", {"ping.py": b""}, [["pong", "latest"]])
    serve_index_package(server, "pong", "1", {"pong.py": b""}, [["Ping", "latest"]])
    project = write_project(project_dir, '[tool.belay.dependencies]\nping = "*"\n')
    with pytest.raises(CircularDependencyError, match="ping → pong → Ping"):
        install(project)


def test_a_file_that_does_not_parse_leaves_the_old_copy(server, project_dir):
    server.put("https://example.com/mod.py", b"GOOD = 1\n")
    project = write_project(project_dir, '[tool.belay.dependencies]\nmod = "https://example.com/mod.py"\n')
    install(project)
    lock_before = project.lock_path.read_text()
    server.put("https://example.com/mod.py", b"def broken(:\n")
    with pytest.raises(
        PackageError, match=r"mod/__init__.py from https://example.com/mod.py is not valid Python: line 1"
    ):
        update(project)
    assert staged(project) == {"mod/__init__.py": "GOOD = 1\n"}
    assert project.lock_path.read_text() == lock_before


def test_a_connection_dropped_mid_file_is_retried(server, project_dir):
    server.put("https://example.com/big.py", b'DATA = "' + b"1" * 5000 + b'"\n')
    server.drop["/web/big.py"] = 1
    project = write_project(project_dir, '[tool.belay.dependencies]\nbig = "https://example.com/big.py"\n')
    install(project)
    assert staged(project)["big/__init__.py"].startswith('DATA = "111')
    assert server.requests.count("/web/big.py") == 2


def test_a_connection_that_keeps_dropping_fails_naming_the_url_and_keeps_the_old_copy(server, project_dir):
    server.put("https://example.com/big.py", b"OLD = 1\n")
    project = write_project(project_dir, '[tool.belay.dependencies]\nbig = "https://example.com/big.py"\n')
    install(project)
    server.put("https://example.com/big.py", b'NEW = "' + b"2" * 5000 + b'"\n')
    server.drop["/web/big.py"] = 100
    with pytest.raises(DownloadError, match=r"https://example.com/big.py: .*after 3 attempts"):
        update(project)
    assert staged(project) == {"big/__init__.py": "OLD = 1\n"}
    assert not [p for p in project.dependencies_folder.iterdir() if p.name.startswith(".")]


def test_a_missing_file_is_reported_with_its_url(server, project_dir):
    project = write_project(project_dir, '[tool.belay.dependencies]\nnope = "https://example.com/nope.py"\n')
    with pytest.raises(PackageError, match=r"https://example\.com/nope\.py: not found"):
        install(project)
    assert server.requests == ["/web/nope.py"]  # a 404 is not retried


def test_a_second_install_downloads_nothing(server, project_dir):
    serve_index_package(server, "ntptime", "0.1.0", {"ntptime.py": b"N = 1\n"})
    serve_github(server, "u", "r", "v1", {"pkg/__init__.py": b"P = 1\n"})
    server.put("https://example.com/one.py", b"O = 1\n")
    project = write_project(
        project_dir,
        """
[tool.belay.dependencies]
ntptime = "*"
pkg = "github:u/r/pkg@v1"
one = "https://example.com/one.py"
""",
    )
    first = install(project)
    assert first.downloads > 0
    count = server.count()
    second = install(project)
    assert server.count() == count
    assert second.downloads == 0
    assert not second.changed
    # Staged files gone (a fresh checkout with belay.lock committed): they come back from the cache.
    for path in (project.dependencies_folder / "main").rglob("*.py"):
        path.unlink()
    third = install(project)
    assert server.count() == count
    assert len(third.changed) == 3
    assert staged(project)["pkg/__init__.py"] == "P = 1\n"


def test_frozen_installs_exactly_the_locked_files_even_when_upstream_changed(
    server, project_dir, monkeypatch, tmp_path
):
    server.put("https://example.com/mod.py", b"V = 1\n")
    project = write_project(project_dir, '[tool.belay.dependencies]\nmod = "https://example.com/mod.py"\n')
    install(project)
    lock_before = project.lock_path.read_text()
    server.put("https://example.com/mod.py", b"V = 2\n")
    (project.dependencies_folder / "main" / "mod" / "__init__.py").unlink()
    install(project, frozen=True)  # from the cache: the locked content
    assert staged(project) == {"mod/__init__.py": "V = 1\n"}
    # Another machine: no cache, so the changed upstream file is fetched and refused.
    monkeypatch.setenv("BELAY_CACHE_DIR", str(tmp_path / "other-cache"))
    (project.dependencies_folder / "main" / "mod" / "__init__.py").unlink()
    with pytest.raises(IntegrityError, match=r"mod/__init__.py of main.mod from https://example.com/mod.py: SHA-256"):
        install(project, frozen=True)
    assert project.lock_path.read_text() == lock_before
    # Without frozen, the change is taken and locked.
    install(project)
    assert staged(project) == {"mod/__init__.py": "V = 2\n"}
    assert project.lock_path.read_text() != lock_before


def test_frozen_needs_a_lock_that_matches_pyproject(server, project_dir):
    server.put("https://example.com/mod.py", b"V = 1\n")
    project = write_project(project_dir, '[tool.belay.dependencies]\nmod = "https://example.com/mod.py"\n')
    with pytest.raises(LockError, match="no lock file"):
        install(project, frozen=True)
    install(project)
    changed = write_project(project_dir, '[tool.belay.dependencies]\nmod = "https://example.com/mod.py@x"\n')
    with pytest.raises(LockError, match=r"main\.mod is not locked as pyproject\.toml has it"):
        install(changed, frozen=True)


def test_lock_file_records_urls_versions_commits_and_sha256(server, project_dir):
    serve_index_package(server, "ntptime", "0.1.0", {"ntptime.py": b"N = 1\n"})
    commit = serve_github(server, "u", "r", "v1", {"x.py": b"X = 1\n"})
    project = write_project(project_dir, '[tool.belay.dependencies]\nntptime = "*"\nx = "github:u/r/x.py@v1"\n')
    install(project)
    data = tomllib.loads(project.lock_path.read_text())
    assert data["version"] == 1
    by_name = {d["name"]: d for d in data["dependency"]}
    assert by_name["ntptime"]["resolved"][0]["version"] == "0.1.0"
    assert by_name["x"]["resolved"][0] == {"source": "github:u/r/x.py@v1", "version": "v1", "commit": commit}
    assert by_name["x"]["files"] == [
        {
            "path": "x/__init__.py",
            "sha256": hashlib.sha256(b"X = 1\n").hexdigest(),
            "url": f"https://raw.githubusercontent.com/u/r/{commit}/x.py",
            "via": "url",
            "member": "",
        }
    ]


def test_optional_groups_are_staged_only_when_asked_and_update_stages_all(server, project_dir):
    server.put("https://example.com/a.py", b"A = 1\n")
    server.put("https://example.com/t.py", b"T = 1\n")
    server.put("https://example.com/d.py", b"D = 1\n")
    project = write_project(
        project_dir,
        """
[tool.belay.dependencies]
a = "https://example.com/a.py"
[tool.belay.group.test.dependencies]
t = "https://example.com/t.py"
[tool.belay.group.dev]
optional = true
dependencies = {d = "https://example.com/d.py"}
""",
    )
    install(project)
    assert sorted(p.name for p in project.dependencies_folder.iterdir()) == ["main", "test"]
    install(project, groups=["dev"])
    assert staged(project, "dev") == {"d/__init__.py": "D = 1\n"}
    with pytest.raises(ConfigError, match="no dependency group 'nope'"):
        install(project, groups=["nope"])
    # update takes upstream changes of the named dependency only.
    server.put("https://example.com/a.py", b"A = 2\n")
    server.put("https://example.com/d.py", b"D = 2\n")
    update(project, ["d"])
    assert staged(project) == {"a/__init__.py": "A = 1\n"}
    assert staged(project, "dev") == {"d/__init__.py": "D = 2\n"}
    update(project)
    assert staged(project) == {"a/__init__.py": "A = 2\n"}
    with pytest.raises(ConfigError, match="no dependency named zzz"):
        update(project, ["zzz"])


def test_develop_dependencies_are_used_in_place_and_local_copies_follow_the_source(server, project_dir):
    local = project_dir / "vendor"
    local.mkdir(parents=True)
    (local / "tool.py").write_text("TOOL = 1\n")
    (local / "pkg").mkdir()
    (local / "pkg" / "__init__.py").write_text("PKG = 1\n")
    project = write_project(
        project_dir,
        """
[tool.belay.dependencies]
live = {uri = "vendor/pkg", develop = true}
copied = "./vendor/tool.py"
""",
    )
    report = install(project)
    assert staged(project) == {"copied/__init__.py": "TOOL = 1\n"}
    assert [r.develop for r in report.results] == [True, False]
    assert read_lock(project.lock_path).find("main", "live").files == ()
    (local / "tool.py").write_text("TOOL = 2\n")
    install(project)
    assert staged(project) == {"copied/__init__.py": "TOOL = 2\n"}
    assert not list(project.dependencies_folder.rglob("PKG*"))


def _git(*arguments, cwd=None):
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *arguments], cwd=cwd, check=True, capture_output=True
    )


@pytest.fixture
def bare_repo(tmp_path):
    """A bare repository with tag v1 (sub/x.py X = 1) and main after it (X = 2)."""
    bare = tmp_path / "repo.git"
    work = tmp_path / "work"
    _git("init", "-q", "--bare", str(bare))
    _git("init", "-q", "-b", "main", str(work))
    (work / "sub").mkdir()
    (work / "sub" / "x.py").write_text("X = 1\n")
    (work / "top.py").write_text("TOP = 1\n")
    _git("add", ".", cwd=work)
    _git("commit", "-q", "-m", "one", cwd=work)
    _git("tag", "-a", "v1", "-m", "v1", cwd=work)
    (work / "sub" / "x.py").write_text("X = 2\n")
    _git("commit", "-q", "-am", "two", cwd=work)
    _git("push", "-q", str(bare), "main", "--tags", cwd=work)
    _git("symbolic-ref", "HEAD", "refs/heads/main", cwd=bare)
    return bare


def test_git_sources_are_fetched_at_their_ref(server, project_dir, bare_repo, monkeypatch, tmp_path):
    project = write_project(
        project_dir,
        f"""
[tool.belay.dependencies]
tagged = "git+file://{bare_repo}@v1#sub"
head = "git+{bare_repo}#sub"
single = "git+file://{bare_repo}@v1#top.py"
""",
    )
    install(project)
    assert staged(project) == {"tagged/x.py": "X = 1\n", "head/x.py": "X = 2\n", "single/__init__.py": "TOP = 1\n"}
    entry = read_lock(project.lock_path).find("main", "tagged")
    assert len(entry.resolved[0].commit) == 40
    # A fresh machine installs the locked commit again with git.
    monkeypatch.setenv("BELAY_CACHE_DIR", str(tmp_path / "other-cache"))
    for path in (project.dependencies_folder / "main").rglob("*.py"):
        path.unlink()
    install(project, frozen=True)
    assert staged(project)["tagged/x.py"] == "X = 1\n"


def test_clean_removes_what_pyproject_no_longer_names(server, project_dir):
    server.put("https://example.com/a.py", b"A = 1\n")
    server.put("https://example.com/b.py", b"B = 1\n")
    project = write_project(
        project_dir,
        """
[tool.belay.dependencies]
a = "https://example.com/a.py"
b = "https://example.com/b.py"
[tool.belay.group.old.dependencies]
c = "https://example.com/a.py"
""",
    )
    install(project)
    trimmed = write_project(project_dir, '[tool.belay.dependencies]\na = "https://example.com/a.py"\n')
    report = install(trimmed)
    folder = trimmed.dependencies_folder
    assert sorted(p.relative_to(folder).as_posix() for p in report.removed) == ["main/b/__init__.py", "old"]
    assert staged(trimmed) == {"a/__init__.py": "A = 1\n"}
    assert [e.name for e in read_lock(trimmed.lock_path).dependency] == ["a"]
    assert clean(trimmed) == []


def test_two_dependencies_writing_one_path_differently_is_an_error(server, project_dir):
    serve_index_package(server, "one", "1", {"shared.py": b"S = 1\n"})
    serve_index_package(server, "two", "1", {"shared.py": b"S = 2\n"})
    project = write_project(project_dir, '[tool.belay.dependencies]\none = "*"\ntwo = "*"\n')
    with pytest.raises(PackageError, match=r"main\.two and main\.one both install shared\.py"):
        install(project)


def test_progress_is_reported_as_sync_reports_it(server, project_dir):
    server.put("https://example.com/a.py", b"A = 1\n")
    project = write_project(project_dir, '[tool.belay.dependencies]\na = "https://example.com/a.py"\n')
    calls = []
    install(project, progress=lambda **fields: calls.append(fields))
    assert calls[0] == {"description": "Installing dependencies...", "total": 1}
    assert {"description": "main: a"} in calls
    assert {"advance": 1} in calls
    assert calls[-1] == {"description": "Complete."}


def test_server_errors_are_retried_with_backoff_and_client_errors_are_not(server, project_dir):
    server.put("https://example.com/a.py", b"A = 1\n")
    server.fail["/web/a.py"] = [503, 429]
    server.put("https://example.com/b.py", b"B = 1\n")
    server.fail["/web/b.py"] = [403]
    project = write_project(project_dir, '[tool.belay.dependencies]\na = "https://example.com/a.py"\n')
    install(project)
    assert server.requests.count("/web/a.py") == 3
    forbidden = write_project(project_dir, '[tool.belay.dependencies]\nb = "https://example.com/b.py"\n')
    with pytest.raises(DownloadError, match=r"https://example\.com/b\.py: HTTP 403"):
        install(forbidden)
    assert server.requests.count("/web/b.py") == 1


def test_mpy_version_picks_the_index_folder_and_mpy_files_are_not_parsed(server, project_dir):
    data = b"M\x06\x00\x1f not python"
    digest = hashlib.sha256(data).hexdigest()[:8]
    server.put(f"https://micropython.org/pi/v2/file/{digest[:2]}/{digest}", data)
    package = {"hashes": [["fast.mpy", digest]], "version": "1.0"}
    server.put("https://micropython.org/pi/v2/package/6/fast/latest.json", json.dumps(package).encode())
    project = write_project(project_dir, '[tool.belay]\nmpy_version = "6"\n[tool.belay.dependencies]\nfast = "*"\n')
    install(project)
    assert (project.dependencies_folder / "main" / "fast.mpy").read_bytes() == data


def test_a_second_index_is_tried_when_the_first_lacks_the_package(server, project_dir):
    serve_index_package(server, "only2", "1", {"only2.py": b"O = 2\n"})
    project = write_project(
        project_dir,
        """
[tool.belay]
package_indices = ["https://example.com/empty-index", "https://micropython.org/pi/v2"]
[tool.belay.dependencies]
only2 = "*"
""",
    )
    install(project)
    assert staged(project) == {"only2.py": "O = 2\n"}
    assert server.requests[0] == "/web/empty-index/package/py/only2/latest.json"
    missing = write_project(project_dir, '[tool.belay.dependencies]\nnothere = "*"\n')
    with pytest.raises(PackageError, match=r"package 'nothere' version latest is in no index \(https://micropython"):
        install(missing)


def test_a_develop_dependency_must_be_an_existing_local_path(server, project_dir):
    project = write_project(project_dir, '[tool.belay.dependencies]\nlive = {uri = "nowhere", develop = true}\n')
    with pytest.raises(PackageError, match=r"live: .*nowhere does not exist"):
        install(project)
    remote = write_project(project_dir, '[tool.belay.dependencies]\nlive = {uri = "github:u/r/x.py", develop = true}\n')
    with pytest.raises(PackageError, match="develop = true needs a local path"):
        install(remote)


def test_git_urls_follow_belay_hosts_too(server, project_dir, bare_repo, monkeypatch):
    mapping = json.loads(__import__("os").environ["BELAY_HOSTS"])
    mapping["https://git.example.org/team"] = f"file://{bare_repo.parent}"
    monkeypatch.setenv("BELAY_HOSTS", json.dumps(mapping))
    project = write_project(
        project_dir, '[tool.belay.dependencies]\nmirrored = "git+https://git.example.org/team/repo.git@v1#sub"\n'
    )
    install(project)
    assert staged(project) == {"mirrored/x.py": "X = 1\n"}
    assert read_lock(project.lock_path).find("main", "mirrored").files[0].url.startswith("git+https://git.example.org/")
