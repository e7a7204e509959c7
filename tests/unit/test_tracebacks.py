import linecache

from belay_engine.tracebacks import SourceLocation, exception_name, map_traceback

BOARD = (
    "Traceback (most recent call last):\n"
    '  File "<stdin>", line 1, in <module>\n'
    '  File "<stdin>", line 3, in foo\n'
    '  File "<stdin>", line 2, in bar\n'
    "NameError: name 'baz' isn't defined\n"
)


def test_function_frames_map_to_the_host_file_and_line(tmp_path):
    host = tmp_path / "script.py"
    host.write_text("\n" * 9 + "def foo():\n    x = 1\n    bar()\n")
    linecache.checkcache(str(host))
    mapped = map_traceback(BOARD, {"foo": SourceLocation(str(host), 10)})
    assert f'  File "{host}", line 12, in foo\n    bar()\n' in mapped
    assert '  File "<stdin>", line 2, in bar' in mapped  # unknown functions stay as the board said
    assert mapped.endswith("NameError: name 'baz' isn't defined\n")


def test_module_frames_map_through_the_given_location_minus_added_lines():
    text = 'Traceback (most recent call last):\n  File "<stdin>", line 3, in <module>\nValueError: no\n'
    mapped = map_traceback(text, {}, SourceLocation("cell.py", 20, lines_added=1))
    assert 'File "cell.py", line 21, in <module>' in mapped


def test_a_line_the_engine_added_keeps_its_board_frame():
    text = '  File "<stdin>", line 1, in <module>\n'
    assert map_traceback(text, {}, SourceLocation("cell.py", 20, lines_added=1)) == text


def test_exception_name_is_read_from_the_last_line():
    assert exception_name(BOARD) == "NameError"
    assert exception_name("Traceback (most recent call last):\n  File x\nKeyboardInterrupt: \n") == "KeyboardInterrupt"
    assert exception_name("") is None
