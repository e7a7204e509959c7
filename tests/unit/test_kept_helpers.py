"""The kept helpers' files and the lines that load and write them (byte for byte: connect's wire cost)."""

import ast
import base64
import hashlib

from belay_engine import board_calls, board_code
from belay_engine.board_code import (
    DIGEST_BYTES,
    HELPER_MODULE_FILE,
    KEPT_SOURCES,
    MODULE_FOLDER,
    MPY_MODULE_FILE,
    helper_module,
    helper_parts,
    kept_source_path,
    mpy_module_source,
)
from belay_engine.sync import DEFAULT_KEEP_AT_ROOT
from belay_engine.tracebacks import ENGINE_FILE


def defaults_of_the_loader() -> dict:
    tree = ast.parse(helper_module().files[-1][1].decode())
    (function,) = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
    names = [argument.arg for argument in function.args.args][-len(function.args.defaults) :]
    return {name: ast.literal_eval(value) for name, value in zip(names, function.args.defaults)}


def test_the_helpers_file_holds_the_parts_with_their_nonce_placeholder_and_digest():
    defaults = defaults_of_the_loader()
    assert defaults["P"] == helper_parts()
    assert "@@" in defaults["P"][0]
    assert defaults["D"] == hashlib.sha256("".join(helper_parts()).encode()).digest()[:DIGEST_BYTES]
    assert defaults["V"] == helper_module().version.encode()  # bytes: never interned on the board
    assert f'"{ENGINE_FILE}"' in helper_module().files[-1][1].decode()


def test_the_helpers_file_comes_last_after_the_kept_startups():
    paths = [path for path, _ in helper_module().files]
    assert paths == [kept_source_path(name) for name in KEPT_SOURCES] + [f"{MODULE_FOLDER}/{HELPER_MODULE_FILE}"]
    assert helper_module().helpers_path == paths[-1]


def test_the_load_line_is_one_short_line_with_nonce_and_version():
    line = board_calls.load_helper_module("/.belay/helpers.py", "N0nce123", "0123abcd")
    assert line == "exec(open('/.belay/helpers.py').read());_belay_load(b'N0nce123',b'0123abcd')"
    assert len(line) == 76  # the b prefixes: bytes literals, which the board never interns


def test_the_kept_startup_runs_from_a_line():
    assert board_calls.run_kept_source("/.belay/startup_micropython.py") == (
        "exec(open('/.belay/startup_micropython.py').read())"
    )


def test_the_files_are_written_in_order_without_a_nonce():
    code = board_calls.write_helper_module([("/.belay/a.py", b"x=1\n"), ("/.belay/helpers.py", b"y='@@'\n")])
    assert code.index("a.py") < code.index("helpers.py")
    assert "b\"y='@@'\\n\"" in code
    compile(code, "<test>", "exec")
    compile(board_calls.prepare_helper_module("/.belay", "/.belay/helpers.py"), "<test>", "exec")


def test_sync_keeps_the_helpers_folder_at_the_root():
    assert MODULE_FOLDER.strip("/") in DEFAULT_KEEP_AT_ROOT


def test_the_module_source_runs_host_code_in_the_repl_globals_and_reads_the_nonce_at_import():
    source = mpy_module_source()
    compile(source, "<belay>", "exec")
    assert "@@" not in source
    assert source.count(",_belay.g)") == 1
    assert ' S="\\x1e"+__import__("__main__")._belay_n' in source.splitlines()
    # The parts' lines otherwise as they are, one after another.
    assert source.count("\n") == sum(part.count("\n") for part in helper_parts()) + len(helper_parts()) - 1


def test_parts_the_module_changes_do_not_fit_give_no_module_source(monkeypatch):
    parts = helper_parts()
    monkeypatch.setattr(board_code, "helper_parts", lambda: (parts[0].replace("exec(", "eval("), *parts[1:]))
    assert mpy_module_source() is None
    monkeypatch.setattr(board_code, "helper_parts", lambda: (parts[0], parts[1] + "\nx='@@'\n", *parts[2:]))
    assert mpy_module_source() is None


def test_the_mpy_variant_keeps_the_version_and_checks_the_mpy_file():
    mpy = b"M\x06\x00\x1f" + bytes(range(256))
    module = helper_module(mpy)
    tree = ast.parse(module.files[-1][1].decode())
    (function,) = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
    names = [argument.arg for argument in function.args.args][-len(function.args.defaults) :]
    defaults = {name: ast.literal_eval(value) for name, value in zip(names, function.args.defaults)}
    assert defaults["P"] == ()
    assert defaults["M"] == f"{MODULE_FOLDER}/{MPY_MODULE_FILE}"
    assert defaults["D"] == hashlib.sha256(mpy).digest()[:DIGEST_BYTES]
    assert module.version == helper_module().version
    assert (defaults["M"], mpy) in module.files
    assert defaults_of_the_loader()["M"] == ""


def test_binary_files_are_written_in_base64_and_text_as_a_literal():
    mpy = bytes(range(256)) * 4
    code = board_calls.write_helper_module([("/.belay/a.py", b"x=1\n"), ("/.belay/b.mpy", mpy)])
    assert "from binascii import a2b_base64 as _belay_b\n" in code
    assert f"_belay_b('{base64.b64encode(mpy).decode()}')" in code
    assert "b'x=1\\n'" in code
    assert len(code) < len(mpy) * 4 // 3 + 300
    assert "binascii" not in board_calls.write_helper_module([("/.belay/a.py", b"x=1\n")])
