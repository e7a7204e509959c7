"""Argument bundles shared by the magics."""

from IPython.core.magic_arguments import argument

device_argument = argument("--device", "-d", default=None, help="Name of the device to use (default: the current one).")


def doc_from(command):
    """Give a magic the summary of the command it runs as its docstring (before ``magic_arguments`` reads it)."""
    from belay_engine.commands.docs import summary

    def decorate(magic):
        magic.__doc__ = summary(command)
        return magic

    return decorate
