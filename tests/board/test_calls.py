import io

import pytest

from belay_engine import UNPARSABLE_RESULT, PyboardException
from belay_engine.cells import run_cell
from belay_engine.tracebacks import SourceLocation


def test_expression_value_comes_back_as_a_python_value(device):
    assert device("1 + 1") == 2
    assert device("[i * i for i in range(4)]") == [0, 1, 4, 9]


def test_a_bare_tuple_expression_is_one_value(device):
    assert device("1, 'two'") == (1, "two")
    assert run_cell(device.session, "x = 3\nx, x + 1").value_repr == "(3, 4)"


def test_statements_return_none_and_keep_their_effect(device):
    assert device("x = 21") is None
    assert device("x * 2") == 42


def test_expressions_that_start_with_a_string_survive_minifying(device):
    assert device("'abc'") == "abc"
    assert device("'-'.join(['a', 'b'])") == "a-b"
    assert device("'%d' % 5") == "5"


def test_a_value_that_is_not_a_literal_is_unparsable_unless_trusted(device):
    assert device("bytearray(b'1')") == bytearray(b"1")
    assert device("sys.implementation") is UNPARSABLE_RESULT
    # Reprs that are Python but no literal: only eval on the host can turn them into values.
    device("class Sum:\n def __repr__(self):\n  return 'sum([1, 2, 3])'")
    assert device("range(3)") is UNPARSABLE_RESULT
    assert device("Sum()") is UNPARSABLE_RESULT
    assert device("range(3)", trusted=True) == range(3)
    assert device("Sum()", trusted=True) == 6


#: Native architectures by the arch field of ``sys.implementation._mpy`` (bits 10 and up), as MicroPython's
#: .mpy format documents them.
MPY_ARCHITECTURES = {1: "x86", 2: "x64", 3: "armv6", 4: "armv6m", 5: "armv7m", 6: "armv7em", 7: "armv7emsp"}
MPY_ARCHITECTURES.update({8: "armv7emdp", 9: "xtensa", 10: "xtensawin", 11: "rv32imc", 12: "rv64imc"})


def test_implementation_is_detected_on_connect(device):
    implementation = device.implementation
    mpy = device("sys.implementation._mpy")
    assert implementation.name == device("sys.implementation.name") == "micropython"
    assert implementation.platform == device("sys.platform")
    assert implementation.arch == MPY_ARCHITECTURES[mpy >> 10 & 0xF]
    assert implementation.mpy_version == mpy & 0xFF
    assert implementation.version == device("sys.implementation.version[:3]")
    assert implementation.version >= (1, 20, 0)
    assert set(implementation.emitters) == {"native", "viper"}


def test_convenience_imports_are_available_after_connect(device):
    assert device("Pin.OUT") == device("machine.Pin.OUT")
    assert device("callable(sleep)") is True
    assert device("ADC is machine.ADC and os.sep == '/'") is True
    assert device("'_name' in globals()") is False


def test_printed_output_is_forwarded_in_order_before_the_result(device):
    out = io.StringIO()
    assert device("print('one')\nprint('two', end='')", stream_out=out) is None
    assert out.getvalue() == "one\ntwo"


def test_printed_text_that_looks_like_a_tag_is_output_not_a_result(device):
    out = io.StringIO()
    assert device("print('_BELAYR|5')\nprint('\\x1eR7\\x1f')", stream_out=out) is None
    assert out.getvalue() == "_BELAYR|5\n\x1eR7\x1f\n"


def test_output_is_written_to_stdout_by_default(device, capsys):
    device("print('hello')")
    assert capsys.readouterr().out == "hello\n"


def test_invalid_utf8_from_the_board_is_replaced_not_raised(device):
    out = io.StringIO()
    device("import sys\nsys.stdout.buffer.write(b'a\\xffb')", stream_out=out)
    assert out.getvalue() == "a\ufffdb"


def test_a_board_exception_raises_pyboard_exception_with_the_board_traceback(device):
    with pytest.raises(PyboardException) as info:
        device("1/0")
    assert info.value.exception_name == "ZeroDivisionError"
    assert "ZeroDivisionError" in str(info.value)
    assert device("2 + 2") == 4


def test_a_syntax_error_is_reported_and_the_board_stays_usable(device):
    with pytest.raises(PyboardException, match="SyntaxError"):
        device("def broken(:\n pass")
    assert device("3") == 3


def test_large_code_goes_through_raw_paste(device):
    body = "\n".join(f"v{i} = {i}" for i in range(400))
    device(body + "\n", minify=False)
    assert device("v399") == 399
    assert device.session.repl.raw_paste_supported is True


def test_unknown_keyword_arguments_are_refused(device):
    with pytest.raises(TypeError, match="bogus"):
        device("1", bogus=True)


def test_a_cell_shows_the_repr_of_its_last_expression(device):
    out = io.StringIO()
    result = run_cell(device.session, "x = [1, 2]\nprint('side')\nx + [3]", stream_out=out)
    assert result.value_repr == "[1, 2, 3]"
    assert out.getvalue() == "side\n"


def test_a_cell_ending_in_a_statement_or_none_shows_nothing(device):
    assert run_cell(device.session, "y = 2").value_repr is None
    assert run_cell(device.session, "None").value_repr is None


def test_a_cell_value_that_is_not_a_literal_still_shows_its_repr(device):
    assert run_cell(device.session, "object").value_repr == "<class 'object'>"


def test_a_cell_error_points_at_the_cell_line(device):
    location = SourceLocation("<cell-7>", 1)
    with pytest.raises(PyboardException) as info:
        run_cell(device.session, "a = 1\nb = a / 0\nb", location=location)
    assert 'File "<cell-7>", line 2, in <module>' in str(info.value)
