import pytest

from belay_jupyter.kernel.exit_request import ExitRequest, exit_request


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("exit", ExitRequest("", False)),
        ("quit()", ExitRequest("", False)),
        ("exit;  # bye\n", ExitRequest("", False)),
        ("x = 1\nquit", ExitRequest("x = 1\n", False)),
        ("x = 1; exit()", ExitRequest("x = 1; ", False)),
        ("exit(keep_kernel=True)", ExitRequest("", True)),
        ("s = 'é'; exit", ExitRequest("s = 'é'; ", False)),
    ],
)
def test_a_cell_ending_with_exit_or_quit_is_an_exit_request(code, expected):
    assert exit_request(code) == expected


@pytest.mark.parametrize(
    "code", ["exit = 1", "exit(1)", "exit(keep_kernel=k)", "sys.exit()", "exit\nx = 1", "if x:\n    exit", "exit(", ""]
)
def test_other_uses_of_the_names_are_board_code(code):
    assert exit_request(code) is None


def test_the_payload_is_ipythons_ask_exit():
    assert ExitRequest("", False).payload == {"source": "ask_exit", "keepkernel": False}
    assert ExitRequest("", True).payload == {"source": "ask_exit", "keepkernel": True}
