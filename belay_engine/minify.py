"""Token-based minifier for code sent to a board: fewer bytes, same meaning, every line where it was."""

import io
import textwrap
import tokenize

_LINE_ENDS = (tokenize.NEWLINE, tokenize.NL)
_MULTI_CHARACTER_OPERATORS = (
    "**=", "//=", ">>=", "<<=", "...", "**", "//", "<<", ">>", "<=", ">=", "==", "!=", "->", "+=", "-=", "*=",
    "/=", "%=", "&=", "|=", "^=", "@=", ":=",
)  # fmt: skip
_FSTRING_START = getattr(tokenize, "FSTRING_START", None)  # Python 3.12 tokenizes f-strings into parts
_FSTRING_END = getattr(tokenize, "FSTRING_END", None)


def _word_character(character: str) -> bool:
    return character.isalnum() or character == "_"


def _needs_space(previous: str, current: str, previous_type: int) -> bool:
    """Whether `previous` and `current` would merge into other tokens without a space between them."""
    if _word_character(previous[-1]) and (_word_character(current[0]) or current[0] in "'\""):
        return True
    if previous_type == tokenize.NUMBER and current[0] == ".":
        return True  # `1 .real` is not `1.real`
    joined = previous + current
    return previous_type == tokenize.OP and any(op.startswith(joined) for op in _MULTI_CHARACTER_OPERATORS)


class _Source:
    """Original text addressed by tokenize's (row, column) positions."""

    def __init__(self, code: str):
        self.lines = code.splitlines(keepends=True)

    def between(self, start: tuple[int, int], end: tuple[int, int]) -> str:
        (start_row, start_col), (end_row, end_col) = start, end
        if start_row == end_row:
            return self.lines[start_row - 1][start_col:end_col]
        parts = [self.lines[start_row - 1][start_col:]]
        parts += self.lines[start_row : end_row - 1]
        parts.append(self.lines[end_row - 1][:end_col])
        return "".join(parts)


def _tokens(code: str) -> list[tuple[int, str, tuple[int, int], tuple[int, int]]]:
    """Significant tokens as (type, text, start, end); f-strings of Python 3.12+ become one verbatim token."""
    source = _Source(code)
    tokens = []
    fstring_start = None
    depth = 0
    for token in tokenize.generate_tokens(io.StringIO(code).readline):
        if _FSTRING_START is not None and token.type == _FSTRING_START:
            if depth == 0:
                fstring_start = token.start
            depth += 1
            continue
        if depth:
            if token.type == _FSTRING_END:
                depth -= 1
                if depth == 0:
                    tokens.append((tokenize.STRING, source.between(fstring_start, token.end), fstring_start, token.end))
            continue
        tokens.append((token.type, token.string, token.start, token.end))
    return tokens


def _is_plain_string(text: str) -> bool:
    prefix = text[: min(text.index(q) for q in "'\"" if q in text)]
    return "f" not in prefix.lower()


def _render_line(tokens: list, level: int, output: list[str]) -> None:
    """Append one logical line (its tokens, ending with NEWLINE or NL) to `output`."""
    significant = [t for t in tokens if t[0] not in _LINE_ENDS]
    if significant and all(t[0] == tokenize.STRING and _is_plain_string(t[1]) for t in significant):
        # A statement that is only a string (a docstring) does nothing: `0` keeps the block non-empty.
        rows = tokens[-1][2][0] - significant[0][2][0]
        output.append(" " * level + "0" + "\n" * rows + ("\n" if tokens[-1][0] in _LINE_ENDS else ""))
        return
    previous = None
    for token_type, text, start, end in tokens:
        if token_type in _LINE_ENDS:
            output.append("\n" if text or token_type == tokenize.NL else "")
            previous = None
            continue
        if previous is None:
            output.append(" " * level if start[1] or level else "")
        else:
            previous_type, previous_text, previous_end = previous
            if start[0] > previous_end[0]:
                # A backslash continuation: keep it, so every later token stays on its own line.
                output.append(" \\\n" * (start[0] - previous_end[0]))
            elif _needs_space(previous_text, text, previous_type):
                output.append(" ")
        output.append(text)
        previous = (token_type, text, end)


def minify(code: str) -> str:
    r"""Shrink Python source for sending to a board, keeping its meaning and line numbers.

    Comments go, indentation becomes one space per level, spaces remain only where tokens would merge, and
    statements that are only a string (docstrings) become ``0`` with their line breaks kept. Strings,
    f-strings and backslash continuations are kept as written. Code that does not tokenize is returned
    unchanged, so the board reports the syntax error itself.

    Examples
    --------
    >>> minify("def foo():\n    # comment\n    return 1 if x else 2\n")
    'def foo():\n\n return 1 if x else 2\n'
    """
    first = next((line for line in code.splitlines() if line.strip()), "")
    if first[:1] in (" ", "\t"):
        code = textwrap.dedent(code)  # a block indented as a whole (a method body)
    try:
        tokens = _tokens(code)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return code
    output: list[str] = []
    level = 0
    line: list = []
    for token in tokens:
        token_type = token[0]
        if token_type == tokenize.INDENT:
            level += 1
            continue
        if token_type == tokenize.DEDENT:
            level -= 1
            continue
        if token_type in (tokenize.COMMENT, tokenize.ENCODING, tokenize.ENDMARKER):
            continue
        if token_type == tokenize.NL and not line:
            output.append("\n")  # a blank or comment-only line
            continue
        line.append(token)
        if token_type == tokenize.NEWLINE:
            _render_line(line, level, output)
            line = []
    if line:
        _render_line(line, level, output)
    return "".join(output)
