"""The virtual board's faces: one client at a time, the serial port as the board's console, the command line."""

import re
import socket
import subprocess
import sys

import serial

from belay_engine import Device
from belay_engine.virtual.serial_port import SerialPortFace
from belay_engine.virtual.tcp_face import CLAIM_TIMEOUT, TcpFace
from belay_engine.virtual.transport import VirtualBoardTransport

from .conftest import HAS_WEBREPL, KINDS
from .links import LOOPBACK

#: Seconds the command may take to boot the board and print where it serves.
START_TIMEOUT = 30


def test_a_second_client_is_refused_while_the_first_has_the_board(network_board):
    with Device(network_board.url("tcp")) as device:
        for kind in ("tcp", "telnet"):
            intruder = socket.create_connection(network_board.faces[kind].address, timeout=CLAIM_TIMEOUT + 10)
            with intruder:
                assert intruder.recv(100) == b""  # closed without a byte once the wait for the slot ran out
        assert device("1 + 1") == 2
    with Device(network_board.url("telnet")) as device:  # the board is free again once the first left
        assert device("2 + 2") == 4


def test_a_network_client_takes_the_board_over_from_the_serial_port_and_gives_it_back(tmp_path, board_root):
    path = tmp_path / "ttyBOARD"
    face = SerialPortFace(path, VirtualBoardTransport(board_root))
    network = TcpFace(face.transport, LOOPBACK, 0)
    network.serve_in_background()
    try:
        with Device(str(path)) as device:
            device("where = 'serial'")
        with Device(network.url, reset=False) as device:
            assert device("where") == "serial"  # the same board
            device("where = 'network'")
        with Device(str(path), reset=False) as device:
            assert device("where") == "network"
    finally:
        network.stop()
        face.stop()


def test_the_command_serves_several_network_faces_without_a_serial_port(tmp_path):
    faces = ["--tcp", "0", "--telnet", "127.0.0.1:0", "--rfc2217", ":0"] + (["--webrepl", "0"] if HAS_WEBREPL else [])
    command = [sys.executable, "-m", "belay_engine.virtual", *faces]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        urls = {}
        while len(urls) < len(faces) // 2:
            line = process.stdout.readline()
            assert line, "the command ended before it printed all its faces"
            found = re.search(r"(\w+) face on 127\.0\.0\.1:\d+: (\S+)$", line)
            if found:
                urls[found.group(1)] = found.group(2)
        assert sorted(urls) == sorted(KINDS)
        for url in urls.values():
            with Device(url) as device:
                assert device("6 * 7") == 42
    finally:
        process.terminate()
        process.wait(timeout=START_TIMEOUT)
    assert process.returncode == 0


def test_the_command_serves_a_serial_port_and_a_telnet_face_at_once(tmp_path):
    path = tmp_path / "ttyBOTH"
    process = subprocess.Popen(
        [sys.executable, "-m", "belay_engine.virtual", "--port", str(path), "--telnet", "0", "--password", "s3cret"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert "virtual board on" in process.stdout.readline()
        telnet = re.search(r": (telnet://\S+)$", process.stdout.readline()).group(1)
        with serial.Serial(str(path), timeout=10) as port:
            port.write(b"\r\x03\x03\x01")
            assert port.read_until(b"raw REPL; CTRL-B to exit\r\n>").endswith(b">")
            port.write(b"x = 7\x04")
            assert port.read_until(b"\x04>") == b"OK\x04\x04>"
            port.write(b"\x02")
        with Device(telnet, password="s3cret", reset=False) as device:
            assert device("x * 6") == 42
    finally:
        process.terminate()
        process.wait(timeout=START_TIMEOUT)
    assert not path.exists()


def test_the_command_wants_a_port_or_a_face():
    finished = subprocess.run(
        [sys.executable, "-m", "belay_engine.virtual"], capture_output=True, text=True, timeout=START_TIMEOUT
    )
    assert finished.returncode == 2
    assert "--port PATH and/or a network face" in finished.stderr


class BrokenFace(TcpFace):
    """A face with a bug in its decoding."""

    def from_client(self, data):
        raise RuntimeError("a bug in the face")


def test_a_face_that_fails_drops_its_client_and_the_board_serves_the_next(network_board):
    broken = BrokenFace(network_board.board, LOOPBACK, 0)
    broken.serve_in_background()
    try:
        with socket.create_connection(broken.address, timeout=10) as client:
            client.sendall(b"1\r\n")
            assert client.recv(100) == b""  # dropped
        with Device(network_board.url("tcp")) as device:
            assert device("1 + 1") == 2
    finally:
        broken.stop()
