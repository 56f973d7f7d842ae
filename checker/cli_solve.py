"""`peacecheck solve` and `peacecheck lint`: paths, options, exit codes. The analysis lives in
checker.solve and checker.lint, the rendering in checker.render_solve(_html)."""
from __future__ import annotations

from pathlib import Path

import click

from peacecheck.checker.cli import (
    EXIT_OK,
    EXIT_REJECTED,
    fail,
    load_check_inputs,
    load_proposal_file,
    run_guarded,
    write_output,
)

SOLVE_FORMATS = {
    "text": "peacecheck.checker.render_solve:render",
    "json": "peacecheck.checker.render_solve:render_json",
    "html": "peacecheck.checker.render_solve_html:render",
}
LINT_FORMATS = {
    "text": "peacecheck.checker.render_solve:render_lint",
    "json": "peacecheck.checker.render_solve:render_lint_json",
}


# ------------------------------------------------------------------ solve
@click.command()
@click.argument("proposal", type=click.Path(dir_okay=False))
@click.option("--redlines", multiple=True, metavar="PATH",
              help="A red-line file or folder (repeatable). Default: the redlines/ folder above the proposal.")
@click.option("--party", "parties", multiple=True, metavar="ID", help="Only this party's red lines (repeatable).")
@click.option("--top", type=click.IntRange(1, 100), default=5, show_default=True,
              help="How many packages (or conflict sets, or alternative relaxations) to show.")
@click.option("--from", "draft", metavar="DRAFT", type=click.Path(dir_okay=False),
              help="The draft to repair (a .peace file); default: the proposal's first options.")
@click.option("--format", "fmt", type=click.Choice(sorted(SOLVE_FORMATS)), default="text", show_default=True)
@click.option("-o", "--output", metavar="FILE", help="Write the report to FILE (atomically) instead of stdout.")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD",
              help="The date acknowledgements expire against, as in `check` (default: today).")
def solve(proposal: str, redlines: tuple[str, ...], parties: tuple[str, ...], top: int, draft: str | None,
          fmt: str, output: str | None, today) -> None:
    """Find option packages every party can accept, or the red lines that make agreement impossible.

    Each clause with options contributes one choice. A package is acceptable when no party's hard
    red line rejects it; packages are ranked by the worst-off party's soft concerns, then by all
    concerns, then by the fewest changes from the draft.

    Exit codes: 0 a package exists, 1 no package (the conflicting red lines are reported),
    2 usage or input error.
    """
    def body() -> int:
        import datetime as dt

        from peacecheck.checker.cli import load_object
        from peacecheck.checker.evaluate import party_info
        from peacecheck.checker.solve import cp_model
        from peacecheck.checker.solve import solve as run_solve

        cp_model()  # fail early, before reading anything, when OR-tools is missing
        inputs = load_check_inputs(proposal, redlines, parties)
        draft_model, read = _load_draft(draft, inputs.vocabulary) if draft else (None, [])
        infos = [party_info(r, inputs.digests.get(r.party, b"")) for r in sorted(inputs.redlines, key=lambda r: r.party)]
        result = run_solve(inputs.proposal, inputs.vocabulary, inputs.redlines, infos, top, draft_model,
                           draft_model.file if draft_model else "", today.date() if today else dt.date.today())
        write_output(load_object(SOLVE_FORMATS[fmt])(result), output, inputs.read_files + read, fmt)
        return EXIT_OK if result.feasible else EXIT_REJECTED

    run_guarded(body)


def _load_draft(draft: str, vocabulary):
    """The draft to repair, which must use the proposal's vocabulary."""
    model, own, read = load_proposal_file(draft)
    if own.file != vocabulary.file:
        fail("PC731", f"the draft '{model.file}' uses vocabulary '{own.file}', the proposal uses '{vocabulary.file}'",
             draft)
    return model, read


# ------------------------------------------------------------------ lint
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
        from peacecheck.checker.cli import load_object
        from peacecheck.checker.lint import LintReport
        from peacecheck.checker.lint import lint as run_lint
        from peacecheck.checker.solve import cp_model

        cp_model()
        vocabulary, redlines, proposals = _lint_inputs(paths, vocabulary_path)
        report = LintReport(run_lint(vocabulary, redlines, proposals), vocabulary.file,
                            tuple(r.file for r in redlines), tuple(p.file for p in proposals))
        from peacecheck.checker.escape import safe_report

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
