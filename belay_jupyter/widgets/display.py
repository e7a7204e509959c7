"""How a ProxyObject shows in IPython, registered with the shell's display formatter (the engine knows nothing of it).

A proxy displays as its widget view (`proxy_view.ProxyView`) in a kernel with ipywidgets and as its repr
elsewhere. The registration is made by ``%load_ext belay`` and, in a shell that is already running, when
`belay` or `belay_jupyter` is imported, so ``from belay import Device`` in a notebook is enough.
"""

import sys
from typing import Any

from .frontend import widget_frontend

#: Where the engine defines ProxyObject: the formatter finds the class by these names, so registering imports
#: neither the engine nor the widgets.
PROXY_TYPE = ("belay_engine.proxy", "ProxyObject")


def proxy_display(proxy: Any) -> dict:
    """The mime bundle of `proxy`: its widget view with the repr as text in a widget front end, else the repr."""
    if widget_frontend():
        from .proxy_view import proxy_mimebundle

        return proxy_mimebundle(proxy)
    return {"text/plain": repr(proxy)}


def register_proxy_display(shell: Any) -> None:
    """Make `shell` (an IPython InteractiveShell) show proxies with `proxy_display`; registering again is harmless."""
    shell.display_formatter.mimebundle_formatter.for_type_by_name(*PROXY_TYPE, proxy_display)


def register_in_running_shell() -> None:
    """Register with the IPython shell this process runs, if one runs; IPython is never imported for it."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is not None:
        register_proxy_display(shell)
