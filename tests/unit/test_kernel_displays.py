"""The kernel's display messages, made without a running kernel: content, transient id, parent, topic."""

from belay_engine.displays import CLEAR, DISPLAY_DATA, UPDATE_DISPLAY_DATA, BoardDisplay
from belay_jupyter.kernel.kernel import _DisplaysToFrontend


class _Session:
    def __init__(self):
        self.sent = []

    def send(self, socket, msg_type, content, parent=None, ident=None):
        self.sent.append((socket, msg_type, content, parent, ident))


class _Kernel:
    """What the display handler uses of a kernel."""

    iopub_socket = "iopub"

    def __init__(self):
        self.session = _Session()

    def get_parent(self, channel):
        return {"header": {"msg_id": f"current {channel} request"}}

    def _topic(self, topic):
        return f"kernel.test.{topic}".encode()


def test_display_update_and_clear_content_with_the_cell_s_parent_and_topic():
    kernel = _Kernel()
    send = _DisplaysToFrontend(kernel)
    send(BoardDisplay(DISPLAY_DATA, {"text/plain": "1"}))
    send(BoardDisplay(UPDATE_DISPLAY_DATA, {"text/plain": "2"}, "r"))
    send(BoardDisplay(CLEAR, wait=True))
    parent = {"header": {"msg_id": "current shell request"}}
    assert kernel.session.sent == [
        ("iopub", "display_data", {"data": {"text/plain": "1"}, "metadata": {}, "transient": {}}, parent,
         b"kernel.test.display_data"),
        ("iopub", "update_display_data",
         {"data": {"text/plain": "2"}, "metadata": {}, "transient": {"display_id": "r"}}, parent,
         b"kernel.test.update_display_data"),
        ("iopub", "clear_output", {"wait": True}, parent, b"kernel.test.clear_output"),
    ]  # fmt: skip
