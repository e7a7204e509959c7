"""Device's evaluation of code given as text: ``device(cmd)`` and ``device.proxy(cmd)``."""

import textwrap
import time
from typing import Any, Optional, TextIO, Union

from .board_calls import proxy_of, proxy_of_name, result_of
from .minify import minify as minify_code
from .proxy import ProxyObject, ProxyReference
from .replies import NO_RESULT
from .source import import_names, isexpression


def command_text(
    cmd: Any,
    *,
    proxy: bool,
    clock: Any,
    with_timing: Optional[bool] = None,
    return_time: bool = False,
    **unsupported: Any,
) -> tuple[str, str, tuple[str, ...]]:
    """The board code for `cmd`, its timing (``""``, ``"with_timing"``, ``"return_time"``), and the names it imports.

    An expression is wrapped so its value comes back as a record (a proxy reference with `proxy`); a timed
    command reports the board tick with it (`clock` synchronises first if it must).

    Raises
    ------
    TypeError
        A keyword argument that `Device.__call__` does not take.
    ValueError
        Timing asked for together with `proxy`.
    """
    if unsupported:
        raise TypeError(f"unexpected keyword arguments: {', '.join(sorted(unsupported))}")
    if isinstance(cmd, ProxyObject):
        cmd = object.__getattribute__(cmd, "_belay_target_name")
    cmd = textwrap.dedent(cmd)
    imported = import_names(cmd)
    timed = "return_time" if return_time else "with_timing" if with_timing else ""
    if timed:
        if proxy:
            raise ValueError("return_time and with_timing cannot be combined with proxy=True")
        clock.ensure_synced()
        cmd = clock.timed_call(cmd) if isexpression(cmd) else f"{cmd}\n{clock.timed_call('None')}"
    elif isexpression(cmd):
        cmd = proxy_of(cmd) if proxy else result_of(cmd)
    return cmd, timed, imported


class EvaluationMethods:
    """Running code given as text, the side of `Device` (a base class of it) that Belay 0.30 scripts call most."""

    def __call__(
        self,
        cmd: Union[str, ProxyObject],
        *,
        minify: bool = True,
        stream_out: Optional[TextIO] = None,
        record: bool = True,
        trusted: bool = False,
        proxy: bool = False,
        delete: Optional[bool] = None,
        **unsupported: Any,
    ) -> Any:
        """Run code on the board; the value of an expression comes back as a Python value.

        Parameters
        ----------
        cmd : str or ProxyObject
            Statements or one expression; a ProxyObject fetches the value of its board object.
        minify : bool
            Shrink the code before sending (line numbers are kept).
        stream_out : TextIO, optional
            Where board output goes as it arrives; default ``sys.stdout`` at the time of the call.
        record : bool
            Keep the command in the history replayed by `reconnect`.
        trusted : bool
            Evaluate reprs that are not literals with `eval` (a security risk: the board runs code on the host).
        proxy : bool
            Return a `ProxyObject` for values that are not plain immutables.
        delete : bool, optional
            Whether such a proxy deletes its board object when garbage collected.

        Returns
        -------
        Any
            The expression's value; None for statements.

        Raises
        ------
        PyboardException
            The code raised on the board; the message holds the board traceback.
        """
        cmd, timed, imported = command_text(cmd, proxy=proxy, clock=self._clock, **unsupported)
        if minify:
            cmd = minify_code(cmd)
        sent_at = time.time()
        result = self.run_recorded(cmd, record=record, stream_out=stream_out, trusted=trusted)
        if timed:
            value, stamp = self._clock.stamped(result, sent_at)
            return (value, stamp) if timed == "return_time" else value
        if isinstance(result, ProxyReference):
            return ProxyObject(self, result.target, delete=True if delete is None else delete)
        if proxy and result is NO_RESULT:
            if not imported:
                raise NotImplementedError("proxy=True needs an expression or an import statement")
            proxies = tuple(self._proxy_name(name) for name in imported)
            return proxies[0] if len(proxies) == 1 else proxies
        return None if result is NO_RESULT else result

    def proxy(self, cmd: str, delete: Optional[bool] = None) -> Union[ProxyObject, tuple]:
        """A `ProxyObject` for a board global (no round trip), or for the value of an expression or import.

        Parameters
        ----------
        cmd : str
            A global name, an expression (a new board object) or an import statement.
        delete : bool, optional
            Delete the board object when the proxy is garbage collected (default: only for expressions).
        """
        if cmd.isidentifier():
            return ProxyObject(self, cmd, delete=False if delete is None else delete)
        return self(cmd, proxy=True, delete=delete, record=False)

    def _proxy_name(self, name: str) -> Any:
        value = self.session.run(proxy_of_name(name))
        return ProxyObject(self, name, delete=False) if isinstance(value, ProxyReference) else value
