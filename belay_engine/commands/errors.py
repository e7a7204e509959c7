"""Which errors are the user's to fix (shown as one short message) and what that message says."""

from ..errors import BelayException, PyboardException

#: Errors a user causes and can fix: a bad port, a wrong password, a missing file, code that raised on the board.
USER_ERRORS = (BelayException, OSError, ValueError)


def user_message(error: BaseException) -> str:
    """The short text for `error`: the board's (mapped) traceback for board exceptions, else the message."""
    if isinstance(error, PyboardException):
        return str(error.board_traceback).rstrip("\n")
    text = str(error).strip() or type(error).__name__
    if isinstance(error, OSError) and not isinstance(error, BelayException) and error.filename:
        text = f"{error.strerror or text}: {error.filename}"
    return text
