"""`peacecheck solve` as one self-contained HTML page, in the style of the check report.

The page inlines the report's own stylesheet (checker/templates/report.css) plus a few rules
of its own, pinned by hash in the Content-Security-Policy; it has no script and fetches
nothing. Everything taken from the input goes through jinja2's autoescaping.
"""
from __future__ import annotations

from peacecheck.checker.negotiation import SolveResult
from peacecheck.checker.reports.html import inline_assets, jinja_environment, peacecheck_version, static

EXTRA_CSS = """
.package { margin: 1.25rem 0 0; padding: 0.75rem 1rem 0.9rem; border: 1px solid var(--line); border-radius: 6px; break-inside: avoid; }
.package h3 { font: 700 1.05rem/1.3 var(--serif); }
.rank { display: inline-block; min-width: 2.2rem; margin-right: 0.4rem; padding: 0 0.4rem; font: 700 0.85rem/1.6 var(--sans); text-align: center; color: #fff; background: var(--ink); border-radius: 3px; }
.scores { margin: 0.25rem 0 0; font-size: 0.88rem; color: var(--muted); }
.choices { width: 100%; margin: 0.6rem 0 0; font-size: 0.88rem; }
.choices th, .choices td { text-align: left; padding: 0.2rem 0.6rem 0.2rem 0; border-bottom: 1px solid var(--line); vertical-align: baseline; }
.choices thead th { font-size: 0.72rem; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); }
.choices tr.changed td { background: var(--hit); }
.choices .opt { font-family: var(--mono); font-size: 0.86em; }
.changed-mark { font-size: 0.68rem; text-transform: uppercase; letter-spacing: 0.04em; font-weight: 700; color: #7a5200; margin-left: 0.35rem; }
.party-verdicts { list-style: none; padding: 0; margin: 0.6rem 0 0; font-size: 0.88rem; }
.party-verdicts li { margin: 0.25rem 0; }
.conflicts { padding-left: 1.4rem; }
.conflicts > li { margin: 0.9rem 0 0; }
.conflict-summary { font-weight: 600; }
.rules { margin: 0.35rem 0 0; font-size: 0.86rem; }
.rules td, .rules th { text-align: left; padding: 0.15rem 0.9rem 0.15rem 0; border-bottom: 1px solid var(--line); }
#draft h3 { margin: 1.1rem 0 0.35rem; }
.rules thead th { font-size: 0.72rem; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); }
"""


def render(result: SolveResult) -> str:
    from peacecheck.checker.reports.solve_text import num, stopped_words, unknown
    from peacecheck.checker.reports.wording import STATES, conflict_sentence, today_sentence

    env = jinja_environment()
    env.filters["num"] = num
    context = {
        "result": result, "proposal": result.proposal, "draft": result.draft, "version": peacecheck_version(),
        "party_names": {p.id: p.name for p in result.parties},
        "unknown": unknown(result), "stopped": stopped_words(result) if result.stopped is not None else None,
        "STATES": STATES, "conflict_sentence": conflict_sentence, "today_sentence": today_sentence(result),
        **inline_assets(static("report.css") + EXTRA_CSS),
    }
    return env.get_template("solve.html.j2").render(context)
