"""The marked-up report as Markdown (GitHub-flavoured), for code hosts and mail.

Same content as the HTML report. Every piece of input-derived text goes through
`md_text` (prose), `md_code` (terms, ids, paths) or `md_cell` (table cells), so a
clause cannot inject markup, links or headings: `<` and `[` are escaped, pipes
are escaped in tables, a leading `#`, `>`, `-` or `1.` is escaped, and only
http(s) URLs become links.
"""
from __future__ import annotations

from peacecheck.checker.evaluation.results import STATE_ORDER as VERDICT_ORDER
from peacecheck.checker.evaluation.results import CheckResult, ClauseResult, Finding, OptionResult, summarize
from peacecheck.checker.reports import wording
from peacecheck.checker.reports.check_html import (
    VERDICTS,
    anchor,
    evidence_text,
    finding_verdict,
    link_url,
    missing_anchor,
    option_only_findings,
    option_triggered,
    paragraphs,
    peacecheck_version,
    proposal_links,
    totals,
)
from peacecheck.checker.reports.escape import md_cell, md_code, md_link, md_text  # noqa: F401  (re-exported)
from peacecheck.dsl import models as m


# ------------------------------------------------------------------ escaping
def md_url(url: str) -> str:
    """An http(s) URL as a link; anything else (javascript:, data:, ...) as plain escaped text."""
    href = link_url(url)
    if href is None:
        return md_text(url)
    return f"[{md_text(url)}]({href.replace('(', '%28').replace(')', '%29')})"


def verdict_md(verdict: str) -> str:
    label = VERDICTS[verdict]
    return f"{label.symbol} {label.word}"


# ------------------------------------------------------------------ the document
def render(result: CheckResult) -> str:
    blocks = [_what_if(result), _header(result), _matrix(result), _summary(result), _proposal_findings(result), _draft(result),
              _acknowledgement_issues(result), _about(result), _footer(result)]
    return "\n\n".join(block for block in blocks if block).rstrip() + "\n"


def _what_if(result: CheckResult) -> str:
    """A what-if report says so first: one quoted line per override."""
    from peacecheck.checker.reports.cli_lines import what_if_lines

    return "\n".join(f"> {md_text(line)}  " for line in what_if_lines(result.what_if))


def _header(result: CheckResult) -> str:
    p = result.proposal
    facts = [("Date", p.date.isoformat() if p.date else ""), ("Version", p.version), ("Drafted by", p.drafted_by),
             ("Parties at the table", ", ".join(p.parties)), ("Revises", p.revises)]
    lines = [f"# {md_text(p.title)}", ""]
    lines += [f"- **{key}:** {md_text(value)}" for key, value in facts if value]
    lines.append(f"- **File:** {md_code(p.file)}")
    lines += ["", "**Red lines applied**", "", "| Party | File | Rules | Content hash |", "|---|---|--:|---|"]
    for party in result.parties:
        if not party.has_red_lines:
            lines.append(f"| {md_cell(party.name)} ({md_code(party.id, True)}) | {wording.NO_RED_LINES} "
                         "(at the table) | 0 | n/a |")
            continue
        lines.append(f"| {md_cell(party.name)} ({md_code(party.id, True)}) | {md_code(party.file, True)} | "
                     f"{party.rule_count} | {md_code(party.digest or 'n/a', True)} |")
    if result.set_aside:
        lines += [""] + [f"- {md_text(wording.set_aside_sentence(s, p.parties))}" for s in result.set_aside]
    state, sentence = wording.outcome(result)
    lines += ["", f"**Result:** {VERDICTS[state].symbol} {md_text(sentence)}", "", md_text(wording.today_sentence(result))]
    return "\n".join(lines)


def _matrix(result: CheckResult) -> str:
    parties = result.parties
    head = "| Clause | Title | " + " | ".join(f"{md_cell(p.name)} ({md_code(p.id, True)})" for p in parties) + " |"
    lines = ["## Verdicts at a glance", "", head, "|---|---|" + "---|" * len(parties)]
    for clause in result.clauses:
        source = result.proposal.clause(clause.id)
        status = f" *({md_cell(source.status)})*" if source is not None and source.status else ""
        lines.append(_matrix_row(md_link(md_cell(clause.id), anchor(clause.id)), md_cell(clause.title) + status,
                                 clause.states, parties, anchor(clause.id)))
        for option in clause.options:
            label = f"↳ option {md_code(option.id, True)}" + (" (as drafted)" if option.default else "")
            lines.append(_matrix_row("", f"{label}: {md_cell(option.title)}", option.states, parties,
                                     anchor(clause.id, option.id)))
    counts = totals(result)
    for verdict in VERDICT_ORDER:
        cells = " | ".join(f"**{counts[p.id][verdict]}**" for p in parties)
        lines.append(f"| | **{verdict_md(verdict)}** (clauses) | {cells} |")
    cells = " | ".join(f"**{counts[p.id]['proposal_level']}**" for p in parties)
    lines.append(f"| | **{md_link('finds missing', 'proposal-findings')}** (proposal-level) | {cells} |")
    legend = "; ".join(f"{verdict_md(v)}: {VERDICTS[v].meaning}" for v in VERDICT_ORDER)
    lines += ["", f"Legend: {legend}. Clause rows show the draft as written (where a clause has options, the one "
                  "marked “as drafted”); option rows show each option with the rest of the draft unchanged."]
    return "\n".join(lines)


