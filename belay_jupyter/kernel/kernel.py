"""BelayKernel: a thin ipykernel adapter; every board action is one call into belay_engine."""

import contextlib
import linecache
import signal
import threading
import traceback
from typing import Any, ClassVar, Optional

from ipykernel.kernelbase import Kernel
from IPython.core.inputtransformer2 import TransformerManager
from traitlets import Unicode

from belay_engine import BelayException, ConnectionFailedError, Device, PyboardError, PyboardException, commands
from belay_engine.cells import run_cell
from belay_engine.displays import CLEAR, BoardDisplay
from belay_engine.tracebacks import SourceLocation

from .background import BackgroundJobs
from .completion import completion_request, name_at
from .exit_request import ExitRequest, exit_request
from .kernel_magics import KernelMagics, MagicError
from .plot import KernelPlots, setup_comms
from .traceback_view import RED, RESET, render_traceback

__version__ = "0.1.0"


class _StreamToFrontend:
    """A text stream that sends each write as a Jupyter `stream` message at once."""

    def __init__(self, kernel: Kernel, name: str = "stdout"):
        self._kernel, self._name = kernel, name

    def write(self, text: str) -> None:
        if text:
            self._kernel.send_response(self._kernel.iopub_socket, "stream", {"name": self._name, "text": text})

    def flush(self) -> None:
        """Nothing is buffered."""


class _DisplaysToFrontend:
    """Sends the board's display calls of one cell as Jupyter display messages, in that cell's output area.

    The cell is the `parent` request, by default the one handled when the handler is made: a display made
    later (by a background job) still lands in that cell.
    """

    def __init__(self, kernel: Kernel, parent: Optional[dict] = None):
        self._kernel = kernel
        self._parent = parent if parent is not None else kernel.get_parent("shell")

    def __call__(self, shown: BoardDisplay) -> None:
        if shown.kind == CLEAR:
            content: dict = {"wait": shown.wait}
        else:
            content = {"data": shown.data, "metadata": {}, "transient": {}}
            if shown.display_id is not None:
                content["transient"]["display_id"] = shown.display_id
        kernel = self._kernel
        if kernel.session is not None:  # None: the kernel is shutting down
            kernel.session.send(
                kernel.iopub_socket, shown.kind, content, parent=self._parent, ident=kernel._topic(shown.kind)
            )


def _discard_display(shown: BoardDisplay) -> None:
    """Show nothing (silent execution)."""


