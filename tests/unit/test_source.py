import inspect
import linecache

import pytest

from belay_engine.source import function_spans, getsource, import_names, isexpression, yield_value_is_used


def decorate(f=None, **kwargs):
    """A decorator usable bare and with arguments that leaves the function as it is."""
    return f if f is not None else (lambda function: function)


@decorate
def decorated(a, b):
    return a + b


@decorate(
    option=1,
    other="two",
)
def multi_line_decorated(x):
    return x


def one_liner(): return 1  # fmt: skip


def long_signature(
    first,
    second=2,
):
    total = first + second
    return total


class Holder:
    @staticmethod
    def method(value):
        if value:
            return "yes"
        return "no"


def test_decorators_are_stripped_and_the_first_line_is_the_def_line():
    source, first_line, file = getsource(decorated)
    assert source == "def decorated(a, b):\n    return a + b\n"
    assert first_line == inspect.getsourcelines(decorated)[1] + 1
    assert file == __file__


def test_multi_line_decorators_are_stripped():
    source, first_line, _ = getsource(multi_line_decorated)
    assert source.startswith("def multi_line_decorated(x):")
    assert first_line == multi_line_decorated.__code__.co_firstlineno + 4


def test_methods_are_dedented():
    source, _, _ = getsource(Holder.method)
    assert source.startswith("def method(value):\n    if value:")


def test_strip_signature_returns_the_dedented_body_and_its_line():
    body, first_line, _ = getsource(long_signature, strip_signature=True)
    assert body == "total = first + second\nreturn total\n"
    assert first_line == long_signature.__code__.co_firstlineno + 4


def test_strip_signature_of_a_one_line_def_returns_only_the_body():
    body, _, _ = getsource(one_liner, strip_signature=True)
    assert body.startswith("return 1")


def test_functions_registered_in_linecache_like_notebook_cells():
    name = "<ipython-input-3-abc123>"
    code = "x = 1\n\n@decorate\ndef cell_function(y):\n    return y * 2\n"
    linecache.cache[name] = (len(code), None, code.splitlines(True), name)
    namespace = {"decorate": decorate}
    exec(compile(code, name, "exec"), namespace)
    source, first_line, file = getsource(namespace["cell_function"])
    assert (source, first_line, file) == ("def cell_function(y):\n    return y * 2\n", 4, name)


def test_a_function_without_source_gives_a_clear_error():
    namespace = {}
    exec(compile("def typed():\n    return 1\n", "<stdin>", "exec"), namespace)
    with pytest.raises(OSError, match="notebook cell"):
        getsource(namespace["typed"])


@pytest.mark.parametrize(
    ("code", "expected"), [("1 + 1", True), ("x = 1", False), ("", False), ("f(x)", True), ("import os", False)]
)
def test_isexpression(code, expected):
    assert isexpression(code) is expected


@pytest.mark.parametrize(
    ("code", "names"),
    [
        ("from x import a as b, c", ["b", "c"]),
        ("import a.b", ["a"]),
        ("import a.b as c", ["c"]),
        ("import sys, os", ["sys", "os"]),
        ("from x import *", []),
        ("from . import sibling", ["sibling"]),
        ("x = 1\nimport os", []),
        ("not python (", []),
    ],
)
def test_import_names(code, names):
    assert import_names(code) == names


@pytest.mark.parametrize(
    ("code", "used"),
    [
        ("def g():\n    yield 1\n", False),
        ("def g():\n    x = yield\n", True),
        ("def g():\n    print((yield))\n", True),
        ("def g():\n    y = yield from h()\n", True),
        ("def g():\n    yield from h()\n", False),
        ("def g():\n    def inner():\n        x = yield\n    yield 1\n", False),
    ],
)
def test_yield_value_is_used(code, used):
    assert yield_value_is_used(code) is used


def test_function_spans_cover_every_definition_with_its_decorators():
    code = "x = 1\n@wrap\ndef outer():\n    def inner():\n        pass\n    return inner\n\ndef outer():\n    pass\n"
    assert function_spans(code) == {"outer": (8, 9), "inner": (4, 5)}
    assert function_spans("def broken(:\n") == {}
    assert function_spans("@wrap\ndef f():\n    pass\n") == {"f": (1, 3)}
