"""The benchmark's tables (Markdown, printed and written to ``results.md``) and the facts of the machine."""

import os
import platform
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Optional

from attrs import frozen
from measure_network import TRANSPORTS
from measure_sync import Sources
from settings import Settings

TOOLS = ("floor", "mpremote", "belay", "ours")
TITLES = {"floor": "bare raw REPL", "mpremote": "mpremote 1.29", "belay": "Belay 0.30.1", "ours": "ours"}
REPOSITORY = Path(__file__).resolve().parents[1]

LIMITS_EXPLAINED = """\
**Limit of the link** (throttled runs only): the least time the link itself needs at {link:.0f} bytes/s each
way ({baud} baud / 10: 8 data bits plus a start and a stop bit per byte). Where a bare raw-REPL exchange is
the least that does the job, its bytes were counted on the wire, both ways (a call's request and its reply
follow each other), and the limit is those bytes / {link:.0f} B/s: connect = entering the raw REPL (`\\r`,
Ctrl-C twice, Ctrl-A, and the banner back), tiny call = `print(tiny())` with `tiny` defined before,
`device("1+1")` = `print(1+1)`. Stream = {link:.0f} B/s / the bytes of one printed value, counted for the
floor's loop of `print(100 + i % 900)` (three digits each: `123\\n`, 4 bytes, on the virtual board, whose unix
port ends a line with `\\n` alone; `123\\r\\n`, 5 bytes, on a board's UART REPL). Sync = the files' own bytes /
{link:.0f} B/s (first: the whole tree, one changed: that file, binary: the file): over 100 % means fewer bytes
crossed the link than the files hold (compression). The virtual board's UART lets a reply that follows a pause
arrive in one 10 ms burst, as a UART's FIFO does, so a short exchange can beat its limit slightly.
**Share** columns: how fast ours is against that reference, 100 % = as fast (the reference's time / ours for
times, ours / the reference's rate for rates). **Bytes on the wire**: counted both ways by wrapping the
transport's `read` and `write`: per connect, per call, per streamed value."""

#: How the boards were had: fresh virtual ones, or the real board named on the command line.
BOARDS_VIRTUAL = """\
Each tool had its own fresh virtual board (`python -m belay_engine.virtual --port PATH [--baud N]`) for each
link speed, the same kind of board for ours and the peers: a serial port path. Every file a sync wrote was
checked byte for byte in the board's host folder."""
BOARDS_REAL = """\
Every tool ran in turn on the board at {port}; the folders the syncs write (`/tree`, `/single`) were removed
before and after each tool's turn, over a bare raw REPL."""
NOTES = """\
Peers run in their own process in their own environment (`build/bench-peers/`) and time their own work.
Connect: to ready, with each tool's defaults (ours and Belay: soft reset, helpers, startup imports, Belay's time
sync; mpremote: soft reset and raw REPL; the floor: raw REPL only, no reset). mpremote has no task calls: its
tiny call is `eval("tiny()")` of a function defined once with `exec`, and its stream is the board printing the
values, read as they arrive. Belay steps a generator one exchange per value (it streams for at most 5 s). Heap:
`gc.mem_free()` after a soft reset, before connecting, less the same after the tool's connect. Sync: ours and
Belay `Device.sync(folder, dst)` (both minify `.py`), mpremote what `fs cp -r SRC :` runs (cp without --force
skips files whose SHA-256 matches)."""


@frozen
class Row:
    """One measured row: its title, the figure's name, how to show it, and its limit on the link.

    Parameters
    ----------
    title : str
        What the row measures.
    key : str
        The figure's name in each tool's figures.
    kind : str
        ``"time"`` (seconds, lower is better), ``"rate"`` (per second) or ``"bytes"``.
    section : str
        The section that measures it.
    limit : float or None
        The link's limit in the figure's unit, or None.
    """

    title: str
    key: str
    kind: str
    section: str
    limit: Optional[float] = None


def show(value: Optional[float], kind: str) -> str:
    """`value` in its unit: ms below a second, else s; ``/s`` for rates; bytes as whole numbers."""
    if value is None:
        return "—"
    if kind == "time":
        return f"{value * 1000:.2f} ms" if value < 1 else f"{value:.2f} s"
    if kind == "rate":
        return f"{value:,.0f} /s".replace(",", " ")
    return f"{value:,.0f}".replace(",", " ") if value == int(value) or abs(value) >= 100 else f"{value:.1f}"


def share(value: Optional[float], reference: Optional[float], kind: str) -> str:
    """How fast `value` is against `reference`, 100 % = as fast."""
    if value is None or reference is None or not value or not reference or kind == "bytes":
        return "—"
    fraction = reference / value if kind == "time" else value / reference
    return f"{fraction:.1%}" if fraction < 0.1 else f"{fraction:.0%}"


