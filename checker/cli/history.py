"""`peacecheck history DRAFT... | FOLDER`: a round of drafts, ordered by `revises`, and how each party moved.

Every draft is checked against the same red lines: those found for the first DRAFT (the redlines/
folder above it) unless --redlines is given.
"""
from __future__ import annotations

import click

from peacecheck.checker.cli.shell import EXIT_OK, judging_options, output_for, run_guarded, use_colour, write_output
from peacecheck.checker.reports.formats import FORMATS as REGISTRY

FORMATS = tuple(sorted(REGISTRY["history"]))


@click.command("history")
@click.argument("drafts", nargs=-1, required=True, type=click.Path(), metavar="DRAFT...|FOLDER")
@click.option("-o", "--output", metavar="FILE", help="Write to FILE (atomically); the extension picks the format.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="Output format. Default: text, or what the -o file's extension implies (.html, .md, .json).")
@judging_options("every draft", "the first draft")
def history(drafts: tuple[str, ...], output: str | None, fmt: str | None, redlines: tuple[str, ...],
            parties: tuple[str, ...], today) -> None:
    """Follow a round of drafts: order them by their `revises` links (then dates), check each against
    the same red lines, follow each clause through the round, and show how each party's objections
    moved from a draft to the one it revises.

    A FOLDER stands for every .peace file directly in it. Exit codes: 0 the history was produced
    (whatever the verdicts), 2 usage or input error.
    """
    def body() -> int:
        from peacecheck.checker.project import load_history, render

        chosen, target = output_for(output, fmt, "history")
        result, read = load_history(drafts, redlines, parties, today.date() if today else None)
        write_output(render(result, chosen, use_colour(target)), target, read, chosen)
        return EXIT_OK

    run_guarded(body)
