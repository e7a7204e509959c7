"""The board command for ``device(cmd)``: statements as they are, expressions wrapped to report their value."""

import textwrap
from typing import Any, Optional

from .board_calls import proxy_of, result_of
from .proxy import ProxyObject
from .source import import_names, isexpression


def command_text(
    cmd: Any,
    *,
    proxy: bool,
    clock: Any,
    with_timing: Optional[bool] = None,
    return_time: bool = False,
    **unsupported: Any,
) -> tuple[str, str, tuple[str, ...]]:
    """The board code for `cmd`, its timing (``""``, ``"with_timing"``, ``"return_time"``), and the names it imports.

    An expression is wrapped so its value comes back as a record (a proxy reference with `proxy`); a timed
    command reports the board tick with it (`clock` synchronises first if it must).

    Raises
    ------
    TypeError
        A keyword argument that `Device.__call__` does not take.
    ValueError
        Timing asked for together with `proxy`.
    """
    if unsupported:
        raise TypeError(f"unexpected keyword arguments: {', '.join(sorted(unsupported))}")
    if isinstance(cmd, ProxyObject):
        cmd = object.__getattribute__(cmd, "_belay_target_name")
    cmd = textwrap.dedent(cmd)
    imported = import_names(cmd)
    timed = "return_time" if return_time else "with_timing" if with_timing else ""
    if timed:
        if proxy:
            raise ValueError("return_time and with_timing cannot be combined with proxy=True")
        clock.ensure_synced()
        cmd = clock.timed_call(cmd) if isexpression(cmd) else f"{cmd}\n{clock.timed_call('None')}"
    elif isexpression(cmd):
        cmd = proxy_of(cmd) if proxy else result_of(cmd)
    return cmd, timed, imported
