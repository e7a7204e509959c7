from belay_engine.tracebacks import parse_board_traceback
from belay_jupyter.kernel.traceback_view import render_traceback

from .conftest import without_ansi

BOARD_TRACEBACK = (
    "Traceback (most recent call last):\n"
    '  File "<cell 2>", line 3, in <module>\n'
    "    stale copy of the line\n"
    '  File "lib/tools.py", line 7, in scale\n'
    "    return value / factor\n"
    '  File "<stdin>", line 4, in helper\n'
    "ZeroDivisionError: divide by zero\n"
)
CELLS = {"<cell 2>": ["a = 1\n", "b = 0\n", "scale(a, b)  # here\n"]}


def source_of(name, line):
    lines = CELLS.get(name)
    return lines[line - 1].rstrip("\n") if lines else None


def test_each_frame_is_an_entry_with_its_source_line_under_it():
    plain = [
        without_ansi(entry)
        for entry in render_traceback(parse_board_traceback(BOARD_TRACEBACK), "ZeroDivisionError", source_of)
    ]
    assert plain[0] == "-" * 75
    assert plain[1] == "ZeroDivisionError" + " " * 25 + "Traceback (most recent call last)"
    assert plain[2:] == [
        "File <cell 2>:3\n----> 3 scale(a, b)  # here\n",  # the kernel's own copy of the cell
        "File lib/tools.py:7, in scale\n----> 7 return value / factor\n",  # the line the engine put there
        "File <stdin>:4, in helper\n",
        "ZeroDivisionError: divide by zero",
    ]


def test_names_files_and_line_numbers_are_coloured_as_in_ipython():
    entries = render_traceback(parse_board_traceback(BOARD_TRACEBACK), "ZeroDivisionError", source_of)
    assert entries[1].startswith("\x1b[91mZeroDivisionError\x1b[39m")
    assert "\x1b[32m<cell 2>:3\x1b[39m" in entries[2]
    assert "\x1b[92m----> 3\x1b[39m" in entries[2]
    assert ", in \x1b[36mscale\x1b[39m" in entries[3]
    assert entries[-1] == "\x1b[91mZeroDivisionError\x1b[39m: divide by zero"


def test_a_syntax_error_frame_without_a_function_and_a_message_on_several_lines():
    text = 'Traceback (most recent call last):\n  File "<cell 2>", line 2\nSyntaxError: invalid syntax\n'
    plain = [without_ansi(entry) for entry in render_traceback(parse_board_traceback(text), "SyntaxError", source_of)]
    assert plain[2:] == ["File <cell 2>:2\n----> 2 b = 0\n", "SyntaxError: invalid syntax"]


def test_a_message_on_several_lines_is_shown_whole_and_a_board_without_source_lines_shows_the_file():
    text = 'Traceback (most recent call last):\n  File "main.py", in run\nValueError: first\nsecond\n'
    plain = [without_ansi(entry) for entry in render_traceback(parse_board_traceback(text), "ValueError", source_of)]
    assert plain[2:] == ["File main.py, in run\n", "ValueError: first\nsecond"]


def test_text_without_an_exception_line_is_shown_under_the_kernel_s_name():
    entries = render_traceback(parse_board_traceback('  File "<stdin>", line 1\n'), "PyboardException", source_of)
    assert [without_ansi(entry) for entry in entries[2:]] == ["File <stdin>:1\n", "PyboardException"]
