"""Run a notebook cell on the board: output streamed as it arrives, the last expression's repr as the result."""

import ast
from typing import Any, Optional, TextIO

from attrs import frozen

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


def show_last_expression(code: str) -> str:
    """Rewrite `code` so the value of a last bare expression is reported, keeping every line where it was.

    Code the host cannot parse is returned unchanged: the board reports its own syntax error.
    """
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return code
    if not tree.body or not isinstance(tree.body[-1], ast.Expr):
        return code
    last = tree.body[-1]
    lines = code.splitlines(keepends=True)
    start = last.lineno - 1
    head = lines[start][: last.col_offset]
    if head.strip():
        return code  # the expression shares its line with an earlier statement (`a = 1; a`)
    prefix = "".join(lines[:start])
    # Only the expression is wrapped; comments or a `;` after it are dropped, earlier lines stay put.
    # The extra parentheses keep a bare tuple (`a, b`) one argument.
    return f"{prefix}{head}_belay.v(({ast.get_source_segment(code, last)}\n))\n"


def run_cell(
    device: Any, code: str, *, stream_out: Optional[TextIO] = None, location: Optional[SourceLocation] = None
) -> CellResult:
    """Run a whole cell on `device` like the Python REPL: statements run, a last bare expression is shown.

    Parameters
    ----------
    device : Device
        The board.
    code : str
        The cell's source.
    stream_out : TextIO, optional
        Receives the board's output as it arrives (default ``sys.stdout`` at call time).
    location : SourceLocation, optional
        Where the cell lives on the host, so board tracebacks point at its lines.

    Raises
    ------
    PyboardException
        The cell raised on the board.
    """
    value = device._execute(show_last_expression(code), stream_out=stream_out, module=location)
    return CellResult(value if isinstance(value, str) else None)
