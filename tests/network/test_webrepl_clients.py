"""The WebREPL face against clients written elsewhere: MicroPython's own framing (unmasked frames, a fixed
key), and the ``webrepl`` package from PyPI."""

import socket
import struct

import pytest

from belay_engine.transports.webrepl_frames import (
    BINARY,
    CHUNK_LENGTH,
    GET,
    PUT,
    TEXT,
    VERSION,
    FileRequest,
    FrameDecoder,
    decode_status,
    encode_frame,
    encode_request,
)

from . import webrepl_fixtures
from .webrepl_fixtures import PASSWORD

webrepl_face = webrepl_fixtures.webrepl_face

#: The upgrade request MicroPython's command-line client sends, word for word.
MICROPYTHON_CLIENT_UPGRADE = (
    b"GET / HTTP/1.1\r\nHost: echo.websocket.org\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
    b"Sec-WebSocket-Key: foo\r\n\r\n"
)


class UnmaskedClient:
    """A client that frames as MicroPython's webrepl_cli.py does: no mask, its upgrade answer unchecked."""

    def __init__(self, address):
        self.socket = socket.create_connection(address, timeout=5)
        self.socket.sendall(MICROPYTHON_CLIENT_UPGRADE)
        answer = b""
        while b"\r\n\r\n" not in answer:
            answer += self.socket.recv(4096)
        self.status_line = answer.split(b"\r\n", 1)[0]
        self.decoder = FrameDecoder()
        self.frames = self.decoder.feed(answer.split(b"\r\n\r\n", 1)[1])
        self.text = b""
        self.binary = b""

    def send(self, opcode, payload):
        self.socket.sendall(encode_frame(opcode, payload))

    def _more(self):
        data = self.socket.recv(65536)
        if not data:
            raise ConnectionError("the face closed the connection")
        self.frames += self.decoder.feed(data)

    def _sort(self):
        for frame in self.frames:
            if frame.opcode == TEXT:
                self.text += frame.payload
            elif frame.opcode == BINARY:
                self.binary += frame.payload
        self.frames = []

    def text_until(self, marker: bytes) -> bytes:
        self._sort()
        while marker not in self.text:
            self._more()
            self._sort()
        text, self.text = self.text, b""
        return text

    def binary_bytes(self, size: int) -> bytes:
        self._sort()
        while len(self.binary) < size:
            self._more()
            self._sort()
        data, self.binary = self.binary[:size], self.binary[size:]
        return data

    def close(self):
        self.socket.close()


@pytest.fixture
def unmasked(webrepl_face):
    client = UnmaskedClient(webrepl_face.address)
    try:
        yield client
    finally:
        client.close()


def test_micropythons_client_framing_logs_in_and_runs_code(unmasked):
    assert unmasked.status_line == b"HTTP/1.1 101 Switching Protocols"
    assert unmasked.text_until(b"Password: ") == b"Password: "
    unmasked.send(TEXT, PASSWORD.encode() + b"\r")
    assert unmasked.text_until(b">>> ") == b"\r\nWebREPL connected\r\n>>> "
    unmasked.send(TEXT, b"print(6 * 7)\r")
    # The unix port ends printed lines with "\n" alone (a board's UART sends "\r\n").
    assert unmasked.text_until(b">>> ").replace(b"\r", b"") == b"print(6 * 7)\n42\n>>> "


def test_micropythons_client_framing_puts_and_gets_files(webrepl_face, unmasked):
    unmasked.text_until(b"Password: ")
    unmasked.send(TEXT, PASSWORD.encode() + b"\r")
    unmasked.text_until(b">>> ")
    data = bytes(range(256)) * 10 + b"tail"
    record = encode_request(FileRequest(PUT, b"/put.bin", len(data)))
    unmasked.send(BINARY, record[:10])  # the request in two frames, as webrepl_cli.py sends it
    unmasked.send(BINARY, record[10:])
    assert decode_status(unmasked.binary_bytes(4)) == 0
    for start in range(0, len(data), 1024):
        unmasked.send(BINARY, data[start : start + 1024])
    assert decode_status(unmasked.binary_bytes(4)) == 0
    assert (webrepl_face.board.root / "put.bin").read_bytes() == data

    unmasked.send(BINARY, encode_request(FileRequest(GET, b"/put.bin")))
    assert decode_status(unmasked.binary_bytes(4)) == 0
    received = b""
    while True:
        unmasked.send(BINARY, b"\0")
        (size,) = CHUNK_LENGTH.unpack(unmasked.binary_bytes(2))
        if not size:
            break
        received += unmasked.binary_bytes(size)
    assert decode_status(unmasked.binary_bytes(4)) == 0
    assert received == data

    unmasked.send(BINARY, encode_request(FileRequest(VERSION, b"")))
    version = struct.unpack("<BBB", unmasked.binary_bytes(3))
    assert version[0] >= 1


def test_a_plain_http_request_gets_a_page_not_a_websocket(webrepl_face):
    with socket.create_connection(webrepl_face.address, timeout=5) as client:
        client.sendall(b"GET / HTTP/1.1\r\nHost: board\r\n\r\n")
        answer = b""
        while True:
            data = client.recv(4096)
            if not data:
                break
            answer += data
    assert answer.startswith(b"HTTP/1.0 200 OK")


def test_the_webrepl_package_from_pypi_puts_gets_and_runs_code(webrepl_face, tmp_path):
    webrepl = pytest.importorskip("webrepl")
    host, port = webrepl_face.address
    client = webrepl.Webrepl(host=host, port=port, password=PASSWORD)
    try:
        client.s.settimeout(5)  # a face that stops answering fails the test instead of hanging it
        assert client.connected
        assert len(client.get_ver()) == 3
        local = tmp_path / "hello.py"
        local.write_bytes(b"print('hello from the webrepl package')\n" * 50)
        client.put_file(str(local), "/hello.py")
        assert (webrepl_face.board.root / "hello.py").read_bytes() == local.read_bytes()
        assert client.get_file_content("/hello.py") == local.read_bytes()
        client.ws.writetext(b"exec(open('/hello.py').read()[:40])\r")
        output = b""
        while b"hello from the webrepl package\n" not in output:
            output += client.ws.read(1024, text_ok=True, size_match=False)
    finally:
        client.disconnect()
