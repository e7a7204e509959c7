import linecache

from belay_engine.errors import PyboardException
from belay_engine.tracebacks import (
    BoardError,
    BoardFrame,
    SourceLocation,
    exception_name,
    map_traceback,
    parse_board_traceback,
)

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


# -- parse_board_traceback: the one reader of a traceback's frames, exception name and message ------------------


def test_a_micropython_traceback_parses_into_its_frames_name_and_message():
    assert parse_board_traceback(BOARD) == BoardError(
        "NameError",
        "name 'baz' isn't defined",
        (
            BoardFrame("<stdin>", 1, "<module>"),
            BoardFrame("<stdin>", 3, "foo"),
            BoardFrame("<stdin>", 2, "bar"),
        ),
    )


def test_the_source_lines_the_mapping_puts_under_frames_belong_to_their_frames(tmp_path):
    host = tmp_path / "script.py"
    host.write_text("\n" * 9 + "def foo():\n    x = 1\n    bar()\n")
    linecache.checkcache(str(host))
    error = parse_board_traceback(map_traceback(BOARD, {"foo": SourceLocation(str(host), 10)}))
    assert error.frames[1] == BoardFrame(str(host), 12, "foo", "bar()")
    assert error.frames[2].source is None
    assert (error.name, error.message) == ("NameError", "name 'baz' isn't defined")


def test_an_exception_without_frames_or_header_is_still_read():
    assert parse_board_traceback("ValueError: bad\n") == BoardError("ValueError", "bad")
    assert parse_board_traceback("Traceback (most recent call last):\nValueError: first\nsecond\n") == BoardError(
        "ValueError", "first\nsecond"
    )


def test_a_message_keeps_every_line_and_every_colon_after_the_first_separator():
    text = (
        "Traceback (most recent call last):\n"
        '  File "<stdin>", line 2, in <module>\n'
        "ValueError: bad value: 3\n"
        "  File: not a frame, a line of the message\n"
        "last: line\n"
    )
    error = parse_board_traceback(text)
    assert error.name == "ValueError"
    assert error.message == "bad value: 3\n  File: not a frame, a line of the message\nlast: line"
    assert len(error.frames) == 1
    assert error.exception_text == "ValueError: " + error.message


def test_a_bare_name_a_dotted_name_and_keyboard_interrupt():
    frame = '  File "<stdin>", line 1, in <module>\n'
    assert parse_board_traceback(f"Traceback (most recent call last):\n{frame}StopIteration\n") == BoardError(
        "StopIteration", "", (BoardFrame("<stdin>", 1, "<module>"),)
    )
    dotted = parse_board_traceback(f"Traceback (most recent call last):\n{frame}ure.error: bad pattern\n")
    assert (dotted.name, dotted.message) == ("ure.error", "bad pattern")
    # MicroPython prints Ctrl-C's exception with an empty message after the separator.
    interrupt = parse_board_traceback(f"Traceback (most recent call last):\n{frame}KeyboardInterrupt: \n")
    assert (interrupt.name, interrupt.message, interrupt.exception_text) == (
        "KeyboardInterrupt",
        "",
        "KeyboardInterrupt",
    )


def test_empty_text_and_text_without_an_exception_line_have_no_name():
    assert parse_board_traceback("") == BoardError(None, "")
    assert parse_board_traceback("\n\n") == BoardError(None, "")
    assert parse_board_traceback('  File "<stdin>", line 1\n') == BoardError(None, "", (BoardFrame("<stdin>", 1),))
    assert parse_board_traceback("<exception str() failed>\n") == BoardError(None, "<exception str() failed>")


def test_a_syntax_error_frame_has_no_function():
    error = parse_board_traceback(
        'Traceback (most recent call last):\n  File "<stdin>", line 2\nSyntaxError: invalid syntax\n'
    )
    assert error == BoardError("SyntaxError", "invalid syntax", (BoardFrame("<stdin>", 2),))


def test_a_board_built_without_source_lines_prints_frames_without_line_numbers():
    text = 'Traceback (most recent call last):\n  File "main.py", in run\nOSError: [Errno 19] ENODEV\n'
    assert parse_board_traceback(text) == BoardError(
        "OSError", "[Errno 19] ENODEV", (BoardFrame("main.py", None, "run"),)
    )


def test_circuitpython_tracebacks_including_a_translated_header_and_text_before_it():
    english = (
        "Traceback (most recent call last):\n"
        '  File "code.py", line 5, in <module>\n'
        '  File "adafruit_bus_device/i2c_device.py", line 50, in __init__\n'
        "ValueError: No I2C device at address: 0x3c\n"
    )
    error = parse_board_traceback(english)
    assert (error.name, error.message) == ("ValueError", "No I2C device at address: 0x3c")
    assert [frame.file for frame in error.frames] == ["code.py", "adafruit_bus_device/i2c_device.py"]
    translated = "soft reboot\nRückverfolgung (jüngste Forderung zuletzt):\n" + english.split("\n", 1)[1]
    assert parse_board_traceback(translated) == error


def test_text_before_the_header_is_not_taken_for_the_exception():
    assert parse_board_traceback("output: 1\n" + BOARD).name == "NameError"


def test_exception_name_and_pyboard_exception_read_through_the_parser():
    assert exception_name(BOARD) == parse_board_traceback(BOARD).name == "NameError"
    error = PyboardException(BOARD)
    assert error.exception_name == "NameError"
    assert error.board_error == parse_board_traceback(BOARD)
    assert PyboardException(BOARD, "Other").exception_name == "Other"
