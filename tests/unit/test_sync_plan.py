import hashlib

import pathspec
import pytest

from belay_engine.sync.hashing import content_hash, fnv1a32
from belay_engine.sync.plan import RemoteEntry, make_plan


@pytest.mark.parametrize(("data", "expected"), [(b"", 0x811C9DC5), (b"a", 0xE40C292C), (b"foobar", 0xBF9CF968)])
def test_fnv1a32_known_vectors(data, expected):
    assert fnv1a32(data) == expected


def test_content_hash_follows_the_board_format():
    assert content_hash(b"a", "fnv00000000") == "fnve40c292c"
    assert content_hash(b"a", "0" * 64) == hashlib.sha256(b"a").hexdigest()


def sha(data):
    return hashlib.sha256(data).hexdigest()


def plan(local, folders, remote, keep=(), delete=True):
    return make_plan(local, folders, remote, content_hash, pathspec.GitIgnoreSpec.from_lines(keep), delete)


def test_only_files_whose_hash_differs_are_sent():
    remote = [RemoteEntry("same.py", False, sha(b"1")), RemoteEntry("changed.py", False, sha(b"old"))]
    result = plan({"same.py": b"1", "changed.py": b"new", "added.py": b"+"}, [], remote)
    assert result.uploads == ("added.py", "changed.py")
    assert result.remove_files == ()


def test_stale_files_and_empty_stale_folders_are_removed_deepest_first():
    remote = [
        RemoteEntry("a", True),
        RemoteEntry("a/b", True),
        RemoteEntry("a/b/old.txt", False, sha(b"x")),
        RemoteEntry("keep.txt", False, sha(b"k")),
    ]
    result = plan({"keep.txt": b"k"}, [], remote)
    assert result.remove_files == ("a/b/old.txt",)
    assert result.remove_folders == ("a/b", "a")


def test_kept_paths_and_their_folders_survive():
    remote = [RemoteEntry("lib", True), RemoteEntry("lib/x.py", False, sha(b"x")), RemoteEntry("boot.py", False, "h")]
    result = plan({}, [], remote, keep=["lib", "boot.py"])
    assert (result.remove_files, result.remove_folders) == ((), ())


def test_a_folder_replaced_by_a_file_is_removed_even_when_kept_or_not_deleting():
    remote = [RemoteEntry("thing", True), RemoteEntry("thing/x", False, sha(b"x"))]
    result = plan({"thing": b"file"}, [], remote, keep=["thing"], delete=False)
    assert result.remove_files == ("thing/x",)
    assert result.remove_folders == ("thing",)
    assert result.uploads == ("thing",)


def test_new_folders_are_made_shallowest_first():
    result = plan({"a/b/c.txt": b""}, ["a", "a/b"], [])
    assert result.make_folders == ("a", "a/b")
