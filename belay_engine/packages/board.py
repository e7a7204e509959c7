"""Put staged dependency groups on a board's ``/lib`` through the delta sync, tracked by a board manifest.

The manifest (``/lib/.belay-dependencies.json``) maps each group to the board paths it put there. A sync of
some groups removes only paths that the manifest gives to those groups (or to groups no longer configured)
and that they no longer have: other groups' files and files Belay never put in ``/lib`` stay.
"""

import importlib.resources
import json
import shutil
import tempfile
from pathlib import Path, PurePosixPath
from types import ModuleType
from typing import Any, Callable, Optional, Union

from ..errors import PyboardException
from ..files import read_file, write_file
from ..sync import sync
from ..sync.compile import RUN_BY_NAME
from ..sync.discover import discover
from .download import sha256
from .errors import PackageError
from .lock import read_lock
from .project import Project, load_project
from .reports import BoardSyncReport
from .resolve import local_files
from .sources import develop_path

MANIFEST = ".belay-dependencies.json"


def _board_name(path: str, compiled: bool) -> str:
    if compiled and path.endswith(".py") and PurePosixPath(path).name not in RUN_BY_NAME:
        return path[: -len(".py")] + ".mpy"
    return path


def staged_tree(project: Project, groups: tuple[str, ...] = ()) -> dict[str, dict[str, Path]]:
    """For each selected group, its files as ``/lib``-relative path → local file (develop sources read live).

    Raises PackageError naming a dependency that is not installed as pyproject.toml has it.
    """
    lock = read_lock(project.lock_path)
    tree: dict[str, dict[str, Path]] = {}
    seen: dict[str, tuple[str, Path]] = {}
    for group in project.selected_groups(groups):
        files: dict[str, Path] = {}
        for name, sources in group.dependencies.items():
            entry = lock.find(group.name, name) if lock else None
            if entry is None or entry.sources != tuple(sources):
                raise PackageError(f"{group.name}.{name} is not installed as pyproject.toml has it: run install first")
            for file in entry.files:
                local = project.dependencies_folder / group.name / file.path
                if not local.is_file() or sha256(local.read_bytes()) != file.sha256:
                    raise PackageError(f"{local} is missing or changed since install: run install again")
                files[file.path] = local
            for source in sources:
                if source.develop:
                    where = develop_path(source.uri, project.root)
                    if where is None:
                        raise PackageError(f"{group.name}.{name}: develop = true needs a local path, not {source.uri}")
                    files.update(local_files(name, where, source.rename_to_init, source.uri))
        for path, local in files.items():
            other = seen.get(path)
            if other is not None and other[1].read_bytes() != local.read_bytes():
                raise PackageError(
                    f"groups {other[0]} and {group.name} both put {path} in /lib, with different content"
                )
            seen[path] = (group.name, local)
        tree[group.name] = files
    return tree


def read_manifest(device: Any, dst: str) -> dict[str, list[str]]:
    """Which group put which paths in `dst`, as the board's manifest says (nothing if it has none)."""
    try:
        data = json.loads(read_file(device, f"{dst.rstrip('/')}/{MANIFEST}"))
    except (PyboardException, ValueError):
        return {}
    groups = data.get("groups", {}) if isinstance(data, dict) else {}
    return {g: [p for p in paths if isinstance(p, str)] for g, paths in groups.items() if isinstance(paths, list)}


def _remove(device: Any, dst: str, paths: list[str]) -> None:
    """Remove board files under `dst` and the folders they leave empty."""
    if not paths:
        return
    code = (
        "import os\n"
        "def _belay_rm(top,paths):\n"
        " for p in paths:\n"
        "  try:\n"
        "   os.remove(top+'/'+p)\n"
        "  except OSError:\n"
        "   pass\n"
        "  while '/' in p:\n"
        "   p=p.rsplit('/',1)[0]\n"
        "   try:\n"
        "    os.rmdir(top+'/'+p)\n"
        "   except OSError:\n"
        "    break\n"
        f"_belay_rm({dst.rstrip('/')!r},{paths!r})\n"
        "del _belay_rm"
    )
    device(code, record=False)


PACKAGE_GROUP = "package:"


