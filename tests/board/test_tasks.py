import io

import pytest

from belay_engine import NoMatchingExecuterError, PyboardException, SpecialFunctionNameError


def test_task_runs_on_the_board_and_returns_its_value(device):
    @device.task
    def add(a, b=10):
        return a + b

    assert add(1, 2) == 3
    assert add(5) == 15
    assert add(a=1, b=-1) == 0
    assert device("add(2, 2)") == 4  # the function really lives on the board


def test_task_is_registered_on_the_decorator(device):
    @device.task
    def double(x):
        return 2 * x

    assert device.task.double(4) == 8


def test_task_with_options_in_called_form(device):
    @device.task(minify=False, trusted=True)
    def make():
        return bytearray(b"xy") + bytearray(b"xy")

    assert make() == bytearray(b"xyxy")


def test_task_output_streams_to_stdout_in_order(device, capsys):
    @device.task
    def chatty():
        print("first")
        print("second", end="")
        return 7

    assert chatty() == 7
    assert capsys.readouterr().out == "first\nsecond"


def test_task_output_without_newline_does_not_swallow_the_result(device, capsys):
    @device.task
    def partial():
        print("abc", end="")
        return 5

    assert partial() == 5
    assert capsys.readouterr().out == "abc"


def test_task_docstrings_and_comments_are_no_problem(device):
    @device.task
    def documented(x):
        """Docstring that the minifier may drop."""
        # a comment
        text = "%d items" % x
        return text

    assert documented(3) == "3 items"


def test_task_exception_points_at_the_host_file_and_line(device):
    @device.task
    def fails():
        x = 1
        return undefined_name + x

    with pytest.raises(PyboardException) as info:
        fails()
    message = str(info.value)
    line = fails.__wrapped__.__code__.co_firstlineno + 3
    assert f'File "{__file__}", line {line}, in fails' in message
    assert "return undefined_name + x" in message
    assert "NameError" in message


def test_reserved_names_are_refused(device):
    with pytest.raises(SpecialFunctionNameError):

        @device.task
        def _belay_mine():
            return 1


def test_task_for_another_implementation_raises_when_called(device):
    @device.task(implementation="circuitpython")
    def only_there():
        return 1

    with pytest.raises(NoMatchingExecuterError):
        only_there()


def test_setup_runs_the_body_in_global_context_with_arguments_as_globals(device):
    @device.setup
    def configure(pin_number, label="led"):
        from machine import Pin

        led = Pin(pin_number, Pin.OUT)
        name = label

    configure(25)
    assert device("name") == "led"
    assert device("pin_number") == 25
    assert device("isinstance(led, Pin)") is True


def test_setup_error_points_at_the_host_line_of_the_body(device):
    @device.setup
    def broken(value):
        ok = value
        raise ValueError("bad setup")

    with pytest.raises(PyboardException) as info:
        broken(1)
    line = broken.__wrapped__.__code__.co_firstlineno + 3
    assert f'File "{__file__}", line {line}, in <module>' in str(info.value)


def test_setup_with_ignore_errors_swallows_board_exceptions(device):
    @device.setup(ignore_errors=True)
    def noisy():
        raise RuntimeError("ignored")

    assert noisy() is None


def test_setup_refuses_generators(device):
    with pytest.raises(ValueError, match="generators"):

        @device.setup
        def gen():
            yield 1


def test_setup_with_autoinit_runs_immediately(device):
    @device.setup(autoinit=True)
    def ready():
        booted = True

    assert device("booted") is True


def test_teardown_runs_when_the_device_closes(board_root):
    from belay_engine import Device

    with Device(f"virtual:{board_root}") as device:

        @device.teardown
        def goodbye():
            with open("bye.txt", "w") as f:
                f.write("closed")

    assert (board_root / "bye.txt").read_text() == "closed"


def test_teardown_refuses_parameters(device):
    with pytest.raises(ValueError, match="arguments"):

        @device.teardown
        def bad(x):
            pass


def test_thread_runs_concurrently_on_the_board(device):
    @device.thread
    def worker(n):
        global done
        total = 0
        for i in range(n):
            total += i
        done = total

    device("done = None")
    worker(100)
    device("import time\nfor _ in range(200):\n if done is not None: break\n time.sleep_ms(5)")
    assert device("done") == sum(range(100))


def test_output_of_a_task_can_be_captured_with_a_host_stream(device):
    out = io.StringIO()
    device("print('captured')", stream_out=out)
    assert out.getvalue() == "captured\n"
