"""Run a notebook cell on the board: output streamed as it arrives, the last expression's repr as the result."""

import ast
import io
import tokenize
from typing import Optional, TextIO

from attrs import frozen

from .board_calls import show_value
from .displays import DisplayHandler
from .session import Session
from .tracebacks import SourceLocation


@frozen
class CellResult:
    """What a cell produced besides its streamed output.

    Attributes
    ----------
    value_repr : str or None
        The board's ``repr`` of the last bare expression, None when there is none or it is None.
    """

    value_repr: Optional[str] = None


def ends_with_semicolon(code: str) -> bool:
    """Whether the last token of `code`, comments aside, is ``;`` (which hides the value, as in IPython)."""
    layout = (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER)
    last = None
    try:
        for token in tokenize.generate_tokens(io.StringIO(code).readline):
            if token.type not in layout:
                last = token
    except (tokenize.TokenError, SyntaxError):
        return False
    return last is not None and last.type == tokenize.OP and last.string == ";"


def show_last_expression(code: str) -> str:
    """Rewrite `code` so the value of a last bare expression is reported, keeping every line where it was.

    The expression may share its line with earlier statements (``x = 5; x``); a ``;`` ending the cell hides
    the value, as in IPython. Code the host cannot parse is returned unchanged: the board reports its own
    syntax error.
    """
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return code
    if not tree.body or not isinstance(tree.body[-1], ast.Expr) or ends_with_semicolon(code):
        return code
    last = tree.body[-1]
    lines = code.splitlines(keepends=True)
    start = last.lineno - 1
    # col_offset counts UTF-8 bytes; whatever precedes the expression on its line (`x = 5; `) stays as it is.
    head = lines[start].encode("utf-8")[: last.col_offset].decode("utf-8")
    prefix = "".join(lines[:start])
    # Only the expression is wrapped; comments after it are dropped, earlier lines stay put.
    return f"{prefix}{head}{show_value(ast.get_source_segment(code, last))}\n"


def run_cell(
    session: Session,
    code: str,
    *,
    stream_out: Optional[TextIO] = None,
    on_display: Optional[DisplayHandler] = None,
    location: Optional[SourceLocation] = None,
) -> CellResult:
    """Run a whole cell on the board like the Python REPL: statements run, a last bare expression is shown.

    Parameters
    ----------
    session : Session
        The board's connection (``device.session``).
    code : str
        The cell's source.
    stream_out : TextIO, optional
        Receives the board's output as it arrives (default ``sys.stdout`` at call time).
    on_display : callable, optional
        Shows the cell's ``display()``, ``update_display()`` and ``clear_output()`` calls, in order with its
        output (a `displays.BoardDisplay` each; default: see `OutputForwarder`).
    location : SourceLocation, optional
        Where the cell lives on the host, so board tracebacks point at its lines.

    Raises
    ------
    PyboardException
        The cell raised on the board.
    """
    value = session.run(show_last_expression(code), stream_out=stream_out, on_display=on_display, module=location)
    return CellResult(value if isinstance(value, str) else None)
