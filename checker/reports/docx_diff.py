"""A diff as a Word document: the new draft with the changes as real tracked changes (w:ins / w:del a
reviewer can accept or reject), and the verdict deltas as tables at the top.

python-docx has no API for tracked changes, so the revision marks are raw WordprocessingML; everything
else goes through python-docx (helpers shared with docx_check.py).
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from peacecheck.checker.diff import PARAGRAPH, ClauseDiff, DiffResult, Segment
from peacecheck.checker.reports.diff_text import counts_line, rule_line, term_line, verdict_word
from peacecheck.checker.reports.docx_check import (
    SHADE,
    clean,
    doc_datetime,
    finish,
    new_document,
    shade,
    widths,
)

AUTHOR = "peacecheck diff"  # the revisions are computed, not made by a person: say so


class _Revisions:
    """Tracked-change ids (unique per document) and the author and date every mark carries."""

    def __init__(self, when: dt.datetime):
        self.next_id = 1
        self.date = when.strftime("%Y-%m-%dT%H:%M:%SZ")

    def mark(self, tag: str) -> Any:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        element = OxmlElement(tag)
        element.set(qn("w:id"), str(self.next_id))
        element.set(qn("w:author"), AUTHOR)
        element.set(qn("w:date"), self.date)
        self.next_id += 1
        return element


def render(result: DiffResult) -> bytes:
    document = new_document(f"{result.old.title} -> {result.new.title}", result.new.date)
    revisions = _Revisions(doc_datetime(result.new.date))
    document.add_heading(clean(result.new.title), level=0)
    document.add_paragraph(clean(f"Changes from {result.old.title} ({result.old.file}, {result.old.date or 'no date'}) "
                                 f"to {result.new.title} ({result.new.file}, {result.new.date or 'no date'}), "
                                 "both checked against the same red lines. The text below is the new draft with "
                                 "every change tracked: accept or reject them in Word's Review tab."))
    _summary(document, result)
    _deltas(document, result)
    document.add_heading("The new draft, with the changes tracked", level=1)
    for d in sorted(result.pairs + result.added, key=lambda d: _natural(d.new_ids[0])):
        _clause(document, d, revisions)
    if result.dropped:
        document.add_heading("Clauses dropped from the old draft", level=1)
        for d in result.dropped:
            _clause(document, d, revisions)
    return finish(document)


def _natural(clause_id: str) -> tuple:
    """1 < 2 < 10 < 10.a < army: numbers by value, words after numbers."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[.]", clause_id))


def _summary(document: Any, result: DiffResult) -> None:
    document.add_heading("Verdicts per party", level=1)
    for s in result.summary:
        document.add_paragraph(clean(counts_line(s)), style="List Bullet")


def _deltas(document: Any, result: DiffResult) -> None:
    """One row per clause pairing that moved a party's verdict (or its red lines)."""
    rows = [(d, v) for d in result.pairs + result.added + result.dropped for v in d.verdicts
            if ({v.before, v.after} & {"reject", "concern"}) and v.changed]  # silent -> absent is no news
    document.add_heading("Verdict changes", level=1)
    if not rows:
        document.add_paragraph("No party's verdict changed.")
        return
    table = document.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, word in zip(table.rows[0].cells, ("Clauses", "Party", "Before", "After", "Red lines")):
        cell.text = word
    names = {p.id: p.name for p in result.parties}
    for d, v in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = clean(d.label), clean(names.get(v.party, v.party))
        cells[2].text, cells[3].text = verdict_word(v.before), verdict_word(v.after)
        for cell, verdict in ((cells[2], v.before), (cells[3], v.after)):
            shade(cell, SHADE.get(verdict or "silent", "FFFFFF"))
        cells[4].text = clean("; ".join(rule_line(r) for r in v.rules if r.change != "unchanged"))
    widths(table, [2.6, 2.4, 2.0, 2.0, 7.5])
    for r in result.proposal_level:
        if r.change != "unchanged":
            document.add_paragraph(clean(f"{names.get(r.party, r.party)}, proposal as a whole: {rule_line(r)}"),
                                   style="List Bullet")


def _clause(document: Any, d: ClauseDiff, revisions: _Revisions) -> None:
    heading = document.add_heading(level=2)
    ids = ", ".join(d.new_ids or d.old_ids)
    heading.add_run(clean(f"{ids}. "))
    _segments(heading, d.title_redline, revisions)
    if d.renumbered or d.method in ("split", "merged"):
        document.add_paragraph(clean(f"{d.label} ({d.method}, confidence {d.confidence:.2f})"))
    paragraph = document.add_paragraph()
    for segment in d.redline:
        pieces = segment.text.split(PARAGRAPH)
        for n, piece in enumerate(pieces):
            if n:
                paragraph = document.add_paragraph()
                piece = piece.lstrip()
            if piece:
                _segments(paragraph, (Segment(segment.op, piece),), revisions)
    for t in d.terms:
        document.add_paragraph(clean(f"term {t.kind}: {term_line(t)}"), style="List Bullet")


def _segments(paragraph: Any, segments: tuple[Segment, ...], revisions: _Revisions) -> None:
    for s in segments:
        if s.op == "equal":
            paragraph.add_run(clean(s.text))
        else:
            _tracked(paragraph, s.op, clean(s.text), revisions)


def _tracked(paragraph: Any, op: str, text: str, revisions: _Revisions) -> None:
    """<w:ins><w:r><w:t>text</w:t></w:r></w:ins>, or w:del with w:delText: a revision Word can accept or reject."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    wrapper = revisions.mark("w:ins" if op == "insert" else "w:del")
    run = OxmlElement("w:r")
    body = OxmlElement("w:t" if op == "insert" else "w:delText")
    body.set(qn("xml:space"), "preserve")
    body.text = text
    run.append(body)
    wrapper.append(run)
    paragraph._p.append(wrapper)
