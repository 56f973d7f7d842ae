"""`peacecheck diff OLD NEW`: what changed between two drafts, and what it did to each party's objections.

Both drafts are checked against the same red lines: those found for NEW (the
redlines/ folder above it) unless --redlines is given.
"""
from __future__ import annotations

import click

from peacecheck.checker.cli import whatif
from peacecheck.checker.cli.shell import (
    EXIT_OK,
    colour_option,
    judging_options,
    output_for,
    run_guarded,
    use_colour,
    write_output,
)
from peacecheck.checker.cli.watch import Inputs, watch_command, watch_option
from peacecheck.checker.cli.whatif import what_if_options
from peacecheck.checker.reports.formats import FORMATS as REGISTRY

FORMATS = tuple(sorted(REGISTRY["diff"]))


def format_for(output: str | None, fmt: str | None = None) -> str:
    """The diff's format (see shell.output_for)."""
    return output_for(output, fmt, "diff")[0]


@click.command("diff")
@click.argument("old", type=click.Path(dir_okay=False))
@click.argument("new", type=click.Path(dir_okay=False))
@click.option("-o", "--output", metavar="FILE", help="Write the diff to FILE (atomically) instead of stdout.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="Output format. Default: text, or what the -o file's extension implies (.html, .md, .json).")
@judging_options("both drafts", "NEW")
@what_if_options
@colour_option
@watch_option
def diff(old: str, new: str, output: str | None, fmt: str | None, redlines: tuple[str, ...],
         parties: tuple[str, ...], today, sets: tuple[str, ...], chooses: tuple[str, ...], color: str,
         watch: bool, watch_max_runs: int | None) -> None:
    """Show what changed from OLD to NEW and what the change did to each party's objections.

    Clauses are matched by id when they are plausibly the same clause, otherwise by title, terms
    and text; splits and merges are shown as such.

    Exit codes: 0 the diff was produced (also when either draft has hard rejections), 2 usage or
    input error. --set and --choose apply to NEW: `diff X X --set ...` shows what a change would do.
    """
    inputs = Inputs()

    def body() -> int:
        from peacecheck.checker.diff import diff as compare
        from peacecheck.checker.project import check, load_drafts, render

        chosen, target = output_for(output, fmt, "diff")  # `html:d.txt` writes d.txt
        inputs.add([old, new, *redlines])
        before, after = load_drafts(old, new, redlines, parties, today.date() if today else None)
        inputs.add(before.read_files + after.read_files)
        after = whatif.apply_one(after, sets, chooses)
        result = compare(check(before), check(after))
        write_output(render(result, chosen, use_colour(target)), target,
                     after.read_files + before.read_files, chosen)
        return EXIT_OK

    if watch:
        watch_command(body, inputs, watch_max_runs)
    run_guarded(body)
