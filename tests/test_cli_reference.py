"""The README's command reference: generated from ``--help``, never stale, and every command
and option of the CLI has help text and appears in it."""

from __future__ import annotations

from pathlib import Path

import click

from extractor.cli import main
from extractor.cli.reference import BEGIN, END, REGENERATE, reference, replaced

README = Path(__file__).resolve().parents[1] / "README.md"


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    return text[text.index(BEGIN):text.index(END)]


def test_the_readme_reference_is_current() -> None:
    text = README.read_text(encoding="utf-8")
    assert replaced(text) == text, f"the README's command reference is stale; regenerate it: .venv/bin/{REGENERATE}"


def test_the_reference_has_the_help_of_every_command() -> None:
    ref = reference()
    assert ref.startswith("### `extract`\n\n```text\nUsage: extract [OPTIONS] COMMAND [ARGS]...")
    for name in main.commands:
        assert f"### `extract {name}`\n\n```text\nUsage: extract {name} [OPTIONS]" in ref, name


def test_every_command_and_option_is_documented() -> None:
    section = _section()
    assert main.help and main.commands
    for name, command in [("extract", main), *((f"extract {n}", c) for n, c in main.commands.items())]:
        assert command.help and command.help.strip(), f"{name} has no help text"
        block = section[section.index(f"### `{name}`"):]
        block = block[:block.index("\n```\n")]
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help and param.help.strip(), f"{name} {param.opts[0]} has no help text"
                for opt in param.opts:
                    assert opt in block, f"{name} {opt} is not in the README's reference"
            else:
                assert param.human_readable_name in block, f"{name} {param.human_readable_name}"


def test_regenerating_a_stale_reference_restores_it() -> None:
    text = README.read_text(encoding="utf-8")
    stale = text.replace("Show this message and exit.", "Show help.", 1)
    assert stale != text and replaced(stale) == text