def board_rows(settings: Settings, link: Optional[float], floor: dict, sources: Optional[Sources]) -> list[Row]:
    """The rows of one link speed; `link` is its bytes/s (None: unthrottled, no limits)."""

    def over_link(count: Optional[float]) -> Optional[float]:
        return count / link if link and count else None

    rows = [
        Row("connect to ready, median", "connect", "time", "connect", over_link(floor.get("connect_bytes"))),
        Row("tiny call, median", "call", "time", "call", over_link(floor.get("call_bytes"))),
        Row("tiny call, p95", "call_p95", "time", "call", over_link(floor.get("call_bytes"))),
        Row('`device("1+1")`, median', "eval", "time", "eval", over_link(floor.get("eval_bytes"))),
        Row("generator stream, small ints", "stream", "rate", "stream", per_value_over(link, floor.get("value_bytes"))),
        Row("board heap held after connect (bytes)", "heap", "bytes", "heap"),
    ]
    if sources is not None:
        rows += [
            Row(
                f"sync first ({settings.tree_files} .py, {sources.tree_bytes // 1024} KiB)",
                "sync_first",
                "time",
                "sync",
                over_link(sources.tree_bytes),
            ),
            Row("sync no-op", "sync_noop", "time", "sync"),
            Row("sync one changed .py", "sync_changed", "time", "sync", over_link(sources.changed_bytes)),
            Row(
                f"one {settings.binary_kib} KiB binary (random)",
                "binary",
                "time",
                "sync",
                over_link(sources.binary_bytes),
            ),
        ]
    rows += [
        Row("bytes on the wire: connect", "connect_bytes", "bytes", "connect"),
        Row("bytes on the wire: tiny call", "call_bytes", "bytes", "call"),
        Row('bytes on the wire: `device("1+1")`', "eval_bytes", "bytes", "eval"),
        Row("bytes on the wire: per streamed value", "value_bytes", "bytes", "stream"),
    ]
    return [row for row in rows if row.section in settings.sections]


def per_value_over(link: Optional[float], value_bytes: Optional[float]) -> Optional[float]:
    """Values per second the link carries at `value_bytes` each (None when either is unknown)."""
    return link / value_bytes if link and value_bytes else None


def board_table(rows: list[Row], figures: dict, tools: tuple) -> Iterator[str]:
    """Markdown lines of one link speed's table; `figures` is tool → figure name → value."""
    titles = [TITLES[tool] for tool in tools]
    yield "| | limit of the link | " + " | ".join(titles) + " | ours: share of the limit | ours: share of bare |"
    yield "|---|" + "---:|" * (len(tools) + 3)
    for row in rows:
        cells = [show(figures.get(tool, {}).get(row.key), row.kind) for tool in tools]
        if all(cell == "—" for cell in cells):
            continue  # a section that did not run
        ours = figures.get("ours", {}).get(row.key)
        bare = figures.get("floor", {}).get(row.key)
        yield (
            f"| {row.title} | {show(row.limit, row.kind)} | "
            + " | ".join(cells)
            + f" | {share(ours, row.limit, row.kind)} | {share(ours, bare, row.kind)} |"
        )


def network_table(figures: dict) -> Iterator[str]:
    """Markdown lines of the network table; `figures` is transport → ``{"call", "stream"}``."""
    base = figures.get(next(iter(TRANSPORTS)))
    yield "| transport (ours) | tiny call, median | x serial path | generator stream | share of serial path |"
    yield "|---|---:|---:|---:|---:|"
    for name, row in figures.items():
        ratio = f"{row['call'] / base['call']:.2f}x" if base else "—"
        yield (
            f"| {name} | {show(row['call'], 'time')} | {ratio} | {show(row['stream'], 'rate')} | "
            f"{share(row['stream'], base['stream'] if base else None, 'rate')} |"
        )


def kernel_table(figures: dict) -> Iterator[str]:
    """Markdown lines of the kernel table; `figures` is link title → kernel figure name → seconds."""
    yield "| kernel (ours) | " + " | ".join(figures) + " |"
    yield "|---|" + "---:|" * len(figures)
    for key, title in [
        ("kernel_1+1", "`1+1` cell to execute_result, median"),
        ("kernel_first_output", "cell start to first output, median"),
        ("kernel_interrupt", "interrupt to idle, median"),
    ]:
        yield f"| {title} | " + " | ".join(show(column.get(key), "time") for column in figures.values()) + " |"


