"""The port may be left out of a board command: a first word that is not a port is the next argument."""

import pytest

from belay_engine.cli.common import UsageProblem, looks_like_port, take_port


@pytest.mark.parametrize(
    "word", ["/dev/ttyACM0", "COM3", "virtual:", "virtual:/tmp/b", "socket://h:1", "ws://h:8266", "192.168.4.1"]
)
def test_ports_are_told_apart_from_paths_and_code(word):
    assert looks_like_port(word)


@pytest.mark.parametrize("word", ["main.py", "/lib", "src", "print(1)", "1 + 1", "/"])
def test_paths_and_code_are_not_ports(word):
    assert not looks_like_port(word)


def test_take_port_shifts_the_positionals_when_the_first_is_not_a_port():
    assert take_port("virtual:", "main.py", None) == ("virtual:", ["main.py", None])
    assert take_port("main.py", "/main.py", None) == (None, ["main.py", "/main.py"])
    assert take_port(None, "x") == (None, ["x"])
    with pytest.raises(UsageProblem, match="one argument too many"):
        take_port("a.py", "b.py", "c.py")
