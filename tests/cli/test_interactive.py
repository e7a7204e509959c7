"""``belay terminal`` and ``belay select`` through a PTY: keys in, screen out, Ctrl-] quits, tty mode restored."""

import json
import os
import subprocess
import sys

import pexpect

from .conftest import TIMEOUT, belay_env

# Runs the CLI in the PTY's child and says afterwards whether the terminal's mode is what it was. FAKE_USB_PORTS
# (read here only, in the test's child) stands in for the USB ports pyserial would list: none exist on a CI host.
CHILD = """
import json, os, sys, termios, types
from belay_engine.transports import usb
if "FAKE_USB_PORTS" in os.environ:
    ports = [types.SimpleNamespace(**port) for port in json.loads(os.environ["FAKE_USB_PORTS"])]
    usb.comports = lambda: ports
from belay_engine.cli import main
before = termios.tcgetattr(0)
code = main(sys.argv[1:])
print("terminal restored" if termios.tcgetattr(0) == before else "terminal NOT restored", flush=True)
sys.exit(code)
"""


def _spawn(*args: str, **env: str) -> pexpect.spawn:
    return pexpect.spawn(sys.executable, ["-c", CHILD, *args], env=belay_env(**env), encoding="utf-8", timeout=TIMEOUT)


def _finish(child: pexpect.spawn) -> int:
    child.expect("terminal restored")
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus


def _port(serial: str, device: str, **fields) -> dict:
    port = dict(vid=0x2E8A, pid=0x0005, serial_number=serial, manufacturer="MicroPython", product="Board")
    return {**port, "location": "1-1", "device": device, **fields}


def test_terminal_passes_keys_and_output_and_ctrl_bracket_quits(root):
    child = _spawn("terminal", f"virtual:{root}")
    child.expect("Ctrl-] quits")
    child.expect(">>> ")
    child.send("6 * 7\r")
    child.expect("42")
    child.send("import time; print('sleeping'); time.sleep(60)\r")
    child.expect("sleeping")
    child.send("\x03")  # a raw key: goes to the board, not to the host process
    child.expect("KeyboardInterrupt")
    child.expect(">>> ")
    child.send("\x1d")
    child.expect("terminal restored")
    assert "None" not in child.before  # nothing after the session but a newline
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_device_terminal_from_python_leaves_the_device_usable(root):
    script = (
        "from belay_engine import Device\n"
        f"device = Device('virtual:{root}')\n"
        "device.terminal()\n"
        "print('after:', device('shared * 2'))\n"
    )
    child = pexpect.spawn(sys.executable, ["-c", script], env=belay_env(), encoding="utf-8", timeout=TIMEOUT)
    child.expect(">>> ")
    child.send("shared = 21\r")
    child.expect(">>> ")
    child.send("\x1d")
    child.expect("after: 42")  # the REPL's globals are the Device's, and it is back in the raw REPL
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_select_picks_with_the_arrow_keys_and_prints_how_to_name_the_board():
    ports = [_port("A1", "/dev/ttyACM0"), _port("B2", "/dev/ttyACM1")]
    child = _spawn("select", FAKE_USB_PORTS=json.dumps(ports))
    child.expect("Choose a board")
    child.expect("/dev/ttyACM1")  # the table is on screen
    child.send("\x1b[B")  # down
    child.send("\r")
    child.expect("Chosen: /dev/ttyACM1")
    child.expect(r"\[skip\]: ")
    child.send("\r")
    child.expect(r"""export BELAY_DEVICE='\{"serial_number": "B2"\}'""")
    child.expect(r"belay.UsbSpecifier\(serial_number='B2'\)")
    assert _finish(child) == 0


def test_select_by_number_blinks_an_led_on_the_board_until_a_key(root):
    # Two boards share a serial number: the ids and the location tell them apart. Listed by device: /dev first.
    ports = [_port("same", f"virtual:{root}", location="1-2"), _port("same", "/dev/ttyACM9")]
    child = _spawn("select", FAKE_USB_PORTS=json.dumps(ports))
    child.expect("Choose a board")
    child.send("2")
    child.expect(r"\[skip\]: ")
    child.send("2\r")
    child.expect("Blinking; press a key to stop.")
    child.send(" ")
    child.expect(r"""export BELAY_DEVICE='\{"vid": 11914, "pid": 5, "serial_number": "same", "location": "1-2"\}'""")
    child.expect(r"belay.UsbSpecifier\(vid=0x2E8A, pid=0x0005, serial_number='same', location='1-2'\)")
    assert _finish(child) == 0


def test_select_without_a_board_says_so_and_exits_1():
    result = subprocess.run(
        [sys.executable, "-c", CHILD.replace("termios.tcgetattr(0)", "None"), "select"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env=belay_env(FAKE_USB_PORTS="[]"),
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == "Detected no devices."
    assert os.environ.get("FAKE_USB_PORTS") is None


def test_select_quit_with_q_exits_130_and_restores_the_terminal():
    child = _spawn("select", FAKE_USB_PORTS=json.dumps([_port("A1", "/dev/ttyACM0")]))
    child.expect("Choose a board")
    child.expect("/dev/ttyACM0")
    child.send("q")
    assert _finish(child) == 130


def test_sync_shows_a_progress_bar_on_a_terminal_only(root, tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    (project / "main.py").write_text("print('main')\n")
    child = pexpect.spawn(
        sys.executable,
        ["-m", "belay", "sync", f"virtual:{root}", str(project)],
        env=belay_env(),
        encoding="utf-8",
        timeout=TIMEOUT,
    )
    child.expect("Complete.")
    child.expect("100%")
    child.expect("1 sent")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    piped = subprocess.run(
        [sys.executable, "-m", "belay", "sync", f"virtual:{root}", str(project)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env=belay_env(),
    )
    assert "%" not in piped.stderr
    assert "Complete." not in piped.stderr
