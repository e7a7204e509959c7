import pytest

from belay_engine.cells import show_last_expression


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("1 + 1", "_belay.v((1 + 1\n))\n"),
        ("x = 1\nx", "x = 1\n_belay.v((x\n))\n"),
        ("x = 1\nx  # shown\n\n", "x = 1\n_belay.v((x\n))\n"),
        ("f(\n  1,\n  2)", "_belay.v((f(\n  1,\n  2)\n))\n"),
        ("a, b", "_belay.v((a, b\n))\n"),
        ("x = 1", "x = 1"),
        ("for i in range(3):\n    i", "for i in range(3):\n    i"),
        ("a = 1; a", "a = 1; a"),
        ("def broken(:", "def broken(:"),
        ("", ""),
    ],
)
def test_only_a_last_bare_expression_is_wrapped_and_lines_stay_in_place(code, expected):
    assert show_last_expression(code) == expected
