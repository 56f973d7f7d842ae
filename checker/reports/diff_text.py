"""Text, JSON and Markdown renderings of a DiffResult (the HTML page is render_diff_html.py).

Redline notation in text: [-deleted-] and {+inserted+} (as wdiff and git's word diff);
in Markdown: ~~deleted~~ and **inserted**.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from peacecheck.checker.diff import (
    DIFF_SCHEMA_VERSION,
    ClauseDiff,
    DiffResult,
    PartyDelta,
    PartyVerdict,
    RuleDelta,
    Segment,
    TermChange,
    show_values,
)
from peacecheck.checker.reports import wording
from peacecheck.checker.reports.check_json import dumps
from peacecheck.checker.reports.check_text import Styler
from peacecheck.checker.reports.escape import md_code, md_paragraphs
from peacecheck.checker.reports.width import display_width, pad

COLOUR = {"delete": "red", "insert": "green", "reject": "red", "concern": "yellow", "accept": "green"}


# ------------------------------------------------------------------ shared wording
def verdict_word(verdict: str | None) -> str:
    return wording.verdict_word(verdict)


def counts_line(s: PartyDelta) -> str:
    """'Ukraine: 4 rejections -> 1; 3 concerns -> 2; 4 missing -> 3'."""
    b, a = s.before, s.after
    line = s.line()
    if b["proposal_level"] or a["proposal_level"]:
        line += f"; {b['proposal_level']} missing -> {a['proposal_level']}"
    return line


def term_line(t: TermChange) -> str:
    before = show_values(t.before) or "(none)"
    after = show_values(t.after) or "(none)"
    return f"{t.path}: {before} -> {after}"


def rule_line(r: RuleDelta) -> str:
    return f"{wording.rule_change(r)}: {r.rule} {r.title}"


def totals(result: DiffResult) -> dict[str, int]:
    changed = len(result.changed_pairs)
    return {"pairs": len(result.pairs), "changed": changed, "unchanged": len(result.pairs) - changed,
            "added": len(result.added), "dropped": len(result.dropped)}


def totals_line(result: DiffResult) -> str:
    t = totals(result)
    return (f"{t['pairs']} matched ({t['changed']} changed, {t['unchanged']} unchanged), "
            f"{t['added']} added, {t['dropped']} dropped")


def moved_verdicts(d: ClauseDiff) -> list[PartyVerdict]:
    return [v for v in d.verdicts if v.changed]


# ------------------------------------------------------------------ text


def render_text(result: DiffResult, colour: bool = False) -> str:
    style = Styler(colour)
    lines = _text_header(result, style) + _text_summary(result, style)
    lines.append(style("Clauses", bold=True) + f": {totals_line(result)}")
    if not result.has_changes:
        lines.append("  no changes: every clause matched, with the same words, terms and verdicts")
    for d in result.pairs:
        lines += _text_clause(d, style) if d.changed else []
    for title, group in (("Added", result.added), ("Dropped", result.dropped)):
        if group:
            lines += ["", style(f"{title} ({len(group)})", bold=True)]
            for d in group:
                lines += _text_clause(d, style)
    unchanged = [d.label for d in result.pairs if not d.changed]
    if unchanged and result.has_changes:
        lines += ["", style("Unchanged", bold=True) + ": " + "; ".join(unchanged)]
    return "\n".join(lines).rstrip() + "\n"


def _text_header(result: DiffResult, style: Styler) -> list[str]:
    def draft(label: str, d) -> str:
        facts = ", ".join(x for x in (d.file, d.date, wording.count(d.clauses, "clause")) if x)
        return f"  {label}: {d.title}  [{facts}]"

    parties = ", ".join(f"{p.id} ({wording.count(p.rule_count, 'rule')})" for p in result.parties) or "none"
    aside = [f"  {wording.set_aside_sentence(s, result.table)}" for s in result.set_aside]
    return [style("Diff between drafts", bold=True), draft("old", result.old), draft("new", result.new),
            f"  red lines (the same for both drafts): {parties}", *aside, f"  {wording.today_sentence(result)}", ""]


def _text_summary(result: DiffResult, style: Styler) -> list[str]:
    lines = [style("Summary", bold=True) + " (clause verdicts per party, old -> new)"]
    for s in result.summary:
        lines.append("  " + counts_line(s) + ("  (changed, same count)" if s.trend == "changed" else ""))
        width = max([display_width(m.label) for m in s.movers + s.shifted] + [0])
        for m in s.movers:
            lines.append(f"    {pad(m.label, width)}  {_verdict(m.before, style)} -> {_verdict(m.after, style)}")
        for m in s.shifted:
            lines.append(f"    {pad(m.label, width)}  {_verdict(m.before, style)}, other red lines")
        for r in s.proposal_level:
            if r.change != "unchanged":
                lines.append(f"    proposal as a whole: {rule_line(r)}")
    if not result.summary:
        lines.append("  no red lines")
    return lines + [""]


def _verdict(verdict: str | None, style: Styler) -> str:
    return style(verdict_word(verdict), COLOUR.get(verdict or ""), bold=verdict == "reject")


def _text_clause(d: ClauseDiff, style: Styler) -> list[str]:
    if d.method in ("added", "dropped"):
        return _text_unmatched(d, style)
    lines = ["", style(d.label, bold=True) + f"  [{d.method} {d.confidence:.2f}]  " + ", ".join(d.badges()),
             f"  title: {_text_redline(d.title_redline, style)}"]
    if d.text_changed:
        lines += _indented("  text:  ", _text_redline(d.redline, style))
    lines += [f"  term {t.kind}: {term_line(t)}" for t in d.terms]
    if d.old_status != d.new_status:
        lines.append(f"  status: {d.old_status or '(none)'} -> {d.new_status or '(none)'}")
    if d.tags_added or d.tags_removed:
        lines.append("  tags: " + " ".join([f"+{t}" for t in d.tags_added] + [f"-{t}" for t in d.tags_removed]))
    for v in moved_verdicts(d):
        lines.append(f"  {v.party}: {_verdict(v.before, style)} -> {_verdict(v.after, style)}")
        lines += [f"      {rule_line(r)}" for r in v.rules if r.change != "unchanged"]
    return lines


def _text_unmatched(d: ClauseDiff, style: Styler) -> list[str]:
    lines = ["", style(d.label, bold=True) + f": {d.new_title or d.old_title}"]
    lines += _indented("  text:  ", "".join(s.text for s in d.redline))
    lines += [f"  term: {t.path} = {show_values(t.after or t.before)}" for t in d.terms]
    for v in d.verdicts:
        verdict = v.after if d.method == "added" else v.before
        if verdict in ("reject", "concern", "accept"):
            rules = "; ".join(f"{r.rule} {r.title}" for r in v.rules)
            lines.append(f"  {v.party}: {_verdict(verdict, style)}" + (f" ({rules})" if rules else ""))
    return lines


def _indented(first: str, body: str) -> list[str]:
    rows = body.split("\n")
    return [first + rows[0]] + [" " * len(first) + r if r else "" for r in rows[1:]]


def _text_redline(segments: tuple[Segment, ...], style: Styler) -> str:
    out = []
    for s in segments:
        lead, core = _split_lead(s.text)
        if s.op == "equal":
            out.append(s.text)
        elif s.op == "delete":
            out.append(lead + style(f"[-{core}-]", "red"))
        else:
            out.append(lead + style("{+" + core + "+}", "green"))
    return "".join(out)


def _split_lead(text: str) -> tuple[str, str]:
    core = text.lstrip(" ")
    return text[: len(text) - len(core)], core


# ------------------------------------------------------------------ JSON
def segments_data(segments: tuple[Segment, ...]) -> list[dict[str, str]]:
    return [{"op": s.op, "text": s.text} | ({"old_text": s.old_text} if s.old_text is not None else {})
            for s in segments]


def clause_data(d: ClauseDiff) -> dict[str, Any]:
    return {
        "key": d.key, "method": d.method, "confidence": d.confidence, "label": d.label,
        "old_ids": list(d.old_ids), "new_ids": list(d.new_ids), "old_title": d.old_title, "new_title": d.new_title,
        "old_text": d.old_text, "new_text": d.new_text, "changed": d.changed, "badges": list(d.badges()),
        "title_redline": segments_data(d.title_redline), "redline": segments_data(d.redline),
        "terms": [{"path": t.path, "kind": t.kind, "before": [asdict(v) for v in t.before],
                   "after": [asdict(v) for v in t.after]} for t in d.terms],
        "unchanged_terms": d.unchanged_terms,
        "status": {"before": d.old_status, "after": d.new_status},
        "tags": {"added": list(d.tags_added), "removed": list(d.tags_removed)},
        "verdicts": {v.party: {"before": v.before, "after": v.after, "changed": v.changed,
                               "rules": [rule_data(r) for r in v.rules]} for v in d.verdicts},
    }


def rule_data(r: RuleDelta) -> dict[str, Any]:
    return {"party": r.party, "rule": r.rule, "title": r.title, "severity": r.severity, "change": r.change,
            "label": wording.rule_change(r)}


def result_data(result: DiffResult) -> dict[str, Any]:
    return {
        "schema_version": DIFF_SCHEMA_VERSION,
        "kind": "peacecheck-diff",
        "old": asdict(result.old), "new": asdict(result.new),
        "acknowledgements_judged_on": result.today.isoformat() if result.today and result.dated_acknowledgements
        else None,
        "set_aside": [{"party": s.party, "file": s.file, "reason": s.reason} for s in result.set_aside],
        "parties": [{"id": p.id, "name": p.name, "file": p.file, "rules": p.rule_count, "digest": p.digest}
                    for p in result.parties],
        "summary": [{"party": s.party, "name": s.name, "before": dict(s.before), "after": dict(s.after),
                     "trend": s.trend, "movers": [asdict(m) for m in s.movers],
                     "shifted": [asdict(m) for m in s.shifted],
                     "proposal_level": [rule_data(r) for r in s.proposal_level]} for s in result.summary],
        "totals": totals(result),
        "has_changes": result.has_changes,
        "pairs": [clause_data(d) for d in result.pairs],
        "added": [clause_data(d) for d in result.added],
        "dropped": [clause_data(d) for d in result.dropped],
        "proposal_level": [rule_data(r) for r in result.proposal_level],
    }


def render_json(result: DiffResult) -> str:
    return dumps(result_data(result))


# ------------------------------------------------------------------ Markdown
def md(text: str) -> str:
    """Input text as inert Markdown: the one Markdown escaper (reports/escape.py), paragraphs kept apart."""
    return md_paragraphs(text)


def _md_redline(segments: tuple[Segment, ...]) -> str:
    out = []
    for s in segments:
        lead, core = _split_lead(s.text)
        paragraphs = core.split("\n\n")
        if s.op == "equal":
            out.append(md(s.text))
            continue
        mark = "~~" if s.op == "delete" else "**"
        out.append(md(lead) + "<br><br>".join(f"{mark}{md(p.strip())}{mark}" if p.strip() else "" for p in paragraphs))
    return "".join(out)


def render_markdown(result: DiffResult) -> str:
    lines = [f"# Diff: {md(result.old.title)} → {md(result.new.title)}", "",
             f"- old: {md_code(result.old.file)} ({wording.count(result.old.clauses, 'clause')}{', ' + result.old.date if result.old.date else ''})",
             f"- new: {md_code(result.new.file)} ({wording.count(result.new.clauses, 'clause')}{', ' + result.new.date if result.new.date else ''})",
             "- red lines (the same for both drafts): "
             + (", ".join(f"{md(p.name)} ({wording.count(p.rule_count, 'rule')})" for p in result.parties) or "none"),
             *[f"- {md(wording.set_aside_sentence(s, result.table))}" for s in result.set_aside],
             f"- {md(wording.today_sentence(result))}", ""]
    lines += _md_summary(result)
    lines += ["## Clauses", "", totals_line(result) + ".", "",
              "| old | new | how | changes | " + " | ".join(md(p.id) for p in result.parties) + " |",
              "|---|---|---|---|" + "---|" * len(result.parties)]
    for d in result.pairs + result.added + result.dropped:
        cells = [_md_verdicts(v) for v in d.verdicts]
        how = d.method if d.method in ("added", "dropped") else f"{d.method} {d.confidence:.2f}"
        lines.append(f"| {md(', '.join(d.old_ids)) or '—'} | {md(', '.join(d.new_ids)) or '—'} | {how} | "
                     f"[{', '.join(d.badges())}](#{d.key}) | " + " | ".join(cells) + " |")
    lines.append("")
    for heading, group in (("Changed pairs", [d for d in result.pairs if d.changed]), ("Added", result.added),
                           ("Dropped", result.dropped)):
        if group:
            lines += [f"## {heading}", ""]
            for d in group:
                lines += _md_clause(d)
    return "\n".join(lines).rstrip() + "\n"


def _md_summary(result: DiffResult) -> list[str]:
    lines = ["## Summary", "", "Clause verdicts per party, old → new.", ""]
    for s in result.summary:
        lines.append(f"- **{md(counts_line(s))}**")
        for m in s.movers:
            lines.append(f"  - [{md(m.label)}](#{m.key}): {verdict_word(m.before)} → {verdict_word(m.after)}")
        for m in s.shifted:
            lines.append(f"  - [{md(m.label)}](#{m.key}): {verdict_word(m.before)}, other red lines")
        for r in s.proposal_level:
            if r.change != "unchanged":
                lines.append(f"  - proposal as a whole: {md(rule_line(r))}")
    return lines + [""]


def _md_verdicts(v: PartyVerdict) -> str:
    if v.before == v.after:
        return verdict_word(v.after)
    return f"{verdict_word(v.before)} → {verdict_word(v.after)}"


def _md_clause(d: ClauseDiff) -> list[str]:
    lines = [f'<a id="{d.key}"></a>', f"### {md(d.label)}: {md(d.new_title or d.old_title)}", ""]
    if d.method not in ("added", "dropped"):
        lines += [f"Matched by {d.method} (confidence {d.confidence:.2f}); changes: {', '.join(d.badges())}.", ""]
        lines += [f"- title: {_md_redline(d.title_redline)}"]
        if d.text_changed:
            lines += [f"- text: {_md_redline(d.redline)}"]
    else:
        lines += [f"- text: {md(d.new_text or d.old_text)}"]
    lines += [f"- term {t.kind}: {md_code(term_line(t))}" for t in d.terms]
    if d.old_status != d.new_status:
        lines.append(f"- status: {md(d.old_status or '(none)')} → {md(d.new_status or '(none)')}")
    for v in d.verdicts:
        if v.changed or v.rules:
            rules = "; ".join(md(rule_line(r)) for r in v.rules)
            lines.append(f"- {md(v.party)}: {verdict_word(v.before)} → {verdict_word(v.after)}"
                         + (f" ({rules})" if rules else ""))
    return lines + [""]


RENDER: dict[str, Callable[..., str]] = {"text": render_text, "json": render_json, "markdown": render_markdown}
