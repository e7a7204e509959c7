"""Help text from NumPy-style docstrings, so every front end shows the words written once on a command."""

import inspect
import re
from typing import Callable

_HEADING = re.compile(r"^(\w[\w ]*)\n-{3,}$", re.MULTILINE)


def summary(function: Callable) -> str:
    """The docstring of `function` up to its first section (the text above ``Parameters``)."""
    doc = inspect.getdoc(function) or ""
    match = _HEADING.search(doc)
    return (doc[: match.start()] if match else doc).strip()


def parameter_help(function: Callable) -> dict[str, str]:
    """Each parameter's description from the ``Parameters`` section of `function`'s docstring, joined on one line."""
    doc = inspect.getdoc(function) or ""
    sections = list(_HEADING.finditer(doc))
    for index, heading in enumerate(sections):
        if heading.group(1) != "Parameters":
            continue
        end = sections[index + 1].start() if index + 1 < len(sections) else len(doc)
        return _entries(doc[heading.end() : end])
    return {}


def _entries(text: str) -> dict[str, str]:
    entries: dict[str, list[str]] = {}
    names: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        if not line.startswith(" "):
            names = [name.strip() for name in line.split(":", 1)[0].split(",")]
            for name in names:
                entries[name] = []
        else:
            for name in names:
                entries[name].append(line.strip())
    return {name: " ".join(words) for name, words in entries.items()}
