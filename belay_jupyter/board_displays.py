"""Board code's ``display()``, ``update_display()`` and ``clear_output()`` in IPython: IPython's own display calls.

The engine hands each display call of the board (a `belay_engine.displays.BoardDisplay`) to the handler
registered with it; belay_jupyter registers `ipython_display` from ``%load_ext belay`` and, in a shell that is
already running, when `belay` or `belay_jupyter` is imported. The Belay MicroPython kernel does not need it: it
passes a handler of its own for each cell.
"""

import sys
from typing import Any


def ipython_display(shown: Any) -> None:
    """Show the board's display call `shown` (a BoardDisplay) with IPython's display functions."""
    from IPython.display import clear_output, display, update_display

    from belay_engine.displays import CLEAR, UPDATE_DISPLAY_DATA

    if shown.kind == CLEAR:
        clear_output(wait=shown.wait)
    elif shown.kind == UPDATE_DISPLAY_DATA:
        update_display(shown.data, display_id=shown.display_id, raw=True)
    else:
        display(shown.data, display_id=shown.display_id, raw=True)


def register_board_display() -> None:
    """Show board displays through IPython (engine code run outside a shell keeps printing their text)."""
    from belay_engine.displays import set_display_handler

    set_display_handler(ipython_display)


def register_in_running_shell() -> None:
    """`register_board_display` if this process runs an IPython shell; IPython is never imported for it."""
    ipython = sys.modules.get("IPython")
    if ipython is not None and ipython.get_ipython() is not None:
        register_board_display()
