"""Print, side by side on the same virtual board, our sync next to Belay 0.30.1's sync and mpremote 1.29's ``fs cp -r``.

Usage: ``python benchmarks/compare_sync.py``. Belay's PyPI package is named ``belay`` like ours, so the peers run
in their own virtual environment, made on first use under ``build/bench-peers/`` and reused after. Each tool gets
a fresh virtual board (``python -m belay_engine.virtual``) on a serial port path, so none benefits from another's
board state; each peer runs in its own process, connects to the port itself and times its own work. Every file a
tool writes is checked byte for byte in the board's host folder. Our full tree at 115200 baud is in
``benchmarks/sync_speed.py --baud 115200``.
"""

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from contextlib import contextmanager
from math import nan
from pathlib import Path
from typing import Callable, Optional

from sync_speed import make_tree  # run as a script, its folder (and sync_speed.py beside it) is on sys.path

from belay_engine import Device
from belay_engine.minify import minify

PEERS = Path(__file__).resolve().parents[1] / "build" / "bench-peers"
PEER_PYTHON = PEERS / "bin" / "python"
PEER_PINS = {"belay": "0.30.1", "mpremote": "1.29.0"}
BAUD = 115200
LINK = BAUD / 10  # bytes per second each way: 8 data bits plus start and stop bits
TOOLS = ("ours", "belay", "mpremote")
TITLES = {"ours": "ours", "belay": "Belay 0.30.1", "mpremote": "mpremote 1.29"}

# Runs in the peers' environment. It reads one job a line on stdin ({"src", "dst", "expect"}) and answers one JSON
# line each; the tools' own prints go to stderr so they cannot mix with the answers.
DRIVER = textwrap.dedent("""
    import contextlib, io, json, shutil, sys, time, types
    from pathlib import Path

    tool, port = sys.argv[1], sys.argv[2]
    answers, sys.stdout = sys.stdout, sys.stderr

    def answer(**fields):
        answers.write(json.dumps(fields) + "\\n")
        answers.flush()

    started = time.perf_counter()
    if tool == "belay":
        import belay
        from belay._minify import minify

        device = belay.Device(port)
        sent = []
        put = device._board.fs_put

        def counted_put(src, dst, *args, **kwargs):
            sent.append(dst)
            return put(src, dst, *args, **kwargs)

        device._board.fs_put = counted_put

        def run(src, dst):
            sent.clear()
            device.sync(src, dst=dst)
            return {"sent": len(sent)}

        def expect(src, folder):
            # What Belay writes: .py files through its own minifier (its default), the rest as they are.
            for path in sorted(Path(src).rglob("*")):
                target = Path(folder) / path.relative_to(src)
                if path.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                elif path.suffix == ".py":
                    target.write_text(minify(path.read_text(encoding="utf-8")))
                else:
                    shutil.copyfile(path, target)

        def close():
            device.close()

    else:
        from mpremote.commands import do_connect, do_disconnect, do_filesystem_recursive_cp
        from mpremote.main import State

        state = State()
        do_connect(state, types.SimpleNamespace(device=[port]))
        state.ensure_raw_repl()  # what `mpremote connect PORT fs ...` does before the copy: soft reset, raw REPL

        def run(src, dst):
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed):
                # What `fs cp -r SRC :` runs; its default (no --force) skips files whose SHA-256 already matches.
                do_filesystem_recursive_cp(state, src, ":", False, True)
            return {"skipped": printed.getvalue().count("Up to date")}

        def expect(src, folder):
            shutil.copytree(src, folder, dirs_exist_ok=True)

        def close():
            do_disconnect(state)

    answer(connect=time.perf_counter() - started)
    for line in sys.stdin:
        job = json.loads(line)
        try:
            started = time.perf_counter()
            counts = run(job["src"], job["dst"])
            seconds = time.perf_counter() - started
            expect(job["src"], job["expect"])
            answer(seconds=seconds, **counts)
        except Exception as error:
            answer(error=f"{type(error).__name__}: {error}")
    close()
    """)


def ensure_peers() -> None:
    """Make the peers' virtual environment under `PEERS` unless one with the pinned versions is there."""
    check = "import importlib.metadata as m, json; print(json.dumps({n: m.version(n) for n in ('belay', 'mpremote')}))"
    if PEER_PYTHON.exists():
        found = subprocess.run([str(PEER_PYTHON), "-c", check], capture_output=True, text=True)
        if found.returncode == 0 and json.loads(found.stdout) == PEER_PINS:
            return
    print(f"making {PEERS} (once) with belay {PEER_PINS['belay']} and mpremote {PEER_PINS['mpremote']} ...", flush=True)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(PEERS)], check=True)
    pins = [f"{name}=={version}" for name, version in PEER_PINS.items()]
    subprocess.run([str(PEER_PYTHON), "-m", "pip", "install", "-q", *pins], check=True)


