"""The kept helpers' files and the lines that load and write them (byte for byte: connect's wire cost)."""

import ast
import base64
import hashlib
from pathlib import Path

from belay_engine import board_calls, board_code
from belay_engine.board_code import (
    DIGEST_BYTES,
    HELPER_MODULE_FILE,
    HELPER_PARTS,
    KEPT_SOURCES,
    LAZY_MODULE_HELPERS,
    LAZY_MODULES,
    MODULE_FOLDER,
    MPY_MODULE_FILE,
    STREAM_MODULE,
    CompiledHelpers,
    board_source,
    helper_module,
    helper_parts,
    kept_parts,
    kept_source_path,
    lazy_module_paths,
    lazy_module_source,
    mpy_module_source,
)
from belay_engine.sync import DEFAULT_KEEP_AT_ROOT
from belay_engine.tracebacks import ENGINE_FILE


def defaults_of_the_loader() -> dict:
    tree = ast.parse(helper_module().files[-1][1].decode())
    (function,) = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
    names = [argument.arg for argument in function.args.args][-len(function.args.defaults) :]
    return {name: ast.literal_eval(value) for name, value in zip(names, function.args.defaults)}


def lazy_paths(suffix: str) -> list[str]:
    return [f"{MODULE_FOLDER}/{name}.{suffix}" for name in LAZY_MODULES]


def test_the_helpers_file_holds_the_kept_parts_with_their_nonce_placeholder_and_digest():
    defaults = defaults_of_the_loader()
    files = dict(helper_module().files)
    assert defaults["P"] == kept_parts()
    assert "@@" in defaults["P"][0]
    assert defaults["F"] == tuple(lazy_paths("py"))
    assert [files[path].decode() for path in defaults["F"]] == [lazy_module_source(name) for name in LAZY_MODULES]
    covered = b"".join(files[path] for path in defaults["F"]) + "".join(kept_parts()).encode()
    assert defaults["D"] == hashlib.sha256(covered).digest()[:DIGEST_BYTES]
    assert defaults["L"] == MODULE_FOLDER
    assert defaults["V"] == helper_module().version.encode()  # bytes: never interned on the board
    assert f'"{ENGINE_FILE}"' in helper_module().files[-1][1].decode()


def test_every_part_is_kept_or_in_one_lazy_module():
    lazy = [name for names in LAZY_MODULES.values() for name in names]
    assert sorted(lazy) == sorted(set(lazy))
    kept = [name for name in HELPER_PARTS if name not in lazy]
    assert kept == ["helpers", "board_info"]  # board_info last: its report is the install's reply
    assert kept_parts() == tuple(part for name, part in zip(HELPER_PARTS, helper_parts()) if name in kept)
    for module in LAZY_MODULES:
        source = lazy_module_source(module)
        compile(source, module, "exec")
        assert source.startswith('_belay=__import__("__main__")._belay\n')  # a module's globals are its own
        assert "@@" not in source  # one file serves every connection


def test_the_stream_helpers_are_imported_by_the_name_the_board_calls_and_the_background_part_use():
    assert board_calls.stream_start(-1, "g()") == f"_belay.l('s','{STREAM_MODULE}')(-1,g())"
    assert board_calls.stream_resume(-1) == f"_belay.l('s','{STREAM_MODULE}')(-1)"
    assert f'_belay.l("q", "{STREAM_MODULE}")' in board_source("background")
    assert LAZY_MODULES[STREAM_MODULE] == ("streams",)


def test_the_helpers_file_comes_last_after_the_kept_startups_and_lazy_modules():
    paths = [path for path, _ in helper_module().files]
    startups = [kept_source_path(name) for name in KEPT_SOURCES]
    assert paths == startups + lazy_paths("py") + [f"{MODULE_FOLDER}/{HELPER_MODULE_FILE}"]
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


def test_preparing_removes_the_helpers_file_and_both_forms_of_the_lazy_modules():
    code = board_calls.prepare_helper_module("/.belay", "/.belay/helpers.py", lazy_module_paths())
    compile(code, "<test>", "exec")
    assert sorted(lazy_module_paths()) == sorted(lazy_paths("py") + lazy_paths("mpy"))
    for path in ("/.belay/helpers.py", *lazy_module_paths()):
        assert repr(path) in code


def test_sync_keeps_the_helpers_folder_at_the_root():
    assert MODULE_FOLDER.strip("/") in DEFAULT_KEEP_AT_ROOT


