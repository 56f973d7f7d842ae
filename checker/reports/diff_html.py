"""The diff as one self-contained HTML page: summary first, then every clause pairing with its
redline (side by side and inline), term changes and verdict changes, then added and dropped clauses.

Autoescaped throughout; the only markup inserted unescaped is our own stylesheet (templates/diff.css), pinned by
hash in the page's Content-Security-Policy. The view switch (side by side / inline) is CSS only:
no script runs, and without CSS both views show one after the other.

The template (templates/diff.html.j2) lays out the page; the parts repeated once per clause (the
overview rows, the redlines, the detail articles, the added and dropped clauses) are built here as
fragments, because a template call per word or per cell costs more than the whole diff on a long draft.
Every input string in a fragment is what the template's own `{{ value }}` prints for it: `printable`'s
`markup_text` (no raw control character), then markupsafe's escapes (`screened`). The strings of a page
go through both together, in one pass over their concatenation (`screened_all`), not one call per string.
The template marks the fragments' places (`Hole`) and the page is joined once around them.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
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
)
from peacecheck.checker.diff.model import paused_collector
from peacecheck.checker.reports.diff_text import totals
from peacecheck.checker.reports.escape import markup_text
from peacecheck.checker.reports.html import inline_assets, jinja_environment, peacecheck_version, static
from peacecheck.checker.reports.wording import rule_change, set_aside_sentence, state_label, today_sentence

METHOD = {"id": "same id", "id+content": "same id, reworded", "content": "by content", "split": "split",
          "merged": "merged", "added": "added", "dropped": "dropped"}
TREND = {"better": "better for this party", "worse": "worse for this party", "unchanged": "no change",
         "changed": "changed, same count"}
# Joins the strings of a page for one pass. Any character would do that neither pass adds nor removes;
# a tab is rare in input and never in a redline (its tokens are joined by plain spaces).
SEPARATOR = "\t"
# The ASCII characters markup_text leaves as they are, asked of markup_text itself (it maps one character
# at a time), so without_controls can never disagree with it.
KEPT_ASCII = bytes(code for code in range(128) if markup_text(chr(code)) == chr(code))


def plain(segments: tuple[Segment, ...]) -> str:
    return "".join(s.text for s in segments)


def arrows(label: str) -> str:
    return label.replace(" -> ", " → ")


def verdict_of(d: ClauseDiff, party: str) -> PartyVerdict:
    return next(v for v in d.verdicts if v.party == party)


# ------------------------------------------------------------------ escaped fragments
def text(value: str) -> str:
    """What `{{ value }}` escapes, byte for byte (markupsafe's escapes)."""
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;")
            .replace("'", "&#39;"))


def without_controls(value: str) -> str:
    """`markup_text(value)`. ASCII text (most drafts) is first checked in one C pass, deleting every character
    markup_text keeps: when nothing is left, markup_text would replace nothing, and its regex scans are saved."""
    if value.isascii() and not value.encode("ascii").translate(None, KEPT_ASCII):
        return value
    return markup_text(value)


def screened(value: str) -> str:
    """What `{{ value }}` prints: control characters replaced (the template's `printable`), then escaped."""
    return text(without_controls(value))


def screened_all(values: list[str]) -> list[str]:
    """`screened` of every value, through one pass over all of them joined (two C scans and five replaces
    per page instead of per string). Both steps map character by character and neither makes a SEPARATOR,
    so the split gives back each value's own result, unless a value held one itself: then there are more
    pieces than values, and each value goes on its own."""
    pieces = text(without_controls(SEPARATOR.join(values))).split(SEPARATOR)
    if len(pieces) != len(values):
        return [screened(value) for value in values]
    return pieces


