"""`peacecheck solve`: paths, options, exit codes. The analysis lives in checker.solve,
the rendering in checker.render.solve_text and solve_html."""
from __future__ import annotations

import click

from peacecheck.checker.cli.shell import (
    EXIT_OK,
    EXIT_REJECTED,
    fail,
    load_check_inputs,
    load_proposal_file,
    run_guarded,
    write_output,
)
from peacecheck.checker.reports.formats import FORMATS

SOLVE_FORMATS = FORMATS["solve"]


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

        from peacecheck.checker.evaluation.evaluate import party_info
        from peacecheck.checker.reports.formats import load_object
        from peacecheck.checker.negotiation import cp_model
        from peacecheck.checker.negotiation import solve as run_solve

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