def package_tree(package: ModuleType, subfolders: tuple[str, ...]) -> dict[str, dict[str, Path]]:
    """Belay 0.30's form: the files of `subfolders` of a Python package (none: all of it), one group each.

    Each subfolder is its own manifest group ``package:<name>/<subfolder>``, so syncing another subfolder
    later keeps these files; where two subfolders have the same path, the later one is sent.
    """
    root = importlib.resources.files(package)
    tree: dict[str, dict[str, Path]] = {}
    for sub in subfolders or ("",):
        folder = root / sub if sub else root
        if not isinstance(folder, Path) or not folder.is_dir():
            raise PackageError(f"{package.__name__}: {sub or 'the package'} is not a folder on disk")
        group = f"{PACKAGE_GROUP}{package.__name__}/{sub.strip('/')}".rstrip("/")
        tree[group] = {relative: folder / relative for relative in discover(folder)[0]}
    return tree


def _write_manifest(device: Any, dst: str, groups: dict[str, list[str]]) -> None:
    folders = [dst[:i] for i in range(1, len(dst)) if dst[i] == "/"] + [dst.rstrip("/")]
    device(
        f"import os\nfor _belay_d in {folders!r}:\n try:\n  os.mkdir(_belay_d)\n except OSError:\n  pass\ndel _belay_d",
        record=False,
    )
    data = json.dumps({"groups": {g: groups[g] for g in sorted(groups)}}, indent=1).encode()
    write_file(device, f"{dst.rstrip('/')}/{MANIFEST}", data)


def sync_dependencies(
    device: Any,
    *groups: Union[str, ModuleType],
    project: Optional[Project] = None,
    dst: str = "/lib",
    minify: bool = True,
    mpy_cross_binary: Optional[str] = None,
    progress_update: Optional[Callable[..., Any]] = None,
) -> BoardSyncReport:
    """Sync the staged non-optional groups (and the optional ones named) to `dst`; see `Device.sync_dependencies`.

    Belay 0.30's form, a Python package (module object) first and its subfolders after, syncs those folders
    instead, each recorded in the manifest as the group ``package:<name>/<subfolder>``.
    """
    if groups and isinstance(groups[0], ModuleType):
        package, subfolders = groups[0], tuple(str(g) for g in groups[1:])
        tree = package_tree(package, subfolders)
        configured = None
    else:
        project = project if project is not None else load_project()
        tree = staged_tree(project, tuple(str(g) for g in groups))
        configured = {g.name for g in project.groups}
    return _sync_tree(device, tree, configured, dst, minify, mpy_cross_binary, progress_update)


def _sync_tree(
    device: Any,
    tree: dict[str, dict[str, Path]],
    configured: Optional[set[str]],
    dst: str,
    minify: bool,
    mpy_cross_binary: Optional[str],
    progress_update: Optional[Callable[..., Any]],
) -> BoardSyncReport:
    """Sync the union of `tree`'s groups, then remove what the manifest gives them (or gone groups) no more.

    The manifest is widened to the files about to be sent before the sync starts, so a sync cut short
    leaves none of them unrecorded (and so never removed later).
    """
    compiled = mpy_cross_binary is not None

    def gone(group: str) -> bool:
        return configured is not None and group not in configured and not group.startswith(PACKAGE_GROUP)

    old = read_manifest(device, dst)
    new = {g: paths for g, paths in old.items() if not gone(g) and g not in tree}
    new.update({g: sorted(_board_name(p, compiled) for p in files) for g, files in tree.items()})
    during = {g: sorted(set(old.get(g, [])) | set(new.get(g, []))) for g in {*old, *new}}
    if during != old:
        _write_manifest(device, dst, during)
    with tempfile.TemporaryDirectory(prefix="belay-lib-") as temporary:
        folder = Path(temporary)
        for files in tree.values():
            for path, local in files.items():
                target = folder / path
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(local, target)
        plan = sync(
            device.session,
            folder,
            dst=dst,
            keep=True,  # deletions are the manifest's business below
            minify=minify,
            mpy_cross_binary=mpy_cross_binary,
            progress_update=progress_update,
        )
    wanted = {p for paths in new.values() for p in paths}
    stale = sorted({p for g, paths in old.items() if gone(g) or g in tree for p in paths} - wanted)
    _remove(device, dst, stale)
    if new != during:
        _write_manifest(device, dst, new)
    prefix = dst.rstrip("/")
    return BoardSyncReport(
        tuple(tree), tuple(f"{prefix}/{p}" for p in plan.uploads), tuple(f"{prefix}/{p}" for p in stale)
    )
