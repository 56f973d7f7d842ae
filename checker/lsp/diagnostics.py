"""Diagnostics as the editor shows them: the CLI's input errors, lint warnings, and each party's
findings; and the verdicts of every clause as inlay hints and code lenses."""
from __future__ import annotations

import re
from typing import Any

from lsprotocol import types as lsp

from peacecheck.dsl import models as m
from peacecheck.dsl.diagnostics import Diagnostic, Span

from .positions import Place, lines_of, span_range, utf16
from .workspace import Analysis, Workspace

SOURCE = "peacecheck"
SYMBOLS = {"reject": "✗", "concern": "!", "accept": "✓", "silent": "·"}  # as in the HTML report's legend
_QUOTED = re.compile(r"'([^']+)'")


# ------------------------------------------------------------------ ranges
def to_range(span: Span, lines: list[str]) -> lsp.Range:
    start, end = span_range(span, lines)
    return lsp.Range(_position(start), _position(end))


def _position(place: Place) -> lsp.Position:
    return lsp.Position(line=place.line, character=place.character)


def line_range(lines: list[str], line: int) -> lsp.Range:
    """The text of a 0-based line, indentation excluded."""
    text = lines[line] if 0 <= line < len(lines) else ""
    start = len(text) - len(text.lstrip())
    return lsp.Range(lsp.Position(line, utf16(text, start)), lsp.Position(line, utf16(text, len(text))))


def location(ws: Workspace, span: Span) -> lsp.Location:
    return lsp.Location(uri=ws.uri_for(span.file), range=to_range(span, ws.lines(span.file)))


# ------------------------------------------------------------------ diagnostics
def diagnostics(ws: Workspace, analysis: Analysis) -> list[lsp.Diagnostic]:
    """Input errors (the CLI's codes and positions), lint warnings, and the parties' findings."""
    lines = lines_of(analysis.text)
    out = [_input_diagnostic(ws, analysis, d, lines) for d in sorted(set(analysis.diagnostics), key=Diagnostic.sort_key)]
    out += [_lint_diagnostic(w, lines) for w in analysis.warnings]
    if analysis.result is not None:
        out += finding_diagnostics(ws, analysis, lines)
    return out


def _input_diagnostic(ws: Workspace, analysis: Analysis, d: Diagnostic, lines: list[str]) -> lsp.Diagnostic:
    message = d.message + (f"\n{d.hint}" if d.hint else "")
    severity = lsp.DiagnosticSeverity.Error if d.severity == "error" else lsp.DiagnosticSeverity.Warning
    data = {"replace": _candidates(d.hint), "named": _QUOTED.findall(d.message)} if "did you mean" in d.hint else None
    if d.span.file == analysis.key and d.span.line > 0:
        return lsp.Diagnostic(to_range(d.span, lines), message, severity, d.code, source=SOURCE, data=data)
    # A problem in another file (the vocabulary, a red-line file): shown where this file points at it.
    where = _pointer_to(analysis, d.span.file, lines)
    related = [lsp.DiagnosticRelatedInformation(location(ws, d.span), message)] if d.span.line > 0 else None
    shown = f"{d.span.file}:{d.span.line}:{d.span.column}: {message}" if d.span.line > 0 else f"{d.span.file}: {message}"
    return lsp.Diagnostic(where, shown, severity, d.code, source=SOURCE, related_information=related)


def _pointer_to(analysis: Analysis, other: str, lines: list[str]) -> lsp.Range:
    model = analysis.proposal or (analysis.redlines[0] if analysis.redlines else None)
    if model is not None and other.endswith(".vocab") and model.vocabulary_span.line > 0:
        return to_range(model.vocabulary_span, lines)
    return line_range(lines, 0)


def _candidates(hint: str) -> list[str]:
    return _QUOTED.findall(hint.split("did you mean", 1)[1]) if "did you mean" in hint else []


def _lint_diagnostic(warning: Any, lines: list[str]) -> lsp.Diagnostic:
    return lsp.Diagnostic(to_range(warning.span, lines), f"{warning.message}\n{warning.explanation}",
                          lsp.DiagnosticSeverity.Warning, warning.code, source=SOURCE)


