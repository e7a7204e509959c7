"""Argument bundles shared by the magics."""

from IPython.core.magic_arguments import argument

device_argument = argument("--device", "-d", default=None, help="Name of the device to use (default: the current one).")
