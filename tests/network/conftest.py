"""Network tests: a real virtual board served on 127.0.0.1 through every network face, clients on loopback.

`network_board` starts one board with all its faces on free ports (in this process); `network_kind` runs a
test once per client kind (``socket://``, ``rfc2217://``, telnet, and WebREPL when its face exists).
"""

import importlib.util
import socket
from collections.abc import Iterator

import pytest
from attrs import define, field

from belay_engine.virtual.rfc2217_face import Rfc2217Face
from belay_engine.virtual.tcp_face import TcpFace
from belay_engine.virtual.telnet_face import TelnetFace
from belay_engine.virtual.transport import VirtualBoardTransport

from .links import LOOPBACK, PASSWORD

HAS_WEBREPL = (
    importlib.util.find_spec("belay_engine.virtual.webrepl_face") is not None
    and importlib.util.find_spec("belay_engine.transports.webrepl") is not None
)
KINDS = ["tcp", "rfc2217", "telnet"] + (["webrepl"] if HAS_WEBREPL else [])


@define
class NetworkBoard:
    """One virtual board and its faces by kind (``tcp``, ``rfc2217``, ``telnet``, maybe ``webrepl``)."""

    board: VirtualBoardTransport
    faces: dict = field(factory=dict)

    def url(self, kind: str) -> str:
        """The port string a Device gives to reach the board through the face `kind`."""
        return self.faces[kind].url


def _start_faces(board: VirtualBoardTransport) -> dict:
    faces = {
        "tcp": TcpFace(board, LOOPBACK, 0),
        "rfc2217": Rfc2217Face(board, LOOPBACK, 0),
        "telnet": TelnetFace(board, LOOPBACK, 0, user="micro", password=PASSWORD),
    }
    if HAS_WEBREPL:
        from belay_engine.virtual.webrepl_face import WebreplFace

        faces["webrepl"] = WebreplFace(board, LOOPBACK, 0, password=PASSWORD)
    for face in faces.values():
        face.serve_in_background()
    return faces


@pytest.fixture
def network_board(board_root) -> Iterator[NetworkBoard]:
    """A fresh virtual board on `board_root`, served by every network face on 127.0.0.1 (free ports)."""
    board = VirtualBoardTransport(board_root)
    served = NetworkBoard(board)
    try:
        served.faces.update(_start_faces(board))
        yield served
    finally:
        for face in served.faces.values():
            face.stop()
        board.close()


@pytest.fixture(params=KINDS)
def network_kind(request) -> str:
    """Each network face kind in turn."""
    return request.param


@pytest.fixture
def silent_server() -> Iterator[tuple[str, int]]:
    """A TCP port on 127.0.0.1 that accepts connections in the kernel but never answers a byte."""
    listener = socket.create_server((LOOPBACK, 0), backlog=8)
    try:
        yield listener.getsockname()[:2]
    finally:
        listener.close()
