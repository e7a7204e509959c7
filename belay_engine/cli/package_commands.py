"""CLI commands of the package manager: install, update, add, clean, cache, new (alias init)."""

import sys
from typing import Annotated, Optional

from cyclopts import App, Parameter

from ..commands import package_commands as packages
from .common import Password, Port, ProgressBar, board, documented_by, out, say

Groups = Annotated[Optional[list[str]], Parameter(name="--with", consume_multiple=True)]


def install(
    port: Port = None,
    *,
    with_groups: Groups = None,
    frozen: bool = False,
    host_only: bool = False,
    password: Password = None,
) -> None:
    """Download the project's dependencies, write belay.lock and sync them to the board's /lib.

    Parameters
    ----------
    with_groups : list of str, optional
        Optional dependency groups to install too.
    frozen : bool
        Install exactly what belay.lock says; fail if it is missing or out of date.
    host_only : bool
        Only stage the dependencies on the host (no board).
    """
    with ProgressBar("Install") as progress:
        staged = packages.install(groups=with_groups, frozen=frozen, progress=progress)
    say(staged)
    if host_only:
        return
    with board(port, password) as device, ProgressBar("Sync") as progress:
        say(packages.put_dependencies(device, with_groups, progress=progress))


@documented_by(packages.update)
def update(*names: str) -> None:  # noqa: D103 (the docstring is the command's)
    with ProgressBar("Update") as progress:
        say(packages.update(names, progress=progress))


@documented_by(packages.add)
def add(  # noqa: D103 (the docstring is the command's)
    name_or_source: str, source: Optional[str] = None, *, group: Optional[str] = None, develop: bool = False
):
    say(packages.add(name_or_source, source, group=group, develop=develop))


@documented_by(packages.clean)
def clean() -> None:  # noqa: D103 (the docstring is the command's)
    say(packages.clean())


@documented_by(packages.new)
def new(path: str = ".", *, name: Optional[str] = None) -> None:  # noqa: D103 (the docstring is the command's)
    say(packages.new(path, name))


cache_app = App(name="cache", help="The download cache shared by every project.")


@cache_app.command(name="info")
@documented_by(packages.cache_info)
def cache_info() -> None:  # noqa: D103 (the docstring is the command's)
    out(packages.cache_info())


@cache_app.command(name="list")
@documented_by(packages.cache_list)
def cache_list() -> None:  # noqa: D103 (the docstring is the command's)
    out(packages.cache_list())


@cache_app.command(name="clear")
def cache_clear(
    prefix: Optional[str] = None,
    *,
    all_: Annotated[bool, Parameter(name=("--all", "-a"))] = False,
    yes: Annotated[bool, Parameter(alias="-y")] = False,
) -> int:
    """Remove download cache entries: those whose name starts with PREFIX, or all of them with --all.

    Parameters
    ----------
    prefix : str, optional
        Remove the entries whose name starts with this.
    all_ : bool
        Remove every entry.
    yes : bool
        Do not ask before removing.
    """
    if (prefix is None) == (not all_):
        say('error: either provide a prefix OR set the "--all" flag.')
        return 1
    matching = [e.name for e in packages.cache_list().entries if all_ or e.name.startswith(prefix)]
    if not matching:
        say(f'No caches found starting with "{prefix}".' if prefix else "The cache is empty.")
        return 0 if all_ else 1
    say("\n".join(f"  • {name}" for name in matching))
    if not yes:
        sys.stderr.write("Clear these caches? [y/N]: ")
        sys.stderr.flush()
        if sys.stdin.readline().strip().lower() not in ("y", "yes"):
            return 1
    say(packages.cache_clear(None if all_ else prefix))
    return 0
