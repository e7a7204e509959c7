import pytest

from belay_engine.cells import ends_with_semicolon, show_last_expression


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
        ("def broken(:", "def broken(:"),
        ("", ""),
    ],
)
def test_only_a_last_bare_expression_is_wrapped_and_lines_stay_in_place(code, expected):
    assert show_last_expression(code) == expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("a = 1; a", "a = 1; _belay.v((a\n))\n"),
        ("import sys; sys.implementation", "import sys; _belay.v((sys.implementation\n))\n"),
        ("a = 1; b = 2; a + b  # sum", "a = 1; b = 2; _belay.v((a + b\n))\n"),
        ("x = 0\ny = 1; f(\n  y,\n  2)\n", "x = 0\ny = 1; _belay.v((f(\n  y,\n  2)\n))\n"),
        ("t = (1,\n  2); t", "t = (1,\n  2); _belay.v((t\n))\n"),
        ('s = "été"; s', 's = "été"; _belay.v((s\n))\n'),  # the offset of the expression counts UTF-8 bytes
    ],
)
def test_an_expression_after_statements_on_its_line_is_wrapped_there(code, expected):
    wrapped = show_last_expression(code)
    assert wrapped == expected
    assert len(wrapped.splitlines()) == len(code.rstrip("\n").splitlines()) + 1  # only the closing `))` is added


@pytest.mark.parametrize("code", ["x;", "x = 5; x;", "x = 1\nx ;  # hidden\n", "f(\n  1);\n\n# end"])
def test_a_semicolon_at_the_end_hides_the_value(code):
    assert ends_with_semicolon(code)
    assert show_last_expression(code) == code


@pytest.mark.parametrize("code", ["x", "x  # a comment;", "s = ';'", "x = 1; x", ""])
def test_a_semicolon_elsewhere_does_not_hide_the_value(code):
    assert not ends_with_semicolon(code)
