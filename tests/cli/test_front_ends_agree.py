"""The CLI, the magics and the kernel's % lines adapt one command layer: the same commands, options and help."""

import pytest

from belay_engine.cli import app
from belay_engine.commands.docs import parameter_help, summary
from belay_engine.commands.line_commands import FILE_COMMANDS
from belay_jupyter.magics import FileMagics


def _options(parser) -> dict[str, tuple[str, ...]]:
    """Each argument of an argparse parser by its destination, with its option strings (empty: positional)."""
    return {action.dest: tuple(action.option_strings) for action in parser._actions if action.dest != "help"}


def _table_options(name: str) -> dict[str, tuple[str, ...]]:
    return {arg.dest: tuple(f for f in arg.flags if f.startswith("-")) for arg in FILE_COMMANDS[name].arguments}


@pytest.mark.parametrize("name", sorted(FILE_COMMANDS))
def test_each_file_magic_has_the_table_s_arguments_and_the_command_s_help(name):
    magic = getattr(FileMagics, f"belay_{name}")
    options = _options(magic.parser)
    assert options.pop("device") == ("--device", "-d")
    assert options == _table_options(name)
    assert summary(FILE_COMMANDS[name].function) in magic.__doc__
    for dest, text in parameter_help(FILE_COMMANDS[name].function).items():
        if dest in options:
            assert text in " ".join(magic.__doc__.split()), dest


def test_the_cli_file_commands_take_the_same_options():
    for name, command in FILE_COMMANDS.items():
        cli_command = app[name]
        assert cli_command.help.startswith(summary(command.function).split("\n")[0][:40]), name
        signature_names = set(cli_command.default_command.__code__.co_varnames)
        assert set(_table_options(name)) <= signature_names, name


def test_the_kernel_offers_the_magics_file_commands_with_the_same_options():
    from belay_jupyter.kernel.kernel_magics import KernelMagics

    kernel_magics = KernelMagics(kernel=None)
    for name in FILE_COMMANDS:
        assert name in kernel_magics.table, name
        kernel_options = _options(kernel_magics.parsers[name])
        magic_options = _options(getattr(FileMagics, f"belay_{name}").parser)
        magic_options.pop("device")
        assert kernel_options == magic_options, name
        kernel_help = {a.dest: a.help for a in kernel_magics.parsers[name]._actions}
        magic_help = {a.dest: a.help for a in getattr(FileMagics, f"belay_{name}").parser._actions}
        assert {k: v for k, v in magic_help.items() if k in kernel_help} == kernel_help, name
