"""belay.lock's own TOML writer and reader, and BELAY_HOSTS parsing (pure logic)."""

import pytest

from belay_engine.packages import DependencySource, LockError, PackageError
from belay_engine.packages.download import host_mapping, redirect
from belay_engine.packages.lock import LockedDependency, LockedFile, Resolved, read_lock, write_lock


def test_lock_round_trips_awkward_strings_in_a_stable_order(tmp_path):
    odd = 'quote " backslash \\ tab \t newline \n del \x7f ünïcode 🙂'
    entries = [
        LockedDependency(group="dev", name="z", sources=(DependencySource(uri="z"),)),
        LockedDependency(
            group="main",
            name="b",
            sources=(DependencySource(uri=odd, rename_to_init=True),),
            resolved=(Resolved(source=odd, version="1", commit="c" * 40),),
            files=(
                LockedFile(path="b/z.py", sha256="0" * 64, url=odd),
                LockedFile(path="b/a.py", sha256="1" * 64, url="u", via="archive", member="m"),
            ),
        ),
        LockedDependency(group="main", name="a", sources=(DependencySource(uri="a", develop=True),)),
    ]
    path = tmp_path / "belay.lock"
    write_lock(path, entries)
    lock = read_lock(path)
    assert [(e.group, e.name) for e in lock.dependency] == [("main", "a"), ("main", "b"), ("dev", "z")]
    b = lock.find("main", "b")
    assert b.sources[0].uri == odd
    assert [f.path for f in b.files] == ["b/a.py", "b/z.py"]
    assert b.files[1].url == odd
    assert b.resolved == entries[1].resolved
    text = path.read_text()
    write_lock(path, reversed(entries))
    assert path.read_text() == text


def test_a_damaged_lock_is_a_lock_error_naming_the_file(tmp_path):
    path = tmp_path / "belay.lock"
    assert read_lock(path) is None
    path.write_text("version = 1\n[[dependency]]\nname = 'x'\n")
    with pytest.raises(LockError, match=r"belay\.lock: dependency\.0\.group: Field required"):
        read_lock(path)
    path.write_text("version = [\n")
    with pytest.raises(LockError, match=r"belay\.lock: "):
        read_lock(path)
    path.write_text("version = 99\n")
    with pytest.raises(LockError, match="lock version 99"):
        read_lock(path)


def test_belay_hosts_maps_the_longest_prefix():
    hosts = host_mapping({"BELAY_HOSTS": '{"https://a.org": "http://127.0.0.1:1/a", "https://a.org/x/": "file:///m"}'})
    assert redirect("https://a.org/x/y.py", hosts) == "file:///m/y.py"
    assert redirect("https://a.org/z.py", hosts) == "http://127.0.0.1:1/a/z.py"
    assert redirect("https://a.org.evil/z.py", hosts) == "https://a.org.evil/z.py"
    assert host_mapping({}) == {}


@pytest.mark.parametrize("value", ["not json", "[1]", '{"a": 1}'])
def test_a_bad_belay_hosts_is_an_error(value):
    with pytest.raises(PackageError, match="BELAY_HOSTS"):
        host_mapping({"BELAY_HOSTS": value})
