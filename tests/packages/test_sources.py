"""Dependency source strings and what they name (pure parsing)."""

from pathlib import Path

import pytest

from belay_engine.packages import InvalidSourceError, infer_name
from belay_engine.packages.sources import (
    FileUrl,
    GitClone,
    IndexPackage,
    LocalPath,
    PackageJsonUrl,
    RepoPath,
    parse_source,
)


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("ntptime", IndexPackage("ntptime")),
        ("ntptime@0.1", IndexPackage("ntptime", "0.1")),
        ("ntptime==0.1", IndexPackage("ntptime", "0.1")),
        ("mip:aioble", IndexPackage("aioble")),
        ("mip:aioble@1.0", IndexPackage("aioble", "1.0")),
        ("github:u/r", RepoPath("github", "u", "r")),
        ("github:u/r/lib/x.py@v2", RepoPath("github", "u", "r", "lib/x.py", "v2")),
        ("gitlab:u/r/pkg@main", RepoPath("gitlab", "u", "r", "pkg", "main")),
        ("https://github.com/u/r/blob/main/a/b.py", RepoPath("github", "u", "r", "a/b.py", "main")),
        ("https://github.com/u/r/tree/v1/sensor", RepoPath("github", "u", "r", "sensor", "v1")),
        ("https://github.com/u/r.git", RepoPath("github", "u", "r")),
        ("https://raw.githubusercontent.com/u/r/abc/x.py", RepoPath("github", "u", "r", "x.py", "abc")),
        ("https://gitlab.com/u/r/-/raw/main/x.py", RepoPath("gitlab", "u", "r", "x.py", "main")),
        ("https://gitlab.com/g/sub/r/-/tree/dev/pkg", RepoPath("gitlab", "g/sub", "r", "pkg", "dev")),
        ("https://example.com/a/b.py", FileUrl("https://example.com/a/b.py")),
        ("https://example.com/p.json", PackageJsonUrl("https://example.com/p.json")),
        ("https://example.com/pkg", PackageJsonUrl("https://example.com/pkg/package.json")),
        ("mip:https://example.com/pkg.py", FileUrl("https://example.com/pkg.py")),
        ("mip:github:u/r/pkg", RepoPath("github", "u", "r", "pkg")),
        ("git+https://host/r.git@v1#sub", GitClone("https://host/r.git", "v1", "sub")),
        ("git+ssh://git@host/r.git", GitClone("ssh://git@host/r.git", "HEAD", "")),
        ("git+file:///srv/r.git@abc", GitClone("file:///srv/r.git", "abc", "")),
        ("/abs/thing.py", LocalPath(Path("/abs/thing.py"))),
        ("file:///abs/x", LocalPath(Path("/abs/x"))),
    ],
)
def test_source_forms(uri, expected):
    assert parse_source(uri) == expected


def test_relative_paths_are_relative_to_the_project_root(tmp_path):
    assert parse_source("./lib/x.py", tmp_path) == LocalPath(tmp_path / "lib" / "x.py")
    assert parse_source("thing.py", tmp_path) == LocalPath(tmp_path / "thing.py")


def test_file_url_archives_are_recognised():
    assert FileUrl("https://example.com/p.tar.gz").is_archive
    assert FileUrl("https://example.com/p.zip").is_archive
    assert not FileUrl("https://example.com/p.py").is_archive


@pytest.mark.parametrize("uri", ["", "github:onlyowner", "ftp://x/y.py", "mip:not a name"])
def test_meaningless_sources_are_refused(uri):
    with pytest.raises(InvalidSourceError):
        parse_source(uri)


@pytest.mark.parametrize(
    ("uri", "name"),
    [
        ("mip:ntptime", "ntptime"),
        ("github:u/my-repo", "my_repo"),
        ("github:u/r/drivers/ssd1306.py", "ssd1306"),
        ("https://example.com/x/sensor.py", "sensor"),
        ("https://example.com/pkg", "pkg"),
        ("git+https://host/cool-lib.git", "cool_lib"),
        ("/some/where/helper.py", "helper"),
    ],
)
def test_inferred_names_are_identifiers(uri, name):
    assert infer_name(uri) == name


def test_repo_urls():
    source = RepoPath("github", "u", "r", "a.py", "v1")
    assert source.raw_url() == "https://raw.githubusercontent.com/u/r/v1/a.py"
    assert source.archive_url("c0ffee") == "https://codeload.github.com/u/r/tar.gz/c0ffee"
    lab = RepoPath("gitlab", "u", "r", "a.py", "v1")
    assert lab.raw_url() == "https://gitlab.com/u/r/-/raw/v1/a.py"
    assert lab.archive_url() == "https://gitlab.com/u/r/-/archive/v1/r-v1.tar.gz"