class BelayKernel(Kernel):
    """Jupyter kernel whose cells run on a MicroPython board."""

    implementation = "belay"
    implementation_version = __version__
    language = "python"
    language_version = "3.4"
    language_info: ClassVar[dict] = {
        "name": "python",
        "version": "3.4",
        "mimetype": "text/x-python",
        "file_extension": ".py",
        "pygments_lexer": "python",
        "codemirror_mode": {"name": "python", "version": 3},
    }
    help_links: ClassVar[list] = [{"text": "MicroPython", "url": "https://docs.micropython.org/"}]

    port = Unicode(
        "", config=True, help="Board to connect to on the first cell; empty: BELAY_DEVICE, else the virtual board."
    )

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self.device: Optional[Device] = None
        self._last_connection: Optional[tuple[str, Optional[str]]] = None
        self.magics = KernelMagics(self)
        self._cells: dict[str, list[str]] = {}  # cell name -> its lines, for the source lines of tracebacks
        self._silent_cells = 0
        self._silent = False
        setup_comms(self)  # widgets (the live plots) talk to the front end through comms
        self.plots = KernelPlots(self)
        self.jobs = BackgroundJobs(self)
        # While no cell runs, an interrupt stops the live plots (ipykernel ignores it then; during a cell it is
        # KeyboardInterrupt there, and this handler is put back after).
        signal.signal(signal.SIGINT, self._interrupt_while_idle)

    def _interrupt_while_idle(self, signum: int, frame: Any) -> None:
        threading.Thread(target=self.plots.stop_all, name="belay-interrupt", daemon=True).start()

    @property
    def banner(self) -> str:
        """Kernel name and the connected board, if any."""
        if self.device is None:
            return "Belay MicroPython: cells run on the board (connects on the first cell; %lsmagic for help)"
        return f"Belay MicroPython on {self.device!r}"

    # -- connection --------------------------------------------------------------------------------

    def say(self, text: str, name: str = "stdout") -> None:
        """Send `text` to the front end as a stream (nothing during a silent execution)."""
        if not self._silent:
            _StreamToFrontend(self, name).write(text)

    def connect(self, port: Optional[str] = None, password: Optional[str] = None) -> Device:
        """Connect to `port` (or the board of the last connection, or the default chain) and announce the board."""
        self.disconnect()
        if port is None and self._last_connection is not None:
            port, password = self._last_connection  # a cell reconnecting after the board went: the same board
        connected = commands.connect(port or self.port, password=password, virtual_fallback=True)
        self.device = connected.device
        self._last_connection = (connected.port, password)
        self.say(f"{connected}\n")
        return self.device

    def disconnect(self) -> None:
        """Close the board connection, if any."""
        device, self.device = self.device, None
        if device is not None:
            with contextlib.suppress(BelayException):
                device.close()  # the board may be gone already

    # -- execution ---------------------------------------------------------------------------------------

    async def do_execute(
        self,
        code: str,
        silent: bool,
        store_history: bool = True,
        user_expressions: Optional[dict] = None,
        allow_stdin: bool = False,
        *,
        cell_id: Optional[str] = None,
    ) -> dict:
        """Run host magics, then send the cell to the board with output streamed while it runs.

        A cell ending with ``exit`` or ``quit`` runs what comes before, then closes the board connection (the
        board is left in its friendly REPL, teardowns run) and asks the front end to shut the kernel down.
        """
        self._silent = silent
        try:
            code = self.magics.run_leading_magics(code)
            request = exit_request(code)
            if request is not None:
                code = request.code_before
            if code.strip():
                self._run_on_board(code, silent)
            payload = [] if request is None else [self._exit(request)]
        except KeyboardInterrupt:
            stopped = f"{RED}KeyboardInterrupt{RESET}: the board code was stopped"
            return self._error("KeyboardInterrupt", "interrupted", [stopped])
        except PyboardException as error:
            return self._board_error(error)
        except (ConnectionFailedError, PyboardError) as error:
            self.disconnect()  # reconnect on the next cell
            return self._error(type(error).__name__, str(error), [f"{type(error).__name__}: {error}"])
        except (MagicError, *commands.USER_ERRORS) as error:  # the user's to fix: one line, no host traceback
            message = commands.user_message(error)
            return self._error(type(error).__name__, message, [f"{type(error).__name__}: {message}"])
        except Exception as error:  # a bug on the host: still answer, or the front end waits for ever
            self.log.exception("the cell failed on the host")
            host_traceback = traceback.format_exception(type(error), error, error.__traceback__)
            return self._error(type(error).__name__, str(error), [line.rstrip("\n") for line in host_traceback])
        finally:
            self._silent = False
        return {"status": "ok", "execution_count": self.execution_count, "payload": payload, "user_expressions": {}}

    def _exit(self, request: ExitRequest) -> dict:
        """Close the board unless the kernel is to stay; the payload asking the front end to shut down."""
        if not request.keep_kernel and self.device is not None:
            self.disconnect()
            self.say("Closed the board connection (a later cell reconnects).\n")
        return request.payload

    def _run_on_board(self, code: str, silent: bool) -> None:
        device = self.device or self.connect()
        if silent:
            # The execution count does not advance: a name of its own keeps the last cell's lines in place.
            self._silent_cells += 1
            name = f"<silent cell {self._silent_cells}>"
        else:
            name = f"<cell {self.execution_count}>"
        lines = code.splitlines(keepends=True)
        self._cells[name] = lines
        linecache.cache[name] = (len(code), None, lines, name)
        # Output of background jobs may come inside any cell's: routed to the jobs' own cells.
        stream = self.jobs.wrap(_Discard() if silent else _StreamToFrontend(self))
        displays = _discard_display if silent else _DisplaysToFrontend(self)
        result = run_cell(
            device.session, code, stream_out=stream, on_display=displays, location=SourceLocation(name, 1)
        )
        if result.value_repr is not None and not silent:
            self.send_response(
                self.iopub_socket,
                "execute_result",
                {"execution_count": self.execution_count, "data": {"text/plain": result.value_repr}, "metadata": {}},
            )

    def remember_cell(self, code: str) -> str:
        """Keep the lines of this cell's `code` for tracebacks (a background job's); return the cell's name."""
        name = f"<cell {self.execution_count}>"
        lines = code.splitlines(keepends=True)
        self._cells[name] = lines
        linecache.cache[name] = (len(code), None, lines, name)
        return name

    def _board_error(self, error: PyboardException) -> dict:
        """The error reply for an exception raised on the board, its traceback coloured as IPython's."""
        name = error.exception_name or "PyboardException"
        board_error = error.board_error
        return self._error(name, board_error.message, render_traceback(board_error, name, self._cell_line))

    def _cell_line(self, name: str, line: int) -> Optional[str]:
        """Line `line` of the kernel cell called `name`, or None for anything else."""
        lines = self._cells.get(name)
        return lines[line - 1].rstrip("\r\n") if lines and 0 < line <= len(lines) else None

    def _error(self, name: str, value: str, traceback: list[str]) -> dict:
        content = {"ename": name, "evalue": value, "traceback": traceback}
        self.send_response(self.iopub_socket, "error", content)
        return {"status": "error", "execution_count": self.execution_count, **content}

    # -- introspection -----------------------------------------------------------------------------------

    async def do_complete(self, code: str, cursor_pos: int) -> dict:
        """Complete from the board's ``dir()`` of the object before the cursor (globals and builtins otherwise)."""
        reply = {"status": "ok", "matches": [], "cursor_start": cursor_pos, "cursor_end": cursor_pos, "metadata": {}}
        request = completion_request(code, cursor_pos)
        device = self._device_for_introspection()
        if request is None or device is None:
            return reply
        expression = (
            f"dir({request.owner})" if request.owner else "sorted(set(dir()) | set(dir(__import__('builtins'))))"
        )
        try:
            names = device(expression, record=False, stream_out=self.jobs.wrap(None))  # a job may print meanwhile
        except (BelayException, RuntimeError):
            return reply  # busy or disconnected: no completions rather than an error
        reply["matches"] = sorted(n for n in names if n.startswith(request.prefix) and not n.startswith("_belay"))
        reply["cursor_start"] = request.start
        return reply

    async def do_inspect(self, code: str, cursor_pos: int, detail_level: int = 0, omit_sections: tuple = ()) -> dict:
        """Show the type and repr of the board object under the cursor."""
        reply = {"status": "ok", "found": False, "data": {}, "metadata": {}}
        name = name_at(code, cursor_pos)
        device = self._device_for_introspection()
        if name is None or device is None:
            return reply
        try:
            type_name, text = device(
                f"(type({name}).__name__, repr({name})[:2000])", record=False, stream_out=self.jobs.wrap(None)
            )
        except (BelayException, RuntimeError, ValueError):
            return reply
        reply.update(found=True, data={"text/plain": f"{name}: {type_name}\n{text}"})
        return reply

    def _device_for_introspection(self) -> Optional[Device]:
        """The board, connecting on first use; None when no board can be reached (no error for a completion)."""
        if self.device is None:
            try:
                self.connect()
            except (BelayException, OSError):
                return None
        return self.device

    async def do_is_complete(self, code: str) -> dict:
        """Decide on the host (IPython's rules) whether `code` is a complete block, for consoles."""
        status, indent = TransformerManager().check_complete(code)
        reply = {"status": status}
        if status == "incomplete":
            reply["indent"] = " " * (indent or 0)
        return reply

    async def do_shutdown(self, restart: bool) -> dict:
        """Close the board connection, leaving the board in its friendly REPL."""
        if self.plots.stop_all():
            self.plots.wait_all()  # their board generators' `finally` runs before the link closes
        self.disconnect()
        return {"status": "ok", "restart": restart}


class _Discard:
    """A text stream that drops everything (silent execution)."""

    def write(self, text: str) -> None:
        """Drop `text`."""

    def flush(self) -> None:
        """Nothing to flush."""
