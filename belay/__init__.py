"""The public face: ``from belay import Device`` works as in the Belay library 0.30."""

import belay_jupyter  # noqa: F401 - in a running IPython shell, importing it registers how proxies display
from belay_engine import *  # noqa: F403 - the public API is belay_engine's, re-exported unchanged
from belay_engine import __all__ as _engine_all
from belay_engine import __version__

__all__ = [*_engine_all, "__version__"]


def load_ipython_extension(ipython):
    """``%load_ext belay`` loads the belay_jupyter extension."""
    from belay_jupyter import load_ipython_extension as load

    load(ipython)


def unload_ipython_extension(ipython):
    """``%unload_ext belay`` closes the extension's connections."""
    from belay_jupyter import unload_ipython_extension as unload

    unload(ipython)
