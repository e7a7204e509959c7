"""Fixtures for WebREPL tests: a virtual board behind its WebREPL face on 127.0.0.1."""

from collections.abc import Iterator

import pytest

from belay_engine.virtual.transport import VirtualBoardTransport
from belay_engine.virtual.webrepl_face import WebreplFace

PASSWORD = "python"


@pytest.fixture
def webrepl_face(tmp_path) -> Iterator[WebreplFace]:
    """A virtual board (root ``tmp_path / "board"``) served by a WebREPL face; ``face.url`` reaches it."""
    root = tmp_path / "board"
    root.mkdir()
    board = VirtualBoardTransport(root)
    face = WebreplFace(board, password=PASSWORD)
    face.serve_in_background()
    try:
        yield face
    finally:
        face.stop()
        board.close()
