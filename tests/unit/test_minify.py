import ast
import pathlib
import sysconfig

import pytest

from belay_engine.minify import minify


def _without_docstrings(tree):
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            node.body = [
                (
                    ast.Expr(ast.Constant(0))
                    if isinstance(s, ast.Expr)
                    and isinstance(s.value, ast.Constant)
                    and isinstance(s.value.value, (str, bytes))
                    else s
                )
                for s in node.body
            ]
    return ast.dump(tree)


def _statement_lines(tree):
    return [(type(n).__name__, n.lineno) for n in ast.walk(tree) if isinstance(n, ast.stmt)]


def assert_same_program(original, minified):
    assert _without_docstrings(ast.parse(minified)) == _without_docstrings(ast.parse(original))
    assert _statement_lines(ast.parse(minified)) == _statement_lines(ast.parse(original))


TRICKY = [
    "'-'.join(['a', 'b'])\n",
    "x = '%d' % 5\n",
    "b'raw bytes'.decode()\n",
    "def f():\n    '''doc\n    string'''\n    return 1\n",
    "def f():\n    return 'not a docstring'\n",
    "x = f'{a!r:>{width}} {b}'\n",
    "x = f'{a = }'\n",
    "x = f\"{'nested ' + f'{y}'}\"\n",
    "x = rf'\\d{n}'\n",
    "text = ('implicit '\n        'concatenation')\n",
    "total = 1 + \\\n    2 + \\\n    3\n",
    "x = a \\\n    if b else c\n",
    "y = 1 if x else 2\n",
    "z = 1 .real\n",
    "def g(*args, **kwargs):\n    return [*args], {**kwargs}\n",
    "lst = [\n    1,  # one\n    2,\n]\n",
    "if (n := 10) > 5:\n    pass\n",
    "async def h():\n    await x\n",
    "@decorator(arg=1)\ndef f():\n\tif True:\n\t\treturn -1\n",
    "class A(B):\n    'doc'\n    x: int = 1\n    def m(self): return self.x\n",
    "def f():\n    global counter; counter += 1\n",
    "name = 'caf\u00e9'; \u00e9t\u00e9 = 1\n",
    "x = [i for i in range(3) if i not in (1,)]\n",
    "lambda: (yield)\n",
    "x = 1e5 + 0x1f + 1_000 + 2j\n",
    "a = b if c else-1\n",
    "print(*args, sep='')\n",
]


@pytest.mark.parametrize("code", TRICKY)
def test_tricky_code_keeps_its_meaning_and_line_numbers(code):
    assert_same_program(code, minify(code))


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("def foo():\n    if True:\n        pass\n", "def foo():\n if True:\n  pass\n"),
        ("bar = 5 * 6 @ 1 - 2", "bar=5*6@1-2"),
        ("print ('l1',l1 )\n", "print('l1',l1)\n"),
        ("x = 1  # comment\n# only a comment\ny = 2\n", "x=1\n\ny=2\n"),
        ('def f():\n    """Two\n    lines."""\n    return 1\n', "def f():\n 0\n\n return 1\n"),
    ],
)
def test_minified_text(code, expected):
    assert minify(code) == expected


def test_code_indented_as_a_whole_is_dedented():
    assert minify("    x = 1\n    if x:\n        y = 2\n") == "x=1\nif x:\n y=2\n"


def test_code_that_does_not_tokenize_is_returned_unchanged():
    broken = "x = (1,\n"
    assert minify(broken) == broken


@pytest.mark.parametrize(
    "code",
    ["x = '-'.join(['a', 'b'])", "x = f'{3 = }'", "x = '%d items' % 4", "x = 'a' 'b' \\\n    'c'", "x = b'%s' % b'y'"],
)
def test_minified_code_computes_the_same_value(code):
    original, minified = {}, {}
    exec(code, original)
    exec(minify(code), minified)
    assert minified["x"] == original["x"]


def test_minified_code_is_shorter_for_typical_code():
    code = "def read(sensor):\n    # Read it twice.\n    value = sensor.read()\n    return value  # done\n"
    assert len(minify(code)) < len(code) * 0.8


STDLIB = pathlib.Path(sysconfig.get_paths()["stdlib"])
MODULES = sorted(
    [*(STDLIB / "json").glob("*.py"), *(STDLIB / "email").glob("*.py"), *(STDLIB / "asyncio").glob("*.py")]
    + [STDLIB / name for name in ("textwrap.py", "tokenize.py", "argparse.py", "inspect.py", "typing.py")]
)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_standard_library_modules_survive_minifying(path):
    source = path.read_text(encoding="utf-8")
    assert_same_program(source, minify(source))
