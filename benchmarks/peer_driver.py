"""Drive Belay 0.30.1 or mpremote 1.29 on one board for `peers.Peer`; runs in the peers' own environment.

Usage: ``python peer_driver.py TOOL PORT BAUD`` with TOOL ``belay`` or ``mpremote``. It reads one JSON job a line on
stdin and answers one JSON line each on stdout; the tools' own prints go to stderr so they cannot mix with the
answers. Each job times its own work inside this process, so the pipe between the processes is not in the figures.
Only the standard library and the tool are importable here (not our packages, not attrs).

Jobs: ``connect`` (``rounds`` timed connects; the last stays open), ``heap`` (the free heap now), ``call`` and
``eval`` (``calls`` timed calls), ``stream`` (up to ``values`` values or ``budget`` seconds), ``sync`` (``src``,
``dst``, and ``expect``: a folder to fill with what the board should then hold).
"""

import contextlib
import io
import json
import shutil
import statistics
import sys
import time
from pathlib import Path

FREE_HEAP = "import gc\ngc.collect()\nprint(gc.mem_free())"
STREAM_VALUE = "100 + i % 900"  # as settings.STREAM_VALUE: three digits each


def timings(function, repeat):
    """Wall times of `repeat` calls of `function`, after a warm-up of a tenth as many (as settings.timings)."""
    for _ in range(max(1, repeat // 10)):
        function()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return times


def summary(times):
    """The median and 95th percentile of `times`, as an answer."""
    p95 = statistics.quantiles(times, n=20)[18] if len(times) > 1 else times[0]
    return {"median": statistics.median(times), "p95": p95}


class Belay:
    """Belay 0.30.1 as its users drive it: `belay.Device`, tasks, generator tasks, `Device.sync`."""

    def __init__(self, port, baud):
        import belay

        self.port, self.baud, self.belay, self.device = port, baud, belay, None

    def connect(self):
        """Connect with Belay's defaults (startup imports, time sync)."""
        self.close()
        self.device = self.belay.Device(self.port, baudrate=self.baud)

    def free_heap(self):
        """The board's free heap after a collection."""
        return int(self.device._board.exec(FREE_HEAP))

    def tiny(self):
        """A task returning 1."""

        @self.device.task
        def tiny():
            return 1

        return tiny

    def evaluate(self):
        """``device("1+1")``."""
        return self.device("1+1")

    def stream(self, values, budget):
        """A generator task of small ints: Belay steps it one value per exchange."""

        @self.device.task
        def count(n):
            for i in range(n):
                yield 100 + i % 900  # STREAM_VALUE

        received, started = 0, time.perf_counter()
        for _ in count(values):
            received += 1
            if time.perf_counter() - started > budget:
                break
        return received, time.perf_counter() - started

    def sync(self, src, dst):
        """`Device.sync`; answers how many files it sent."""
        sent, put = [], self.device._board.fs_put

        def counted_put(source, destination, *args, **kwargs):
            sent.append(destination)
            return put(source, destination, *args, **kwargs)

        self.device._board.fs_put = counted_put
        try:
            self.device.sync(src, dst=dst)
        finally:
            self.device._board.fs_put = put
        return {"sent": len(sent)}

    @staticmethod
    def expect(src, folder):
        """What Belay writes: .py files through its own minifier (its default), the rest as they are."""
        from belay._minify import minify

        for path in sorted(Path(src).rglob("*")):
            target = Path(folder) / path.relative_to(src)
            if path.is_dir():
                target.mkdir(parents=True, exist_ok=True)
            elif path.suffix == ".py":
                target.write_text(minify(path.read_text(encoding="utf-8")))
            else:
                shutil.copyfile(path, target)

    def close(self):
        """Close the connection."""
        if self.device is not None:
            self.device.close()
            self.device = None


class Mpremote:
    """mpremote 1.29 as a library: what its commands run (`SerialTransport`, `exec`, `eval`, `fs cp -r`)."""

    def __init__(self, port, baud):
        from mpremote.main import State
        from mpremote.transport_serial import SerialTransport

        self.port, self.baud, self.state_class, self.transport_class = port, baud, State, SerialTransport
        self.state = None

    def connect(self):
        """What ``mpremote connect PORT exec ...`` does first: open the port, soft reset, raw REPL."""
        self.close()
        self.state = self.state_class()
        self.state.transport = self.transport_class(self.port, baudrate=self.baud)
        self.state.ensure_raw_repl()

    def free_heap(self):
        """The board's free heap after a collection."""
        return int(self.state.transport.exec(FREE_HEAP))

    def tiny(self):
        """``eval("tiny()")`` of a function defined once with ``exec``, as `mpremote exec` / `eval` run it."""
        transport = self.state.transport
        transport.exec("def tiny():\n return 1")
        return lambda: transport.eval("tiny()")

    def evaluate(self):
        """``eval("1+1")``."""
        return self.state.transport.eval("1+1")

    def stream(self, values, budget):
        """The board printing small ints, read as they arrive (mpremote has no generator calls)."""
        received = 0

        def consume(data):
            nonlocal received
            received += data.count(b"\n")

        started = time.perf_counter()
        self.state.transport.exec(f"for i in range({values}):\n print({STREAM_VALUE})", data_consumer=consume)
        return received, time.perf_counter() - started

    def sync(self, src, dst):
        """What ``fs cp -r SRC :`` runs; its default (no --force) skips files whose SHA-256 already matches."""
        from mpremote.commands import do_filesystem_recursive_cp

        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            do_filesystem_recursive_cp(self.state, src, ":", False, True)
        return {"skipped": printed.getvalue().count("Up to date")}

    @staticmethod
    def expect(src, folder):
        """Mpremote copies files as they are."""
        shutil.copytree(src, folder, dirs_exist_ok=True)

    def close(self):
        """Leave the raw REPL and close the port."""
        if self.state is not None:
            from mpremote.commands import do_disconnect

            do_disconnect(self.state)
            self.state = None


def run_job(tool, job):
    """Do one job; return its answer."""
    op = job["op"]
    if op == "connect":
        connects = []
        for _ in range(job["rounds"]):
            started = time.perf_counter()
            tool.connect()
            connects.append(time.perf_counter() - started)
        return summary(connects)
    if op == "heap":
        return {"free": tool.free_heap()}
    if op == "call":
        tiny = tool.tiny()
        return summary(timings(tiny, job["calls"]))
    if op == "eval":
        return summary(timings(tool.evaluate, job["calls"]))
    if op == "stream":
        received, seconds = tool.stream(job["values"], job["budget"])
        return {"rate": received / seconds, "received": received}
    if op == "sync":
        started = time.perf_counter()
        counts = tool.sync(job["src"], job["dst"])
        seconds = time.perf_counter() - started
        tool.expect(job["src"], job["expect"])
        return {"seconds": seconds, **counts}
    raise ValueError(f"unknown job {op!r}")


def main():
    """Answer jobs until stdin ends, then close the connection."""
    name, port, baud = sys.argv[1], sys.argv[2], int(sys.argv[3])
    answers, sys.stdout = sys.stdout, sys.stderr
    tool = (Belay if name == "belay" else Mpremote)(port, baud)
    try:
        for line in sys.stdin:
            try:
                answer = run_job(tool, json.loads(line))
            except Exception as error:  # one failed job fails its row; the next job still runs
                answer = {"error": f"{type(error).__name__}: {error}"}
            answers.write(json.dumps(answer) + "\n")
            answers.flush()
    finally:
        tool.close()


if __name__ == "__main__":
    main()
