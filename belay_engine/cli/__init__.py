"""The ``belay`` command line (``belay --help``, ``python -m belay``), an adapter over `belay_engine.commands`."""

from .app import app, main

__all__ = ["app", "main"]
