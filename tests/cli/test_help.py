"""Help people can use (issue 19, item 6): every command's options in sections — inputs, trust and
policy, outputs, gates, performance, distributed — everyday ones first, every option in one section,
and examples; the commands listed everyday ones first."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from sigaudit.cli import main
from sigaudit.cli_help import HELP_SECTIONS

SECTION_ORDER = ("Inputs", "Trust and policy", "Outputs", "Gates", "Performance", "Distributed")


def _help(*command: str) -> str:
    result = CliRunner().invoke(main, [*command, "--help"], terminal_width=100)
    assert result.exit_code == 0, result.output
    return result.output


def test_scan_help_groups_its_options_everyday_ones_first_with_examples() -> None:
    text = _help("scan")
    starts = [text.index(f"\n{title}:\n") for title in SECTION_ORDER]
    assert starts == sorted(starts)  # the sections in the order
    inputs = text[starts[0] : starts[1]]
    assert "--agencies" in inputs and "--store" in inputs and "--dask" not in inputs
    distributed = text[starts[-1] :]
    assert "--executor" in distributed and "--scheduler" in distributed
    gates = text[starts[3] : starts[4]]
    assert "--fail-under" in gates and "--memory-limit" not in gates
    examples = text[text.index("\nExamples:\n") :]
    assert "sigaudit scan /mnt/vanthu" in examples and "--fail-under 95" in examples


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_option_of_every_command_is_in_exactly_one_section(name: str) -> None:
    command = main.commands[name]
    options = {p.name for p in command.params if isinstance(p, click.Option)} - {"help"}
    placed = [option for _, names in HELP_SECTIONS[name] for option in names]
    assert sorted(placed) == sorted(options), f"{name}: place {options - set(placed)} in a section"
    text = _help(name)
    assert "Examples:" in text and "Other options:\n  -h, --help" in text


def test_the_command_list_puts_everyday_commands_first() -> None:
    text = _help()
    listed = [line.split()[0] for line in text[text.index("Commands:") :].splitlines()[1:7]]
    assert listed == ["scan", "report", "verify", "runs", "diff", "agencies"]
    assert "Examples:" in text