def test_the_module_source_runs_host_code_in_the_repl_globals_and_reads_the_nonce_at_import():
    source = mpy_module_source()
    compile(source, "<belay>", "exec")
    assert "@@" not in source
    assert source.count(",_belay.g)") == 1
    assert ' S="\\x1e"+__import__("__main__")._belay_n' in source.splitlines()
    # The kept parts' lines otherwise as they are, one after another.
    assert source.count("\n") == sum(part.count("\n") for part in kept_parts()) + len(kept_parts()) - 1


def test_parts_the_module_changes_do_not_fit_give_no_module_source(monkeypatch):
    parts = helper_parts()
    monkeypatch.setattr(board_code, "helper_parts", lambda: (parts[0].replace("exec(", "eval("), *parts[1:]))
    assert mpy_module_source() is None
    monkeypatch.setattr(board_code, "helper_parts", lambda: (*parts[:-1], parts[-1] + "\nx='@@'\n"))
    assert mpy_module_source() is None


def test_the_mpy_variant_keeps_the_version_and_checks_every_mpy_file():
    main = b"M\x06\x00\x1f" + bytes(range(256))
    lazy = tuple(b"M\x06\x00\x1f" + name.encode() for name in LAZY_MODULES)
    module = helper_module(CompiledHelpers(main, lazy))
    tree = ast.parse(module.files[-1][1].decode())
    (function,) = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
    names = [argument.arg for argument in function.args.args][-len(function.args.defaults) :]
    defaults = {name: ast.literal_eval(value) for name, value in zip(names, function.args.defaults)}
    assert defaults["P"] == ()
    assert defaults["M"] == f"{MODULE_FOLDER}/{MPY_MODULE_FILE}"
    assert defaults["F"] == (defaults["M"], *lazy_paths("mpy"))
    assert defaults["D"] == hashlib.sha256(main + b"".join(lazy)).digest()[:DIGEST_BYTES]
    assert module.version == helper_module().version
    assert set(zip(defaults["F"], (main, *lazy))) <= set(module.files)
    assert defaults_of_the_loader()["M"] == ""


def test_binary_files_are_written_in_base64_and_text_as_a_literal():
    mpy = bytes(range(256)) * 4
    code = board_calls.write_helper_module([("/.belay/a.py", b"x=1\n"), ("/.belay/b.mpy", mpy)])
    assert "from binascii import a2b_base64 as _belay_b\n" in code
    assert f"_belay_b('{base64.b64encode(mpy).decode()}')" in code
    assert "b'x=1\\n'" in code
    assert len(code) < len(mpy) * 4 // 3 + 300
    assert "binascii" not in board_calls.write_helper_module([("/.belay/a.py", b"x=1\n")])


def helper_names_set_by(source: str) -> set[str]:
    """The names a board source puts on the helpers' class: its body, or ``_belay.<name> = ...`` assignments."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef) and node.name == "_belay":
            for statement in node.body:
                if isinstance(statement, (ast.FunctionDef, ast.Assign)):
                    targets = statement.targets if isinstance(statement, ast.Assign) else [statement]
                    names.update(getattr(target, "id", getattr(target, "name", None)) for target in targets)
        if isinstance(node, ast.Assign):
            for target in node.targets:
                for element in target.elts if isinstance(target, ast.Tuple) else [target]:
                    if isinstance(element, ast.Attribute) and getattr(element.value, "id", None) == "_belay":
                        names.add(element.attr)
    return names - {None}


def test_no_two_board_parts_put_the_same_name_on_the_helpers():
    # A lazy part imported after the sync helpers must not replace one of theirs, nor they one of its.
    sources = [path.stem for path in (Path(board_code.__file__).parent / "board").glob("*.py")]
    seen: dict[str, str] = {}
    for name in sorted(sources):
        for helper in helper_names_set_by(board_source(name)):
            if name == "background" and helper == "w":
                continue  # the kernel's background jobs replace the writer on purpose
            assert helper not in seen, f"{name} and {seen.get(helper)} both set _belay.{helper}"
            seen[helper] = name
    assert {"s", "q", "e", "h", "display", "u", "rm"} <= seen.keys()
    assert "g" not in seen  # the loader's: where the runner runs host code


def test_each_lazy_module_sets_the_helper_that_imports_it():
    assert LAZY_MODULE_HELPERS.keys() == LAZY_MODULES.keys()
    for module, helper in LAZY_MODULE_HELPERS.items():
        assert helper in helper_names_set_by(lazy_module_source(module))
        assert helper not in helper_names_set_by(kept_parts()[0])  # else asking for it would import nothing
