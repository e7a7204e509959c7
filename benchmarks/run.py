"""Measure ours next to Belay 0.30.1, mpremote 1.29 and the bare raw REPL on fresh virtual boards; write results.md.

Usage: ``python benchmarks/run.py [PORT] [--quick] [--baud N] [--only SECTION ...] [--no-peers] [--fleet-boards N]``.

Without PORT every tool gets its own fresh virtual board for each link speed: unthrottled, and throttled to a
UART's speed (``--baud``, 115200 unless told). With PORT (a real board) everything runs on it, at ``--baud``;
its sync writes ``/tree`` and ``/single`` there, and the network section is left out. The fleet section drives
many fresh unthrottled ``virtual:`` boards at once, in this process and on a localhost ipyparallel cluster.
Prints the tables and writes them to ``benchmarks/results.md`` with the date, the machine and the git commit.
``--quick`` (fewer calls and values, smaller files) takes under two minutes. Figures on a shared machine are noisy:
compare the figures of one run. Not part of the test suite.
"""

import argparse
import os
import shlex
import sys
import tempfile
import time
import traceback
from contextlib import AbstractContextManager
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

from boards import Board, real_board, virtual_board
from measure_engine import measure_floor, measure_ours
from measure_fleet import measure_fleet
from measure_kernel import measure_kernel
from measure_network import measure_network
from measure_sync import Sources, clear_board_folders, make_sources, measure_sync, ours_runner, peer_runner
from peers import Peer, ensure_peers, measure_peer
from report import (
    BOARDS_REAL,
    BOARDS_VIRTUAL,
    LIMITS_EXPLAINED,
    NOTES,
    TITLES,
    TOOLS,
    board_rows,
    board_table,
    fleet_notes,
    fleet_table,
    kernel_table,
    machine,
    network_table,
)
from settings import BOARD_SECTIONS, FULL, QUICK, SECTIONS, Settings

RESULTS = Path(__file__).with_name("results.md")


def parse_settings(argv: Optional[list] = None) -> tuple[Optional[str], Settings, Path]:
    """The command line: the real board's port (or None), the settings, where to write the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("port", nargs="?", default=None, help="a real board's port (default: fresh virtual boards)")
    parser.add_argument("--quick", action="store_true", help="fewer calls and values, smaller files (under 2 min)")
    parser.add_argument(
        "--baud", type=int, default=115200, help="UART speed of the throttled runs, or the real board's (0: none)"
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=SECTIONS,
        metavar="SECTION",
        help="run only this section (repeat for more): " + ", ".join(SECTIONS),
    )
    parser.add_argument("--no-peers", action="store_true", help="leave out Belay and mpremote")
    for name, what in [
        ("calls", "timed tiny calls and device(expr) calls per tool and speed"),
        ("values", "streamed values per tool and speed"),
        ("connects", "timed connects per tool and speed"),
        ("rounds", "rounds over the network transports"),
    ]:
        parser.add_argument(
            f"--{name}", type=int, default=None, help=f"{what} (full {FULL[name]}, quick {QUICK[name]})"
        )
    parser.add_argument(
        "--fleet-boards",
        type=int,
        default=None,
        help=f"virtual boards of the fleet in one process (full {FULL['fleet_boards']}, quick {QUICK['fleet_boards']})",
    )
    parser.add_argument("--output", type=Path, default=RESULTS, help=f"results file (default {RESULTS.name})")
    args = parser.parse_args(argv)
    counts = dict(QUICK if args.quick else FULL)
    counts.update(
        {
            name: getattr(args, name)
            for name in ("calls", "values", "connects", "rounds", "fleet_boards")
            if getattr(args, name)
        }
    )
    sections = tuple(section for section in SECTIONS if not args.only or section in args.only)
    if args.port:
        sections = tuple(section for section in sections if section != "network")
    settings = Settings(
        mode="quick" if args.quick else "full",
        baud=args.baud or None,
        peers=not args.no_peers,
        sections=sections,
        **counts,
    )
    return args.port, settings, args.output


def measure_tool(tool: str, board: Board, settings: Settings, work: Path, errors: list) -> dict:
    """All board figures of `tool` on `board` (a fresh one); what fails goes to `errors`."""
    work.mkdir()
    sources: Optional[Sources] = make_sources(work / "src", settings) if "sync" in settings.sections else None
    if tool == "floor":
        return measure_floor(board, settings)
    if sources is not None and board.root is None:  # a real board keeps what the last tool synced
        clear_board_folders(board)
        try:
            return measure_tool_on(tool, board, settings, sources, work, errors)
        finally:
            clear_board_folders(board)
    return measure_tool_on(tool, board, settings, sources, work, errors)


def measure_tool_on(
    tool: str, board: Board, settings: Settings, sources: Optional[Sources], work: Path, errors: list
) -> dict:
    """Ours or a peer's figures on `board`, with the syncs of `sources` (None: no sync section)."""
    if tool == "ours":

        def sync(device: object) -> dict:
            return measure_sync(ours_runner(device), board, sources, work, errors) if sources else {}

        return measure_ours(board, settings, errors, then=sync)
    peer = Peer(tool, board.port, board.baud or 115200, work / f"{tool}.log")
    try:
        figures = measure_peer(peer, board, settings, errors)
        if figures is None:
            return {}
        if sources is not None:
            figures.update(measure_sync(peer_runner(peer), board, sources, work, errors))
        return figures
    finally:
        peer.close()


