"""The diff as one self-contained HTML page: summary first, then every clause pairing with its
redline (side by side and inline), term changes and verdict changes, then added and dropped clauses.

Autoescaped throughout; the only markup inserted unescaped is this module's own CSS, pinned by
hash in the page's Content-Security-Policy. The view switch (side by side / inline) is CSS only:
no script runs, and without CSS both views show one after the other.
"""
from __future__ import annotations

from dataclasses import dataclass

from .diff import (
    ClauseDiff,
    DiffResult,
    Segment,
    TermValue,
    ids_label,
    show_values,
    side,
)
from .html_support import inline_assets, jinja_environment, peacecheck_version
from .render_diff import totals

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


CSS = """
:root {
  --ink: #1f2328; --muted: #5b636e; --line: #d5dae0; --soft: #f5f7f9; --accent: #1d4ed8;
  --reject: #b42318; --concern: #93370d; --concern-a: #fde68a; --concern-b: #fff7d6;
  --accept: #067647; --silent: #6b7280;
  --del: #ffe4e1; --del-ink: #8a1c12; --ins: #dcfce7; --ins-ink: #05603a;
  --sans: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans", sans-serif;
  --serif: Charter, "Bitstream Charter", "Sitka Text", Cambria, Georgia, "Liberation Serif", "DejaVu Serif", serif;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", "DejaVu Sans Mono", monospace;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0 auto; max-width: 76rem; padding: 2rem 2.5rem 3rem; font: 15px/1.5 var(--sans); color: var(--ink); background: #fff; }
a { color: var(--accent); text-decoration: none; }
a:hover, a:focus { text-decoration: underline; }
code { font-family: var(--mono); font-size: 0.86em; }
h1, h2, h3, h4 { line-height: 1.25; margin: 0; }
h1 { font: 700 1.75rem/1.25 var(--serif); margin-bottom: 0.9rem; }
h2 { font-size: 1.3rem; margin: 2.25rem 0 0.75rem; padding-bottom: 0.35rem; border-bottom: 2px solid var(--ink); }
h3 { font-size: 1.05rem; }
.muted { color: var(--muted); }
.pid { display: inline-block; margin-left: 0.35em; font: 500 0.75em var(--mono); color: var(--muted); }
.kicker { margin: 0 0 0.25rem; font-size: 0.78rem; letter-spacing: 0.08em; text-transform: uppercase; color: var(--muted); font-weight: 600; }
.h1-old { color: var(--muted); font-weight: 600; }
.arrow { color: var(--muted); font-family: var(--sans); font-weight: 400; padding: 0 0.15em; }
.doc-header { border-bottom: 1px solid var(--line); padding-bottom: 1rem; }
.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); gap: 0.5rem 1.5rem; margin: 0 0 0.75rem; }
.facts dt { font-size: 0.72rem; text-transform: uppercase; letter-spacing: 0.06em; color: var(--muted); font-weight: 600; }
.facts dd { margin: 0; overflow-wrap: anywhere; }
.totals { margin: 0.25rem 0 0; font-weight: 600; }
.toc { margin: 0.75rem 0 0; font-size: 0.88rem; display: flex; flex-wrap: wrap; gap: 0.25rem 1.1rem; }
table { border-collapse: collapse; }

/* verdict chips: symbol + word + colour + pattern, as in the check report */
.chip { display: inline-block; padding: 0 0.4em; border-radius: 3px; font-size: 0.78rem; font-weight: 600; line-height: 1.5; white-space: nowrap; border: 1px solid transparent; }
.v-reject { color: #fff; background: var(--reject); border-color: var(--reject); }
.v-concern { color: var(--concern); background: repeating-linear-gradient(135deg, var(--concern-a) 0 4px, var(--concern-b) 4px 8px); border: 1px dashed var(--concern); }
.v-accept { color: var(--accept); background: #fff; border: 1px solid var(--accept); }
.v-silent { color: var(--silent); border: 1px dotted #a3a9b2; font-weight: 400; }
.v-absent { color: var(--silent); border: 1px dashed #c4c9d0; font-weight: 400; font-style: italic; }
.to { color: var(--muted); padding: 0 0.2em; }
.badge { display: inline-block; font-size: 0.7rem; text-transform: uppercase; letter-spacing: 0.04em; font-weight: 700; padding: 0 0.35em; margin: 0 0.2em 0.1em 0; border-radius: 3px; border: 1px solid var(--line); color: var(--muted); background: #fff; white-space: nowrap; }
.b-verdict { color: #fff; background: #6941c6; border-color: #6941c6; }
.b-terms { color: #1d4ed8; border-color: #93c5fd; }
.b-text, .b-title { color: #344054; }
.b-merged, .b-split, .b-renumbered { color: #6941c6; border-color: #c4b5fd; }
.b-added { color: var(--ins-ink); background: var(--ins); border-color: #86efac; }
.b-dropped { color: var(--del-ink); background: var(--del); border-color: #fca5a5; }
.b-unchanged { color: var(--silent); border-style: dotted; }

/* summary */
.parties { display: grid; grid-template-columns: repeat(auto-fill, minmax(21rem, 1fr)); gap: 0.9rem; }
.party { border: 1px solid var(--line); border-top: 5px solid var(--silent); border-radius: 6px; padding: 0.7rem 1rem 0.8rem; }
.party.trend-better { border-top-color: var(--accept); }
.party.trend-worse { border-top-color: var(--reject); }
.party h3 { display: flex; align-items: baseline; gap: 0.4rem; flex-wrap: wrap; }
.trend { margin-left: auto; font-size: 0.72rem; text-transform: uppercase; letter-spacing: 0.05em; font-weight: 700; color: var(--silent); }
.trend-better .trend { color: var(--accept); }
.trend-worse .trend { color: var(--reject); }
.stats { display: flex; gap: 1.4rem; margin: 0.5rem 0 0.3rem; flex-wrap: wrap; }
.stat-label { display: block; font-size: 0.7rem; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); font-weight: 600; }
.stat-nums { font-size: 1.35rem; font-weight: 700; font-variant-numeric: tabular-nums; white-space: nowrap; }
.stat-nums .before { color: var(--muted); font-weight: 600; }
.delta { font-size: 0.8rem; font-weight: 700; margin-left: 0.25rem; }
.delta.down { color: var(--accept); }
.delta.up { color: var(--reject); }
.movers, .plevel, .rules { list-style: none; padding: 0; margin: 0.35rem 0 0; font-size: 0.86rem; }
.movers li, .plevel li, .rules li { margin: 0.18rem 0; }
.movers .what { display: inline-block; min-width: 8.5rem; font-weight: 600; }
.movers .mt { display: block; margin: -0.1rem 0 0.25rem 0.6rem; font-size: 0.78rem; color: var(--muted); }
.plevel .lead, .rules .lead { font-size: 0.72rem; text-transform: uppercase; letter-spacing: 0.04em; font-weight: 700; margin-right: 0.3rem; }
.c-new .lead { color: var(--reject); }
.c-resolved .lead { color: var(--accept); }
.c-unchanged .lead { color: var(--muted); }
.none { color: var(--muted); font-size: 0.86rem; margin: 0.35rem 0 0; }

/* overview */
.wrap { overflow-x: auto; }
.overview { width: 100%; font-size: 0.88rem; }
.overview .c-id { width: 4.5rem; }
.overview .c-title { min-width: 14rem; }
.overview .c-how { width: 6.5rem; }
.overview .c-badges { width: 8rem; }
.overview .c-party { width: 6.5rem; }
.overview th, .overview td { padding: 0.3rem 0.5rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
.overview thead th { font-size: 0.78rem; border-bottom: 2px solid var(--ink); vertical-align: bottom; }
.overview .ids { white-space: nowrap; font-variant-numeric: tabular-nums; font-weight: 600; }
.overview .oldt { display: block; color: var(--muted); font-size: 0.82rem; }
.overview .oldt::before { content: "was: "; }
.overview .how { color: var(--muted); font-size: 0.8rem; }
.overview td.v { white-space: nowrap; }
.overview td.moved { background: #f4f0ff; }
.overview td.v .v-silent { border-color: transparent; color: #9aa1ab; }
.overview tr.unchanged td, .overview tr.unchanged th { color: var(--muted); }
.overview tr.row-added { background: #f6fef9; }
.overview tr.row-dropped { background: #fffafa; }
.overview tr.group th { background: var(--soft); font-size: 0.78rem; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); }

/* details */
.view-radio { position: absolute; opacity: 0; width: 1px; height: 1px; }
.views { display: inline-flex; border: 1px solid var(--line); border-radius: 5px; overflow: hidden; margin: 0 0 0.5rem; font-size: 0.85rem; }
.views label { padding: 0.2rem 0.7rem; cursor: pointer; color: var(--muted); }
#view-sbs:checked ~ main label[for="view-sbs"], #view-inline:checked ~ main label[for="view-inline"] { background: var(--ink); color: #fff; }
#view-sbs:focus-visible ~ main label[for="view-sbs"], #view-inline:focus-visible ~ main label[for="view-inline"] { outline: 2px solid var(--accent); }
#view-sbs:checked ~ main .inline { display: none; }
#view-inline:checked ~ main .sbs { display: none; }
.pair, .clause { padding: 1.1rem 0 1.2rem; border-bottom: 1px solid var(--line); scroll-margin-top: 1rem; }
.pair:target, .clause:target { outline: 3px solid #93c5fd; outline-offset: 6px; border-radius: 2px; }
.pair h3, .clause h3 { font: 700 1.1rem/1.3 var(--serif); }
.no { display: inline-block; min-width: 2rem; padding: 0 0.4rem; font: 700 0.82rem/1.6 var(--sans); text-align: center; color: #fff; background: var(--ink); border-radius: 3px; vertical-align: 0.1em; }
.no.old { background: #fff; color: var(--ink); border: 1px solid var(--ink); }
.meta { margin: 0.3rem 0 0; font-size: 0.84rem; color: var(--muted); }
.vchanges { margin: 0.6rem 0 0; display: grid; gap: 0.35rem; }
.vchange { font-size: 0.88rem; }
.vchange .who { font-weight: 600; margin-right: 0.35rem; }
.rules { margin-left: 1.2rem; }
.clause .rules { margin-left: 0; }
.terms { margin: 0.7rem 0 0; font-size: 0.84rem; }
.terms caption, .view-title { text-align: left; font-size: 0.68rem; text-transform: uppercase; letter-spacing: 0.06em; font-weight: 700; color: var(--muted); padding-bottom: 0.15rem; }
.terms th, .terms td { padding: 0.12rem 0.9rem 0.12rem 0.4rem; text-align: left; vertical-align: baseline; border-bottom: 1px solid #eef0f3; }
.terms th { font-size: 0.72rem; color: var(--muted); }
.terms .k-added td.after code, .terms .k-changed td.after code { background: var(--ins); color: var(--ins-ink); }
.terms .k-removed td.before code, .terms .k-changed td.before code { background: var(--del); color: var(--del-ink); text-decoration: line-through; }
.opt { font-size: 0.75rem; color: var(--muted); margin-left: 0.2rem; }
.texts { margin: 0.8rem 0 0; }
.sbs { display: grid; grid-template-columns: 1fr 1fr; gap: 1.25rem; }
.col { min-width: 0; }
.col h4 { font-size: 0.82rem; color: var(--muted); font-weight: 600; margin-bottom: 0.2rem; }
.col.old-side { border-right: 1px solid var(--line); padding-right: 1.25rem; }
.prose { font: 0.98rem/1.6 var(--serif); margin: 0.25rem 0 0; white-space: pre-line; overflow-wrap: anywhere; }
.ttl { font-weight: 700; }
del { background: var(--del); color: var(--del-ink); text-decoration: line-through; text-decoration-thickness: 1px; border-radius: 2px; }
ins { background: var(--ins); color: var(--ins-ink); text-decoration: none; border-bottom: 2px solid #16a34a; border-radius: 2px; }
.unchanged-list { font-size: 0.86rem; color: var(--muted); }
.unchanged-list a { color: var(--muted); }
.chips { margin: 0.5rem 0 0; font-size: 0.88rem; }
.chips .who { font-weight: 600; margin-right: 0.3rem; }
.clause .prose { color: #3f4650; }
.term-list { list-style: none; padding: 0; margin: 0.5rem 0 0; font-size: 0.84rem; }
#about { font-size: 0.88rem; color: var(--muted); }
#about dt { color: var(--ink); font-weight: 600; }
#about dd { margin: 0 0 0.4rem 1rem; }
.doc-footer { margin-top: 2.5rem; padding-top: 0.75rem; border-top: 1px solid var(--line); font-size: 0.8rem; color: var(--muted); }

@media (max-width: 48rem) {
  body { padding: 1rem; }
  .sbs { grid-template-columns: 1fr; }
  .col.old-side { border-right: 0; padding-right: 0; }
}
@media print {
  @page { margin: 15mm 12mm; }
  body { max-width: none; padding: 0; font-size: 9.5pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .views, .toc { display: none; }
  a { color: inherit; }
  .pair, .clause, .party, .overview tr { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  .wrap { overflow: visible; }
  .pair:target, .clause:target { outline: none; }
}
"""


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
        **inline_assets(CSS),
    }
    return environment().get_template("diff.html.j2").render(context)
