"""The engine stands alone: nothing in belay_engine imports the Jupyter side, IPython or the widget libraries."""

import ast
import re
import subprocess
import sys
from pathlib import Path

import belay_engine

#: What the engine must never import: the layer above it and the libraries that layer uses.
ABOVE_THE_ENGINE = (
    "belay",
    "belay_jupyter",
    "IPython",
    "ipykernel",
    "ipywidgets",
    "jupyter_client",
    "jupyter_core",
    "traitlets",
    "bqplot",
    "matplotlib",
)
ENGINE = Path(belay_engine.__file__).parent
# An import path in a string, as entry points and lazy loaders write them: "package.module:name".
_IMPORT_PATH = re.compile(r"^(?P<top>[A-Za-z_]\w*)(?:\.[\w.]+)?:[A-Za-z_]\w*$")

#: Prepended to a child's code: any import of the modules above the engine fails, as if they were not installed.
BLOCKER = f"""\
import sys

class _Blocked:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in {ABOVE_THE_ENGINE!r}:
            raise ImportError(f"{{name}} is blocked: the engine must work without it")
        return None

sys.meta_path.insert(0, _Blocked())
"""


def blocked_imports_in(tree: ast.AST) -> list[str]:
    """Modules above the engine that `tree` imports: statements anywhere (also inside functions), import_module
    and __import__ calls, and import paths written as strings."""
    found = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            function = node.func
            called = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
            if called in ("import_module", "__import__") and isinstance(node.args[0].value, str):
                names = [node.args[0].value]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            match = _IMPORT_PATH.match(node.value)
            names = [match["top"]] if match else []
        found += [name for name in names if name.partition(".")[0] in ABOVE_THE_ENGINE]
    return found


def test_no_engine_module_imports_anything_above_the_engine():
    offenders = {}
    for path in sorted(ENGINE.rglob("*.py")):
        found = blocked_imports_in(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        if found:
            offenders[str(path.relative_to(ENGINE))] = found
    assert offenders == {}


def test_the_source_check_sees_lazy_imports_and_import_paths():
    code = (
        "def f():\n    from belay_jupyter.widgets import proxy_view\n    import IPython\n"
        "importlib.import_module('ipywidgets')\nLAZY = 'belay_jupyter.kernel.cli:kernel_app'\nfrom . import device\n"
    )
    assert blocked_imports_in(ast.parse(code)) == ["belay_jupyter.widgets", "IPython", "ipywidgets", "belay_jupyter"]


def test_the_engine_and_its_command_line_import_with_the_jupyter_side_blocked():
    code = BLOCKER + (
        "import belay_engine, belay_engine.cli\n"
        "from belay_engine.cli import app\n"
        "assert 'kernel' not in app, 'the kernel command comes from belay_jupyter'\n"
        "assert 'sync' in app and 'virtual-board' in app\n"
        f"assert not [m for m in sys.modules if m.partition('.')[0] in {ABOVE_THE_ENGINE!r}]\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "ok\n"
