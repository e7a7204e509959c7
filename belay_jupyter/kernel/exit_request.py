"""``exit`` / ``quit`` ending a kernel cell: the host asks the front end to shut the kernel down, as IPython does."""

import ast
from typing import Optional

from attrs import frozen

EXIT_NAMES = frozenset({"exit", "quit"})


@frozen
class ExitRequest:
    """A cell that ends with ``exit`` or ``quit``.

    Attributes
    ----------
    code_before : str
        The cell's code before the exit statement, to run on the board first (lines kept in place).
    keep_kernel : bool
        ``exit(keep_kernel=True)``: the front end goes, the kernel (and its board connection) stays.
    """

    code_before: str
    keep_kernel: bool = False

    @property
    def payload(self) -> dict:
        """The execute_reply payload IPython's kernel sends for ``exit``: front ends that know it shut down."""
        return {"source": "ask_exit", "keepkernel": self.keep_kernel}


def exit_request(code: str) -> Optional[ExitRequest]:
    """The exit request `code` ends with (``exit``, ``quit()``, ``x = 1; exit``...), or None."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return None
    if not tree.body or not isinstance(tree.body[-1], ast.Expr):
        return None
    last = tree.body[-1]
    keep_kernel = _keep_kernel(last.value)
    if keep_kernel is None:
        return None
    lines = code.splitlines(keepends=True)
    start = last.lineno - 1
    head = lines[start].encode("utf-8")[: last.col_offset].decode("utf-8")  # col_offset counts UTF-8 bytes
    return ExitRequest("".join(lines[:start]) + head, keep_kernel)


def _keep_kernel(node: ast.expr) -> Optional[bool]:
    """``keep_kernel`` of an exit call written as `node`; None when `node` is not one."""
    if isinstance(node, ast.Name):
        return False if node.id in EXIT_NAMES else None
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in EXIT_NAMES):
        return None
    if node.args:
        return None
    if not node.keywords:
        return False
    if len(node.keywords) == 1 and node.keywords[0].arg == "keep_kernel":
        value = node.keywords[0].value
        if isinstance(value, ast.Constant) and isinstance(value.value, bool):
            return value.value
    return None
