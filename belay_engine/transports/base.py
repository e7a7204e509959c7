"""The Transport interface: a byte pipe to one board that knows nothing about REPLs."""

import abc
from typing import Optional


class Transport(abc.ABC):
    """A byte pipe to one board.

    Implementations raise `ConnectionFailedError` when opening fails and `ConnectionLost` afterwards,
    chaining the library's exception with ``raise ... from exc``. There is deliberately no
    ``in_waiting``: callers block in `read` with a timeout instead of polling.
    """

    #: Short human description of the link, used in error messages ("virtual board /tmp/x", "/dev/ttyACM0").
    description: str = "board"
    #: False where a soft reset ends the link itself (a board's WebREPL or telnet server is Python code that the
    #: reset stops), so connecting does not soft-reset such boards, as Belay 0.30 does not.
    survives_soft_reset: bool = True

    @abc.abstractmethod
    def read(self, max_bytes: int, timeout: Optional[float]) -> bytes:
        """Return 1 to `max_bytes` bytes as soon as any arrive.

        Parameters
        ----------
        max_bytes : int
            Upper bound on the bytes returned.
        timeout : float or None
            Seconds to wait for the first byte; ``None`` waits indefinitely.

        Returns
        -------
        bytes
            The bytes read, or ``b""`` after `timeout` seconds of silence.

        Raises
        ------
        ConnectionLost
            The link closed or failed.
        """

    @abc.abstractmethod
    def write(self, data: bytes) -> None:
        """Send all of `data`.

        Raises
        ------
        ConnectionLost
            The link closed or failed.
        """

    @abc.abstractmethod
    def close(self) -> None:
        """Release the link; a second call does nothing."""

    def __enter__(self) -> "Transport":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.description}>"