def run_boards(port: Optional[str], settings: Settings, work: Path, errors: list) -> tuple[dict, Optional[Sources]]:
    """Link title → tool → figures, over every link speed and tool; and the sync sources' sizes."""
    tools = [tool for tool in TOOLS if settings.peers or tool in ("floor", "ours")]
    results: dict = {}
    for baud in speeds(port, settings):
        title = link_title(port, baud)
        results[title] = {}
        for tool in tools:
            print(f"measuring {TITLES[tool]}, {title} ...", file=sys.stderr, flush=True)
            name = f"{tool}-{baud or 'fast'}"
            failures: list = []
            try:
                with board_for(port, work, name, baud) as board:
                    results[title][tool] = measure_tool(tool, board, settings, work / name, failures)
            except Exception as error:  # a tool that cannot run fails its column; the others still run
                traceback.print_exc()
                failures.append(f"{type(error).__name__}: {error}")
            errors += [f"{TITLES[tool]}, {title}, {failure}" for failure in failures]
    sources = make_sources(work / "sizes", settings) if "sync" in settings.sections else None
    return results, sources


def speeds(port: Optional[str], settings: Settings) -> list:
    """The link speeds to measure at: a real board's own, else unthrottled and (unless 0) ``--baud``."""
    if port:
        return [settings.baud or 115200]
    return [None, settings.baud] if settings.baud else [None]


def link_title(port: Optional[str], baud: Optional[int]) -> str:
    """How a link speed is named in the tables."""
    if port:
        return f"{port} at {baud} baud"
    return f"at {baud} baud" if baud else "unthrottled"


def board_for(port: Optional[str], work: Path, name: str, baud: Optional[int]) -> AbstractContextManager:
    """The real board, or a fresh virtual board named `name` at `baud`."""
    return real_board(port, baud) if port else virtual_board(work, name, baud)


def run_kernel(port: Optional[str], settings: Settings, work: Path, errors: list) -> dict:
    """Link title → kernel figures, on a fresh board per link speed (or the real board)."""
    figures = {}
    for baud in speeds(port, settings):
        title = link_title(port, baud)
        print(f"measuring the kernel, {title} ...", file=sys.stderr, flush=True)
        try:
            with board_for(port, work, f"kernel-{baud or 'fast'}", baud) as board:
                figures[title] = measure_kernel(board.port, settings.kernel_rounds)
        except Exception as error:  # the kernel failing fails its column
            errors.append(f"kernel, {title}: {type(error).__name__}: {error}")
    return figures


