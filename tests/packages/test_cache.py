"""The download cache: where it is, what it holds, clearing it."""

from belay_engine.packages import cache_clear, cache_info, cache_list, cache_location, install

from .conftest import write_project


def test_cache_location_is_the_platform_user_cache_unless_overridden(monkeypatch, tmp_path):
    monkeypatch.delenv("BELAY_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_location() == tmp_path / "xdg" / "belay"
    monkeypatch.setenv("BELAY_CACHE_DIR", str(tmp_path / "mine"))
    assert cache_location() == tmp_path / "mine"


def test_cache_holds_downloaded_files_by_content_and_clears(server, project_dir):
    server.put("https://example.com/a.py", b"A = 1\n")
    server.put("https://example.com/b.py", b"B = 1\n")
    assert cache_info().elements == 0
    project = write_project(
        project_dir, '[tool.belay.dependencies]\na = "https://example.com/a.py"\nb = "https://example.com/b.py"\n'
    )
    install(project)
    entries = cache_list()
    assert len(entries) == 2
    assert all(e.name.startswith("files/") and len(e.name) == len("files/") + 64 for e in entries)
    info = cache_info()
    assert (info.elements, info.total_bytes) == (2, 12)
    assert str(info).startswith(f"Location: {cache_location()}\nElements: 2\nTotal Size: ")
    first = entries[0].name
    assert cache_clear(first) == 1
    assert [e.name for e in cache_list()] == [entries[1].name]
    assert cache_clear() == 1
    assert cache_list() == []
