"""The marked-up report as HTML: the draft itself, clause by clause, with every party's objections.

The page is one self-contained file (inline CSS and a small optional script, no
network fetches). Everything taken from the input goes through jinja2's
autoescaping; the only markup inserted unescaped is this package's own CSS and
script, whose hashes the page's Content-Security-Policy pins, so no other
script can run even if some markup slipped through.

The helpers at the top (anchors, verdict labels, citation links, paragraph
splitting, option-only findings) are shared with the Markdown renderer.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from peacecheck.checker.evaluation.results import (
    STATE_ORDER,
    CheckResult,
    ClauseResult,
    Finding,
    OptionResult,
    summarize,
)
from peacecheck.checker.reports import wording
from peacecheck.checker.reports.html import inline_assets, jinja_environment, peacecheck_version, static
from peacecheck.checker.reports.wording import STATES as VERDICTS
from peacecheck.checker.reports.wording import evidence_parts as evidence_text
from peacecheck.checker.reports.wording import finding_state as finding_verdict
from peacecheck.dsl import models as m

VERDICT_ORDER = STATE_ORDER  # every state a cell can show, in the order the legend lists them

_ANCHOR_SAFE = re.compile(r"[^A-Za-z0-9._-]")
_LIST_ITEM = re.compile(r"^(?:[-*•–+]\s|\d{1,3}[.)]\s|\(?[a-z]\)\s)")


# ------------------------------------------------------------------ shared helpers
def anchor(clause_id: str, option_id: str | None = None) -> str:
    """The fragment id of a clause (`clause-14`) or an option (`clause-12-option-us`), safe in URLs."""
    out = "clause-" + _anchor_part(clause_id)
    return out + "-option-" + _anchor_part(option_id) if option_id is not None else out


def _anchor_part(text: str) -> str:
    # Ids from the grammar are already safe; anything else is spelled out as _hex_ so ids stay distinct.
    return _ANCHOR_SAFE.sub(lambda match: f"_{ord(match.group()):x}_", text)


def missing_anchor(finding: Finding) -> str:
    """The fragment id of a proposal-level finding: `missing-ukraine-UA-GUAR-1`."""
    return "missing-" + _anchor_part(finding.party) + "-" + _anchor_part(finding.rule)


def link_url(url: str) -> str | None:
    """`url` if it may become a link (plain http or https, nothing odd in it), else None."""
    lowered = url.lower()
    if not (lowered.startswith("http://") or lowered.startswith("https://")):
        return None
    if any(ord(ch) < 0x21 or ch in "\"'<>\\`" or ord(ch) == 0x7F for ch in url):
        return None
    return url


def paragraphs(text: str) -> list[list[str]]:
    """Prose as paragraphs of lines: blank lines separate paragraphs, hard-wrapped lines are joined,
    and a line that starts a list item (`- `, `1. `, `a) `) keeps its own line."""
    out: list[list[str]] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines: list[str] = []
        for raw in block.split("\n"):
            line = raw.strip()
            if not line:
                continue
            if lines and not _LIST_ITEM.match(line):
                lines[-1] = lines[-1] + " " + line
            else:
                lines.append(line)
        if lines:
            out.append(lines)
    return out


def option_only_findings(clause: ClauseResult, option: OptionResult) -> tuple[list[Finding], list[Finding]]:
    """An option's findings split into (its own, the clause's findings that also hold under it)."""
    common = [f for f in clause.findings if f.option is None]
    own, shared = [], []
    for finding in option.findings:
        (shared if replace(finding, option=None) in common else own).append(finding)
    return own, shared


def option_triggered(option: OptionResult, clause_id: str) -> frozenset[str]:
    return frozenset(e.path for f in option.findings if not f.acknowledged for e in f.evidence
                     if e.clause == clause_id and e.option == option.id)


def proposal_links(result: CheckResult, clause_id: str) -> list[Finding]:
    """Proposal-level findings whose evidence points at this clause."""
    return [f for f in result.proposal_findings if any(e.clause == clause_id for e in f.evidence)]


def totals(result: CheckResult) -> dict[str, dict[str, int]]:
    return {p.id: result.state_counts(p.id) for p in result.parties}


# ------------------------------------------------------------------ the page
@dataclass(frozen=True)
class ClauseView:
    result: ClauseResult
    clause: m.Clause
    options: list[tuple[OptionResult, m.Option | None, list[Finding], list[Finding], frozenset[str]]]
    referenced_by: list[Finding]


def clause_views(result: CheckResult) -> list[ClauseView]:
    views = []
    for clause_result in result.clauses:
        clause = result.proposal.clause(clause_result.id) or m.Clause(id=clause_result.id, title=clause_result.title)
        options = []
        for option in clause_result.options:
            source = next((o for o in clause.options if o.id == option.id), None)
            own, shared = option_only_findings(clause_result, option)
            options.append((option, source, own, shared, option_triggered(option, clause.id)))
        views.append(ClauseView(clause_result, clause, options, proposal_links(result, clause.id)))
    return views


def environment():
    env = jinja_environment()
    env.globals.update(anchor=anchor, missing_anchor=missing_anchor, link_url=link_url, paragraphs=paragraphs,
                       evidence_text=evidence_text, finding_verdict=finding_verdict, wording=wording,
                       VERDICTS=VERDICTS, VERDICT_ORDER=VERDICT_ORDER)
    return env


def _what_if_lines(result: CheckResult) -> list[str]:
    from peacecheck.checker.reports.cli_lines import what_if_lines

    return what_if_lines(result.what_if)


def render(result: CheckResult) -> str:
    context = {
        "result": result, "proposal": result.proposal, "parties": result.parties,
        "party_names": {p.id: p.name for p in result.parties},
        "views": clause_views(result), "summaries": summarize(result), "totals": totals(result),
        "version": peacecheck_version(), "what_if": _what_if_lines(result),
        **inline_assets(static("report.css"), static("report.js")),
    }
    return environment().get_template("report.html.j2").render(context)