def finding_diagnostics(ws: Workspace, analysis: Analysis, lines: list[str]) -> list[lsp.Diagnostic]:
    """Each party's findings, on the line that triggers them (else the clause, else the title line)."""
    result, seen, out = analysis.result, set(), []
    every = list(result.findings) + [f for c in result.clauses for o in c.options for f in o.findings]
    for finding in every:
        line = _finding_line(analysis.proposal, finding)
        key = (finding.party, finding.rule, finding.clause, finding.option, line)
        if key in seen:
            continue
        seen.add(key)
        out.append(lsp.Diagnostic(line_range(lines, line), finding_text(result, finding), _severity(finding),
                                  finding.rule, source=f"{SOURCE}: {finding.party}", related_information=
                                  _rule_location(ws, analysis, finding)))
    return out


def _severity(finding: Any) -> lsp.DiagnosticSeverity:
    if finding.acknowledged:
        return lsp.DiagnosticSeverity.Hint
    return lsp.DiagnosticSeverity.Error if finding.severity == "hard" else lsp.DiagnosticSeverity.Warning


def _finding_line(proposal: m.Proposal, finding: Any) -> int:
    lines = [e.line for e in finding.evidence if e.line > 0 and e.clause == finding.clause]
    if lines:
        return min(lines) - 1
    clause = proposal.clause(finding.clause) if finding.clause else None
    if clause is not None:
        option = next((o for o in clause.options if o.id == finding.option), None)
        return (option or clause).span.line - 1
    return 0


def finding_text(result: Any, finding: Any) -> str:
    """`Ukraine rejects: TITLE (RULE); path = value (tested: >= x)`, the reason and the sources."""
    from peacecheck.checker.reports.wording import finding_message

    names = {p.id: p.name for p in result.parties}
    evidence = "; ".join(f"{e.path} = {e.value or '(absent)'} (tested: {e.test})" for e in finding.evidence)
    lines = [finding_message(names.get(finding.party, finding.party), finding.kind, finding.severity,
                             finding.rule_title, finding.rule, evidence or finding.condition)]
    if finding.option:
        lines[0] += f" [option {finding.option}]"
    if finding.acknowledged:
        lines.append(f"acknowledged: {finding.acknowledged}")
    if finding.explanation:
        lines.append(finding.explanation)
    lines += [f"source: {citation_text(c)}" for c in finding.citations]
    return "\n".join(lines)


def citation_text(c: Any) -> str:
    parts = [c.title or c.source, c.publication, c.date]
    text = ", ".join(p for p in parts if p)
    return text + (f": {c.locator}" if c.locator else "")


def _rule_location(ws: Workspace, analysis: Analysis, finding: Any) -> list[lsp.DiagnosticRelatedInformation] | None:
    rule = analysis.rule(finding.rule, finding.party)
    if rule is None:
        return None
    return [lsp.DiagnosticRelatedInformation(location(ws, rule.span), f"{finding.party} {finding.rule}")]


# ------------------------------------------------------------------ verdicts in the editor
def verdict_label(result: Any, verdicts: dict[str, str], proposal: m.Proposal) -> str:
    """`ukraine ✗  russia ✓  europe ·`, in the order the proposal lists its parties."""
    order = [p for p in proposal.parties if p in verdicts] + sorted(p for p in verdicts if p not in proposal.parties)
    return "  ".join(f"{p} {SYMBOLS[verdicts[p]]}" for p in order)


def verdict_lines(analysis: Analysis) -> list[tuple[int, str]]:
    """(0-based line, label) for every clause and option of a checked proposal."""
    result, proposal = analysis.result, analysis.proposal
    if result is None or proposal is None:
        return []
    out = []
    for clause_result in result.clauses:
        clause = proposal.clause(clause_result.id)
        if clause is None:
            continue
        out.append((clause.span.line - 1, verdict_label(result, clause_result.verdicts, proposal)))
        options = {o.id: o for o in clause.options}
        out += [(options[o.id].span.line - 1, verdict_label(result, o.verdicts, proposal))
                for o in clause_result.options if o.id in options]
    return out


def inlay_hints(analysis: Analysis, visible: lsp.Range | None = None) -> list[lsp.InlayHint]:
    lines = lines_of(analysis.text)
    hints = []
    for line, label in verdict_lines(analysis):
        if visible is not None and not visible.start.line <= line <= visible.end.line:
            continue
        end = utf16(lines[line], len(lines[line])) if line < len(lines) else 0
        hints.append(lsp.InlayHint(lsp.Position(line, end), label, padding_left=True,
                                   tooltip="verdict per party: ✗ rejects, ! concern, ✓ accepts, · silent"))
    return hints


def code_lenses(analysis: Analysis) -> list[lsp.CodeLens]:
    lines = lines_of(analysis.text)
    return [lsp.CodeLens(line_range(lines, line), lsp.Command(title=label, command=""))
            for line, label in verdict_lines(analysis)]
