"""display(), update_display() and clear_output() on the board: installed by the engine, shown by the host."""

import pytest

from belay_engine import Device, displays
from belay_engine.displays import CLEAR, DISPLAY_DATA, UPDATE_DISPLAY_DATA, BoardDisplay


@pytest.fixture
def no_handler(monkeypatch):
    """No front end registered (an IPython shell of the test session may have registered one): a terminal."""
    monkeypatch.setattr(displays, "_handler", None)


def test_without_a_front_end_a_task_s_displays_print_their_text_in_order(device, no_handler, capsys):
    @device.task
    def report(level):
        print("level:")
        display(level, display_id="gauge")
        update_display(level + 1, display_id="gauge")
        clear_output()
        display("done")
        return level

    assert report(3) == 3
    assert capsys.readouterr().out == "level:\n3\n4\n'done'\n"  # an update prints the new text; clear nothing


def test_displays_of_a_task_called_again_and_again_arrive_every_time(device, monkeypatch):
    # Repeated calls go through the board's resident call dispatcher: its replies carry the displays too.
    shown = []
    monkeypatch.setattr(displays, "_handler", shown.append)

    @device.task
    def gauge(level):
        display(level, display_id="g")
        return level

    assert [gauge(level) for level in range(5)] == list(range(5))
    assert [(item.kind, item.data["text/plain"]) for item in shown] == [(DISPLAY_DATA, str(n)) for n in range(5)]


def test_a_handler_given_to_the_run_gets_the_displays_between_the_printed_text(device):
    shown = []

    class Text:
        def write(self, text):
            shown.append(text)

    device.session.run(
        "print('a')\ndisplay(1, 'x', display_id=5)\nprint('b')\nupdate_display([2], display_id=5)\nclear_output(True)",
        stream_out=Text(),
        on_display=shown.append,
    )
    # Printed text arrives in writes of any length: adjacent ones are joined.
    merged = []
    for item in shown:
        if type(item) is str and merged and type(merged[-1]) is str:
            merged[-1] += item
        else:
            merged.append(item)
    assert merged == [
        "a\n",
        BoardDisplay(DISPLAY_DATA, {"text/plain": "1"}, "5"),
        BoardDisplay(DISPLAY_DATA, {"text/plain": "'x'"}, "5"),
        "b\n",
        BoardDisplay(UPDATE_DISPLAY_DATA, {"text/plain": "[2]"}, "5"),
        BoardDisplay(CLEAR, wait=True),
    ]


def test_the_registered_handler_is_used_when_the_run_gives_none(device, monkeypatch):
    shown = []
    monkeypatch.setattr(displays, "_handler", shown.append)
    device("display('registered')")
    assert shown == [BoardDisplay(DISPLAY_DATA, {"text/plain": "'registered'"})]


def test_the_names_are_builtins_that_a_user_s_own_hides_and_modules_on_the_board_see(device, no_handler, capsys):
    assert device("'display' in globals() or 'clear_output' in globals()") is False
    device("display = 'my OLED'")
    assert device("display") == "my OLED"
    device("del display")
    device.session.run("open('shows.py', 'w').write('def show(x):\\n    display(x)\\n')\nimport shows\nshows.show(9)")
    assert capsys.readouterr().out == "9\n"


def test_displays_work_again_after_a_soft_reset(device, no_handler, capsys):
    device.soft_reset()
    device("display('again')")
    assert capsys.readouterr().out == "'again'\n"


#: Heap the parts imported on first use hold once a display needs them (value_pieces.py and display.py), by how the
#: board keeps them: as source, which it compiles, or as .mpy, whose bytecode and tables take more RAM (measured:
#: 1 952 / 2 208 B on the 64-bit virtual board).
LAZY_PARTS_HEAP_BUDGET = {"source": 2304, "mpy": 2560}


@pytest.mark.parametrize("form", ["source", "mpy"])
@pytest.mark.parametrize("first", ["display(1)", "update_display(1, display_id='a')", "clear_output()"])
def test_the_display_helpers_hold_no_heap_until_board_code_first_shows_something(monkeypatch, form, first):
    import belay_engine.helper_install as helper_install

    if form == "source":
        monkeypatch.setattr(helper_install, "find_mpy_cross", lambda: None)
    elif helper_install.find_mpy_cross() is None:
        pytest.skip("no mpy-cross on this host")
    free = "import gc\ngc.collect()\n_belay.r(gc.mem_free())"
    shown = []
    monkeypatch.setattr(displays, "_handler", shown.append)
    with Device("virtual:") as device:
        assert device.session.helpers_kept
        assert device("[hasattr(_belay, n) for n in ('e', 'display', 'clear_output')]") == [False] * 3
        before = device.session.run(free)
        device(f"{first} or 0")  # the forwarder in builtins imports the part, then shows
        after = device.session.run(free)
        assert device("[hasattr(_belay, n) for n in ('e', 'display', 'clear_output')]") == [True] * 3
        device("display(2)")  # from now on the real one, put in builtins in the forwarder's place
        assert device("display is _belay.display")
    assert len(shown) == 2
    assert shown[-1] == BoardDisplay(DISPLAY_DATA, {"text/plain": "2"}, None)
    assert 0 < before - after <= LAZY_PARTS_HEAP_BUDGET[form]


def test_a_lockstep_generator_task_s_displays_arrive_between_its_values(device, monkeypatch):
    shown = []
    monkeypatch.setattr(displays, "_handler", shown.append)

    @device.task
    def scaled(n):
        factor = 1
        for i in range(n):
            display(i * factor, display_id="now")
            factor = (yield i) or factor

    values = scaled(3)
    assert next(values) == 0
    assert values.send(10) == 1
    assert shown == [BoardDisplay(DISPLAY_DATA, {"text/plain": text}, "now") for text in ("0", "10")]
    values.close()


def test_a_generator_task_s_displays_arrive_between_its_values(device, monkeypatch):
    shown = []
    monkeypatch.setattr(displays, "_handler", shown.append)

    @device.task
    def readings(n):
        for i in range(n):
            display(i, display_id="now")
            yield i

    assert list(readings(2)) == [0, 1]
    assert shown == [BoardDisplay(DISPLAY_DATA, {"text/plain": str(i)}, "now") for i in range(2)]
