"""Fleets of virtual boards in this process (at most four) and on a localhost ipyparallel cluster.

Every test must leave no process behind (boards, engines, the controller): the check is the fault suite's.
"""

import threading
import time

import pytest

from belay_engine import Fleet

from ..faults.conftest import leaves_no_process  # noqa: F401 - autouse: no board or engine process left behind

#: Seconds a test waits for something it started to happen; a bound, not a pause.
BOUND = 20


def wait_for(condition, seconds: float = BOUND, what: str = "the condition"):
    """Wait until `condition()` is true, checking often, for at most `seconds`."""
    pause = threading.Event()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        pause.wait(0.02)
    raise AssertionError(f"waited {seconds} s for {what}")


class Printed:
    """A board's output stream for ``Fleet(output=...)`` that keeps the text and signals when a word arrives."""

    def __init__(self, name: str):
        self.name = name
        self.text = ""
        self._changed = threading.Condition()

    def write(self, text: str) -> int:
        with self._changed:
            self.text += text
            self._changed.notify_all()
        return len(text)

    def flush(self) -> None:
        pass

    def wait_for(self, word: str, seconds: float = BOUND) -> None:
        with self._changed:
            if not self._changed.wait_for(lambda: word in self.text, seconds):
                raise AssertionError(f"board {self.name!r} did not print {word!r} within {seconds} s: {self.text!r}")


class Outputs(dict):
    """The `output` factory of a fleet: one `Printed` per board, kept by name."""

    def __call__(self, name: str) -> Printed:
        self[name] = Printed(name)
        return self[name]


@pytest.fixture
def outputs():
    return Outputs()


@pytest.fixture
def fleet(outputs):
    """Three virtual boards, each printing into its own `Printed` (``outputs[name]``)."""
    with Fleet({"a": "virtual:", "b": "virtual:", "c": "virtual:"}, output=outputs) as boards:
        yield boards
