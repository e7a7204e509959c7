"""The exception tree of belay_engine; Belay 0.30's names are kept so old `except` clauses still match.

::

    BelayException
    ├── ConnectionFailedError            could not open or handshake with the board
    │   ├── ConnectionLost               the link dropped mid-operation (EOF, EIO, process exited)
    │   │   └── EngineLost               the ipyparallel engine driving the board died or stopped answering
    │   ├── AuthenticationError          wrong WebREPL/telnet password; never retried automatically
    │   └── NoAnswerError                the link opened but no REPL answered (also a BoardTimeoutError)
    ├── DeviceNotFoundError              nothing matched; the message lists what was found
    │   └── InsufficientSpecifierError   several boards matched; the message lists them
    ├── PyboardError                     the REPL misbehaved (could not enter the raw REPL, ...)
    │   ├── BoardTimeoutError            also a TimeoutError; says what was awaited and for how long
    │   └── ProtocolError                bytes the protocol cannot explain
    │       └── NotBelayResponseError    a reply that is not in the engine's framing
    ├── PyboardException                 code on the board raised; the message is the board traceback
    ├── FeatureUnavailableError          the board cannot do this (threads on CircuitPython, ...)
    ├── SpecialFunctionNameError         a decorated function uses a reserved name
    ├── MaxHistoryLengthError            reconnect() with a full command history
    ├── NoMatchingExecuterError          no overload for the connected implementation
    └── ConfigError                      invalid configuration (pyproject.toml, BELAY_DEVICE)
"""

from typing import Optional

from .tracebacks import parse_board_traceback


class BelayException(Exception):
    """Root of every error the engine raises on purpose."""


class ConnectionFailedError(BelayException):
    """Opening the link or the handshake with the board failed."""


class ConnectionLost(ConnectionFailedError):
    """The link to the board dropped while an operation was under way."""


class EngineLost(ConnectionLost):
    """The ipyparallel engine that drives a board of a cluster fleet died or stopped answering."""


class AuthenticationError(ConnectionFailedError):
    """The board refused the password."""


class DeviceNotFoundError(BelayException):
    """No board matched the request."""


class InsufficientSpecifierError(DeviceNotFoundError):
    """More than one board matched the request."""


class PyboardError(BelayException):
    """The board's REPL did not behave as the protocol expects."""


class BoardTimeoutError(PyboardError, TimeoutError):
    """The board did not answer in time."""


class NoAnswerError(ConnectionFailedError, BoardTimeoutError):
    """The link opened but the board's REPL did not answer while connecting (a silent socket, a hung board)."""


class ProtocolError(PyboardError):
    """The board sent bytes the protocol cannot explain."""


class NotBelayResponseError(ProtocolError):
    """A reply was not in the engine's framing."""


class PyboardException(BelayException):
    """Code running on the board raised an exception.

    The message (``args[0]``) is the board's traceback, with ``<stdin>`` lines mapped back to the
    host file and line where the code was written.

    Attributes
    ----------
    board_error : BoardError
        The traceback's parts: its frames, the exception's name and message.
    exception_name : str, optional
        The board exception's name (``"ZeroDivisionError"``), if the traceback names one.
    """

    def __init__(self, board_traceback: str, exception_name: Optional[str] = None):
        super().__init__(board_traceback)
        self.board_error = parse_board_traceback(board_traceback)
        self.exception_name = exception_name if exception_name is not None else self.board_error.name

    @property
    def board_traceback(self) -> str:
        """The board's traceback text."""
        return self.args[0]

    def __str__(self) -> str:
        # Belay 0.30 renders the traceback on its own lines, below the exception's name.
        return "\n\n" + str(self.args[0])

    def _render_traceback_(self) -> list[str]:
        # IPython calls this instead of printing host frames: the board traceback is what matters.
        return str(self.args[0]).rstrip("\n").splitlines()


class FeatureUnavailableError(BelayException):
    """The connected board cannot do what was asked."""


class SpecialFunctionNameError(BelayException):
    """A decorated function uses a name reserved for the engine (``_belay*`` or a dunder)."""


class MaxHistoryLengthError(BelayException):
    """The command history is full, so a reconnect cannot replay it faithfully."""


class NoMatchingExecuterError(BelayException):
    """No overload of a method matches the connected board's implementation."""


class ConfigError(BelayException):
    """Configuration is invalid; the message names the file and the field."""


class InternalError(BelayException):
    """The engine reached a state it should never reach; please report it."""


__all__ = [
    "AuthenticationError",
    "BelayException",
    "BoardTimeoutError",
    "ConfigError",
    "ConnectionFailedError",
    "ConnectionLost",
    "DeviceNotFoundError",
    "EngineLost",
    "FeatureUnavailableError",
    "InsufficientSpecifierError",
    "InternalError",
    "MaxHistoryLengthError",
    "NoAnswerError",
    "NoMatchingExecuterError",
    "NotBelayResponseError",
    "ProtocolError",
    "PyboardError",
    "PyboardException",
    "SpecialFunctionNameError",
]
