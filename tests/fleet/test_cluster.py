"""A fleet on a localhost ipyparallel cluster: two engines, each driving its own virtual boards.

One cluster serves the module (starting one takes seconds); the test that kills an engine runs last. At the
end the cluster is stopped and no process of it (controller, engines, boards) may be left.
"""

import os
import signal
import socket
import threading
import time

import psutil
import pytest

from belay_engine import EngineLost, Fleet, PyboardException

from ..board.test_sync import board_tree, make_tree
from ..faults.conftest import descendants
from .conftest import BOUND, wait_for

ipyparallel = pytest.importorskip("ipyparallel")


@pytest.fixture(scope="module")
def client():
    before = set(descendants())
    cluster = ipyparallel.Cluster(n=2, log_level=40)
    connected = cluster.start_and_connect_sync()
    try:
        connected.wait_for_engines(2, timeout=60)
        yield connected
    finally:
        connected.close()
        cluster.stop_cluster_sync()
        wait_for(lambda: not (set(descendants()) - before), what="the cluster's processes to end")


def board_ports(per_engine: int, roots=None) -> dict:
    """``{0: {"a0": "virtual:", ...}, 1: {"b0": ...}}``: `per_engine` virtual boards on each engine."""
    return {
        engine: {f"{prefix}{i}": f"virtual:{roots[f'{prefix}{i}']}" if roots else "virtual:" for i in range(per_engine)}
        for engine, prefix in ((0, "a"), (1, "b"))
    }


def test_a_task_runs_on_every_board_of_every_engine_and_each_value_comes_back(client, capsys):
    with Fleet.on_cluster(client, board_ports(4)) as fleet:
        assert fleet.engines == {0: ["a0", "a1", "a2", "a3"], 1: ["b0", "b1", "b2", "b3"]}

        @fleet.task
        def square(x):
            print("squaring", x)
            return x * x

        result = square(9)
        assert dict(result) == {name: 81 for name in fleet.names}
        printed = sorted(capsys.readouterr().out.splitlines())
        assert printed == sorted(f"[{name}] squaring 9" for name in fleet.names)
        engines = fleet.apply(lambda device: (os.getpid(), device.implementation.name))
        assert {name: kind for name, (_, kind) in engines.items()} == {name: "micropython" for name in fleet.names}
        assert len({pid for pid, _ in engines.values()}) == 2  # each board's Device lives in its engine


def test_a_failing_board_entry_holds_its_exception_across_engines(client):
    with Fleet.on_cluster(client, board_ports(2)) as fleet:
        fleet("fail = False")
        fleet("fail = True", on=["b1"])

        @fleet.task
        def check():
            if fail:
                raise ValueError("b1 fails")
            return "fine"

        result = check()
        assert result.succeeded == {"a0": "fine", "a1": "fine", "b0": "fine"}
        assert isinstance(result["b1"], PyboardException)
        assert "b1 fails" in str(result["b1"])
        with pytest.raises(PyboardException) as raised:
            result.raise_first()
        assert raised.value.board == "b1"


def test_a_board_that_fails_to_connect_on_its_engine_is_reported_by_name(client):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"socket://127.0.0.1:{probe.getsockname()[1]}"
    with pytest.warns(UserWarning, match="'gone'"):
        fleet = Fleet.on_cluster(client, {0: {"a0": "virtual:", "gone": closed}, 1: {"b0": "virtual:"}})
    with fleet:
        assert fleet.names == ["a0", "b0"]
        assert list(fleet.failed) == ["gone"]
        assert dict(fleet("7")) == {"a0": 7, "b0": 7}


