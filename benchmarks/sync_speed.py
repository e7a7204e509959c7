"""Print sync timings on a board: first sync, no-op re-sync, one changed file, and one 200 KiB file.

Usage: ``python benchmarks/sync_speed.py [PORT] [--baud N]`` (default: a virtual board). The tree is issue-sized:
40 ``.py`` files of 2 KiB in 3 subfolders and one 200 KiB binary. With ``--baud`` the virtual board is served
on a serial port that moves at most N/10 bytes per second each way, like a UART, and the figures are also
given as a share of what the link carries. Compare figures taken in the same run.
"""

import argparse
import random
import subprocess
import sys
import tempfile
import time
import zlib
from contextlib import contextmanager
from pathlib import Path

from belay_engine import Device
from belay_engine.minify import minify
from belay_engine.sync.wire import encode


def make_tree(folder: Path) -> None:
    """Write the benchmark tree into `folder`."""
    generator = random.Random(1)
    for index in range(40):
        sub = folder / f"pkg{index % 3}"
        sub.mkdir(exist_ok=True)
        lines = [f"value_{index}_{n} = {generator.randint(0, 10**9)}  # a comment to strip" for n in range(40)]
        (sub / f"module{index}.py").write_text("\n".join(lines)[:2048] + "\n")
    (folder / "blob.bin").write_bytes(generator.randbytes(200 * 1024))


def timed(action) -> float:
    """Seconds `action()` takes."""
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


@contextmanager
def throttled_board(work: Path, baud: int):
    """A virtual board served on a serial port path at `baud`; yields the path."""
    port = work / "ttyBOARD"
    server = subprocess.Popen(
        [sys.executable, "-m", "belay_engine.virtual", "--port", str(port), "--baud", str(baud)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        server.stdout.readline()  # the server announces the port once it exists
        yield str(port)
    finally:
        server.terminate()
        server.wait(10)


def main() -> None:
    """Run the measurements and print them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("port", nargs="?", default="virtual:")
    parser.add_argument("--baud", type=int, default=None, help="serve the virtual board at this UART speed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        if args.baud:
            with throttled_board(work, args.baud) as port:
                run(work, port, args.baud / 10)
        else:
            run(work, args.port, None)


def run(work: Path, port: str, link: float) -> None:
    """Measure on `port`; `link`, when known, is what the link carries in bytes per second each way."""

    def share(seconds: float, size: int) -> str:
        return f"   {size / seconds / 1024:7.1f} KiB/s" + (
            f" = {size / seconds / link:5.0%} of the link" if link else ""
        )

    with Device(port) as device:
        tree = work / "tree"
        tree.mkdir()
        make_tree(tree)
        sources = sum(len(minify(p.read_text())) for p in tree.rglob("*.py"))
        seconds = timed(lambda: device.sync(tree))
        print(f"first sync (40 .py + 200 KiB):  {seconds:7.3f} s{share(seconds, sources + 200 * 1024)}")
        print(f"no-op re-sync:                  {timed(lambda: device.sync(tree)):7.3f} s")
        changed = tree / "pkg1" / "module4.py"
        changed.write_text(changed.read_text() + "extra = 1\n")
        seconds = timed(lambda: device.sync(tree))
        data = minify(changed.read_text()).encode()
        line = f"one changed file:               {seconds:7.3f} s"
        if link:
            wire = len(encode(data, compress=True)[0])
            line += (
                f"   {seconds / (len(data) / link):.2f}x the link time of its {len(data)} bytes, "
                f"{seconds / (wire / link):.2f}x that of the {wire} bytes sent"
            )
        print(line)
        single = work / "single"
        single.mkdir()
        (single / "blob2.bin").write_bytes(random.Random(2).randbytes(200 * 1024))
        seconds = timed(lambda: device.sync(single, dst="/single"))
        print(f"one 200 KiB file (random):      {seconds:7.3f} s{share(seconds, 200 * 1024)}")
        text = work / "text"
        text.mkdir()
        body = "\n".join(f"reading_{n} = {n * 37 % 1000}  # sample" for n in range(4000)).encode()
        (text / "log.txt").write_bytes(body)
        seconds = timed(lambda: device.sync(text, dst="/text"))
        ratio = len(zlib.compress(body, 9)) / len(body)
        print(
            f"one {len(body) // 1024} KiB text file:           {seconds:7.3f} s{share(seconds, len(body))}"
            f" (zlib to {ratio:.0%})"
        )


if __name__ == "__main__":
    main()
