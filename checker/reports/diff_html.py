"""The diff as one self-contained HTML page: summary first, then every clause pairing with its
redline (side by side and inline), term changes and verdict changes, then added and dropped clauses.

Autoescaped throughout; the only markup inserted unescaped is our own stylesheet (templates/diff.css), pinned by
hash in the page's Content-Security-Policy. The view switch (side by side / inline) is CSS only:
no script runs, and without CSS both views show one after the other.

The template (templates/diff.html.j2) lays out the page; the parts repeated once per clause (the
overview rows, the redlines, the detail articles, the added and dropped clauses) are built here as
escaped fragments, because a template call per word or per cell costs more than the whole diff on a
long draft. Every input string goes through `text()`, which escapes it exactly as the template's own
`{{ value }}` does; the template's `printable` then replaces control characters in the whole fragment.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from peacecheck.checker.diff import (
    ClauseDiff,
    DiffResult,
    PartyVerdict,
    RuleDelta,
    Segment,
    TermValue,
    ids_label,
    show_values,
    side,
)
from peacecheck.checker.diff.model import paused_collector
from peacecheck.checker.reports.diff_text import totals
from peacecheck.checker.reports.html import inline_assets, jinja_environment, peacecheck_version, static
from peacecheck.checker.reports.wording import rule_change, set_aside_sentence, state_label, today_sentence

METHOD = {"id": "same id", "id+content": "same id, reworded", "content": "by content", "split": "split",
          "merged": "merged", "added": "added", "dropped": "dropped"}
TREND = {"better": "better for this party", "worse": "worse for this party", "unchanged": "no change",
         "changed": "changed, same count"}


@dataclass(frozen=True)
class Piece:
    op: str
    lead: str
    core: str


def pieces(segments: tuple[Segment, ...] | list[Segment], which: str = "both") -> list[Piece]:
    """Segments for display: leading space kept outside <del>/<ins>; one side only if asked."""
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


def arrows(label: str) -> str:
    return label.replace(" -> ", " → ")


def verdict_of(d: ClauseDiff, party: str) -> PartyVerdict:
    return next(v for v in d.verdicts if v.party == party)


# ------------------------------------------------------------------ escaped fragments
def text(value: str) -> str:
    """What `{{ value }}` prints, byte for byte (markupsafe's escapes). Control characters are replaced
    when the fragment passes the template's `printable` (reports/html.py), once for the whole fragment."""
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;")
            .replace("'", "&#39;"))


@cache  # a handful of verdicts, a chip per party and clause
def chip(v: str | None) -> str:
    return f'<span class="chip v-{v or "absent"}">{state_label(v).symbol} {state_label(v).word}</span>'


def move(before: str | None, after: str | None) -> str:
    return chip(before) + '<span class="to" aria-label="becomes">→</span>' + chip(after)


def redline_html(segments: tuple[Segment, ...], which: str = "both") -> str:
    """What `pieces` gives, as markup, without a Piece per segment (the lead is spaces: nothing to escape)."""
    shown = segments if which == "both" else side(segments, which)  # type: ignore[arg-type]
    out = []
    previous = ""
    for s in shown:
        core = s.text.lstrip(" ")
        lead = s.text[: len(s.text) - len(core)]
        op = s.op
        if op == "delete":
            out.append(f"{lead}<del>{text(core)}</del>")
        elif op == "insert":
            out.append(f"{lead or (' ' if previous == 'delete' else '')}<ins>{text(core)}</ins>")
        else:
            out.append(lead + text(core))
        previous = op
    return "".join(out)


def badges(d: ClauseDiff, overview: bool = False) -> str:
    return "".join(f'<span class="badge b-{b}">{b}</span>' for b in d.badges() if not (overview and b == "renumbered"))


def values(vals: tuple[TermValue, ...]) -> str:
    if not vals:
        return '<span class="muted">—</span>'
    cells = [f"<code>{text(v.value)}</code>" + (f'<span class="opt">option {text(v.option)}</span>' if v.option else "")
             for v in vals]
    return "<br>".join(cells)


def rule_items(rules: tuple[RuleDelta, ...], only_changed: bool = True) -> str:
    return "".join(f'<li class="c-{r.change}"><span class="lead">{text(rule_change(r))}</span><code>{text(r.rule)}</code> '
                   f"{text(r.title)}</li>\n" for r in rules if r.change != "unchanged" or not only_changed)


