"""The README is the user guide: it must document every command, option and error code."""
from __future__ import annotations

import re

from click.testing import CliRunner

from peacecheck.checker.cli import main
from peacecheck.checker.codes import ALL_CODES as ERROR_CODES

from conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_every_error_code_is_in_the_readme():
    table = README.split("<!-- error-codes:start -->")[1].split("<!-- error-codes:end -->")[0]
    listed = re.findall(r"^\| (PC\d{3}) \|", table, flags=re.MULTILINE)
    assert listed == sorted(ERROR_CODES)


def test_every_command_and_option_is_in_the_readme():
    ctx = main.make_context("peacecheck", ["--help"], resilient_parsing=True)
    for name in main.list_commands(ctx):
        assert f"peacecheck {name}" in README, name
        command = main.get_command(ctx, name)
        for param in command.params:
            opts = [o for o in getattr(param, "opts", []) if o.startswith("-") and o != "--help"]
            if opts and not getattr(param, "hidden", False):  # hidden: for tests (--watch-max-runs)
                assert any(f"`{o}" in README or f"{o}/" in README for o in opts), f"{name} {opts}"


def test_the_two_set_up_commands_are_there():
    assert 'pip install -e . && peacecheck proposals/miami.peace' in README
    assert 'pip install -e ".[test]" && pytest' in README


def test_readme_commands_run():
    runner = CliRunner()
    assert runner.invoke(main, ["--help"]).exit_code == 0
