"""%plot in a real kernel: a board generator drawn live, stopped by Stop or an interrupt, its values saved as CSV."""

import base64
import csv

import pytest

from .test_kernel_background import Inbox

GENERATORS = """
import os, time
def squares(n):
    for i in range(n):
        yield i * i
def forever():
    try:
        i = 0
        while True:
            yield {'i': i, 'half': i / 2}
            i += 1
            time.sleep_ms(5)
    finally:
        open('/plot-finally', 'w').close()
def after_go():
    print('waiting for go')
    while 'go' not in os.listdir('/'):
        time.sleep_ms(5)
    yield 1
"""


@pytest.fixture
def inbox(kernel):
    box = Inbox(kernel[1])
    reply, _ = box.run(GENERATORS)
    assert reply["content"]["status"] == "ok", reply["content"]
    return box


def displays(inbox, msg_id, msg_type="display_data"):
    return [m["content"] for m in inbox.by_parent[msg_id] if m["msg_type"] == msg_type]


def updates(inbox, display_id):
    """The update_display_data contents for `display_id`, whatever their parent."""
    return [
        m["content"]
        for messages in list(inbox.by_parent.values())
        for m in messages
        if m["msg_type"] == "update_display_data" and m["content"]["transient"]["display_id"] == display_id
    ]


def test_plot_draws_a_widget_and_an_image_then_the_final_image_and_saves_the_values(inbox, tmp_path):
    reply, cell = inbox.run("%plot squares(30) --window 10 --fps 5")
    assert reply["content"]["status"] == "ok", reply["content"]
    (shown,) = displays(inbox, cell)
    assert {"application/vnd.jupyter.widget-view+json", "image/png", "text/plain"} <= set(shown["data"])
    assert base64.b64decode(shown["data"]["image/png"]).startswith(b"\x89PNG")
    # The widget's models were opened through the kernel's comms, before the view that shows them.
    model_id = shown["data"]["application/vnd.jupyter.widget-view+json"]["model_id"]
    opened = [m["content"]["comm_id"] for m in inbox.by_parent[cell] if m["msg_type"] == "comm_open"]
    assert model_id in opened
    display_id = shown["transient"]["display_id"]
    inbox.wait_for(lambda: updates(inbox, display_id), "the final image")
    assert updates(inbox, display_id)[-1]["data"]["text/plain"] == "<StreamPlot finished: 30 values>"
    target = tmp_path / "squares.csv"
    reply, saved = inbox.run(f"%plot --save {target}")
    assert reply["content"]["status"] == "ok", reply["content"]
    assert "Saved 30 values" in inbox.text(saved)
    rows = list(csv.reader(target.open()))
    assert rows[0] == ["sample", "value"]
    assert rows[1:] == [[str(i), str(i * i)] for i in range(30)]


def test_an_interrupt_while_no_cell_runs_stops_the_plot_and_the_board_stays_usable(kernel, inbox, board_folder):
    manager, _ = kernel
    reply, cell = inbox.run("%plot forever()")
    assert reply["content"]["status"] == "ok", reply["content"]
    display_id = displays(inbox, cell)[0]["transient"]["display_id"]
    manager.interrupt_kernel()
    inbox.wait_for(lambda: updates(inbox, display_id), "the plot to end")
    assert updates(inbox, display_id)[-1]["data"]["text/plain"].startswith("<StreamPlot stopped:")
    assert (board_folder / "plot-finally").exists()  # the board's generator was closed, its finally ran
    reply, after = inbox.run("21 * 2")
    results = [m["content"]["data"]["text/plain"] for m in inbox.by_parent[after] if m["msg_type"] == "execute_result"]
    assert (reply["content"]["status"], results) == ("ok", ["42"])
    reply, _ = inbox.run(f"%plot --save {board_folder / 'forever.csv'}")
    assert reply["content"]["status"] == "ok"
    rows = list(csv.reader((board_folder / "forever.csv").open()))
    assert rows[0] == ["sample", "i", "half"]
    assert [row[1] for row in rows[1:]] == [str(i) for i in range(len(rows) - 1)]


def test_an_interrupt_while_plot_waits_for_the_first_value_stops_it_and_the_board_stays_usable(kernel, inbox):
    manager, client = kernel
    msg_id = client.execute("%plot after_go()", stop_on_error=False)
    # Interrupted once the board runs the generator: an interrupt that comes before ipykernel has called the
    # kernel's do_execute is lost (ipykernel logs "KeyboardInterrupt caught in kernel"), whatever the cell.
    inbox.wait_for(lambda: "waiting for go" in inbox.text(msg_id), "the board's generator to start")
    manager.interrupt_kernel()
    inbox.wait_for(lambda: inbox.idle(msg_id), "the interrupted cell to end")
    errors = [m["content"]["ename"] for m in inbox.by_parent[msg_id] if m["msg_type"] == "error"]
    assert errors == ["KeyboardInterrupt"]
    _, after = inbox.run("print('usable')")
    assert inbox.text(after) == "usable\n"


def test_the_stop_button_stops_the_plot(inbox, board_folder):
    reply, cell = inbox.run("%plot forever()")
    assert reply["content"]["status"] == "ok", reply["content"]
    display_id = displays(inbox, cell)[0]["transient"]["display_id"]
    (stop,) = [
        m["content"]["comm_id"]
        for m in inbox.by_parent[cell]
        if m["msg_type"] == "comm_open" and m["content"]["data"]["state"].get("description") == "Stop"
    ]
    message = inbox.client.session.msg(
        "comm_msg", {"comm_id": stop, "data": {"method": "custom", "content": {"event": "click"}}}
    )
    inbox.client.shell_channel.send(message)
    inbox.wait_for(lambda: updates(inbox, display_id), "the plot to stop")
    assert updates(inbox, display_id)[-1]["data"]["text/plain"].startswith("<StreamPlot stopped:")
    assert (board_folder / "plot-finally").exists()


def saved_count(inbox):
    """How many values the last plot has so far (from %plot --save)."""
    _, saved = inbox.run("%plot --save /dev/null")
    return int(inbox.text(saved).split()[1])


def test_cells_run_while_the_plot_draws_and_the_plot_goes_on_after_them(kernel, inbox):
    manager, _ = kernel
    _, cell = inbox.run("%plot forever()")
    display_id = displays(inbox, cell)[0]["transient"]["display_id"]
    _, other = inbox.run("print('between')")
    assert inbox.text(other) == "between\n"
    first = saved_count(inbox)
    inbox.wait_for(lambda: saved_count(inbox) > first, "more values after the cells")
    assert not updates(inbox, display_id)  # still live
    manager.interrupt_kernel()
    inbox.wait_for(lambda: updates(inbox, display_id), "the plot to end")


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("%plot no_such_generator(3)", "NameError"),
        ("%plot 5", "TypeError"),
        ("%plot (x for x in [])", "MagicError"),
        ("%plot", "MagicError"),
        ("%plot --save /tmp/x.csv squares(3)", "MagicError"),
        ("%plot squares(3) --window zero", "MagicError"),
    ],
)
def test_a_plot_that_cannot_start_is_an_error_of_its_cell(inbox, line, error):
    reply, _ = inbox.run(line)
    assert (reply["content"]["status"], reply["content"]["ename"]) == ("error", error)