def _matrix_row(clause_cell: str, title: str, verdicts: dict, parties: list, target: str) -> str:
    cells = " | ".join(md_link(verdict_md(verdicts[p.id]), target) for p in parties)
    return f"| {clause_cell} | {title} | {cells} |"


def _summary(result: CheckResult) -> str:
    lines = ["## Summary by party", ""]
    for s in summarize(result):
        if not s.party.has_red_lines:
            lines.append(f"- **{md_text(s.party.name)}** ({md_code(s.party.id)}): {wording.NO_RED_LINES}")
            continue
        bits = [f"{verdict_md('reject')}s {_clause_links(s.rejects)}", f"{VERDICTS['concern'].symbol} concerns "
                f"{_clause_links(s.concerns)}", f"{verdict_md('accept')}s {_clause_links(s.accepts)}"]
        if s.acknowledged_clauses:
            bits.append(f"{verdict_md('acknowledged')} {_clause_links(s.acknowledged_clauses)}")
        missing = "; ".join(f"{md_link(md_text(f.rule), missing_anchor(f))} {md_text(f.rule_title)}"
                            for f in s.proposal_level)
        bits.append(f"finds missing: {missing or 'nothing'}")
        if s.acknowledged:
            bits.append(f"{s.acknowledged} acknowledged finding{'s' if s.acknowledged != 1 else ''} "
                        "(counted separately)")
        lines.append(f"- **{md_text(s.party.name)}** ({md_code(s.party.id)}): " + "; ".join(bits))
    return "\n".join(lines)


def _clause_links(ids: tuple[str, ...]) -> str:
    return ", ".join(md_link(md_text(i), anchor(i)) for i in ids) if ids else "none"


def _proposal_findings(result: CheckResult) -> str:
    lines = ['<a id="proposal-findings"></a>', "", "## Missing from the draft", "",
             "Requirements a party holds that nothing in the draft satisfies.", ""]
    if not result.proposal_findings:
        return "\n".join(lines + ["Nothing: every party's requirements are met."])
    for finding in result.proposal_findings:
        lines += [f'<a id="{missing_anchor(finding)}"></a>', ""] + _finding(finding, result) + [""]
    return "\n".join(lines).rstrip()


def _draft(result: CheckResult) -> str:
    lines = ["## The draft, clause by clause", ""]
    for clause_result in result.clauses:
        clause = result.proposal.clause(clause_result.id) or m.Clause(id=clause_result.id, title=clause_result.title)
        lines += _clause(result, clause_result, clause)
    return "\n".join(lines).rstrip()


def _clause(result: CheckResult, cr: ClauseResult, clause: m.Clause) -> list[str]:
    lines = [f'<a id="{anchor(cr.id)}"></a>', "", f"### Clause {md_text(cr.id)} · {md_text(cr.title)}", ""]
    if clause.status:
        note = f" {md_text(clause.status_note)}" if clause.status_note else ""
        lines += [f"**Status: {md_text(clause.status)}.**{note}", ""]
    lines += [_chips(cr.states, result), ""]
    lines += _prose(clause.text, clause.notes)
    for ack in clause.acknowledgements:
        until = f" (until {ack.until.isoformat()})" if ack.until else ""
        lines += [f"*Acknowledges* {md_code(ack.party)} {md_code(ack.rule)}: {md_text(ack.reason)}{until}", ""]
    lines += _terms(clause.terms, cr.triggered_paths)
    lines += _findings([f for f in cr.findings if f.option is None], result)
    for option in cr.options:
        source = next((o for o in clause.options if o.id == option.id), None)
        lines += _option(result, cr, option, source)
    related = proposal_links(result, cr.id)
    if related:
        links = ", ".join(md_link(f"{md_text(f.party)} {md_text(f.rule)}", missing_anchor(f)) for f in related)
        lines += [f"Bears on {links} (missing from the draft).", ""]
    return lines


