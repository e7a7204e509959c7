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
