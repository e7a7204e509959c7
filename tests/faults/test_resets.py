"""A board that resets itself in the middle of a call or a stream: ``machine.soft_reset()`` or ``sys.exit()``.

Contract: `ConnectionLost` (the board's RAM state is gone) within a bound, files written before the reset
stay, `reconnect()` brings back the board with its tasks, and no process stays behind.
"""

import pytest

from belay_engine import ConnectionLost, Device

from .wire import raises_within

RESETS = {"soft_reset": "import machine\nmachine.soft_reset()", "sys_exit": "import sys\nsys.exit()"}


@pytest.mark.parametrize("how", RESETS)
def test_a_board_that_resets_itself_mid_call_raises_connection_lost_and_reconnects(board_root, how):
    with Device(f"virtual:{board_root}") as device:
        device("state = 'before'")

        @device.task
        def resets():
            print("going down")
            with open("/written-before.txt", "w") as file:
                file.write("kept")
            exec(RESETS_CODE)  # the board's way to reset, a board global set below
            return "not reached"

        device(f"RESETS_CODE = {RESETS[how]!r}")
        raises_within(ConnectionLost, resets)
        raises_within(ConnectionLost, lambda: device("1 + 1"), seconds=5)
        device.reconnect()
        assert device("state") == "before"  # the replayed history
        assert device("open('/written-before.txt').read()") == "kept"
        assert (board_root / "written-before.txt").read_text() == "kept"

        @device.task
        def works():
            return "works"

        assert works() == "works"


def test_a_board_that_resets_itself_mid_stream_ends_it_with_connection_lost(device):
    @device.task
    def count_then_reset(n):
        import machine

        for i in range(n):
            yield i
        machine.soft_reset()

    received = []

    def consume():
        for value in count_then_reset(100):
            received.append(value)

    raises_within(ConnectionLost, consume)
    assert received == list(range(100))
    device.reconnect()

    @device.task
    def count(n):
        yield from range(n)

    assert list(count(100)) == list(range(100))


def test_after_a_boards_own_soft_reboot_no_call_runs_until_reconnect(device):
    # What a real board sends when its code calls machine.soft_reset(): the reply's two ends, then the reboot
    # banner. The link stays open, but the board's helpers are gone with its RAM.
    device("state = 'before'")
    reboot = "import sys\nsys.stdout.write('\\x04\\x04MPY: soft reboot\\r\\n')"
    raises_within(ConnectionLost, lambda: device(reboot, record=False))
    error = raises_within(ConnectionLost, lambda: device("1 + 1"), seconds=5)
    assert "reconnect()" in str(error)
    device.reconnect()
    assert device("state") == "before"
    assert device("1 + 1") == 2
