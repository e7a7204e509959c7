"""Whether the running front end can show widgets: an ipykernel with ipywidgets importable."""


def widget_frontend() -> bool:
    """True inside an ipykernel (IPython's shell has a ``kernel``) where ipywidgets imports."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None or getattr(shell, "kernel", None) is None:
        return False
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return False
    return True
