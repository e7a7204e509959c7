import os
import signal
import threading

import pytest

from belay_engine import ConnectionLost, Device, MaxHistoryLengthError
from tests.fakes import ReactingStream

from .boards import kill_boards, micropython_children


def test_soft_reset_clears_globals_and_keeps_files_and_tasks(device):
    @device.task
    def answer():
        return 42

    device("x = 1\nwith open('kept.txt', 'w') as f:\n f.write('data')")
    device.soft_reset()
    assert device("'x' in globals()") is False
    assert device("open('kept.txt').read()") == "data"
    assert answer() == 42


def test_soft_reset_runs_autoinit_setups_again(device):
    @device.setup(autoinit=True)
    def init():
        initialised = "yes"

    device.soft_reset()
    assert device("initialised") == "yes"


def test_reconnect_replays_the_recorded_history(board_root):
    with Device(f"virtual:{board_root}") as device:

        @device.task
        def triple(x):
            return 3 * x

        device("y = 5")
        device.reconnect()
        assert device("y") == 5
        assert triple(2) == 6


def test_a_full_history_makes_reconnect_refuse(board_root):
    class ShortMemory(Device):
        MAX_CMD_HISTORY_LEN = 2

    with ShortMemory(f"virtual:{board_root}") as device:
        for i in range(3):
            device(f"v{i} = {i}")
        with pytest.raises(MaxHistoryLengthError):
            device.reconnect()


def test_keyboard_interrupt_stops_a_running_task_and_the_board_stays_usable(device):
    @device.task
    def spin():
        print("started")
        while True:
            pass

    def interrupt():
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        device("spin()", stream_out=ReactingStream("started", interrupt))
    assert device("1 + 1") == 2


def test_sigint_while_waiting_for_the_board_interrupts_the_board(device):
    @device.task
    def spin():
        import time

        print("started")
        while True:
            time.sleep_ms(1)

    def send_sigint():
        threading.Thread(target=os.kill, args=(os.getpid(), signal.SIGINT)).start()

    with pytest.raises(KeyboardInterrupt):
        device("spin()", stream_out=ReactingStream("started", send_sigint))
    assert device("2 + 2") == 4


def test_a_board_killed_mid_task_raises_connection_lost(device):
    @device.task
    def wait_forever():
        import time

        print("started")
        while True:
            time.sleep_ms(10)

    with pytest.raises(ConnectionLost):
        device("wait_forever()", stream_out=ReactingStream("started", kill_boards))


def test_a_device_with_attempts_reconnects_after_the_board_vanishes(board_root):
    with Device(f"virtual:{board_root}", attempts=2) as device:

        @device.task
        def ping():
            return "pong"

        kill_boards()
        assert ping() == "pong"


def test_closing_leaves_no_board_process_behind():
    device = Device("virtual:")
    assert micropython_children()
    device.close()
    assert micropython_children() == []


def test_a_closed_device_says_so(device):
    device.close()
    with pytest.raises(ConnectionLost, match="closed"):
        device("1")


def test_hard_reset_reboots_the_board_keeping_files_and_restoring_tasks(board_root):
    with Device(f"virtual:{board_root}") as device:

        @device.task
        def answer():
            return 42

        device("x = 1\nopen('kept.txt', 'w').write('data')")
        before = device.session.repl.transport.pid
        device.hard_reset()
        assert device.session.repl.transport.pid != before  # a new MicroPython process: RAM is fresh
        assert device("'x' in globals()") is False
        assert device("open('kept.txt').read()") == "data"
        assert answer() == 42
