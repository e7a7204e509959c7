"""User errors in a magic shown as one line (IPython's UsageError) instead of a chained host traceback."""

import functools
from typing import Any, Callable

from IPython.core.error import UsageError

from belay_engine.commands import USER_ERRORS, user_message
from belay_engine.errors import PyboardException


def short_errors(method: Callable) -> Callable:
    """Turn a user error raised by `method` into a `UsageError` with its message (``%tb`` still shows the rest).

    Board exceptions pass through: they render as the board's mapped traceback by themselves.
    """

    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except PyboardException:
            raise
        except UsageError:
            raise
        except USER_ERRORS as error:
            raise UsageError(user_message(error)) from error

    return wrapper


def with_short_errors(magics_class: type) -> type:
    """Wrap every magic of a ``@magics_class`` class in `short_errors`."""
    for kind in ("line", "cell"):
        for method_name in set(magics_class.magics[kind].values()):
            setattr(magics_class, method_name, short_errors(getattr(magics_class, method_name)))
    return magics_class