def render(
    port: Optional[str],
    settings: Settings,
    boards: dict,
    sources: Optional[Sources],
    network: dict,
    kernel: dict,
    fleet: dict,
    errors: list,
    header: list,
) -> str:
    """The whole results text (Markdown)."""
    tools = tuple(tool for tool in TOOLS if any(tool in column for column in boards.values()))
    lines = [*header, ""]
    for baud in speeds(port, settings):
        title = link_title(port, baud)
        if title not in boards:
            continue
        link = baud / 10 if baud else None
        figures = boards[title]
        lines += [f"## {title}" + (f" ({link:.0f} bytes/s each way)" if link else ""), ""]
        lines += board_table(board_rows(settings, link, figures.get("floor", {}), sources), figures, tools)
        lines.append("")
    if network:
        lines += ["## network transports on loopback (unthrottled)", "", *network_table(network), ""]
    if kernel:
        lines += ["## kernel", "", *kernel_table(kernel), ""]
    if fleet:
        lines += ["## many boards at once (unthrottled)", "", *fleet_table(fleet, settings), ""]
        lines += [fleet_notes(fleet, settings), ""]
    if settings.baud:
        lines += ["## what the columns mean", ""]
        lines += [LIMITS_EXPLAINED.format(link=settings.baud / 10, baud=settings.baud), ""]
    if boards:
        lines += [BOARDS_REAL.format(port=port) if port else BOARDS_VIRTUAL, NOTES, ""]
    lines += resync_notes(boards, settings, port is None)
    if errors:
        lines += ["## failures", "", *(f"- {error}" for error in errors), ""]
    return "\n".join(lines)


def resync_notes(boards: dict, settings: Settings, virtual: bool) -> list[str]:
    """What each peer's no-op re-sync did, where it said; `virtual` when the boards were virtual ones."""
    notes = []
    for title, figures in boards.items():
        sent = figures.get("belay", {}).get("noop_sent")
        skipped = figures.get("mpremote", {}).get("noop_skipped")
        if sent is not None:
            why = " (it compares a 32-bit FNV hash that never matches on the 64-bit unix port)" if virtual else ""
            notes.append(f"- {title}: Belay's no-op re-sync sent {sent} of {settings.tree_files} files again{why}.")
        if skipped is not None:
            notes.append(f"- {title}: mpremote's second cp skipped {skipped} of {settings.tree_files} files (SHA-256).")
    return [*notes, ""] if notes else []


def fleet_counts(settings: Settings) -> list[str]:
    """The header line of the fleet section's counts (none when it does not run)."""
    if "fleet" not in settings.sections:
        return []
    return [
        f"- fleet: {settings.fleet_boards} boards in one process and {settings.cluster_engines}x"
        f"{settings.cluster_boards} on ipyparallel; {settings.fleet_connects} connects, {settings.fleet_naps} naps,"
        f" {settings.fleet_calls} tiny calls and {settings.fleet_values} streamed values per board per fleet"
    ]


def main(argv: Optional[list] = None) -> None:
    """Run the benchmark; print the tables and write them to the results file."""
    port, settings, output = parse_settings(argv)
    started = time.perf_counter()
    started_at = datetime.now(timezone.utc)
    header_machine = machine()  # the load average before the benchmark adds its own
    if settings.peers and any(section in settings.sections for section in BOARD_SECTIONS):
        ensure_peers()
    errors: list = []
    with tempfile.TemporaryDirectory(prefix="belay-bench-") as work:
        work = Path(work)
        boards, sources = {}, None
        if any(section in settings.sections for section in BOARD_SECTIONS):
            boards, sources = run_boards(port, settings, work, errors)
        network = measure_network(work, settings, errors) if "network" in settings.sections else {}
        kernel = run_kernel(port, settings, work, errors) if "kernel" in settings.sections else {}
    fleet = measure_fleet(settings, errors) if "fleet" in settings.sections else {}
    elapsed = time.perf_counter() - started
    command = "python benchmarks/run.py" + "".join(f" {shlex.quote(arg)}" for arg in (argv or sys.argv[1:]))
    header = [
        "# Benchmark results",
        "",
        f"- {started_at:%Y-%m-%d %H:%M} UTC, {settings.mode} mode (`{command}`), {elapsed:.0f} s",
        f"- {settings.calls} calls, {settings.values} streamed values, {settings.connects} connects per tool and"
        f" link speed; {settings.rounds} network rounds; {settings.kernel_rounds} kernel cells",
        *fleet_counts(settings),
        *header_machine,
    ]
    text = render(port, settings, boards, sources, network, kernel, fleet, errors, header)
    print(text)
    output.write_text(text)
    print(f"(written to {os.path.relpath(output)})", file=sys.stderr)


if __name__ == "__main__":
    main()
