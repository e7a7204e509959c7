"""Many boards at once: a `Fleet` of fresh virtual boards in this process, and boards on a localhost cluster.

Every board is an unthrottled ``virtual:`` board (its own MicroPython process, fresh per connect). Each fleet's
figures stand next to the same work on one board: one `Device` for the fleet in this process, one board on one
engine for the cluster (the same path through ipyparallel). Per setup:

- connect: to ready, every board of the fleet (median of ``fleet_connects``; one board: of ``connects``);
- nap: one call of a task that sleeps 50 ms on the board, over every board (median of ``fleet_naps``);
- tiny calls: ``fleet_calls`` calls of a task returning 1, back to back; fleet calls per second, and board calls
  per second (fleet calls x boards) in aggregate (one `Device` makes as many calls as its fleet's boards together);
- stream: a generator of ``fleet_values`` small ints on every board at once, values per second in aggregate (one
  board alone streams as many values as the boards of the fleet beside it);
- CPU (user + system) spent during the tiny calls and the stream: this process (``resource.getrusage``), the board
  processes (their threads' ``schedstat``) and the cluster's engines and controller (``psutil``: clock ticks);
  the time the boards waited for a CPU (``schedstat``), and how busy the whole machine's cores were (``/proc/stat``).

Afterwards no process this section started may be left (the cluster stopped, every board closed).
"""

import os
import resource
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Optional

import psutil
from settings import Settings, median_and_p95, timings

from belay_engine import Device, Fleet
from belay_engine.fleet_result import FleetResult

#: Seconds the processes of a closed fleet or a stopped cluster have to end before they count as left behind.
LINGER = 20.0
#: Least seconds over which the whole machine's busy cores are told (``/proc/stat`` counts 10 ms ticks).
MACHINE_WALL = 0.5
#: Seconds the cluster's engines have to register with its controller.
ENGINES_START = 90.0


#: Kinds of process whose CPU is measured: this one, the boards, the cluster's engines and its controller.
KINDS = ("host", "boards", "engines", "controller")


def cpu_seconds() -> dict:
    """CPU seconds so far: this process (all its threads) and the processes below it, by kind (see `KINDS`).

    Also ``waiting``: seconds the boards were ready to run but waited for a CPU; and ``machine``: the CPU seconds
    every process of the machine (other sessions too) has spent, from ``/proc/stat``.
    """
    usage = resource.getrusage(resource.RUSAGE_SELF)
    spent = dict.fromkeys(KINDS, 0.0)
    spent["host"] = usage.ru_utime + usage.ru_stime
    spent["waiting"] = 0.0
    for process in psutil.Process().children(recursive=True):
        try:
            name, command = process.name(), " ".join(process.cmdline())
            if "micropython" in name:
                ran, waited = schedule_times(process)
                spent["boards"] += ran
                spent["waiting"] += waited
            elif "ipyparallel.controller" in command or "ipcontroller" in command:
                spent["controller"] += sum(process.cpu_times()[:2])
            else:
                spent["engines"] += sum(process.cpu_times()[:2])
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    machine = psutil.cpu_times()
    spent["machine"] = sum(machine) - machine.idle - getattr(machine, "iowait", 0.0) - getattr(machine, "guest", 0.0)
    spent["machine"] -= getattr(machine, "guest_nice", 0.0)  # guest time is counted in user time already
    return spent


def schedule_times(process: psutil.Process) -> tuple[float, float]:
    """Seconds `process` ran on a CPU and seconds it waited, runnable, for one (``/proc/PID/task/*/schedstat``).

    A board is one thread that uses little CPU per call: the clock ticks ``cpu_times`` counts in (10 ms) would
    round it away, where schedstat counts nanoseconds. (The engines' worker threads come and go, and a thread's
    schedstat goes with it: theirs is counted in ticks.)
    """
    try:
        fields = [path.read_text().split() for path in Path(f"/proc/{process.pid}/task").glob("*/schedstat")]
        return sum(int(f[0]) for f in fields) / 1e9, sum(int(f[1]) for f in fields) / 1e9
    except (OSError, ValueError, IndexError):
        return sum(process.cpu_times()[:2]), 0.0


def metered(work: Callable[[], int]) -> tuple[int, float, dict]:
    """Run `work` (it returns how many it did); that count, the wall time and the CPU seconds spent (`cpu_seconds`)."""
    before = cpu_seconds()
    started = time.perf_counter()
    count = work()
    wall = time.perf_counter() - started
    after = cpu_seconds()
    return count, wall, {kind: after[kind] - before[kind] for kind in after}