def term_table(d: ClauseDiff) -> str:
    if not d.terms:
        return ""
    muted = f' <span class="muted">({d.unchanged_terms} unchanged)</span>' if d.unchanged_terms else ""
    rows = "".join(f'    <tr class="k-{t.kind}"><td><code>{text(t.path)}</code></td><td class="before">'
                   f'{values(t.before)}</td><td class="after">{values(t.after)}</td></tr>\n' for t in d.terms)
    return (f'<table class="terms">\n  <caption>Terms changed{muted}</caption>\n'
            '  <thead><tr><th scope="col">Term</th><th scope="col">Old</th><th scope="col">New</th></tr></thead>\n'
            f"  <tbody>\n{rows}  </tbody>\n</table>\n")


def truncate(value: str, length: int) -> str:
    """jinja2's `truncate` filter (leeway 5, whole words, '...')."""
    if len(value) <= length + 5:
        return value
    return value[: length - 3].rsplit(" ", 1)[0] + "..."


def overview_rows(result: DiffResult) -> str:
    """The rows of the clause-by-clause table."""
    parties = [p.id for p in result.parties]
    escaped = [text(party) for party in parties]  # once, not once per row
    out = []
    for d in result.pairs:
        old_title = f'<span class="oldt">{text(truncate(d.old_title, 90))}</span>' if d.title_changed else ""
        cells = []
        for party, shown, v in zip(parties, escaped, d.verdicts):
            v = v if v.party == party else verdict_of(d, party)
            if v.before != v.after:
                cells.append(f'<td class="v moved" data-party="{shown}">{chip(v.before)}<br>'
                             f'<span class="to">→</span>{chip(v.after)}</td>')
            else:
                cells.append(f'<td class="v" data-party="{shown}">{chip(v.after)}</td>')
        out.append(
            f'      <tr class="{"changed" if d.changed else "unchanged"}" data-key="{text(d.key)}">\n'
            f'        <th scope="row" class="ids">{text(ids_label(d.old_ids))}</th><td class="ids">'
            f"{text(ids_label(d.new_ids))}</td>\n"
            f'        <td><a href="#{text(d.key)}">{text(d.new_title)}</a>{old_title}</td>\n'
            f'        <td class="how">{METHOD[d.method]} · {d.confidence:.2f}</td>\n'
            f"        <td>{badges(d, overview=True)}</td>\n"
            f'{"".join(cells)}      </tr>\n')  # the template's loop ate the line end (trim_blocks)
    for group, rows in (("added", result.added), ("dropped", result.dropped)):
        if not rows:
            continue
        out.append(f'      <tr class="group"><th colspan="{5 + len(parties)}" scope="rowgroup">{group} ({len(rows)})'
                   "</th></tr>\n")
        for d in rows:
            cells = "".join(f'<td class="v" data-party="{text(party)}">'
                            f'{chip(v.after if group == "added" else v.before)}</td>'
                            for party, v in ((p, verdict_of(d, p)) for p in parties))
            out.append(
                f'      <tr class="row-{group}" data-key="{text(d.key)}">\n'
                f'        <th scope="row" class="ids">{text(", ".join(d.old_ids)) or "—"}</th><td class="ids">'
                f'{text(", ".join(d.new_ids)) or "—"}</td>\n'
                f'        <td><a href="#{text(d.key)}">{text(d.new_title or d.old_title)}</a></td>'
                f'<td class="how">{METHOD[d.method]}</td><td>{badges(d)}</td>\n'
                f"{cells}      </tr>\n")
    return "".join(out)


def detail(d: ClauseDiff, party_names: dict[str, str]) -> str:
    """One changed pairing: verdict changes, term table, and the redline in both views."""
    meta = [f"Matched {METHOD[d.method]} (confidence {d.confidence:.2f}) · {badges(d)}"]
    if d.old_status != d.new_status:
        meta.append(f" · status: {text(d.old_status or 'none')} → {text(d.new_status or 'none')}")
    if d.tags_added or d.tags_removed:
        meta.append(" · tags" + "".join(f" +{text(t)}" for t in d.tags_added)
                    + "".join(f" −{text(t)}" for t in d.tags_removed))
    out = [f'  <article class="pair" id="{text(d.key)}">\n'
           f'    <h3><span class="no old" title="old">{text(ids_label(d.old_ids))}</span> <span class="to">→</span> '
           f'<span class="no" title="new">{text(ids_label(d.new_ids))}</span> {text(d.new_title)}</h3>\n'
           f'    <p class="meta">{"".join(meta)}</p>\n']
    moved = [v for v in d.verdicts if v.changed]
    if moved:
        out.append('    <div class="vchanges">\n')
        for v in moved:
            out.append(f'      <div class="vchange"><span class="who">{text(party_names[v.party])}</span>'
                       f'{move(v.before, v.after)}\n        <ul class="rules">{rule_items(v.rules)}</ul></div>\n')
        out.append("    </div>\n")
    out.append(f"    {term_table(d)}\n")
    if d.text_changed or d.title_changed:
        out.append(
            '    <div class="texts">\n      <div class="sbs">\n'
            f'        <div class="col old-side"><h4>Old {text(", ".join(d.old_ids))}</h4><p class="prose">'
            f'<span class="ttl">{redline_html(d.title_redline, "old")}</span>\n{redline_html(d.redline, "old")}'
            "</p></div>\n"
            f'        <div class="col new-side"><h4>New {text(", ".join(d.new_ids))}</h4><p class="prose">'
            f'<span class="ttl">{redline_html(d.title_redline, "new")}</span>\n{redline_html(d.redline, "new")}'
            "</p></div>\n      </div>\n"
            '      <div class="inline"><p class="view-title">Inline</p><p class="prose"><span class="ttl">'
            f"{redline_html(d.title_redline)}</span>\n{redline_html(d.redline)}</p></div>\n    </div>\n")
    else:
        out.append('    <p class="meta">The wording is unchanged.</p>\n')
    out.append("  </article>\n")
    return "".join(out)


