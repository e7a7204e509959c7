"""Pure source handling: a function's code without decorators, and what a piece of code is (expression, import)."""

import ast
import inspect
from typing import Callable


def _strip_columns(lines: list[str], columns: int) -> list[str]:
    # Remove exactly the block's indentation; a shorter line (inside a multi-line string) loses only its own.
    stripped = []
    for line in lines:
        indent = len(line) - len(line.lstrip(" \t"))
        stripped.append(line[min(indent, columns) :])
    return stripped


def _function_node(tree: ast.Module) -> ast.AST:
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return node
    raise ValueError("no function definition found in the source")


def getsource(f: Callable, *, strip_signature: bool = False) -> tuple[str, int, str]:
    """Return the source of function `f` without its decorators, dedented.

    Parameters
    ----------
    f : callable
        A function defined in a file or a notebook cell (IPython registers cells with ``linecache``).
    strip_signature : bool
        Return only the body (dedented); a one-line ``def f(): return 1`` gives ``return 1``.

    Returns
    -------
    tuple[str, int, str]
        ``(source, first_line, file)``: the code, the host line number of its first line, and the file name.

    Raises
    ------
    OSError
        The function has no source (for example, it was typed into a plain ``python`` prompt).
    """
    try:
        lines, first_line = inspect.getsourcelines(f)
    except (OSError, TypeError) as error:
        raise OSError(
            f"cannot read the source of {getattr(f, '__name__', f)!r}: define board functions in a file or a "
            "notebook cell, not at a plain `python` prompt"
        ) from error
    file = inspect.getsourcefile(f) or f.__code__.co_filename
    first_line = max(first_line, 1)
    # The first line (a decorator or the `def`) carries the block's indentation; string contents may not.
    indent = len(lines[0]) - len(lines[0].lstrip())
    lines = _strip_columns(lines, indent)
    node = _function_node(ast.parse("".join(lines)))
    # node.lineno is the `def` line: decorators above it are dropped.
    lines = lines[node.lineno - 1 : node.end_lineno]
    first_line += node.lineno - 1
    if not strip_signature:
        return "".join(lines), first_line, file
    body = node.body[0]
    offset = body.lineno - node.lineno
    body_lines = lines[offset:]
    if offset == 0:
        # One-line definition: the body starts after the colon on the `def` line.
        body_lines = [body_lines[0][body.col_offset :], *body_lines[1:]]
        return "".join(body_lines), first_line, file
    return "".join(_strip_columns(body_lines, body.col_offset)), first_line + offset, file


def isexpression(code: str) -> bool:
    """Whether `code` is a single expression (``""`` is not)."""
    if not code.strip():
        return False
    try:
        compile(code, "<stdin>", "eval")
    except SyntaxError:
        return False
    return True


def function_spans(code: str) -> dict[str, tuple[int, int]]:
    """The first and last line of every function `code` defines (nested ones too), by name; ``{}`` if it does not parse.

    A later definition of a name wins, as it does when the code runs.
    """
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return {}
    functions = [node for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
    spans = {}
    for node in sorted(functions, key=lambda node: node.lineno):
        first = min([node.lineno, *(decorator.lineno for decorator in node.decorator_list)])
        spans[node.name] = (first, node.end_lineno)
    return spans


def import_names(code: str) -> list[str]:
    """The names bound by `code` if its first statement is an import (``[]`` for ``*`` or anything else)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    if not tree.body:
        return []
    statement = tree.body[0]
    if isinstance(statement, ast.Import):
        return [alias.asname or alias.name.split(".")[0] for alias in statement.names]
    if isinstance(statement, ast.ImportFrom):
        if any(alias.name == "*" for alias in statement.names):
            return []
        return [alias.asname or alias.name for alias in statement.names]
    return []


class _YieldUse(ast.NodeVisitor):
    """Finds a yield whose value is used, in one function body (nested scopes are not entered)."""

    def __init__(self) -> None:
        self.used = False
        self._statement_values: set[int] = set()

    def visit_Expr(self, node: ast.Expr) -> None:
        self._statement_values.add(id(node.value))
        self.generic_visit(node)

    def _yield(self, node: ast.AST) -> None:
        if id(node) not in self._statement_values:
            self.used = True
        self.generic_visit(node)

    visit_Yield = _yield  # noqa: N815
    visit_YieldFrom = _yield  # noqa: N815

    def _skip(self, node: ast.AST) -> None:
        return None

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = visit_ClassDef = _skip  # noqa: N815


def yield_value_is_used(code: str) -> bool:
    """Whether the generator function in `code` uses the value of a ``yield`` (so it needs ``send()``)."""
    node = _function_node(ast.parse(code))
    finder = _YieldUse()
    for statement in node.body:
        finder.visit(statement)
    return finder.used