def screened_rows(rows: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """`screened_all` over rows of strings, all of one width; the rows come back in their shape."""
    if not rows:
        return []
    flat = iter(screened_all([value for row in rows for value in row]))
    return list(zip(*[flat] * len(rows[0])))


# Where the template prints a fragment (the overview rows, the articles, the added and dropped clauses), it
# prints this character; the page is then joined once from the template's text and the fragments' parts.
# Passing megabytes through the template instead would copy each fragment twice more and have `printable`
# rescan it to replace nothing. No other raw NUL can be in the template's text: its own text has none, and
# `printable` replaces every raw control character in what it prints.
HOLE = "\x00"


class Hole:
    """A fragment's place in the template: `printable` passes what is neither str nor Markup untouched,
    and autoescape takes `__html__` as markup, so the template prints HOLE as it is."""

    def __html__(self) -> str:
        return HOLE


@cache  # a handful of verdicts, a chip per party and clause
def chip(v: str | None) -> str:
    return f'<span class="chip v-{v or "absent"}">{state_label(v).symbol} {state_label(v).word}</span>'


def move(before: str | None, after: str | None) -> str:
    return chip(before) + '<span class="to" aria-label="becomes">→</span>' + chip(after)


@cache  # a few combinations of a fixed set of words, once per clause
def badge_spans(names: tuple[str, ...], overview: bool = False) -> str:
    return "".join(f'<span class="badge b-{b}">{b}</span>' for b in names if not (overview and b == "renumbered"))


def badges(d: ClauseDiff, overview: bool = False) -> str:
    return badge_spans(d.badges(), overview)


def redline_views(segments: Sequence[Segment], shown: Iterator[str], shown_old: Iterator[str]) -> tuple[str, str, str]:
    """A redline as markup: the old side, the new side (`diff.side`) and inline.

    `shown` gives each segment's text screened, `shown_old` each `old_text` that is set. The lead of a
    piece is spaces (kept outside <del>/<ins>), which screening leaves at the front as they are."""
    old: list[str] = []
    new: list[str] = []
    inline: list[str] = []
    previous = ""
    for s in segments:
        piece = next(shown)
        op = s.op
        if op == "equal":
            old.append(piece if s.old_text is None else next(shown_old))
            new.append(piece)
            inline.append(piece)
        else:
            core = piece.lstrip(" ")
            lead = piece[: len(piece) - len(core)]
            if op == "delete":
                marked = f"{lead}<del>{core}</del>"
                inline.append(marked)
                if s.old_text is None:
                    old.append(marked)
                else:  # the old side shows an equal run with old spacing as plain text (diff.side)
                    old.append(next(shown_old))
            else:
                marked = f"{lead}<ins>{core}</ins>"
                # a replacement: keep the old and the new words apart
                inline.append(marked if lead or previous != "delete" else f" <ins>{core}</ins>")
                if s.old_text is None:
                    new.append(marked)
                else:
                    next(shown_old)  # the old side hides an insert; its old text is not shown anywhere
                    new.append(piece)
        previous = op
    return "".join(old), "".join(new), "".join(inline)


def reworded_texts(pairs: list[ClauseDiff]) -> Iterator[str]:
    """The texts part of each pairing's article (both views of title and wording), their strings
    screened in one pass for all the pairings."""
    ids = [ids for d in pairs for ids in (", ".join(d.old_ids), ", ".join(d.new_ids))]
    texts = [s.text for d in pairs for segments in (d.title_redline, d.redline) for s in segments]
    olds = [s.old_text for d in pairs for segments in (d.title_redline, d.redline) for s in segments
            if s.old_text is not None]
    screened_strings = screened_all(ids + texts + olds)
    shown_ids = iter(screened_strings[: len(ids)])
    shown = iter(screened_strings[len(ids): len(ids) + len(texts)])
    shown_old = iter(screened_strings[len(ids) + len(texts):])
    for d in pairs:
        old_ids, new_ids = next(shown_ids), next(shown_ids)
        title_old, title_new, title_inline = redline_views(d.title_redline, shown, shown_old)
        text_old, text_new, text_inline = redline_views(d.redline, shown, shown_old)
        yield ('    <div class="texts">\n      <div class="sbs">\n'
               f'        <div class="col old-side"><h4>Old {old_ids}</h4><p class="prose">'
               f'<span class="ttl">{title_old}</span>\n{text_old}</p></div>\n'
               f'        <div class="col new-side"><h4>New {new_ids}</h4><p class="prose">'
               f'<span class="ttl">{title_new}</span>\n{text_new}</p></div>\n      </div>\n'
               '      <div class="inline"><p class="view-title">Inline</p><p class="prose"><span class="ttl">'
               f"{title_inline}</span>\n{text_inline}</p></div>\n    </div>\n")


def values(vals: tuple[TermValue, ...]) -> str:
    if not vals:
        return '<span class="muted">—</span>'
    cells = [f"<code>{screened(v.value)}</code>"
             + (f'<span class="opt">option {screened(v.option)}</span>' if v.option else "") for v in vals]
    return "<br>".join(cells)


def rule_items(rules: tuple[RuleDelta, ...], only_changed: bool = True) -> str:
    return "".join(f'<li class="c-{r.change}"><span class="lead">{screened(rule_change(r))}</span>'
                   f"<code>{screened(r.rule)}</code> {screened(r.title)}</li>\n"
                   for r in rules if r.change != "unchanged" or not only_changed)


def term_table(d: ClauseDiff) -> str:
    if not d.terms:
        return ""
    muted = f' <span class="muted">({d.unchanged_terms} unchanged)</span>' if d.unchanged_terms else ""
    rows = "".join(f'    <tr class="k-{t.kind}"><td><code>{screened(t.path)}</code></td><td class="before">'
                   f'{values(t.before)}</td><td class="after">{values(t.after)}</td></tr>\n' for t in d.terms)
    return (f'<table class="terms">\n  <caption>Terms changed{muted}</caption>\n'
            '  <thead><tr><th scope="col">Term</th><th scope="col">Old</th><th scope="col">New</th></tr></thead>\n'
            f"  <tbody>\n{rows}  </tbody>\n</table>\n")


def truncate(value: str, length: int) -> str:
    """jinja2's `truncate` filter (leeway 5, whole words, '...')."""
    if len(value) <= length + 5:
        return value
    return value[: length - 3].rsplit(" ", 1)[0] + "..."


def pair_heads(pairs: list[ClauseDiff]) -> list[tuple[str, str, str, str]]:
    """Each pairing's key, old and new id labels and new title, screened: the clause-by-clause table and
    the articles both show them."""
    return screened_rows([(d.key, ids_label(d.old_ids), ids_label(d.new_ids), d.new_title) for d in pairs])


def verdict_cells(d: ClauseDiff, parties: list[str], shown_parties: list[str]) -> str:
    """A pairing's verdict cells in the clause-by-clause table, one per party."""
    cells = []
    for party, shown, v in zip(parties, shown_parties, d.verdicts):
        v = v if v.party == party else verdict_of(d, party)
        if v.before != v.after:
            cells.append(f'<td class="v moved" data-party="{shown}">{chip(v.before)}<br>'
                         f'<span class="to">→</span>{chip(v.after)}</td>')
        else:
            cells.append(f'<td class="v" data-party="{shown}">{chip(v.after)}</td>')
    return "".join(cells)


def overview_rows(result: DiffResult, heads: list[tuple[str, ...]], changed: list[bool]) -> list[str]:
    """The rows of the clause-by-clause table (`heads` and `changed` are the pairings')."""
    parties = [p.id for p in result.parties]
    shown_parties = screened_all(parties)  # once, not once per row
    # A row's last cells hang on how it was matched, what changed and the parties' verdicts alone, and a page
    # has a few dozen combinations of them.
    tails: dict[tuple, str] = {}
    old_titles = iter(screened_all([truncate(d.old_title, 90) for d in result.pairs if d.title_changed]))
    out = []
    for d, (key, old_label, new_label, title), is_changed in zip(result.pairs, heads, changed):
        shape = (d.method, d.confidence, d.badges(), *[(v.party, v.before, v.after) for v in d.verdicts])
        tail = tails.get(shape)
        if tail is None:
            tail = tails[shape] = (f'        <td class="how">{METHOD[d.method]} · {d.confidence:.2f}</td>\n'
                                   f"        <td>{badge_spans(d.badges(), True)}</td>\n"
                                   f"{verdict_cells(d, parties, shown_parties)}      </tr>\n")
        old_title = f'<span class="oldt">{next(old_titles)}</span>' if d.title_changed else ""
        out.append(f'      <tr class="{"changed" if is_changed else "unchanged"}" data-key="{key}">\n'
                   f'        <th scope="row" class="ids">{old_label}</th><td class="ids">{new_label}</td>\n'
                   f'        <td><a href="#{key}">{title}</a>{old_title}</td>\n'
                   f"{tail}")  # the template's loop ate the line end (trim_blocks)
    for group, clauses in (("added", result.added), ("dropped", result.dropped)):
        if not clauses:
            continue
        out.append(f'      <tr class="group"><th colspan="{5 + len(parties)}" scope="rowgroup">{group} ({len(clauses)})'
                   "</th></tr>\n")
        rows = screened_rows([(d.key, ", ".join(d.old_ids), ", ".join(d.new_ids), d.new_title or d.old_title)
                              for d in clauses])
        for d, (key, old_ids, new_ids, title) in zip(clauses, rows):
            cells = "".join(f'<td class="v" data-party="{shown}">'
                            f'{chip(v.after if group == "added" else v.before)}</td>'
                            for shown, v in ((shown, verdict_of(d, p)) for p, shown in zip(parties, shown_parties)))
            out.append(
                f'      <tr class="row-{group}" data-key="{key}">\n'
                f'        <th scope="row" class="ids">{old_ids or "—"}</th><td class="ids">'
                f'{new_ids or "—"}</td>\n'
                f'        <td><a href="#{key}">{title}</a></td>'
                f'<td class="how">{METHOD[d.method]}</td><td>{badges(d)}</td>\n'
                f"{cells}      </tr>\n")
    return out


def status_and_tags(d: ClauseDiff) -> str:
    """The end of an article's meta line when the status or the tags changed."""
    out = []
    if d.old_status != d.new_status:
        out.append(f" · status: {screened(d.old_status or 'none')} → {screened(d.new_status or 'none')}")
    if d.tags_added or d.tags_removed:
        out.append(" · tags" + "".join(f" +{screened(t)}" for t in d.tags_added)
                   + "".join(f" −{screened(t)}" for t in d.tags_removed))
    return "".join(out)


def verdict_changes(d: ClauseDiff, shown_names: dict[str, str]) -> str:
    out = ['    <div class="vchanges">\n']
    for v in d.verdicts:
        if v.changed:
            out.append(f'      <div class="vchange"><span class="who">{shown_names[v.party]}</span>'
                       f'{move(v.before, v.after)}\n        <ul class="rules">{rule_items(v.rules)}</ul></div>\n')
    out.append("    </div>\n")
    return "".join(out)


def detail(d: ClauseDiff, head: tuple[str, ...], shown_names: dict[str, str], texts: str | None,
           matched: dict[tuple, str]) -> str:
    """One changed pairing: verdict changes, term table, and the redline in both views.

    `head` is the pairing's screened key, id labels and title; `texts` its redlines (`reworded_texts`),
    when its title or wording changed; `matched` the page's "Matched ..." lines so far, by what they say."""
    key, old_label, new_label, title = head
    shape = (d.method, d.confidence, d.badges())
    meta = matched.get(shape)
    if meta is None:
        meta = matched[shape] = (f"Matched {METHOD[d.method]} (confidence {d.confidence:.2f}) · "
                                 f"{badge_spans(d.badges())}")
    if d.old_status != d.new_status or d.tags_added or d.tags_removed:
        meta += status_and_tags(d)
    return (f'  <article class="pair" id="{key}">\n'
            f'    <h3><span class="no old" title="old">{old_label}</span> <span class="to">→</span> '
            f'<span class="no" title="new">{new_label}</span> {title}</h3>\n'
            f'    <p class="meta">{meta}</p>\n'
            f'{verdict_changes(d, shown_names) if d.verdict_changed else ""}'
            f'    {term_table(d) if d.terms else ""}\n'
            f'{texts or NO_NEW_WORDING}'
            "  </article>\n")


NO_NEW_WORDING = '    <p class="meta">The wording is unchanged.</p>\n'


def details(result: DiffResult, heads: list[tuple[str, ...]], changed: list[bool],
            shown_names: dict[str, str]) -> list[str]:
    """The articles of the changed pairings, then links to the unchanged ones."""
    changed_pairs = [(d, head) for d, head, is_changed in zip(result.pairs, heads, changed) if is_changed]
    texts = reworded_texts([d for d, _ in changed_pairs if d.text_changed or d.title_changed])
    matched: dict[tuple, str] = {}  # a page has a few dozen of these lines
    out = [detail(d, head, shown_names, next(texts) if d.text_changed or d.title_changed else None, matched)
           for d, head in changed_pairs] or ['  <p class="none">No clause changed.</p>\n']
    unchanged = [d for d, is_changed in zip(result.pairs, changed) if not is_changed]
    if unchanged:
        links = "; ".join(f'<a id="{key}" href="#{key}">{label}</a>'
                          for key, label in screened_rows([(d.key, arrows(d.label)) for d in unchanged]))
        out.append(f'  <p class="unchanged-list">Unchanged: {links}</p>\n')
    return out


def unmatched(result: DiffResult, shown_names: dict[str, str]) -> list[str]:
    """The sections of added and dropped clauses."""
    out = []
    sections = (("added", result.added, "Added clauses"), ("dropped", result.dropped, "Dropped clauses"))
    for group, rows, title in sections:
        if not rows:
            continue
        where = "after" if group == "added" else "before"
        out.append(f'<section id="{group}" aria-labelledby="{group}-title">\n'
                   f'  <h2 id="{group}-title">{title} <span class="muted">({len(rows)})</span></h2>\n')
        for d in rows:
            old = " old" if group == "dropped" else ""
            out.append(f'  <article class="clause" id="{screened(d.key)}">\n'
                       f'    <h3><span class="no{old}">{screened(", ".join(d.old_ids or d.new_ids))}</span> '
                       f'{screened(d.new_title or d.old_title)} <span class="badge b-{group}">{group}</span></h3>\n'
                       f'    <p class="prose">{screened(plain(d.redline))}</p>\n')
            if d.terms:
                out.append('    <ul class="term-list">' + "".join(
                    f"<li><code>{screened(t.path)} = {screened(show_values(t.after or t.before))}</code></li>"
                    for t in d.terms) + "</ul>\n")
            views = [v for v in d.verdicts if getattr(v, where) not in ("silent", None)]
            if views:
                chips = " · ".join(f'<span class="who">{shown_names[v.party]}</span>'
                                   f'{chip(v.after if group == "added" else v.before)}' for v in views)
                out.append(f'    <p class="chips">{chips}</p>\n')
                out += [f'    <ul class="rules">{rule_items(v.rules)}</ul>\n' for v in views if v.rules]
            else:
                out.append('    <p class="none">No party\'s red lines bear on it.</p>\n')
            out.append("  </article>\n")
        out.append("</section>\n")
    return out


@cache  # the installed version does not change while the process runs; reading it parses its metadata
def version() -> str:
    return peacecheck_version()


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
    party_names = {p.id: p.name for p in result.parties}
    shown_names = dict(zip(party_names, screened_all(list(party_names.values()))))
    heads = pair_heads(result.pairs)
    changed = [d.changed for d in result.pairs]
    context = {
        "result": result, "old": result.old, "new": result.new, "parties": result.parties,
        "notes": [*(set_aside_sentence(s, result.table) for s in result.set_aside), today_sentence(result)],
        "party_names": party_names,
        "totals": totals(result), "version": version(),
        "overview_rows": Hole(), "details": Hole(), "unmatched": Hole(),
        **inline_assets(static("diff.css")),
    }
    page = environment().get_template("diff.html.j2").render(context)
    # Unpacking checks that the template has the three places, once each (only they print a NUL: see HOLE).
    top, between_rows_and_details, between_details_and_unmatched, bottom = page.split(HOLE)
    return "".join([top, *overview_rows(result, heads, changed), between_rows_and_details,
                    *details(result, heads, changed, shown_names), between_details_and_unmatched,
                    *unmatched(result, shown_names), bottom])
