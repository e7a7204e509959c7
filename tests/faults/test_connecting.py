"""The board dies, or the host gets Ctrl-C, at seeded random byte offsets of connecting (entering the raw REPL,
the soft reset, the helpers, the startup imports).

Contract: `ConnectionFailedError` (`ConnectionLost` is one) or the KeyboardInterrupt within a bound, and no
board process left: a Device that never finished connecting has nobody to close it.
"""

import random

import pytest

import belay_engine.device
from belay_engine import ConnectionFailedError, Device

from .wire import Tripwire, raises_within

OFFSETS = 8


@pytest.fixture
def tripped_connections(monkeypatch):
    """Make each Device's transport trip as `plan` says: a dict with "direction" and "offset" (None: count)."""
    plan = {"direction": None, "offset": 0, "fault": "kill", "wires": []}
    opened = belay_engine.device.open_transport

    def open_transport(*args, **kwargs):
        wire = Tripwire(opened(*args, **kwargs), plan["direction"], plan["offset"], plan["fault"])
        plan["wires"].append(wire)
        return wire

    monkeypatch.setattr(belay_engine.device, "open_transport", open_transport)
    return plan


@pytest.mark.parametrize("direction", ["read", "write"])
@pytest.mark.parametrize(("fault", "error"), [("kill", ConnectionFailedError), ("interrupt", KeyboardInterrupt)])
def test_a_fault_at_any_byte_of_connecting_raises_and_leaves_no_process(tripped_connections, direction, fault, error):
    Device("virtual:").close()
    counted = tripped_connections["wires"][-1]
    total = counted.read_count if direction == "read" else counted.written_count
    for offset in sorted(random.Random(f"connect-{direction}").sample(range(total), OFFSETS)):
        tripped_connections.update(direction=direction, offset=offset, fault=fault)
        raises_within(error, lambda: Device("virtual:"))
