"""The diff as one self-contained HTML page: summary first, then every clause pairing with its
redline (side by side and inline), term changes and verdict changes, then added and dropped clauses.

Autoescaped throughout; the only markup inserted unescaped is our own stylesheet (templates/diff.css), pinned by
hash in the page's Content-Security-Policy. The view switch (side by side / inline) is CSS only:
no script runs, and without CSS both views show one after the other.
"""
from __future__ import annotations

from dataclasses import dataclass

from peacecheck.checker.diff import (
    ClauseDiff,
    DiffResult,
    Segment,
    TermValue,
    ids_label,
    show_values,
    side,
)
from peacecheck.checker.reports.diff_text import totals
from peacecheck.checker.reports.html import inline_assets, jinja_environment, peacecheck_version, static

SYMBOL = {"reject": "✗", "concern": "!", "accept": "✓", "silent": "·", None: "–"}
WORD = {"reject": "reject", "concern": "concern", "accept": "accept", "silent": "silent", None: "absent"}
METHOD = {"id": "same id", "id+content": "same id, reworded", "content": "by content", "split": "split",
          "merged": "merged", "added": "added", "dropped": "dropped"}


@dataclass(frozen=True)
class Piece:
    op: str
    lead: str
    core: str


def pieces(segments: tuple[Segment, ...] | list[Segment], which: str = "both") -> list[Piece]:
    """Segments for the template: leading space kept outside <del>/<ins>; one side only if asked."""
    shown = list(segments) if which == "both" else side(segments, which)  # type: ignore[arg-type]
    out = []
    for s in shown:
        core = s.text.lstrip(" ")
        lead = s.text[: len(s.text) - len(core)]
        if not lead and s.op == "insert" and out and out[-1].op == "delete":
            lead = " "  # a replacement: keep the old and the new words apart
        out.append(Piece(s.op, lead, core))
    return out


def plain(segments: tuple[Segment, ...]) -> str:
    return "".join(s.text for s in segments)


def value_rows(values: tuple[TermValue, ...]) -> list[tuple[str, str]]:
    return [(v.value, v.option or "") for v in values]


def arrows(label: str) -> str:
    return label.replace(" -> ", " → ")


def verdict_of(d: ClauseDiff, party: str):
    return next(v for v in d.verdicts if v.party == party)


def environment():
    env = jinja_environment()
    env.globals.update(pieces=pieces, plain=plain, arrows=arrows, label=ids_label, value_rows=value_rows, verdict_of=verdict_of, show_values=show_values,
                       SYMBOL=SYMBOL, WORD=WORD, METHOD=METHOD)
    return env


def render(result: DiffResult) -> str:
    context = {
        "result": result, "old": result.old, "new": result.new, "parties": result.parties,
        "party_names": {p.id: p.name for p in result.parties},
        "group_side": {"added": "after", "dropped": "before"},
        "totals": totals(result), "version": peacecheck_version(),
        "changed": [d for d in result.pairs if d.changed],
        "unchanged": [d for d in result.pairs if not d.changed],
        **inline_assets(static("diff.css")),
    }
    return environment().get_template("diff.html.j2").render(context)