def cpu_model() -> str:
    """The CPU's model name (Linux), else what `platform` knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def git_commit() -> str:
    """The checked-out commit, marked when the work tree has uncommitted changes."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", "-C", str(REPOSITORY), *args], capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return commit + (" with uncommitted changes" if git("status", "--porcelain", "--untracked-files=no") else "")


def machine() -> list[str]:
    """Lines describing the machine, for the results' header."""
    return [
        f"- CPU: {cpu_model()}, {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at the start",
        f"- Python {platform.python_version()} ({platform.python_implementation()}), {platform.platform()}",
        f"- git commit {git_commit()}",
    ]


#: The fleet table's columns: setup key → its title (``{boards}``, ``{engines}``, ``{per_engine}`` filled in).
FLEET_COLUMNS = {
    "one": "one board (`Device`)",
    "fleet": "{boards} boards, one process (`Fleet`)",
    "engine_one": "one board on an ipyparallel engine",
    "cluster": "{engines}x{per_engine} boards on {engines} ipyparallel engines",
}
#: Each fleet column → the one-board column its ratio is taken against.
FLEET_AGAINST = {"fleet": "one", "cluster": "engine_one"}
#: The fleet table's rows: figure name, title, kind (``time``, ``rate`` or ``cores``), whether a ratio is shown.
FLEET_ROWS = [
    ("connect", "connect to ready, every board, median", "time", True),
    ("nap", "task sleeping 50 ms on the board, one call over every board, median", "time", True),
    ("calls", "tiny calls: fleet calls per second", "rate", True),
    ("board_calls", "tiny calls: board calls per second, aggregate", "rate", True),
    ("stream", "generator stream, small ints: values per second, aggregate", "rate", True),
    ("call_cpu_host", "CPU per board call (tiny): this process", "time", False),
    ("call_cpu_boards", "CPU per board call (tiny): the board processes", "time", False),
    ("call_cpu_engines", "CPU per board call (tiny): the engines", "time", False),
    ("call_cpu_controller", "CPU per board call (tiny): the controller", "time", False),
    ("call_wait", "per board call (tiny): the board waited for a CPU", "time", False),
    ("cores_call", "cores busy during the tiny calls: these processes (CPU / wall)", "cores", False),
    ("machine_call", "cores busy during the tiny calls: the whole machine", "cores", False),
    ("value_cpu_host", "CPU per 1000 streamed values: this process", "time", False),
    ("value_cpu_boards", "CPU per 1000 streamed values: the board processes", "time", False),
    ("value_cpu_engines", "CPU per 1000 streamed values: the engines", "time", False),
    ("value_cpu_controller", "CPU per 1000 streamed values: the controller", "time", False),
    ("value_wait", "per 1000 streamed values: the boards waited for a CPU", "time", False),
    ("cores_stream", "cores busy during the stream: these processes (CPU / wall)", "cores", False),
    ("machine_stream", "cores busy during the stream: the whole machine", "cores", False),
]
FLEET_NOTES = """\
Every board is a fresh unthrottled `virtual:` board (its own MicroPython process). The fleet in this process
calls every board at once on its own threads; the cluster is `ipyparallel.Cluster(n={engines})` on localhost,
each engine driving its boards with a `Fleet` of its own, reached with `Fleet.on_cluster` (only results cross
to this process). **x one**: the fleet's figure over the one-board column beside it (one `Device` for the
fleet in this process, one board on one engine for the cluster): for the 50 ms task the time (the issue's
target: at most 1.5x), for rates how many times one board's rate. Each fleet makes {fleet_calls} tiny fleet
calls and streams {values} values from each board; one `Device` alone makes as many calls and streams as many
values as the {boards} boards together, one board on an engine makes the cluster's {fleet_calls} calls and
streams its boards' values. CPU is user + system time: this process's from `resource.getrusage` (all its
threads), the boards' from their threads' `schedstat` (nanoseconds), the engines' and the controller's from
`psutil` (clock ticks of 10 ms); per board call = CPU over the calls / (fleet calls x boards). The whole
machine's busy cores (other sessions too) are from `/proc/stat`, told over 0.5 s or more."""


def show_fleet(value: Optional[float], kind: str) -> str:
    """A fleet figure in its unit (cores with two decimals, the rest as `show` does)."""
    if value is not None and kind == "cores":
        return f"{value:.2f}"
    return show(value, kind)


