"""Board tracebacks point at the host: tasks, functions defined in cells, board-only syntax errors, two files.

Each case runs on a board with ``compile()`` (the virtual board: code is compiled there under its host file
name) and on the same board with ``compile()`` made to fail as on a firmware without it (frames are mapped
by name on the host).
"""

import importlib.util
import linecache
import sys
import textwrap

import pytest

from belay_engine import PyboardException
from belay_engine.cells import run_cell
from belay_engine.tracebacks import ENGINE_FILE, SourceLocation

NO_COMPILE = (
    "import builtins\n"
    "def _no_compile(*args):\n"
    " raise NameError(\"name 'compile' isn't defined\")\n"
    "builtins.compile = _no_compile\n"
)


@pytest.fixture(params=["compile", "no compile"])
def board(request, device):
    """The virtual board as it is, and as a firmware without compile() (the helpers installed again then)."""
    if request.param == "no compile":
        device(NO_COMPILE, record=False)
        device.session.install_helpers()
    assert device.session.compiles is (request.param == "compile")
    return device


def first_line(function) -> int:
    return function.__wrapped__.__code__.co_firstlineno


def raised(call) -> str:
    with pytest.raises(PyboardException) as info:
        call()
    return str(info.value)


def cell(device, number: int, code: str):
    """Run `code` as the kernel runs cell `number`: registered with linecache, its location given."""
    name = f"<cell {number}>"
    linecache.cache[name] = (len(code), None, code.splitlines(keepends=True), name)
    return run_cell(device.session, code, location=SourceLocation(name, 1))


def load_module(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_failing_task_shows_its_host_file_line_and_source(board):
    @board.task
    def fails(x):
        y = x + 1
        return y / 0

    message = raised(lambda: fails(1))
    assert f'File "{__file__}", line {first_line(fails) + 3}, in fails\n    return y / 0\n' in message
    assert ENGINE_FILE not in message
    assert message.rstrip().endswith("ZeroDivisionError: divide by zero")


def test_a_function_defined_in_a_cell_points_at_that_cell_when_called_later(board):
    cell(board, 4, "def half(x):\n    return x / 0\n")
    message = raised(lambda: cell(board, 5, "a = 1\nhalf(a)\n"))
    assert 'File "<cell 4>", line 2, in half\n    return x / 0\n' in message
    assert 'File "<cell 5>", line 2, in <module>\n    half(a)\n' in message
    assert ENGINE_FILE not in message
    # Called from plain code too: its frame still names the cell.
    assert 'File "<cell 4>", line 2, in half\n    return x / 0\n' in raised(lambda: board("half(3)"))


def test_a_setup_defining_a_function_points_at_the_host_when_it_is_called(board):
    @board.setup
    def define_helper(scale):
        def scaled(x):
            return x * scale / 0

    define_helper(2)
    message = raised(lambda: board("scaled(1)"))
    assert f'File "{__file__}", line {first_line(define_helper) + 3}, in scaled\n' in message


def test_a_board_only_syntax_error_at_decoration_points_at_the_host_line(board):
    # Positional-only parameters are Python 3.8 syntax that MicroPython does not have.
    def define():
        @board.task
        def board_rejects(a):
            x = a

            def inner(b, /):
                return b

            return inner(x)

    message = raised(define)
    line = define.__code__.co_firstlineno + 5
    assert f'File "{__file__}", line {line}\n    def inner(b, /):\n' in message
    assert "SyntaxError" in message


@pytest.mark.skipif(sys.version_info < (3, 10), reason="the host must parse a match statement")
def test_a_match_statement_is_a_syntax_error_at_its_host_line(board, tmp_path):
    source = tmp_path / "matching.py"
    source.write_text(textwrap.dedent("""\
            def install(device):
                @device.task
                def classify(x):
                    match x:
                        case 1:
                            return "one"
            """))
    module = load_module(source, "matching_tasks")
    message = raised(lambda: module.install(board))
    assert f'File "{source}", line 4\n    match x:\n' in message
    assert "SyntaxError" in message


def test_a_task_named_like_an_engine_helper_is_not_blamed_for_the_helper(board):
    @board.task
    def r(x):
        return x

    class_code = "class Unprintable:\n def __repr__(self):\n  raise ValueError('no repr')\n"
    board(class_code)
    message = raised(lambda: board("Unprintable()"))
    assert __file__ not in message  # the failure is in the engine's `r`, not in the task `r`
    assert "in r\n" in message
    assert "ValueError: no repr" in message
    assert r(5) == 5


def test_nested_calls_across_two_host_files_point_at_both(board, tmp_path):
    outer_file = tmp_path / "outer_tasks.py"
    inner_file = tmp_path / "inner_tasks.py"
    outer_file.write_text("def install(device):\n    @device.task\n    def outer(x):\n        return inner(x) + 1\n")
    inner_file.write_text("def install(device):\n    @device.task\n    def inner(x):\n        return 1 / x\n")
    outer = load_module(outer_file, "outer_tasks").install
    inner = load_module(inner_file, "inner_tasks").install
    outer(board)
    inner(board)
    message = raised(lambda: board("outer(0)"))
    assert f'File "{outer_file}", line 4, in outer\n    return inner(x) + 1\n' in message
    assert f'File "{inner_file}", line 4, in inner\n    return 1 / x\n' in message
    assert message.index(str(outer_file)) < message.index(str(inner_file))
