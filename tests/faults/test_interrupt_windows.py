"""Interrupts in the two windows where a board cannot take Ctrl-C yet: while the code is sent, and while it compiles.

A board arms its interrupt character only once its code runs, so a Ctrl-C that arrives while it still reads
or compiles the code is input, not an interrupt; the engine must keep interrupting until the code has ended.
"""

import pytest

from belay_engine import Device

SPIN = "while True:\n    pass\n"


def test_closing_a_reply_at_once_stops_code_the_board_is_still_compiling():
    with Device("virtual:") as device:
        for attempt in range(25):
            with device.session.hold() as repl:
                events = repl.execute(SPIN.encode())
                events.close()  # what a host interrupt during the wait does: Ctrl-C, then read to the prompt
            assert device("6 * 7") == 42, attempt


def test_a_host_interrupt_right_after_the_code_went_out_leaves_the_board_usable(monkeypatch):
    with Device("virtual:") as device:
        transport = device.session.repl.transport
        send = type(transport).write
        for attempt in range(10):
            armed = [True]

            def write_then_interrupt(data, armed=armed):
                send(transport, data)
                if armed[0] and b"while True" in data:
                    armed[0] = False
                    raise KeyboardInterrupt  # as a Jupyter interrupt landing just after the send

            monkeypatch.setattr(transport, "write", write_then_interrupt)
            with pytest.raises(KeyboardInterrupt):
                device.session.run(SPIN)
            monkeypatch.undo()
            assert device("6 * 7") == 42, attempt
