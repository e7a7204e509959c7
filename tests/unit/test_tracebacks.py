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


COMPILED = (
    "Traceback (most recent call last):\n"
    '  File "<stdin>", line 2, in <module>\n'
    '  File "<belay>", line 30, in c\n'
    '  File "<cell 4>", line 2, in <module>\n'
    '  File "/host/tasks.py", line 12, in f\n'
    "ZeroDivisionError: divide by zero\n"
)


def test_frames_of_code_compiled_under_its_host_name_keep_their_lines_and_lose_the_runner_frames(tmp_path):
    linecache.cache["<cell 4>"] = (9, None, ["a = 1\n", "f(a)\n"], "<cell 4>")
    mapped = map_traceback(COMPILED, {}, host_files={"<cell 4>", "/host/tasks.py"})
    assert mapped == (
        "Traceback (most recent call last):\n"
        '  File "<cell 4>", line 2, in <module>\n'
        "    f(a)\n"
        '  File "/host/tasks.py", line 12, in f\n'
        "ZeroDivisionError: divide by zero\n"
    )


def test_the_runner_frames_stay_when_the_runner_itself_failed():
    text = (
        "Traceback (most recent call last):\n"
        '  File "<stdin>", line 1, in <module>\n'
        '  File "<belay>", line 30, in c\n'
        "MemoryError: memory allocation failed\n"
    )
    assert map_traceback(text, {}) == text


def test_frames_of_files_the_engine_did_not_compile_get_no_host_source(tmp_path):
    host = tmp_path / "main.py"
    host.write_text("first\nsecond\n")
    text = f'  File "{host}", line 2, in run\n'
    assert map_traceback(text, {}) == text  # a board file of the same name: its lines are not the host's
    assert map_traceback(text, {}, host_files={str(host)}) == text + "    second\n"


def test_engine_helper_frames_are_never_mapped_to_a_user_function_of_the_same_name(tmp_path):
    host = tmp_path / "user.py"
    host.write_text("def r(x):\n    return x\n")
    text = '  File "<belay>", line 97, in r\n  File "<string>", line 97, in r\n'
    assert map_traceback(text, {"r": SourceLocation(str(host), 1, span=(1, 2))}, host_files={"<belay>"}) == text


def test_a_function_frame_outside_the_function_span_is_not_mapped():
    text = '  File "<stdin>", line 40, in r\n'
    assert map_traceback(text, {"r": SourceLocation("user.py", 10, span=(1, 2))}) == text
    mapped = map_traceback('  File "<stdin>", line 2, in r\n', {"r": SourceLocation("user.py", 10, span=(1, 2))})
    assert mapped == '  File "user.py", line 11, in r\n'


def test_a_syntax_error_frame_maps_through_the_command_location(tmp_path):
    host = tmp_path / "cell.py"
    host.write_text("x = 1\nmatch x:\n")
    linecache.checkcache(str(host))
    text = 'Traceback (most recent call last):\n  File "<stdin>", line 2\nSyntaxError: invalid syntax\n'
    mapped = map_traceback(text, {}, SourceLocation(str(host), 1))
    assert f'  File "{host}", line 2\n    match x:\nSyntaxError' in mapped