def details(result: DiffResult, party_names: dict[str, str]) -> str:
    changed = [d for d in result.pairs if d.changed]
    unchanged = [d for d in result.pairs if not d.changed]
    out = [detail(d, party_names) for d in changed] or ['  <p class="none">No clause changed.</p>\n']
    if unchanged:
        links = "; ".join(f'<a id="{text(d.key)}" href="#{text(d.key)}">{text(arrows(d.label))}</a>' for d in unchanged)
        out.append(f'  <p class="unchanged-list">Unchanged: {links}</p>\n')
    return "".join(out)


def unmatched(result: DiffResult, party_names: dict[str, str]) -> str:
    """The sections of added and dropped clauses."""
    out = []
    for group, rows, title in (("added", result.added, "Added clauses"), ("dropped", result.dropped, "Dropped clauses")):
        if not rows:
            continue
        where = "after" if group == "added" else "before"
        out.append(f'<section id="{group}" aria-labelledby="{group}-title">\n'
                   f'  <h2 id="{group}-title">{title} <span class="muted">({len(rows)})</span></h2>\n')
        for d in rows:
            old = " old" if group == "dropped" else ""
            out.append(f'  <article class="clause" id="{text(d.key)}">\n'
                       f'    <h3><span class="no{old}">{text(", ".join(d.old_ids or d.new_ids))}</span> '
                       f'{text(d.new_title or d.old_title)} <span class="badge b-{group}">{group}</span></h3>\n'
                       f'    <p class="prose">{text(plain(d.redline))}</p>\n')
            if d.terms:
                out.append('    <ul class="term-list">' + "".join(
                    f"<li><code>{text(t.path)} = {text(show_values(t.after or t.before))}</code></li>"
                    for t in d.terms) + "</ul>\n")
            views = [v for v in d.verdicts if getattr(v, where) not in ("silent", None)]
            if views:
                chips = " · ".join(f'<span class="who">{text(party_names[v.party])}</span>'
                                   f'{chip(v.after if group == "added" else v.before)}' for v in views)
                out.append(f'    <p class="chips">{chips}</p>\n')
                out += [f'    <ul class="rules">{rule_items(v.rules)}</ul>\n' for v in views if v.rules]
            else:
                out.append('    <p class="none">No party\'s red lines bear on it.</p>\n')
            out.append("  </article>\n")
        out.append("</section>\n")
    return "".join(out)


@cache  # one environment, so its compiled template is reused by every later page of the process
def environment():
    from markupsafe import Markup

    env = jinja_environment()
    env.globals.update(arrows=arrows, chip=lambda v: Markup(chip(v)), move=lambda b, a: Markup(move(b, a)),
                       TREND=TREND)
    return env


def render(result: DiffResult) -> str:
    with paused_collector():  # many small strings, no cycles (see diff.model)
        return _render(result)


def _render(result: DiffResult) -> str:
    from markupsafe import Markup

    party_names = {p.id: p.name for p in result.parties}
    context = {
        "result": result, "old": result.old, "new": result.new, "parties": result.parties,
        "notes": [*(set_aside_sentence(s, result.table) for s in result.set_aside), today_sentence(result)],
        "party_names": party_names,
        "totals": totals(result), "version": peacecheck_version(),
        "overview_rows": Markup(overview_rows(result)),
        "details": Markup(details(result, party_names)),
        "unmatched": Markup(unmatched(result, party_names)),
        **inline_assets(static("diff.css")),
    }
    return environment().get_template("diff.html.j2").render(context)