@contextmanager
def board(work: Path, name: str, baud: Optional[int]):
    """A fresh virtual board served on a serial port path; yields the path and the board's host root folder."""
    port, root = work / f"tty{name}", work / f"root-{name}"
    command = [sys.executable, "-m", "belay_engine.virtual", "--port", str(port), "--root", str(root)]
    # Its own session, so that the fallback kill below takes the board's MicroPython processes with it.
    server = subprocess.Popen(
        command + (["--baud", str(baud)] if baud else []), stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        if not server.stdout.readline():  # the server announces the port once it exists
            raise RuntimeError(f"the virtual board did not start: {' '.join(command)}")
        yield str(port), root
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


class Ours:
    """Our sync, in this process, on a board at `port`."""

    def __init__(self, port: str):
        started = time.perf_counter()
        self.device = Device(port)
        self.connect = time.perf_counter() - started

    def run(self, src: Path, dst: str, expect: Path) -> dict:
        """Sync `src` to `dst`; write what the board should hold into `expect`; return the timing."""
        started = time.perf_counter()
        self.device.sync(src, dst=dst)
        seconds = time.perf_counter() - started
        for path in sorted(src.rglob("*")):
            target = expect / path.relative_to(src)
            if path.is_dir():
                target.mkdir(parents=True, exist_ok=True)
            else:  # .py files go through our minifier, the rest as they are
                target.write_bytes(minify(path.read_text()).encode() if path.suffix == ".py" else path.read_bytes())
        return {"seconds": seconds}

    def close(self) -> None:
        """Close the connection."""
        self.device.close()


class Peer:
    """Belay or mpremote, in its own process in the peers' environment, on a board at `port`."""

    def __init__(self, tool: str, port: str, work: Path):
        driver = work / "driver.py"
        driver.write_text(DRIVER)
        self.log = work / f"{tool}-{Path(port).name}.log"
        environment = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}  # never our belay
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [str(PEER_PYTHON), str(driver), tool, port],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
                cwd=work,
                env=environment,
            )
        hello = self._answer()
        if "connect" not in hello:
            self.close()
            raise RuntimeError(f"{tool} did not connect: {hello['error']}")
        self.connect = hello["connect"]

    def _answer(self) -> dict:
        line = self.process.stdout.readline()
        if line:
            return json.loads(line)
        tail = self.log.read_text().strip().splitlines()[-3:]
        return {"error": "the driver exited: " + " / ".join(tail)}

    def run(self, src: Path, dst: str, expect: Path) -> dict:
        """Have the tool sync `src` to `dst` and write what the board should hold into `expect`; return the timing."""
        if self.process.poll() is None:
            self.process.stdin.write(json.dumps({"src": str(src), "dst": dst, "expect": str(expect)}) + "\n")
            self.process.stdin.flush()
        return self._answer()

    def close(self) -> None:
        """Let the driver disconnect and exit."""
        try:
            self.process.stdin.close()
            self.process.wait(30)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()


def differences(expect: Path, written: Path) -> Optional[str]:
    """Why the board folder `written` does not hold exactly the files under `expect`, or None if it does."""
    if not any(expect.rglob("*")):
        return "nothing to compare against"
    for path in sorted(expect.rglob("*")):
        if path.is_file():
            relative = path.relative_to(expect)
            target = written / relative
            if not target.is_file():
                return f"{relative} missing"
            if target.read_bytes() != path.read_bytes():
                return (
                    f"{relative} differs ({target.stat().st_size} bytes on the board, {path.stat().st_size} expected)"
                )
    return None


def session(tool: str, work: Path, baud: Optional[int], jobs: list) -> dict:
    """Run `jobs` (label, local folder) with `tool` on a fresh board; return label → result."""
    results = {}
    with board(work, f"{tool}-{baud or 'fast'}", baud) as (port, root):
        try:
            runner = Ours(port) if tool == "ours" else Peer(tool, port, work)
        except Exception as error:  # a tool that cannot connect fails its rows; the others still run
            return {label: {"error": f"could not connect: {error}"} for label, _ in jobs}
        try:
            for label, src in jobs:
                dst = "/" + src.name  # mpremote's `cp -r SRC :` puts SRC at /SRC; the others are told the same
                expect = work / f"expect-{tool}-{baud or 'fast'}-{label}"
                expect.mkdir()
                result = runner.run(src, dst, expect)
                if "error" not in result:
                    wrong = differences(expect, root / src.name)
                    if wrong:
                        result = {"error": f"files not written correctly: {wrong}"}
                results[label] = result
            results["connect"] = runner.connect
        finally:
            runner.close()
    return results


