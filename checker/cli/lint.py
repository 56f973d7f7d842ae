"""`peacecheck lint`: warnings about red lines and proposals (the work is checker.solve.lint's)."""
from __future__ import annotations

from pathlib import Path

import click

from peacecheck.checker.cli.shell import (
    EXIT_OK,
    EXIT_REJECTED,
    fail,
    run_guarded,
)
from peacecheck.checker.reports.formats import FORMATS

LINT_FORMATS = FORMATS["lint"]


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--vocabulary", "vocabulary_path", metavar="FILE", type=click.Path(dir_okay=False),
              help="The vocabulary to check against. Default: the one the red-line files name.")
@click.option("--format", "fmt", type=click.Choice(sorted(LINT_FORMATS)), default="text", show_default=True)
def lint(paths: tuple[str, ...], vocabulary_path: str | None, fmt: str) -> None:
    """Analyse red lines: rules that never or always fire, a party's contradictory red lines, unused terms.

    PATHS are red-line files, proposals, or folders of them (default: the project's redlines/ and
    proposals/ folders). The proposals only count for the unused-term check.

    Exit codes: 0 no warning, 1 warnings, 2 usage or input error.
    """
    def body() -> int:
        from peacecheck.checker.reports.formats import load_object
        from peacecheck.checker.negotiation import cp_model
        from peacecheck.checker.negotiation.lint import LintReport
        from peacecheck.checker.negotiation.lint import lint as run_lint

        cp_model()
        vocabulary, redlines, proposals = _lint_inputs(paths, vocabulary_path)
        report = LintReport(run_lint(vocabulary, redlines, proposals), vocabulary.file,
                            tuple(r.file for r in redlines), tuple(p.file for p in proposals))
        from peacecheck.checker.reports.escape import safe_report

        click.echo(safe_report(load_object(LINT_FORMATS[fmt])(report), fmt), nl=False)
        return EXIT_REJECTED if report.warnings else EXIT_OK

    run_guarded(body)


def _lint_paths(paths: tuple[str, ...]) -> tuple[list[Path], list[Path]]:
    """(red-line files, proposal files) named by PATHS, or found in the project's default folders."""
    from peacecheck.checker.files import find_redlines_dir

    given = [Path(p) for p in paths]
    if not given:
        found = find_redlines_dir(Path.cwd() / "peacecheck")
        if found is None:
            fail("PC118", "no red-line files found: pass PATHS, or run inside a project with a redlines/ folder", "lint")
        given = [found] + ([found.parent / "proposals"] if (found.parent / "proposals").is_dir() else [])
    redlines, proposals = [], []
    for path in given:
        if not path.exists():
            fail("PC020", f"cannot read '{path}': no such file or folder", str(path))
        if path.is_dir():
            redlines += sorted(path.glob("*.redlines"))
            proposals += sorted(path.glob("*.peace"))
        else:
            (proposals if path.suffix == ".peace" else redlines).append(path)
    if not redlines:
        fail("PC118", "no red-line files found among the paths given", "lint")
    return redlines, proposals


def _lint_inputs(paths: tuple[str, ...], vocabulary_path: str | None):
    from peacecheck.checker.files import DiskLoader, display_path, project_root
    from peacecheck.dsl.api import load_proposal, load_redlines, load_vocabulary
    from peacecheck.dsl.diagnostics import Diagnostic, PeaceError, Span

    redline_paths, proposal_paths = _lint_paths(paths)
    loader = DiskLoader(project_root(redline_paths[0].parent))
    vocabulary = load_vocabulary(display_path(Path(vocabulary_path)), loader) if vocabulary_path else None
    redlines, diagnostics = [], []
    for path in redline_paths:
        try:
            model, own = load_redlines(display_path(path), loader, vocabulary)
        except PeaceError as exc:
            diagnostics += exc.diagnostics
            continue
        vocabulary = vocabulary or own
        redlines.append(model)
    proposals = []
    for path in proposal_paths:
        try:
            model, own = load_proposal(display_path(path), loader)
        except PeaceError as exc:
            diagnostics += exc.diagnostics
            continue
        if vocabulary is not None and own.file == vocabulary.file:
            proposals.append(model)  # proposals under another vocabulary cannot use this one's terms
    if diagnostics or vocabulary is None:
        raise PeaceError(diagnostics or [Diagnostic("PC118", "no red-line files could be read", Span("lint", 0, 0))])
    return vocabulary, redlines, proposals
