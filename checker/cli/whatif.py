"""--set and --choose for check, diff and solve: options, parsing with located errors, the notice.

The work is checker/overrides.py's (pure); this module is its command-line side."""
from __future__ import annotations

import dataclasses
from typing import Any

import click

from peacecheck.checker.cli.shell import IN_MEMORY
from peacecheck.dsl.diagnostics import Diagnostic, PeaceError


def what_if_options(f):
    f = click.option("--choose", "chooses", multiple=True, metavar="CLAUSE=OPTION",
                     help="What-if: take OPTION as the clause's drafted option (repeatable). The file is not changed.")(f)
    return click.option("--set", "sets", multiple=True, metavar="[CLAUSE:]TERM=VALUE",
                        help="What-if: TERM = VALUE in every clause that states TERM, or only in CLAUSE (which gains "
                             "the term if it lacks it); repeatable, checked against the vocabulary. The file is not "
                             "changed.")(f)


def requests(sets: tuple[str, ...], chooses: tuple[str, ...]):
    """(set requests, choose requests, a PC121 for each malformed one); the arguments are kept so that
    an error shows the argument with a caret under the fault (`--set:2:16`: the second --set, column 16)."""
    from peacecheck.checker.overrides import parse_requests

    IN_MEMORY["--set"], IN_MEMORY["--choose"] = list(sets), list(chooses)
    return parse_requests(sets, chooses)


def syntax_errors(sets: tuple[str, ...], chooses: tuple[str, ...]) -> list[Diagnostic]:
    return requests(sets, chooses)[2]


def apply_all(projects: list, sets: tuple[str, ...], chooses: tuple[str, ...]) -> list[tuple[Any, tuple]]:
    """(project, overrides) per project: its proposal with every request applied, and what they changed.

    Every request that cannot apply to some proposal is reported at once (exit 2); nothing is checked then."""
    if not sets and not chooses:
        return [(p, ()) for p in projects]
    from peacecheck.checker.overrides import apply_overrides

    set_requests, choose_requests, errors = requests(sets, chooses)
    out = []
    for project in projects:
        try:
            what_if = apply_overrides(project.proposal, project.vocabulary, set_requests, choose_requests)
        except PeaceError as exc:
            errors += exc.diagnostics
            continue
        out.append((dataclasses.replace(project, proposal=what_if.proposal, what_if=what_if.overrides),
                    what_if.overrides))
    if errors:
        raise PeaceError(errors)
    return out


def apply_one(project, sets: tuple[str, ...], chooses: tuple[str, ...]):
    """One project with the what-if applied; the notice goes to stderr (diff, solve)."""
    ((changed, overrides),) = apply_all([project], sets, chooses)
    announce(overrides)
    return changed


def announce(overrides: tuple) -> None:
    from peacecheck.checker.reports.cli_lines import what_if_lines
    from peacecheck.checker.reports.escape import terminal_safe

    for line in what_if_lines(overrides):
        click.echo(terminal_safe(line), err=True)
