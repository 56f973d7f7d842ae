"""`peacecheck lint`: warnings about red lines and proposals (the work is checker.solve.lint's)."""
from __future__ import annotations

import click

from peacecheck.checker.cli.shell import (
    EXIT_OK,
    EXIT_REJECTED,
    last_line,
    quiet_option,
    run_guarded,
)
from peacecheck.checker.reports.formats import FORMATS

LINT_FORMATS = FORMATS["lint"]


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--vocabulary", "vocabulary_path", metavar="FILE", type=click.Path(dir_okay=False),
              help="The vocabulary to check against. Default: the one the red-line files name.")
@click.option("--format", "fmt", type=click.Choice(sorted(LINT_FORMATS)), default="text", show_default=True)
@quiet_option
def lint(paths: tuple[str, ...], vocabulary_path: str | None, fmt: str, quiet: bool) -> None:
    """Analyse red lines: rules that never or always fire, a party's contradictory red lines, unused terms.

    PATHS are red-line files, proposals, or folders of them (default: the project's redlines/ and
    proposals/ folders). The proposals only count for the unused-term check.

    Exit codes: 0 no warning, 1 warnings, 2 usage or input error.
    """
    def body() -> int:
        from peacecheck.checker.negotiation import cp_model
        from peacecheck.checker.project import lint as run_lint
        from peacecheck.checker.reports.escape import safe_report
        from peacecheck.checker.reports.formats import renderer

        cp_model()
        report = run_lint(lint_paths(paths), vocabulary_path)
        text = renderer(fmt, "lint")(report)
        if quiet and fmt == "text":
            text = last_line(text)  # `N warnings (...)`
        click.echo(safe_report(text, fmt), nl=False)
        return EXIT_REJECTED if report.warnings else EXIT_OK

    run_guarded(body)


def lint_paths(paths: tuple[str, ...]) -> tuple[str, ...]:
    """`lint .` as `fmt .` takes it: a project folder (one holding redlines/) means its redlines/ and
    proposals/; any other folder, the .redlines and .peace files below it (hidden folders skipped)."""
    from pathlib import Path

    out: list[str] = []
    for raw in paths:
        folder = Path(raw)
        if not folder.is_dir():
            out.append(raw)
        elif (folder / "redlines").is_dir():
            out += [str(folder / "redlines")] + ([str(folder / "proposals")] if (folder / "proposals").is_dir() else [])
        else:
            found = [p for p in sorted(folder.rglob("*")) if p.suffix in (".redlines", ".peace") and p.is_file()
                     and not any(part.startswith(".") for part in p.relative_to(folder).parts)]
            out += [str(p) for p in found] or [raw]
    return tuple(out)
