"""CellOutput: IOPub messages into one cell's output area, from any thread, also after the cell has ended.

A live plot or a background job keeps showing its output in the cell that started it while other cells run:
every message carries that cell's parent header (the front end files output by its parent's message id).
"""

import base64
import threading
from typing import Any, Optional

#: MIME types whose values are bytes in a bundle and travel base64-encoded in JSON.
_BINARY = ("image/png", "image/jpeg")


def json_bundle(bundle: dict) -> dict:
    """`bundle` with binary values (PNG bytes) base64-encoded, as the messaging spec wants them."""
    return {
        mime: base64.b64encode(value).decode("ascii") if mime in _BINARY and isinstance(value, bytes) else value
        for mime, value in bundle.items()
    }


class CellOutput:
    """Stream, display and error messages with the parent header of the cell that made this object.

    Parameters
    ----------
    kernel : ipykernel.kernelbase.Kernel
        The kernel whose session and IOPub socket send the messages.
    parent : dict, optional
        The cell's execute_request; by default the request the kernel handles now.
    """

    def __init__(self, kernel: Any, parent: Optional[dict] = None):
        self.kernel = kernel
        self.parent = parent if parent is not None else kernel.get_parent("shell")
        # Session.send signs with one HMAC and the IOPub socket queues to its thread: one sender at a time
        # keeps this cell's messages in the order they were written.
        self._lock = threading.Lock()

    @property
    def msg_id(self) -> Optional[str]:
        """The message id of the cell's request (what the front end files its output under)."""
        return self.parent.get("header", {}).get("msg_id")

    def send(self, msg_type: str, content: dict) -> None:
        """Send one IOPub message with the cell's parent header."""
        kernel = self.kernel
        if kernel.session is None:
            return  # the kernel is shutting down
        with self._lock:
            kernel.session.send(
                kernel.iopub_socket, msg_type, content, parent=self.parent, ident=kernel._topic(msg_type)
            )

    def write(self, text: str, name: str = "stdout") -> None:
        """Print `text` in the cell (a text stream's write)."""
        if text:
            self.send("stream", {"name": name, "text": text})

    def flush(self) -> None:
        """Nothing is buffered."""

    def display(self, bundle: dict, display_id: Optional[str] = None, update: bool = False) -> None:
        """Show `bundle` in the cell; with `update`, replace what was shown under `display_id` wherever it is."""
        content: dict = {"data": json_bundle(bundle), "metadata": {}, "transient": {}}
        if display_id is not None:
            content["transient"]["display_id"] = display_id
        self.send("update_display_data" if update else "display_data", content)

    def error(self, name: str, value: str, traceback: list[str]) -> None:
        """Show an error in the cell (a traceback, as an error reply's content)."""
        self.send("error", {"ename": name, "evalue": value, "traceback": traceback})