def _option(result: CheckResult, cr: ClauseResult, option: OptionResult, source: m.Option | None) -> list[str]:
    drafted = " (as drafted)" if option.default else ""
    lines = [f'<a id="{anchor(cr.id, option.id)}"></a>', "",
             f"#### Option {md_code(option.id)}{drafted}: {md_text(option.title)}", "",
             _chips(option.states, result), ""]
    if source is not None:
        lines += _prose(source.text, source.notes)
        lines += _terms(source.terms, option_triggered(option, cr.id))
    own, shared = option_only_findings(cr, option)
    lines += _findings(own, result)
    if shared:
        names = ", ".join(f"{md_code(f.party)} {md_code(f.rule)}" for f in shared)
        lines += [f"Also under this option: {names} (the clause's findings above).", ""]
    return lines


def _chips(verdicts: dict, result: CheckResult) -> str:
    return "**Verdicts:** " + " · ".join(f"{md_code(p.id)} {verdict_md(verdicts[p.id])}" for p in result.parties)


def _prose(text: str, notes: tuple[str, ...]) -> list[str]:
    lines: list[str] = []
    for para in paragraphs(text):
        # A backslash at the end of a line is a hard line break in CommonMark.
        lines += ["\\\n".join(md_text(line) for line in para), ""]
    lines += [f"> *Note:* {md_text(note)}" for note in notes]
    return lines + ([""] if notes else [])


def _terms(assignments: tuple[m.Assignment, ...], triggered: frozenset[str]) -> list[str]:
    if not assignments:
        return []
    lines = ["**Terms**", ""]
    for a in assignments:
        mark = " ⚑ **triggers a finding**" if a.path in triggered else ""
        lines.append(f"- {md_code(f'{a.path} = {a.value.show()}')}{mark}")
    return lines + [""]


def _findings(findings: list[Finding], result: CheckResult) -> list[str]:
    # The label paragraph also keeps this list apart from the terms list above it.
    if not findings:
        return []
    lines = ["**Findings**", ""]
    for finding in findings:
        lines += _finding(finding, result)
    return lines + [""]


def _finding(f: Finding, result: CheckResult) -> list[str]:
    label = verdict_md(finding_verdict(f))
    names = {p.id: p.name for p in result.parties}
    extra = " · requirement" if f.kind == "require" else ""
    option = f" · option {md_code(f.option)}" if f.option else ""
    lines = [f"- **{label}** · {md_text(names.get(f.party, f.party))} · {md_code(f.rule)} "
             f"**{md_text(f.rule_title)}** ({f.severity}{extra}){option}"]
    for e in f.evidence:
        said, joiner, test = evidence_text(e)
        against = f" {joiner} {md_code(test)}" if test else f" {joiner}"
        where = ""
        if e.clause and e.clause != f.clause:
            where = f" (in {md_link(f'clause {md_text(e.clause)}', anchor(e.clause, e.option))})"
        lines.append(f"  - Evidence: {md_code(said)}{against}{where}")
    if f.related_clauses:
        lines.append("  - Together with: " + ", ".join(md_link(f"clause {md_text(r)}", anchor(r))
                                                       for r in f.related_clauses))
    if f.explanation:
        lines.append(f"  - Why: {md_text(f.explanation)}")
    if f.acknowledged:
        lines.append(f"  - Acknowledged: {md_text(f.acknowledged)}")
    lines += [f"  - Source: {_citation(c)}" for c in f.citations]
    lines.append(f"  - Rule: {md_code(f'{f.rule_file}:{f.rule_line}')}")
    return lines


_CITATION_PART = {"title": lambda t: f"“{md_text(t)}”", "seed": lambda t: f"seed {md_code(t)}", "url": md_url}


def _citation(c) -> str:
    text = ", ".join(_CITATION_PART.get(kind, md_text)(value) for kind, value in wording.citation_parts(c))
    return text + (f" — “{md_text(c.locator)}”" if c.locator else "")


def _acknowledgement_issues(result: CheckResult) -> str:
    if not result.acknowledgement_issues:
        return ""
    lines = ["## Acknowledgements to review", ""]
    for a in result.acknowledgement_issues:
        lines.append(f"- {md_link(md_text(wording.acknowledgement_issue(a)), anchor(a.clause))} (line {a.line}).")
    return "\n".join(lines)


def _about(result: CheckResult) -> str:
    p = result.proposal
    if not (p.notes or p.sources):
        return ""
    lines = ["## About this draft"]
    if p.notes:
        lines += ["", "**Drafter's notes**", ""] + [f"- {md_text(n)}" for n in p.notes]
    if p.sources:
        lines += ["", "**Sources of the draft**", ""] + [f"- {md_text(s)}" for s in p.sources]
    return "\n".join(lines)


def _footer(result: CheckResult) -> str:
    files = ", ".join(f"{md_code(p.id)} {md_code(p.digest or 'n/a')}" for p in result.parties)
    return (f"---\n\nChecked with peacecheck {md_text(peacecheck_version())} against {len(result.parties)} red-line "
            f"file{'s' if len(result.parties) != 1 else ''}: {files}. A verdict reports the red lines as written; "
            "it is not a prediction.")
