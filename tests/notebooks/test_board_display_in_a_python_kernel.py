"""Board displays through the IPython extension in a real ipykernel: Jupyter display messages of the calling cell."""

from ..kernel.conftest import execute
from ..kernel.test_kernel_board_display import outputs
from .test_widgets_in_a_kernel import TIMEOUT, python_kernel  # noqa: F401  (the fixture)

TASK = """\
%%belay_task
def measure(n):
    print('measuring')
    display(n, display_id='reading')
    update_display(n + 1, display_id='reading')
    clear_output(wait=True)
    print('done')
    return n
"""


def test_a_task_s_displays_are_display_messages_of_the_cell_calling_it(python_kernel):  # noqa: F811
    _, client = python_kernel
    execute(client, TASK, TIMEOUT)
    reply, messages = execute(client, "value = measure(1)", TIMEOUT)
    assert reply["content"]["status"] == "ok"
    assert outputs(messages) == [
        ("stream", "measuring\n"),
        ("display_data", {"text/plain": "1"}, "reading"),
        ("update_display_data", {"text/plain": "2"}, "reading"),
        ("clear_output", True),
        ("stream", "done\n"),
    ]
