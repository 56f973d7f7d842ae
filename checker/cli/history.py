"""`peacecheck history DRAFT... | FOLDER`: a round of drafts, ordered by `revises`, and how each party moved.

Every draft is checked against the same red lines: those found for the first DRAFT (the redlines/
folder above it) unless --redlines is given.
"""
from __future__ import annotations

from pathlib import Path

import click

from peacecheck.checker.cli.shell import EXIT_OK, fail, run_guarded, use_colour, write_output
from peacecheck.checker.reports.formats import FORMATS as REGISTRY
from peacecheck.dsl.diagnostics import Diagnostic, PeaceError, Span

FORMATS = tuple(sorted(REGISTRY["history"]))


@click.command("history")
@click.argument("drafts", nargs=-1, required=True, type=click.Path(), metavar="DRAFT...|FOLDER")
@click.option("-o", "--output", metavar="FILE", help="Write to FILE (atomically); the extension picks the format.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="Output format. Default: text, or what the -o file's extension implies (.html, .md, .json).")
@click.option("--redlines", multiple=True, metavar="PATH",
              help="A red-line file or folder (repeatable), used for every draft. Default: the redlines/ folder "
                   "above the first draft.")
@click.option("--party", "parties", multiple=True, metavar="ID", help="Only this party (repeatable).")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD",
              help="The date acknowledgements expire against, in every draft (default: today).")
def history(drafts: tuple[str, ...], output: str | None, fmt: str | None, redlines: tuple[str, ...],
            parties: tuple[str, ...], today) -> None:
    """Follow a round of drafts: order them by their `revises` links (then dates), check each against
    the same red lines, follow each clause through the round, and show how each party's objections
    moved from a draft to the one it revises.

    A FOLDER stands for every .peace file directly in it. Exit codes: 0 the history was produced
    (whatever the verdicts), 2 usage or input error.
    """
    def body() -> int:
        from peacecheck.checker.history import history as follow
        from peacecheck.checker.reports.formats import renderer

        chosen = _format_for(output, fmt)
        results, read = _check_all(_draft_files(drafts), redlines, parties, today.date() if today else None)
        result = follow(results)
        draw = renderer(chosen, "history")
        text = draw(result, colour=use_colour(output)) if chosen == "text" else draw(result)
        write_output(text, output, read, chosen)
        return EXIT_OK

    run_guarded(body)


def _format_for(output: str | None, fmt: str | None) -> str:
    from peacecheck.checker.config import parse_output

    if not output or output == "-":
        return fmt or "text"
    try:
        implied = parse_output(output, set(FORMATS), "text").format
    except ValueError as exc:
        raise PeaceError([Diagnostic("PC603", str(exc), Span("-o", 0, 0))]) from None
    return fmt or implied


def _draft_files(arguments: tuple[str, ...]) -> list[str]:
    """The drafts named, a folder as its .peace files (sorted), each file once."""
    files: list[str] = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            found = sorted(str(p) for p in path.glob("*.peace") if p.is_file())
            if not found:
                fail("PC020", f"no .peace files in folder '{argument}'", argument)
            files += found
        else:
            files.append(argument)
    seen: set[Path] = set()
    unique = []
    for f in files:
        key = Path(f).resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


def _check_all(files: list[str], redlines: tuple[str, ...], parties: tuple[str, ...], today):
    """Every draft checked against the first draft's red lines and table; every input error of every file at once."""
    from peacecheck.checker.project import check, load_round

    anchor, others = load_round(files[0], files[1:], redlines, parties, today)
    read = [key for p in (anchor, *others) for key in p.read_files]
    return [check(p) for p in (anchor, *others)], read