"""One plain function per user action, each returning a small result whose text every front end shows.

The ``belay`` CLI, the IPython magics and the kernel's ``%`` lines are adapters over these functions and take
their help from these docstrings.
"""

from .connection import BoardInfo, Connected, ResetDone, connect, describe_board, info, reset
from .errors import USER_ERRORS, user_message
from .file_commands import Copied, FileContents, Listing, Removed, Synced, cat, get, ls, put, rm, sync
from .running import Evaluated, Latency, RanFile, execute, latency, run_file, timeit

__all__ = [
    "USER_ERRORS",
    "BoardInfo",
    "Connected",
    "Copied",
    "Evaluated",
    "FileContents",
    "Latency",
    "Listing",
    "RanFile",
    "Removed",
    "ResetDone",
    "Synced",
    "cat",
    "connect",
    "describe_board",
    "execute",
    "get",
    "info",
    "latency",
    "ls",
    "put",
    "reset",
    "rm",
    "run_file",
    "sync",
    "timeit",
    "user_message",
]
