"""What the running front end can show: widgets in an ipykernel, text only in terminal IPython."""

from typing import Any


def _shell() -> Any:
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def widget_frontend() -> bool:
    """True inside an ipykernel (IPython's shell has a ``kernel``) where ipywidgets imports."""
    shell = _shell()
    if shell is None or getattr(shell, "kernel", None) is None:
        return False
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return False
    return True


def terminal_ipython() -> bool:
    """True in terminal IPython: a shell without a kernel, so neither widgets nor images are shown."""
    shell = _shell()
    return shell is not None and getattr(shell, "kernel", None) is None


def execution_count() -> Any:
    """The running IPython shell's execution count, or None outside IPython."""
    shell = _shell()
    return None if shell is None else shell.execution_count
