"""Helpers of the network tests: bounded waits for errors, and watching a face's traffic."""

import threading
import time
from typing import Callable

from belay_engine.virtual.tcp_face import TcpFace

LOOPBACK = "127.0.0.1"
PASSWORD = "python"
#: Seconds within which a dropped link must surface as an error (the contract says 1 s; load gets slack).
LOST_BOUND = 5.0


def raises_within(exception, operation: Callable[[], object], seconds: float = LOST_BOUND):
    """Run `operation` on a thread: it must raise `exception` within `seconds` (a hang fails the test)."""
    outcome: dict = {}

    def run():
        try:
            outcome["value"] = operation()
        except BaseException as error:
            outcome["error"] = error

    worker = threading.Thread(target=run, daemon=True)
    started = time.monotonic()
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"still waiting after {seconds} s instead of raising {exception.__name__}"
    assert "error" in outcome, f"returned {outcome.get('value')!r} instead of raising {exception.__name__}"
    error = outcome["error"]
    assert isinstance(error, exception), f"raised {error!r}, not {exception.__name__}"
    return error, time.monotonic() - started


def when_board_prints(face: TcpFace, marker: bytes) -> threading.Event:
    """An event set once board output containing `marker` passes through `face` to its client."""
    seen = threading.Event()
    to_client = face.to_client

    def watching(data: bytes) -> bytes:
        if marker in data:
            seen.set()
        return to_client(data)

    face.to_client = watching
    return seen


def count_logins(face: TcpFace) -> list:
    """A list that gets one entry per client that reaches `face`'s handshake."""
    logins: list = []
    handshake = face.handshake

    def counting(client):
        logins.append(client.getpeername())
        return handshake(client)

    face.handshake = counting
    return logins
