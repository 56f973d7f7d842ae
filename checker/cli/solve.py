"""`peacecheck solve`: paths, options, exit codes. The analysis lives in checker.negotiation,
the rendering in checker.reports.solve_text and solve_html."""
from __future__ import annotations

import click

from peacecheck.checker.cli import whatif
from peacecheck.checker.cli.shell import (
    EXIT_OK,
    EXIT_REJECTED,
    judging_options,
    last_line,
    output_for,
    quiet_option,
    run_guarded,
    write_output,
)
from peacecheck.checker.cli.whatif import what_if_options
from peacecheck.checker.negotiation.limits import DEFAULT_TIME_LIMIT
from peacecheck.checker.reports.formats import FORMATS

SOLVE_FORMATS = FORMATS["solve"]


@click.command()
@click.argument("proposal", type=click.Path(dir_okay=False))
@judging_options("the proposal and the draft to repair", "the proposal")
@click.option("--top", type=click.IntRange(1, 100), default=5, show_default=True,
              help="How many packages (or conflict sets, or alternative relaxations) to show.")
@click.option("--from", "draft", metavar="DRAFT", type=click.Path(dir_okay=False),
              help="The draft to repair (a .peace file); default: the proposal's first options.")
@click.option("--format", "fmt", type=click.Choice(sorted(SOLVE_FORMATS)), default=None,
              help="Report format. Default: text, or what the -o file's extension implies (.html, .json).")
@click.option("-o", "--output", metavar="FILE", help="Write the report to FILE (atomically) instead of stdout.")
@quiet_option
@click.option("--time-limit", type=click.FloatRange(min=0), default=DEFAULT_TIME_LIMIT, show_default=True,
              metavar="SECONDS", help="How long the solver may take; when it runs out, the report says what stands "
                                      "proved (packages found, whether each is the best, conflicts isolated).")
@what_if_options
def solve(proposal: str, redlines: tuple[str, ...], parties: tuple[str, ...], top: int, draft: str | None,
          fmt: str | None, output: str | None, quiet: bool, today, time_limit: float, sets: tuple[str, ...],
          chooses: tuple[str, ...]) -> None:
    """Find option packages every party can accept, or the red lines that make agreement impossible.

    Each clause with options contributes one choice. A package is acceptable when no party's hard
    red line rejects it; packages are ranked by the worst-off party's soft concerns, then by all
    concerns, then by the fewest changes from the draft.

    Exit codes: 0 a package exists, 1 no package (the conflicting red lines are reported, or none was
    found before --time-limit: the report says which), 2 usage or input error. --set changes the proposal's terms; --choose makes an option the drafted
    one, so it is the draft packages are compared with (unless --from names another).
    """
    def body() -> int:
        from peacecheck.checker.negotiation import cp_model
        from peacecheck.checker.project import load_project, load_solve_draft
        from peacecheck.checker.project import solve as run_solve
        from peacecheck.checker.reports.formats import renderer

        chosen, target = output_for(output, fmt, "solve")
        cp_model()  # fail early, before reading anything, when OR-tools is missing
        project = load_project(proposal, redlines, parties, today.date() if today else None)
        project = whatif.apply_one(project, sets, chooses)
        draft_model, read = load_solve_draft(draft, project) if draft else (None, [])
        result = run_solve(project, top, draft_model, time_limit)
        text = renderer(chosen, "solve")(result)
        if quiet and not target and chosen == "text":
            text = last_line(text)  # `Result: ...`
        write_output(text, target, project.read_files + read, chosen)
        return EXIT_OK if result.feasible else EXIT_REJECTED

    run_guarded(body)
