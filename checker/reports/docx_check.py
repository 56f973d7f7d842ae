"""A check as a Word document: the verdict matrix on top, then the draft clause by clause, each finding a
Word comment anchored on its clause (author: the party; text: rule, values compared, reasoning, citation).

python-docx (the `docx` extra) is imported only here and in docx_diff.py, and only when a Word file is
asked for. The bytes are deterministic: comment and document dates are the draft's date, and zip entries
carry a fixed timestamp. Control characters (never valid in XML) become U+FFFD.
"""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

from peacecheck.checker.evaluation.results import CheckResult, ClauseResult, Finding, summarize
from peacecheck.checker.reports.check_html import VERDICTS, evidence_text
from peacecheck.checker.reports.escape import markup_text
from peacecheck.checker.reports.wording import finding_verb

# Cell shading per verdict: darker for worse, so the matrix reads in greyscale too (the word is always there).
SHADE = {"reject": "C9A3A3", "concern": "F2DC9B", "accept": "DCEFDC", "silent": "FFFFFF"}
EPOCH = (1980, 1, 1, 0, 0, 0)  # zip entries' fixed timestamp: same input, same bytes


def new_document(title: str, date: str) -> Any:
    try:
        import docx
    except ImportError:  # an input-style error (exit 2 with PC608), not a crash
        from peacecheck.dsl.diagnostics import Diagnostic, PeaceError, Span

        raise PeaceError([Diagnostic("PC608", "Word output needs python-docx: pip install 'peacecheck[docx]'",
                                     Span("--format", 0, 0))]) from None
    document = docx.Document()
    props = document.core_properties
    when = doc_datetime(date)
    props.title, props.author, props.last_modified_by = clean(title), "peacecheck", "peacecheck"
    props.created = props.modified = props.last_printed = when
    props.revision = 1
    return document


def doc_datetime(date: str) -> dt.datetime:
    """The draft's date as the document's (and its comments') time; a fixed day when the draft has none."""
    try:
        day = dt.date.fromisoformat(date)
    except ValueError:
        day = dt.date(2000, 1, 1)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


def clean(text: str) -> str:
    """Input text for XML: control characters become U+FFFD (python-docx would refuse them)."""
    return markup_text(text)


def finish(document: Any) -> bytes:
    """The saved document, with every zip entry's timestamp fixed (deterministic bytes)."""
    raw = io.BytesIO()
    document.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            entry = zipfile.ZipInfo(item.filename, date_time=EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(item.filename))
    return out.getvalue()


