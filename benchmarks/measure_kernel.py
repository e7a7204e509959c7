"""The Belay MicroPython kernel's latency on a board: a ``1+1`` cell, a cell's first output, an interrupt.

- ``1+1``: execute_request sent → execute_result received (median).
- first output: execute_request sent → first ``stream`` message, for a cell that prints and keeps running (median).
- interrupt: interrupt_kernel() → the kernel reports idle, for a cell spinning in a loop (median).
"""

import os
import statistics
import time
from typing import Callable

from jupyter_client.manager import start_new_kernel


def wait_for(client, msg_id: str, predicate: Callable[[dict], bool], timeout: float = 30) -> dict:
    """Return the first iopub message of `msg_id` that `predicate` accepts."""
    deadline = time.monotonic() + timeout
    while True:
        message = client.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
        if message["parent_header"].get("msg_id") == msg_id and predicate(message):
            return message


def is_idle(message: dict) -> bool:
    """Whether `message` says the kernel is idle."""
    return message["msg_type"] == "status" and message["content"]["execution_state"] == "idle"


def is_stream(message: dict) -> bool:
    """Whether `message` is output the cell printed."""
    return message["msg_type"] == "stream"


def measure_kernel(port: str, rounds: int) -> dict:
    """Start a kernel on the board at `port` (its ``BELAY_DEVICE``); return the medians in seconds."""
    environment = {**os.environ, "BELAY_DEVICE": port}
    manager, client = start_new_kernel(kernel_name="belay", startup_timeout=60, env=environment)
    try:
        wait_for(client, client.execute("1+1"), is_idle)  # warm-up: the kernel connects on its first cell
        results, prints, interrupts = [], [], []
        for _ in range(rounds):
            started = time.perf_counter()
            msg_id = client.execute("1+1")
            wait_for(client, msg_id, lambda m: m["msg_type"] == "execute_result")
            results.append(time.perf_counter() - started)
            wait_for(client, msg_id, is_idle)
        for _ in range(max(3, rounds // 5)):
            started = time.perf_counter()
            msg_id = client.execute("print('now')\nimport time\ntime.sleep_ms(50)")
            wait_for(client, msg_id, is_stream)
            prints.append(time.perf_counter() - started)
            wait_for(client, msg_id, is_idle)
        for _ in range(max(3, rounds // 5)):
            msg_id = client.execute("print('spin')\nwhile True:\n    pass")
            wait_for(client, msg_id, is_stream)
            started = time.perf_counter()
            manager.interrupt_kernel()
            wait_for(client, msg_id, is_idle)
            interrupts.append(time.perf_counter() - started)
    finally:
        client.stop_channels()
        manager.shutdown_kernel()  # a shutdown request: the kernel closes its board and its temporary folders
    return {
        "kernel_1+1": statistics.median(results),
        "kernel_first_output": statistics.median(prints),
        "kernel_interrupt": statistics.median(interrupts),
    }