def text_file(size: int) -> bytes:
    """`size` bytes of Python-looking text: assignments with comments."""
    generator = random.Random(3)
    lines = (f"value_{n} = {generator.randint(0, 10**9)}  # reading {n} of the sensor" for n in range(size))
    return "\n".join(lines).encode()[:size]


def main() -> None:
    """Make the peers' environment, run every tool on fresh boards, print the table."""
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()  # --help, and no stray arguments
    started = time.perf_counter()
    ensure_peers()
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        tree, single, binary, text = (work / "src" / name for name in ("tree", "single", "bin20", "text20"))
        for folder in (tree, single, binary, text):
            folder.mkdir(parents=True)
        make_tree(tree)
        (single / "blob2.bin").write_bytes(random.Random(2).randbytes(200 * 1024))
        (binary / "data.bin").write_bytes(random.Random(4).randbytes(20 * 1024))
        (text / "data.txt").write_bytes(text_file(20 * 1024))  # .txt: no tool minifies it, all move the same bytes
        tree_bytes = sum(path.stat().st_size for path in tree.rglob("*") if path.is_file())
        files = sum(1 for path in tree.rglob("*") if path.is_file())
        load = os.getloadavg()[0]  # other work on the machine slows every tool; the figures of one run compare

        fast, slow = {}, {}
        for tool in TOOLS:
            print(f"measuring {TITLES[tool]} ...", file=sys.stderr, flush=True)
            fast[tool] = session(tool, work, None, [("first", tree), ("again", tree), ("single", single)])
            slow[tool] = session(tool, work, BAUD, [("binary", binary), ("text", text)])

    failures = []

    def row(title: str, results: dict, label: str, show: Callable[[float], str]) -> None:
        cells = []
        for tool in TOOLS:
            result = results[tool][label]
            if "error" in result:
                failures.append(f"FAILED: {TITLES[tool]}, {title.strip()}: {result['error']}")
            cells.append("FAILED" if "error" in result else show(result["seconds"]))
        print(f"{title:<36}" + "".join(f"{cell:>18}" for cell in cells))

    def share(seconds: float) -> str:
        return f"{seconds:.1f} s {20 * 1024 / seconds / LINK:4.0%}"

    print(f"{'':<36}" + "".join(f"{TITLES[tool]:>18}" for tool in TOOLS))
    print(
        f"unthrottled PTY, tree of {tree_bytes // 1024} KiB ({files - 1} .py of ~2 KiB in 3 folders + 200 KiB binary)"
    )
    row("  first sync", fast, "first", lambda seconds: f"{seconds:.3f} s")
    row("  no-op re-sync (mpremote: 2nd cp)", fast, "again", lambda seconds: f"{seconds:.3f} s")
    row("  one 200 KiB binary (random)", fast, "single", lambda seconds: f"{200 / seconds:.0f} KiB/s")
    print(f"at {BAUD} baud: time, and share of the link ({LINK:.0f} B/s each way)")
    row("  one 20 KiB binary (random)", slow, "binary", share)
    row("  one 20 KiB .py-like text (as .txt)", slow, "text", share)
    for line in failures:
        print(line)
    connects = ", ".join(
        f"{TITLES[tool]} {fast[tool].get('connect', nan):.1f} / {slow[tool].get('connect', nan):.1f} s"
        for tool in TOOLS
    )
    print("Each figure is the sync or copy call alone, timed inside the tool's own process once it is connected,")
    print(f"with the tool's per-call set-up in. Connecting is left out (unthrottled / {BAUD} baud):")
    print(f"  {connects}.")
    print("ours and Belay: Device.sync(folder, dst) (both minify .py); mpremote: what `fs cp -r SRC :` runs,")
    print("cp without --force. Each tool had fresh boards; every file was checked byte for byte on the board.")
    print("Over 100 %: ours compresses on the wire. Belay and mpremote send repr() of 256-byte chunks: about")
    print("3 bytes on the wire per byte of random data.")
    belay, mpremote = fast["belay"]["again"], fast["mpremote"]["again"]
    if belay.get("sent"):
        print(f"Belay re-sync: {belay['sent']} of {files} files sent again: it compares a 32-bit FNV hash that")
        print("never matches on the 64-bit unix port, so every re-sync re-sends everything.")
    if "skipped" in mpremote:
        print(f"mpremote 2nd cp: {mpremote['skipped']} of {files} files skipped (cp checks each file's SHA-256 first).")
    print(f"Ours at {BAUD} baud for the full tree: benchmarks/sync_speed.py --baud {BAUD}.")
    elapsed = time.perf_counter() - started
    print(f"(whole run {elapsed:.0f} s; load average {load:.1f} at the start, {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
