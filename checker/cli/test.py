"""`peacecheck test`: run red-line test files (the work is checker.redline_tests')."""
from __future__ import annotations

import click

from peacecheck.checker.cli.shell import (
    EXIT_OK,
    EXIT_REJECTED,
    quiet_option,
    run_guarded,
)
from peacecheck.checker.cli.watch import Inputs, watch_command, watch_option


@click.command("test")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("-v", "--verbose", is_flag=True, help="List passing cases too.")
@click.option("--threshold", type=click.FloatRange(0, 100), default=None, metavar="PCT",
              help="Exit 1 if fewer than PCT% of the rules are exercised (by tests or proposals).")
@click.option("--proposals", "proposal_paths", multiple=True, metavar="PATH",
              help="Proposals (files or folders) that count for coverage. Default: proposals/ beside redlines/.")
@click.option("--no-coverage", is_flag=True, help="Skip the coverage report.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Use this config file.")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD",
              help="The date acknowledgements expire against in cases that set no `today` (default: today, "
                   "as in check).")
@quiet_option
@watch_option
def test(paths: tuple[str, ...], verbose: bool, threshold: float | None, proposal_paths: tuple[str, ...],
         no_coverage: bool, config_path: str | None, today, quiet: bool, watch: bool, watch_max_runs: int | None) -> None:
    """Run red-line unit tests (TOML files of cases; default: redlines/tests/).

    Prints a line per failing case (expected vs actual, at file:line), `PASS: n/n` or
    `FAIL: k/n`, and which rules no test and no proposal ever made fire. Exit codes: 0 all
    cases pass (and coverage meets --threshold), 1 a case fails or coverage is too low,
    2 a test file, red line or snippet has errors.
    """
    inputs = Inputs()

    def body() -> int:
        from peacecheck.checker.project import run_tests
        from peacecheck.checker.reports.escape import terminal_text
        from peacecheck.checker.reports.tests_text import render

        inputs.add([*(paths or _default_tests()), *proposal_paths])
        report = run_tests(paths, proposal_paths, not no_coverage, threshold, config_path,
                           today.date() if today else None)
        inputs.add(ref.file for ref in (report.coverage.rules if report.coverage else ()))
        for warning in report.warnings:
            click.echo(terminal_text(f"warning: {warning}\n"), err=True, nl=False)
        click.echo(terminal_text(render(report, verbose and not quiet, quiet)), nl=False)
        return EXIT_OK if report.passed else EXIT_REJECTED

    if watch:
        watch_command(body, inputs, watch_max_runs)
    run_guarded(body)


def _default_tests() -> list[str]:
    """For --watch: the redlines/tests/ folder found from here, its red lines and the proposals beside them."""
    from pathlib import Path

    here = Path.cwd()
    tests = next((f / "redlines" / "tests" for f in (here, *here.parents) if (f / "redlines" / "tests").is_dir()), None)
    return [str(p) for p in (tests, tests.parent, tests.parent.parent / "proposals") if p.is_dir()] if tests else []


