"""The board dies (its process is killed) at seeded random byte offsets of a call, a stream and a sync.

Contract: `ConnectionLost` within a bound, the next call says so at once too, `reconnect()` brings the board
back with its tasks, no file on the board is left half written, and no process stays behind.
"""

import random

import pytest

from belay_engine import ConnectionLost, Device

from ..board.test_sync import board_tree, make_tree
from .wire import raises_within, traffic, wire

OFFSETS = 8


def offsets(name: str, total: int) -> list[int]:
    """Seeded offsets in ``[0, total)``: the same on every run, so a failure reproduces."""
    generator = random.Random(name)
    return sorted(generator.sample(range(total), min(OFFSETS, total)))


@pytest.fixture
def worker(device):
    @device.task
    def work(n):
        for i in range(n):
            print("line", i)
        return [i * i for i in range(n)]

    return work


@pytest.mark.parametrize("direction", ["read", "write"])
def test_a_board_killed_at_any_byte_of_a_call_raises_connection_lost_and_reconnect_restores_it(
    device, worker, direction
):
    read, written = traffic(device, lambda: worker(40))
    for offset in offsets(f"call-{direction}", read if direction == "read" else written):
        context = f"killed after {offset} bytes {direction}"
        wire(device, direction, offset)
        raises_within(ConnectionLost, lambda: worker(40))
        raises_within(ConnectionLost, lambda: device("1 + 1"), seconds=5)  # at once, not after a timeout
        device.reconnect()
        assert worker(40) == [i * i for i in range(40)], context


def test_a_board_killed_at_any_byte_of_a_stream_ends_it_with_connection_lost(device):
    @device.task
    def count(n):
        for i in range(n):
            if i % 50 == 0:
                print("at", i)
            yield i

    read, _ = traffic(device, lambda: list(count(300)))
    for offset in offsets("stream", read):
        context = f"killed after {offset} bytes read"
        stream = count(300)
        received = []
        wire(device, "read", offset)

        def consume(stream=stream, received=received):
            for value in stream:
                received.append(value)

        raises_within(ConnectionLost, consume)
        assert received == list(range(len(received))), context  # what came is in order, nothing repeated
        device.reconnect()
        with pytest.raises((StopIteration, ConnectionLost)):  # ended, as a generator that raised, never resumed
            next(stream)
        assert list(count(300)) == list(range(300)), context


def test_a_board_killed_at_any_byte_of_a_sync_leaves_each_file_old_or_new(board_root, tmp_path):
    generator = random.Random("sync-files")
    old = {f"f{i}.bin": generator.randbytes(3000) for i in range(4)}
    new = {name: generator.randbytes(4000) for name in old}
    source, spare = tmp_path / "project", tmp_path / "spare-board"
    spare.mkdir()
    make_tree(source, old)
    with Device(f"virtual:{spare}") as device:  # a board in the same state, to count the sync's bytes once
        device.sync(source)
        make_tree(source, new)
        _, written = traffic(device, lambda: device.sync(source))
    for offset in offsets("sync", written):
        context = f"killed after {offset} bytes written"
        make_tree(source, old)
        with Device(f"virtual:{board_root}") as device:
            device.sync(source)
            make_tree(source, new)
            wire(device, "write", offset)
            raises_within(ConnectionLost, lambda device=device: device.sync(source))
        files, _ = board_tree(board_root)
        for name, content in files.items():
            if name in old:
                assert content in (old[name], new[name]), f"{name} half written, {context}"
            else:
                assert name.endswith(".belay-tmp"), f"unexpected {name}, {context}"
        with Device(f"virtual:{board_root}") as device:
            device.sync(source)
        assert board_tree(board_root)[0] == new, context