def fleet_table(figures: dict, settings: Settings) -> Iterator[str]:
    """Markdown lines of the fleet table; `figures` is setup key → figure name → value (see measure_fleet)."""
    names = {"boards": settings.fleet_boards, "engines": settings.cluster_engines}
    names["per_engine"] = settings.cluster_boards
    header = []
    for key, title in FLEET_COLUMNS.items():
        header.append(title.format(**names))
        if key in FLEET_AGAINST:
            header.append("x one")
    yield "| | " + " | ".join(header) + " |"
    yield "|---|" + "---:|" * len(header)
    for figure, title, kind, ratio in FLEET_ROWS:
        cells = []
        for key in FLEET_COLUMNS:
            value = figures.get(key, {}).get(figure)
            cells.append(show_fleet(value, kind))
            if key in FLEET_AGAINST:
                against = figures.get(FLEET_AGAINST[key], {}).get(figure)
                cells.append(f"{value / against:.2f}x" if ratio and value and against else "—")
        if any(cell != "—" for cell in cells):
            yield f"| {title} | " + " | ".join(cells) + " |"


def whole_machine(cores: Optional[float]) -> str:
    """``", the whole machine N"`` when the machine's busy cores were told, else nothing."""
    return f", the whole machine {cores:.2f}" if cores is not None else ""


def fleet_notes(figures: dict, settings: Settings) -> str:
    """How the fleet section measured, then where the time went with this machine's cores, from the figures."""
    notes = FLEET_NOTES.format(
        engines=settings.cluster_engines,
        boards=settings.fleet_boards,
        fleet_calls=settings.fleet_calls,
        values=settings.fleet_values,
    )
    nap, one = figures.get("fleet", {}).get("nap"), figures.get("one", {}).get("nap")
    lines = [notes, ""]
    if nap and one:
        verdict = "within" if nap <= 1.5 * one else "over"
        lines.append(
            f"- The 50 ms task on {settings.fleet_boards} boards took {nap / one:.2f}x the time of one board"
            f" ({verdict} the issue's 1.5x)."
        )
    if "load" in figures:
        lines.append(
            f"- Where the time goes, on {os.cpu_count()} cores shared with other work (load average"
            f" {figures['load']:.1f} as the section started); CPU per fleet call (over every board):"
        )
    boards = {
        "one": 1,
        "fleet": settings.fleet_boards,
        "engine_one": 1,
        "cluster": settings.cluster_engines * settings.cluster_boards,
    }
    for key, count in boards.items():
        column = figures.get(key, {})
        if "calls" not in column:
            continue
        title = FLEET_COLUMNS[key].format(
            boards=settings.fleet_boards, engines=settings.cluster_engines, per_engine=settings.cluster_boards
        )
        kinds = [("host", "this process"), ("boards", "boards"), ("engines", "engines"), ("controller", "controller")]
        kinds = [(kind, what) for kind, what in kinds if f"call_cpu_{kind}" in column]
        total = sum(column[f"call_cpu_{kind}"] for kind, _ in kinds) * count * 1000
        spent = ", ".join(f"{what} {column[f'call_cpu_{kind}'] * count * 1000:.2f}" for kind, what in kinds)
        stream = sum(column[f"value_cpu_{kind}"] for kind, _ in kinds) * 1000
        lines.append(
            f"  - {title}: a tiny fleet call took {1000 / column['calls']:.2f} ms and {total:.2f} ms of CPU ({spent});"
            f" the boards waited {column['call_wait'] * count * 1000:.2f} ms for a CPU; these processes kept"
            f" {column['cores_call']:.2f} cores busy{whole_machine(column.get('machine_call'))}. Streaming:"
            f" {stream:.2f} ms of CPU per 1000 values, {column['cores_stream']:.2f} cores busy"
            f"{whole_machine(column.get('machine_stream'))}."
        )
    shares = [share_of_cpu(title, figures.get(key, {})) for key, title in FLEET_COLUMNS.items() if key in boards]
    shares = [line for line in shares if line]
    if shares:
        names = {"boards": settings.fleet_boards, "engines": settings.cluster_engines}
        names["per_engine"] = settings.cluster_boards
        lines.append("- Shares of a tiny call's CPU: " + "; ".join(shares).format(**names) + ".")
    return "\n".join(lines)


def share_of_cpu(title: str, column: dict) -> str:
    """``"TITLE: this process N %, boards N %, ..."``: how a tiny call's CPU split between the processes."""
    kinds = [("host", "this process"), ("boards", "boards"), ("engines", "engines"), ("controller", "controller")]
    spent = [(what, column[f"call_cpu_{kind}"]) for kind, what in kinds if f"call_cpu_{kind}" in column]
    total = sum(seconds for _, seconds in spent)
    if not total:
        return ""
    return f"{title}: " + ", ".join(f"{what} {seconds / total:.0%}" for what, seconds in spent)
