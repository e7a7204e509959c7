"""Shared fixtures: every device test runs against a real MicroPython virtual board."""

import pytest

from belay_engine import Device


@pytest.fixture
def device():
    """A Device on a fresh virtual board (its own process and temporary root), closed after the test."""
    with Device("virtual:") as board:
        yield board


@pytest.fixture
def board_root(tmp_path):
    """A host folder used as the board's `/`."""
    root = tmp_path / "board"
    root.mkdir()
    return root


@pytest.fixture
def guarded(device):
    """A generator task that counts its values on the board and records its `finally` in `cleaned`."""
    device("cleaned = False\nproduced = 0\ng = 'a user global'")

    @device.task
    def guarded(pause_ms):
        import time

        global cleaned, produced
        try:
            while True:
                produced += 1
                yield produced
                time.sleep_ms(pause_ms)
        finally:
            cleaned = True

    return guarded