def shade(cell: Any, fill: str) -> None:
    """Background of a table cell (python-docx has no API for it: raw w:shd)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)


def add_comment(document: Any, runs: list[Any], author: str, initials: str, lines: list[str], when: dt.datetime) -> Any:
    """A comment over `runs`, one paragraph per line, dated `when` (python-docx would stamp it with now)."""
    comment = document.add_comment(runs, text=clean(lines[0]), author=clean(author), initials=clean(initials))
    for line in lines[1:]:
        comment.add_paragraph(clean(line))
    comment._comment_elm.date = when
    return comment


def widths(table: Any, centimetres: list[float]) -> None:
    """Fixed column widths (Word and LibreOffice otherwise squeeze a title column to a few letters)."""
    from docx.shared import Cm

    table.autofit = False
    for column, width in zip(table.columns, centimetres):
        column.width = Cm(width)  # the grid (w:gridCol), which LibreOffice lays out by
    for row in table.rows:
        for cell, width in zip(row.cells, centimetres):
            cell.width = Cm(width)


def party_widths(first: list[float], parties: int, total: float = 16.5) -> list[float]:
    rest = max(1.6, (total - sum(first)) / max(1, parties))
    return first + [rest] * parties


def verdict_label(verdict: str) -> str:
    label = VERDICTS[verdict]
    return f"{label.symbol} {label.word}"


# ------------------------------------------------------------------ the check document
def render(result: CheckResult) -> bytes:
    p = result.proposal
    date = p.date.isoformat() if p.date else ""
    document = new_document(p.title, date)
    names = {party.id: party.name for party in result.parties}
    document.add_heading(clean(p.title), level=0)
    facts = [f for f in (p.version, date, p.drafted_by, p.file) if f]
    document.add_paragraph(clean(" · ".join(facts)))
    _matrix(document, result)
    _summary(document, result, names)
    _missing(document, result, names, doc_datetime(date))
    document.add_heading("The draft, clause by clause", level=1)
    document.add_paragraph("Each finding is a comment on its clause, by the party that objects.")
    for clause, clause_result in zip(p.clauses, result.clauses):
        _clause(document, clause, clause_result, names, doc_datetime(date))
    return finish(document)


def _matrix(document: Any, result: CheckResult) -> None:
    document.add_heading("Verdicts", level=1)
    parties = result.parties
    table = document.add_table(rows=1, cols=2 + len(parties))
    table.style = "Table Grid"
    head = table.rows[0].cells
    head[0].text, head[1].text = "Clause", "Title"
    for n, party in enumerate(parties):
        head[2 + n].text = clean(party.name)
    for clause in result.clauses:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = clean(clause.id), clean(clause.title)
        for n, party in enumerate(parties):
            verdict = clause.verdicts[party.id]
            cells[2 + n].text = verdict_label(verdict)
            shade(cells[2 + n], SHADE[verdict])
    widths(table, party_widths([1.3, 6.0], len(parties)))


def _summary(document: Any, result: CheckResult, names: dict[str, str]) -> None:
    document.add_heading("Summary", level=1)
    for s in summarize(result):
        parts = [f"rejects {', '.join(s.rejects) or 'none'}", f"concerns {', '.join(s.concerns) or 'none'}",
                 f"accepts {', '.join(s.accepts) or 'none'}"]
        if s.proposal_level:
            parts.append("finds missing " + ", ".join(f.rule for f in s.proposal_level))
        document.add_paragraph(clean(f"{s.party.name}: " + "; ".join(parts)), style="List Bullet")


def _missing(document: Any, result: CheckResult, names: dict[str, str], when: dt.datetime) -> None:
    """Proposal-level findings: each a comment on one line naming what the party finds missing."""
    found = result.proposal_findings
    if not found:
        return
    document.add_heading("What the parties find missing", level=1)
    for f in found:
        paragraph = document.add_paragraph(style="List Bullet")
        run = paragraph.add_run(clean(f"{names.get(f.party, f.party)} requires: {f.rule_title} ({f.rule})"))
        add_comment(document, [run], names.get(f.party, f.party), f.party[:2].upper(), finding_lines(f), when)


def _clause(document: Any, clause: Any, result: ClauseResult, names: dict[str, str], when: dt.datetime) -> None:
    heading = document.add_heading(clean(f"{clause.id}. {clause.title}"), level=2)
    runs = list(heading.runs)
    chips = "   ".join(f"{names.get(p, p)}: {verdict_label(v)}" for p, v in result.verdicts.items())
    runs += document.add_paragraph(clean(chips)).runs
    for text in (clause.text.split("\n\n") if clause.text else []):
        runs += document.add_paragraph(clean(" ".join(text.split()))).runs
    for a in clause.terms:
        runs += document.add_paragraph(clean(f"{a.path} = {a.value.show()}"), style="List Bullet").runs
    for option in clause.options:
        runs += document.add_paragraph(clean(f"Option {option.id}: {option.title}"), style="List Number").runs
        if option.text:
            runs += document.add_paragraph(clean(" ".join(option.text.split()))).runs
    for f in _clause_findings(result):
        add_comment(document, [runs[0], runs[-1]], names.get(f.party, f.party), f.party[:2].upper(),
                    finding_lines(f), when)


def _clause_findings(result: ClauseResult) -> list[Finding]:
    """The clause's findings and its non-default options' own ones, each once."""
    seen, out = set(), []
    for f in [*result.findings, *(f for o in result.options for f in o.findings)]:
        key = (f.party, f.rule, f.option)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def finding_lines(f: Finding) -> list[str]:
    """A finding as the paragraphs of a comment: verdict and rule, each value compared, why, the sources."""
    word = "ACKNOWLEDGED" if f.acknowledged else ("REJECT" if f.severity == "hard" else "CONCERN")
    where = f" (option {f.option})" if f.option else ""
    lines = [f"{word} {f.rule} ({f.severity}){where}: {finding_verb(f.kind, f.severity)} - {f.rule_title}"]
    for e in f.evidence:
        said, joint, test = evidence_text(e)
        at = f" (clause {e.clause})" if e.clause and e.clause != f.clause else ""
        lines.append(f"{said} {joint} {test}".rstrip() + at)
    if f.related_clauses:
        lines.append("together with clause " + ", ".join(f.related_clauses))
    if f.acknowledged:
        lines.append(f"acknowledged: {f.acknowledged}")
    if f.explanation:
        lines.append(f"why: {' '.join(f.explanation.split())}")
    for c in f.citations:
        parts = [c.publication, f'"{c.title}"' if c.title else "", c.date, c.locator, c.url]
        lines.append("source: " + ", ".join(p for p in parts if p) if any(parts) else f"source: {c.source}")
    if f.rule_file:
        lines.append(f"rule at {f.rule_file}:{f.rule_line}")
    return lines
