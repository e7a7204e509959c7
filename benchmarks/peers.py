"""Belay 0.30.1 and mpremote 1.29, each in its own process in the peers' environment, on a board of ours.

Belay's PyPI package is named ``belay`` like ours, so the peers live in their own virtual environment, made on
first use under ``build/bench-peers/`` and reused after. `peer_driver.py` runs there and times its own work.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Optional

from boards import Board
from measure_engine import free_heap_of_fresh_board
from settings import Settings

PEERS = Path(__file__).resolve().parents[1] / "build" / "bench-peers"
PEER_PYTHON = PEERS / "bin" / "python"
PEER_PINS = {"belay": "0.30.1", "mpremote": "1.29.0"}
DRIVER = Path(__file__).with_name("peer_driver.py")
#: Most seconds a peer streams: Belay steps its generators one exchange per value, which at 115200 baud would
#: take minutes for the values the others stream; the rate over this long is its rate.
STREAM_BUDGET = 5.0


def ensure_peers() -> None:
    """Make the peers' virtual environment under `PEERS` unless one with the pinned versions is there."""
    check = "import importlib.metadata as m, json; print(json.dumps({n: m.version(n) for n in ('belay', 'mpremote')}))"
    if PEER_PYTHON.exists():
        found = subprocess.run([str(PEER_PYTHON), "-c", check], capture_output=True, text=True, cwd=PEERS)
        if found.returncode == 0 and json.loads(found.stdout) == PEER_PINS:
            return
    print(f"making {PEERS} (once) with belay {PEER_PINS['belay']} and mpremote {PEER_PINS['mpremote']} ...", flush=True)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(PEERS)], check=True)
    pins = [f"{name}=={version}" for name, version in PEER_PINS.items()]
    subprocess.run([str(PEER_PYTHON), "-m", "pip", "install", "-q", *pins], check=True)


class Peer:
    """One peer tool in its own process, answering jobs (see `peer_driver.py`) on a board at `port`.

    Parameters
    ----------
    tool : str
        ``"belay"`` or ``"mpremote"``.
    port : str
        The board's serial port.
    baud : int
        The line speed to open it at.
    log : Path
        Where the tool's own output goes.
    """

    def __init__(self, tool: str, port: str, baud: int, log: Path):
        self.log = log
        environment = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}  # never our belay
        with log.open("w") as stream:
            self.process = subprocess.Popen(
                [str(PEER_PYTHON), str(DRIVER), tool, port, str(baud)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=stream,
                text=True,
                cwd=log.parent,  # not the repository: its belay/ folder would shadow Belay's
                env=environment,
            )

    def ask(self, **job) -> dict:
        """Send one job; return the answer (``{"error": ...}`` when the job or the driver failed)."""
        if self.process.poll() is None:
            self.process.stdin.write(json.dumps(job) + "\n")
            self.process.stdin.flush()
            line = self.process.stdout.readline()
            if line:
                return json.loads(line)
        tail = self.log.read_text().strip().splitlines()[-3:]
        return {"error": "the driver exited: " + " / ".join(tail)}

    def close(self) -> None:
        """Let the driver disconnect and exit."""
        try:
            self.process.stdin.close()
            self.process.wait(30)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()


def measure_peer(peer: Peer, board: Board, settings: Settings, errors: list) -> Optional[dict]:
    """Connect, heap, call, eval and stream figures of `peer` on `board` (a fresh one); failures go to `errors`.

    None when the peer could not connect.
    """
    sections, figures = settings.sections, {}
    free_before: Optional[int] = free_heap_of_fresh_board(board) if "heap" in sections else None

    def ask(what: str, **job) -> Optional[dict]:
        answer = peer.ask(**job)
        if "error" in answer:
            errors.append(f"{what}: {answer['error']}")
            return None
        return answer

    connected = ask("connect", op="connect", rounds=settings.connects if "connect" in sections else 1)
    if connected is None:
        return None
    if "connect" in sections:
        figures["connect"] = connected["median"]
    if free_before is not None and (answer := ask("heap", op="heap")):
        figures["heap"] = free_before - answer["free"]
    for name in ("call", "eval"):
        if name in sections and (answer := ask(name, op=name, calls=settings.calls)):
            figures[name], figures[f"{name}_p95"] = answer["median"], answer["p95"]
    if "stream" in sections and (answer := ask("stream", op="stream", values=settings.values, budget=STREAM_BUDGET)):
        figures["stream"] = answer["rate"]
    return figures
