"""Helpers for tests that need to reach the virtual board's processes directly."""

import os
import signal
from pathlib import Path


def micropython_children() -> list[int]:
    """Pids of the MicroPython processes this test process started."""
    me = os.getpid()
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        parent = int(stat[stat.rindex(")") + 2 :].split()[1])
        if parent == me and name.startswith("micropython"):
            pids.append(int(entry.name))
    return pids


def kill_boards() -> None:
    """Kill every virtual board process of this test process, as if the board were unplugged."""
    for pid in micropython_children():
        os.kill(pid, signal.SIGKILL)
