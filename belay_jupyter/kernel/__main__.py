"""``python -m belay_jupyter.kernel install [--user|--sys-prefix|--prefix P]``, otherwise launch the kernel."""

import argparse
import sys


def _install(argv: list[str]) -> None:
    from .install import install

    parser = argparse.ArgumentParser(prog="python -m belay_jupyter.kernel install", description=install.__doc__)
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--user", action="store_true", help="install for the current user")
    where.add_argument("--sys-prefix", action="store_true", help="install into this Python's prefix")
    where.add_argument("--prefix", help="install under this prefix")
    args = parser.parse_args(argv)
    prefix = sys.prefix if args.sys_prefix else args.prefix
    print(f"Installed the Belay MicroPython kernel spec in {install(user=args.user, prefix=prefix)}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["install"]:
        _install(sys.argv[2:])
    else:
        from ipykernel.kernelapp import IPKernelApp

        from .kernel import BelayKernel

        IPKernelApp.launch_instance(kernel_class=BelayKernel)
