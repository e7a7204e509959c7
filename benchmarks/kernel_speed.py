"""Print the Belay MicroPython kernel's latency figures on the virtual board (or BELAY_DEVICE).

- ``1+1`` cell: execute_request sent → execute_result received (median).
- print: execute_request sent → first ``stream`` message, for a cell that prints and then keeps running (median).
- interrupt: interrupt_kernel() → the kernel reports idle (median).
"""

import os
import statistics
import time

from jupyter_client.manager import start_new_kernel

ROUNDS = 50


def wait_for(client, msg_id, predicate, timeout=30):
    """Return the first iopub message of `msg_id` that `predicate` accepts."""
    deadline = time.monotonic() + timeout
    while True:
        message = client.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
        if message["parent_header"].get("msg_id") == msg_id and predicate(message):
            return message


def is_idle(message):
    """Whether `message` says the kernel is idle."""
    return message["msg_type"] == "status" and message["content"]["execution_state"] == "idle"


def main() -> None:
    """Start a kernel, measure, print."""
    os.environ.setdefault("BELAY_DEVICE", "virtual:")
    manager, client = start_new_kernel(kernel_name="belay", startup_timeout=60)
    try:
        warm = client.execute("1+1")
        wait_for(client, warm, is_idle)
        results, prints, interrupts = [], [], []
        for _ in range(ROUNDS):
            started = time.perf_counter()
            msg_id = client.execute("1+1")
            wait_for(client, msg_id, lambda m: m["msg_type"] == "execute_result")
            results.append(time.perf_counter() - started)
            wait_for(client, msg_id, is_idle)
        for _ in range(10):
            started = time.perf_counter()
            msg_id = client.execute("print('now')\nimport time\ntime.sleep_ms(50)")
            wait_for(client, msg_id, lambda m: m["msg_type"] == "stream")
            prints.append(time.perf_counter() - started)
            wait_for(client, msg_id, is_idle)
        for _ in range(10):
            msg_id = client.execute("print('spin')\nwhile True:\n    pass")
            wait_for(client, msg_id, lambda m: m["msg_type"] == "stream")
            started = time.perf_counter()
            manager.interrupt_kernel()
            wait_for(client, msg_id, is_idle)
            interrupts.append(time.perf_counter() - started)
        print(f"1+1 cell to execute_result, median: {statistics.median(results) * 1000:7.2f} ms")
        print(f"cell start to first stream, median: {statistics.median(prints) * 1000:7.2f} ms")
        print(f"interrupt to idle, median:          {statistics.median(interrupts) * 1000:7.2f} ms")
    finally:
        client.stop_channels()
        manager.shutdown_kernel()  # a shutdown request: the kernel closes its board and its temporary folders


if __name__ == "__main__":
    main()
