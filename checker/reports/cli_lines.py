"""Words the command line prints beside its reports: the what-if notice, the quiet result line, the
watch status line. Kept here, with every other user-facing word, rather than in cli/."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def what_if_lines(overrides: Iterable[Any]) -> list[str]:
    """One line per override: `what-if: clause 14: territory.donetsk = line_of_contact (was ceded)`."""
    lines = []
    for o in overrides:
        if o.kind == "choose":
            lines.append(f"what-if: clause {o.clause}: option {o.new} chosen (drafted: {o.old})")
            continue
        where = f"clause {o.clause}" + (f" option {o.option}" if o.option else "")
        was = f"was {o.old}" if o.old else "not stated in the draft"
        lines.append(f"what-if: {where}: {o.path} = {o.new} ({was})")
    return lines


def result_line(file: str, hard_rejection: bool, what_if: bool = False) -> str:
    """`--quiet`'s one line per proposal, the text report's `Result:` line with the file in front."""
    verdict = "at least one hard rejection" if hard_rejection else "no hard rejection"
    return f"{file}: {verdict}" + (" (what-if)" if what_if else "")


def watch_line(run: int, changed: list[str], code: int, watched: int) -> str:
    """The one status line after each run of --watch (on stderr, so the report on stdout stays clean)."""
    cause = "" if not changed else " after a change to " + ", ".join(changed[:3]) + (", ..." if len(changed) > 3 else "")
    return (f"[watch] run {run}{cause}: exit {code}; watching {watched} folder{'s' if watched != 1 else ''} "
            "for changes (Ctrl+C to stop)")


def watch_missing() -> str:
    return "--watch needs the watchfiles package: pip install 'peacecheck[watch]'"
