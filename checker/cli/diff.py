"""`peacecheck diff OLD NEW`: what changed between two drafts, and what it did to each party's objections.

Both drafts are checked against the same red lines: those found for NEW (the
redlines/ folder above it) unless --redlines is given.
"""
from __future__ import annotations

import click

from peacecheck.checker.cli.shell import (
    EXIT_OK,
    load_check_inputs,
    load_proposal_file,
    run_guarded,
    use_colour,
    write_output,
)
from peacecheck.dsl.diagnostics import Diagnostic, PeaceError, Span

FORMATS = ("html", "json", "markdown", "text")


def format_for(output: str | None, fmt: str | None = None) -> str:
    """The diff's format: --format, else what `-o FILE` implies (the rule every command shares), else text."""
    from peacecheck.checker.config import parse_output

    if not output or output == "-":
        return fmt or "text"
    try:
        implied = parse_output(output, set(FORMATS), "text").format
    except ValueError as exc:  # `-o json`: a format name, not a file
        raise PeaceError([Diagnostic("PC603", str(exc), Span("-o", 0, 0))]) from None
    return fmt or implied


@click.command("diff")
@click.argument("old", type=click.Path(dir_okay=False))
@click.argument("new", type=click.Path(dir_okay=False))
@click.option("-o", "--output", metavar="FILE", help="Write the diff to FILE (atomically) instead of stdout.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="Output format. Default: text, or what the -o file's extension implies (.html, .md, .json).")
@click.option("--redlines", multiple=True, metavar="PATH",
              help="A red-line file or folder (repeatable), used for both drafts. Default: the redlines/ folder "
                   "above NEW.")
@click.option("--party", "parties", multiple=True, metavar="ID", help="Only this party (repeatable).")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD",
              help="The date acknowledgements expire against, in both drafts (default: today).")
def diff(old: str, new: str, output: str | None, fmt: str | None, redlines: tuple[str, ...],
         parties: tuple[str, ...], today) -> None:
    """Show what changed from OLD to NEW and what the change did to each party's objections.

    Clauses are matched by id when they are plausibly the same clause, otherwise by title, terms
    and text; splits and merges are shown as such.

    Exit codes: 0 the diff was produced (also when either draft has hard rejections), 2 usage or
    input error.
    """
    def body() -> int:
        import datetime as dt

        from peacecheck.checker.evaluation.evaluate import check
        from peacecheck.checker.diff import diff as compare

        chosen = format_for(output, fmt)
        day = today.date() if today else dt.date.today()
        inputs, old_proposal, old_files = load_both(old, new, redlines, parties)
        before = check(old_proposal, inputs.vocabulary, inputs.redlines, inputs.digests, today=day)
        after = check(inputs.proposal, inputs.vocabulary, inputs.redlines, inputs.digests, today=day)
        result = compare(before, after)
        write_output(render(result, chosen, use_colour(output)), output,
                     inputs.read_files + old_files, chosen)
        return EXIT_OK

    run_guarded(body)


def render(result, fmt: str, colour: bool = False) -> str:
    from peacecheck.checker.project import render_diff

    return render_diff(result, fmt, colour)


def load_both(old: str, new: str, redlines: tuple[str, ...], parties: tuple[str, ...]):
    """NEW with its red lines, and OLD checked for compatibility; every input error of both files at once."""
    errors: list[Diagnostic] = []
    inputs = None
    try:
        inputs = load_check_inputs(new, redlines, parties)
    except PeaceError as exc:
        errors += exc.diagnostics
    try:
        old_proposal, old_files = _load_old(old, inputs)
    except PeaceError as exc:
        errors += exc.diagnostics
    if errors:
        raise PeaceError(errors)
    return inputs, old_proposal, old_files


def _load_old(path: str, inputs):
    from peacecheck.dsl.api import check_acknowledgements

    proposal, vocabulary, read = load_proposal_file(path)
    if inputs is not None:
        if vocabulary.file != inputs.vocabulary.file:
            _check_compatible(proposal, vocabulary, inputs.vocabulary)
        check_acknowledgements(proposal, inputs.redlines)
    return proposal, read


def _check_compatible(proposal, own, shared) -> None:
    """OLD may use another vocabulary if every term it states means the same in NEW's vocabulary."""
    problems = []
    for clause in proposal.clauses:
        assignments = list(clause.terms) + [a for o in clause.options for a in o.terms]
        for a in assignments:
            theirs = shared.terms.get(a.path)
            if theirs is None or theirs.type.model_dump() != own.terms[a.path].type.model_dump():
                problems.append(Diagnostic(
                    "PC400", f"term '{a.path}' of the old draft is {'missing from' if theirs is None else 'typed differently in'} "
                             f"the new draft's vocabulary '{shared.file}'", a.span,
                    "diff drafts that share a vocabulary, or make the old vocabulary's terms a subset of the new one"))
    if problems:
        raise PeaceError(problems)