def test_a_generator_task_merges_every_value_and_stop_stops_every_board(client):
    with Fleet.on_cluster(client, board_ports(2)) as fleet:

        @fleet.task
        def count(n):
            for i in range(n):
                yield i

        pairs = list(count(30))
        for name in fleet.names:
            assert [value for board, value in pairs if board == name] == list(range(30))

        fleet("closed = 0")

        @fleet.task
        def forever():
            import time

            global closed
            try:
                while True:
                    yield 1
                    time.sleep_ms(5)
            finally:
                closed += 1

        stream = forever()
        seen = set()
        for name, _ in stream:
            seen.add(name)
            if seen == set(fleet.names):
                break
        stream.close()
        assert dict(fleet("closed")) == {name: 1 for name in fleet.names}


def test_sync_sends_the_folder_to_every_board_of_every_engine(client, tmp_path):
    project = tmp_path / "project"
    make_tree(project, {"main.py": b"print('main')\n", "lib/tool.py": b"X = 1\n"})
    roots = {name: tmp_path / name for name in ("a0", "a1", "b0", "b1")}
    for root in roots.values():
        root.mkdir()
    with Fleet.on_cluster(client, board_ports(2, roots)) as fleet:
        assert fleet.sync(project).ok
        assert dict(fleet("__import__('lib.tool').tool.X")) == {name: 1 for name in roots}
    for root in roots.values():
        assert board_tree(root)[0]["main.py"] == b"print('main')\n"


def test_ctrl_c_mid_call_stops_every_engine_s_boards_and_leaves_all_usable(client, tmp_path):
    roots = {name: tmp_path / name for name in ("a0", "a1", "b0", "b1")}
    for root in roots.values():
        root.mkdir()
    with Fleet.on_cluster(client, board_ports(2, roots)) as fleet:
        fleet("done = 0")

        @fleet.task
        def nap():
            import time

            global done
            open("/started", "w").close()
            time.sleep(30)
            done += 1

        def interrupt_once_all_started():
            wait_for(lambda: all((root / "started").exists() for root in roots.values()), what="every board's nap")
            os.kill(os.getpid(), signal.SIGINT)

        threading.Thread(target=interrupt_once_all_started, daemon=True).start()
        start = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            nap()
        assert time.monotonic() - start < BOUND
        assert dict(fleet("done")) == {name: 0 for name in roots}
        assert dict(fleet("5 + 5")) == {name: 10 for name in roots}


def test_an_engine_killed_mid_call_is_reported_by_name_and_the_other_engine_goes_on(client, tmp_path):
    roots = {name: tmp_path / name for name in ("a0", "a1", "b0", "b1")}
    for root in roots.values():
        root.mkdir()
    engine_pid = client[1].apply_sync(os.getpid)
    with Fleet.on_cluster(client, board_ports(2, roots), timeout=30) as fleet:
        board_pids = client[1].apply_sync(_board_pids)

        @fleet.task
        def work():
            import time

            open("/started", "w").close()
            time.sleep(2)
            return "worked"

        def kill_engine_once_started():
            wait_for(lambda: (roots["b0"] / "started").exists(), what="engine 1's boards to start")
            os.kill(engine_pid, signal.SIGKILL)

        threading.Thread(target=kill_engine_once_started, daemon=True).start()
        start = time.monotonic()
        result = work()
        assert time.monotonic() - start < BOUND
        assert result.succeeded == {"a0": "worked", "a1": "worked"}
        assert isinstance(result["b0"], EngineLost)
        assert isinstance(result["b1"], EngineLost)
        assert "engine 1" in str(result["b0"])
        assert list(fleet.lost_engines) == [1]
        assert fleet.lost == ["b0", "b1"]
        later = fleet("1 + 1")
        assert dict(later) == {"a0": 2, "a1": 2}
        assert later.skipped == ("b0", "b1")
    # The dead engine's boards lose their terminal with it and end.
    wait_for(lambda: not any(psutil.pid_exists(pid) and _alive(pid) for pid in board_pids), what="its boards to end")


def _board_pids() -> list:
    from belay_engine import fleet_engine

    return [
        device.session.repl.transport.pid for fleet in fleet_engine.FLEETS.values() for device in fleet.boards.values()
    ]


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
