"""A real IPython InteractiveShell with the extension loaded and a virtual board connected."""

import pytest
from IPython.testing.globalipapp import get_ipython


@pytest.fixture(scope="session")
def shell():
    """The one InteractiveShell of the test session."""
    return get_ipython()


@pytest.fixture
def ip(shell, tmp_path):
    """The shell with `%load_ext belay` and a virtual board named `device`; unloaded after the test."""
    shell.run_line_magic("load_ext", "belay")
    root = tmp_path / "board"
    root.mkdir()
    shell.run_line_magic("belay_connect", f"virtual:{root}")
    shell.board_root = root
    yield shell
    shell.run_line_magic("unload_ext", "belay")
