"""Print sync timings on a board: first sync, no-op re-sync, one changed file, and one 200 KiB file.

Usage: ``python benchmarks/sync_speed.py [PORT]`` (default: a virtual board). The tree is issue-sized: 40 ``.py``
files of 2 KiB in 3 subfolders and one 200 KiB binary. Compare figures taken in the same run.
"""

import random
import sys
import tempfile
import time
from pathlib import Path

from belay_engine import Device


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


def main() -> None:
    """Run the four measurements and print them."""
    port = sys.argv[1] if len(sys.argv) > 1 else "virtual:"
    with tempfile.TemporaryDirectory() as work, Device(port) as device:
        tree = Path(work) / "tree"
        tree.mkdir()
        make_tree(tree)
        print(f"first sync (40 .py + 200 KiB):  {timed(lambda: device.sync(tree)):7.3f} s")
        print(f"no-op re-sync:                  {timed(lambda: device.sync(tree)):7.3f} s")
        changed = tree / "pkg1" / "module4.py"
        changed.write_text(changed.read_text() + "extra = 1\n")
        print(f"one changed file:               {timed(lambda: device.sync(tree)):7.3f} s")
        single = Path(work) / "single"
        single.mkdir()
        (single / "blob2.bin").write_bytes(random.Random(2).randbytes(200 * 1024))
        seconds = timed(lambda: device.sync(single, dst="/single"))
        print(f"one 200 KiB file:               {seconds:7.3f} s = {200 / 1024 / seconds:.2f} MiB/s")


if __name__ == "__main__":
    main()