def machine(cpu: dict, wall: float) -> Optional[float]:
    """Cores the whole machine kept busy over `wall` seconds; None over less than `MACHINE_WALL` (its clock ticks)."""
    return cpu["machine"] / wall if wall >= MACHINE_WALL else None


def checked(result: Any, boards: int) -> Any:
    """`result`, after raising the first board's error of a fleet call (a fleet must answer for every board)."""
    if isinstance(result, FleetResult):
        result.raise_first()
        if len(result) != boards:
            raise RuntimeError(f"a fleet call answered for {len(result)} of {boards} boards")
    return result


def measure_target(target: Any, boards: int, settings: Settings, calls: int, values: int) -> dict:
    """Nap, `calls` tiny calls and a stream of `values` per board on `target`, of `boards` boards.

    `target` is a `Device`, a `Fleet` or a cluster fleet: each has ``task``, and so do the figures' names.
    """

    @target.task
    def nap():
        import time

        time.sleep_ms(50)

    @target.task
    def tiny():
        return 1

    @target.task
    def count(n):
        for i in range(n):
            yield 100 + i % 900  # settings.STREAM_VALUE

    figures = {"nap": median_and_p95(timings(lambda: checked(nap(), boards), settings.fleet_naps))[0]}

    def call_loop() -> int:
        for _ in range(calls):
            checked(tiny(), boards)
        return calls

    call_loop_warm = max(1, calls // 10)
    for _ in range(call_loop_warm):
        checked(tiny(), boards)
    done, wall, cpu = metered(call_loop)
    figures.update({"calls": done / wall, "board_calls": done * boards / wall, "machine_call": machine(cpu, wall)})
    figures.update({f"call_cpu_{kind}": cpu[kind] / (done * boards) for kind in KINDS})
    figures["call_wait"] = cpu["waiting"] / (done * boards)
    figures["cores_call"] = sum(cpu[kind] for kind in KINDS) / wall

    def stream() -> int:
        return sum(1 for _ in count(values))

    received, wall, cpu = metered(stream)
    if received != boards * values:
        raise RuntimeError(f"the stream gave {received} values, not {boards} x {values}")
    figures.update({"stream": received / wall, "machine_stream": machine(cpu, wall)})
    figures.update({f"value_cpu_{kind}": cpu[kind] * 1000 / received for kind in KINDS})
    figures["value_wait"] = cpu["waiting"] * 1000 / received
    figures["cores_stream"] = sum(cpu[kind] for kind in KINDS) / wall
    return figures


def connect_median(connect: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """The median time of `repeat` connects (each closed but the last), and the last one, left open."""
    times, made = [], None
    for _ in range(max(1, repeat)):
        if made is not None:
            made.close()
        started = time.perf_counter()
        made = connect()
        times.append(time.perf_counter() - started)
    return statistics.median(times), made


def measured(
    connect: Callable[[], Any],
    boards: int,
    settings: Settings,
    repeat: int,
    calls: int,
    values: int,
    cluster: bool = False,
) -> dict:
    """Connect (median of `repeat`), then the nap, tiny calls and stream on what `connect` made; closed after.

    `cluster`: whether it runs on the cluster (else the CPU of engines and controller, none, is left out).
    """
    seconds, target = connect_median(connect, repeat)
    try:
        figures = {"connect": seconds, **measure_target(target, boards, settings, calls, values)}
    finally:
        target.close()
    return {name: value for name, value in figures.items() if cluster or not name.endswith(("_engines", "_controller"))}


def section_processes(before: set) -> dict:
    """Pid → a description of each process started since `before` (a set of pids) that this section made.

    Those are the processes below this one (zombies too: they were not reaped), and any process of this venv's
    Python running ipyparallel or a board: an engine's nanny leaves the process tree, and so would the boards of
    an engine that died.
    """
    below = {process.pid for process in psutil.Process().children(recursive=True)}
    found = {}
    for process in psutil.process_iter():
        if process.pid in before:
            continue
        try:
            command = process.cmdline()
            ours = bool(command) and os.path.normpath(command[0]).startswith(sys.prefix)
            if process.pid in below or (
                ours and any("ipyparallel" in part or "micropython" in part for part in command)
            ):
                found[process.pid] = f"{process.pid} {process.status()} {' '.join(command) or process.name()}"
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found


def left_behind(before: set) -> list[str]:
    """The section's processes (see `section_processes`) still there after `LINGER` seconds."""
    deadline = time.monotonic() + LINGER
    while True:
        lingering = section_processes(before)
        if not lingering or time.monotonic() > deadline:
            return sorted(lingering.values())
        time.sleep(0.2)  # processes ending after their close or the cluster's stop: there is no event to wait on


@contextmanager
def localhost_cluster(engines: int) -> Iterator[Any]:
    """A localhost ipyparallel cluster of `engines` engines; yields a connected client, stops it all afterwards."""
    import ipyparallel

    cluster = ipyparallel.Cluster(n=engines, log_level=40)
    client = cluster.start_and_connect_sync()
    try:
        client.wait_for_engines(engines, timeout=ENGINES_START)
        # Each engine imports the engine's fleet side once, as a long-lived cluster has: connects time boards.
        client[:].execute("import belay_engine.fleet_engine", block=True)
        yield client
    finally:
        client.close()
        cluster.stop_cluster_sync()


def cluster_ports(engines: int, per_engine: int) -> dict:
    """``{0: {"e0b0": "virtual:", ...}, 1: {...}}``: `per_engine` fresh virtual boards on each engine."""
    return {engine: {f"e{engine}b{i}": "virtual:" for i in range(per_engine)} for engine in range(engines)}


def run_part(name: str, errors: list, measure: Callable[[], dict]) -> dict:
    """`measure()`'s figures, announced on stderr; a failure goes to `errors` and gives no figures."""
    print(f"measuring the fleet: {name} ...", file=sys.stderr, flush=True)
    try:
        return measure()
    except Exception as error:  # one setup that fails fails its column; the others still run
        errors.append(f"fleet, {name}: {type(error).__name__}: {error}")
        return {}


def measure_fleet(settings: Settings, errors: list) -> dict:
    """Setup → figures (as `measure_target` gives them), on fresh virtual boards; no process may be left after.

    Setups: ``one`` (one Device), ``fleet`` (a Fleet of ``fleet_boards``), ``engine_one`` (one board on a cluster
    engine) and ``cluster`` (``cluster_engines`` x ``cluster_boards``). One board alone makes as many tiny calls
    and streams as many values as the fleet beside it does over all its boards, so both run about as long.
    """
    before = set(psutil.pids())
    boards, calls, values = settings.fleet_boards, settings.fleet_calls, settings.fleet_values
    figures: dict = {"load": os.getloadavg()[0]}  # other sessions' load on the cores before this section's own

    def one() -> dict:
        return measured(lambda: Device("virtual:"), 1, settings, settings.connects, calls * boards, values * boards)

    def fleet() -> dict:
        ports = {f"b{i}": "virtual:" for i in range(boards)}
        return measured(lambda: Fleet(ports), boards, settings, settings.fleet_connects, calls, values)

    figures["one"] = run_part("one board", errors, one)
    figures["fleet"] = run_part(f"{boards} boards in one process", errors, fleet)
    figures.update(measure_on_cluster(settings, errors))
    print("measuring the fleet: waiting for its processes to end ...", file=sys.stderr, flush=True)
    lingering = left_behind(before)
    if lingering:
        errors.append("fleet: processes left behind: " + "; ".join(lingering))
    return figures


def measure_on_cluster(settings: Settings, errors: list) -> dict:
    """One board on one engine, then every engine's boards, on one localhost cluster started for them.

    The one board makes the cluster's fleet calls (each costs the cluster's messaging, not the board) and streams
    as many values as all the cluster's boards.
    """
    engines, per_engine = settings.cluster_engines, settings.cluster_boards
    boards, calls, values = engines * per_engine, settings.fleet_calls, settings.fleet_values
    shape = f"{engines}x{per_engine} boards on ipyparallel"
    print(f"measuring the fleet: starting a localhost ipyparallel cluster of {engines} engines ...", file=sys.stderr)
    try:
        with localhost_cluster(engines) as client:

            def one() -> dict:
                return measured(
                    lambda: Fleet.on_cluster(client, {0: {"solo": "virtual:"}}),
                    1,
                    settings,
                    settings.fleet_connects,
                    calls,
                    values * boards,
                    cluster=True,
                )

            def many() -> dict:
                return measured(
                    lambda: Fleet.on_cluster(client, cluster_ports(engines, per_engine)),
                    boards,
                    settings,
                    settings.fleet_connects,
                    calls,
                    values,
                    cluster=True,
                )

            figures = {"engine_one": run_part("one board on an ipyparallel engine", errors, one)}
            figures["cluster"] = run_part(shape, errors, many)
    except Exception as error:  # no cluster: its columns fail, the fleet in this process still stands
        errors.append(f"fleet, {shape}: {type(error).__name__}: {error}")
        return {}
    return figures
