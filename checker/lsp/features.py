"""What the editor shows, computed from a document's Analysis: diagnostics, verdicts, hover,
navigation, completion and code actions, as LSP types (lsprotocol, pygls' own dependency).

Each function takes the workspace, the analysis and a position and returns plain LSP values; none
writes a file, and none keeps state between calls.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lsprotocol import types as lsp

from peacecheck.dsl import models as m
from peacecheck.dsl.diagnostics import Diagnostic, Span

from .positions import Place, from_utf16, lines_of, span_range, utf16, word_at
from .workspace import Analysis, Workspace

SOURCE = "peacecheck"
SYMBOLS = {"reject": "✗", "concern": "!", "accept": "✓", "silent": "·"}  # as in the HTML report's legend
_QUOTED = re.compile(r"'([^']+)'")
_OPENED_AT = re.compile(r"opened at line (\d+)")


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
    rule = find_rule(analysis, finding.rule, finding.party)
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


# ------------------------------------------------------------------ what is under the cursor
@dataclass(frozen=True)
class Target:
    kind: str  # term | pattern | rule | source | party | clause | option | file | value
    name: str
    party: str = ""  # rules: whose; values: the term they belong to
    start: int = 0
    end: int = 0


def target_at(analysis: Analysis, line: int, character: int) -> Target | None:
    lines = lines_of(analysis.text)
    if not 0 <= line < len(lines):
        return None
    text, index = lines[line], from_utf16(lines[line], character)
    quoted = _path_string(text, index)
    if quoted:
        return Target("file", quoted)
    found = word_at(lines, line, character)
    if found is None or _blank_strings(text)[found[1]] == " ":  # a word in a string or a comment is prose
        return None
    word, start, end = found
    words = text[:start].split()
    return _classify(analysis, words, word, text, start, end)


def _path_string(text: str, index: int) -> str:
    found = re.match(r'\s*(vocabulary|include)\s+"([^"]*)"', text)
    if found and found.start(2) <= index <= found.end(2) and (found.group(1) == "include" or "/" in found.group(2)
                                                              or found.group(2).endswith(".vocab")):
        return found.group(2)
    return ""


def _classify(analysis: Analysis, before: list[str], word: str, text: str, start: int, end: int) -> Target | None:
    head = before[0] if before else ""
    vocabulary = analysis.vocabulary
    if head == "acknowledge":
        return Target("party", word, start=start, end=end) if len(before) == 1 else \
            Target("rule", word, before[1], start, end)
    if not before and word in ("clause", "option", "rule", "require", "cite", "party", "acknowledge", "term"):
        return None
    kinds = {"cite": "source", "rule": "rule", "require": "rule", "clause": "clause", "option": "option",
             "party": "party", "parties": "party", "source": "source"}
    if head in kinds and len(before) >= 1 and (head == "parties" or len(before) == 1):
        return Target(kinds[head], word, start=start, end=end)
    if word.endswith(".*"):
        return Target("pattern", word, start=start, end=end)
    if vocabulary is not None and word in vocabulary.terms:
        return Target("term", word, start=start, end=end)
    left = _path_on_left(text[:start])
    if left and vocabulary is not None and (left in vocabulary.terms or left.endswith(".*")):
        return Target("value", word, left, start, end)
    if find_rule(analysis, word) is not None:
        return Target("rule", word, start=start, end=end)
    return None


_LEFT_PATH = re.compile(r"([A-Za-z_][\w.]*(?:\.\*)?)\s*(?:==|!=|<=|>=|<|>|=|\s+in\s*\[[^\]]*|\s+has(?:\s+(?:any|all)\s*"
                        r"\[[^\]]*)?|=\s*\[[^\]]*)\s*(?:,\s*)?$")


def _path_on_left(before: str) -> str:
    found = _LEFT_PATH.search(before)
    return found.group(1) if found else ""


def find_rule(analysis: Analysis, rule_id: str, party: str = "") -> m.Rule | None:
    for redlines in analysis.redlines:
        if party and redlines.party != party:
            continue
        rule = redlines.rule(rule_id)
        if rule is not None:
            return rule
    return None


def _redlines_of_rule(analysis: Analysis, rule_id: str, party: str = "") -> m.RedLines | None:
    return next((r for r in analysis.redlines if (not party or r.party == party) and r.rule(rule_id)), None)


def _source(analysis: Analysis, source_id: str) -> m.Source | None:
    return next((r.sources[source_id] for r in analysis.redlines if source_id in r.sources), None)


# ------------------------------------------------------------------ hover
def hover(ws: Workspace, analysis: Analysis, line: int, character: int) -> lsp.Hover | None:
    target = target_at(analysis, line, character)
    text = _hover_text(ws, analysis, target, line) if target else None
    if text is None and analysis.result is not None:
        text = _clause_hover(analysis, line)
    if not text:
        return None
    return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text))


def _hover_text(ws: Workspace, analysis: Analysis, target: Target, line: int) -> str | None:
    vocabulary = analysis.vocabulary
    if target.kind == "term" and vocabulary is not None:
        return term_text(vocabulary.terms[target.name])
    if target.kind == "pattern" and vocabulary is not None:
        matches = vocabulary.matching(target.name)
        return f"**{target.name}** covers {len(matches)} term(s): " + ", ".join(f"`{p}`" for p in matches)
    if target.kind == "value" and vocabulary is not None:
        terms = vocabulary.matching(target.party) if target.party.endswith(".*") else [target.party]
        return "\n\n".join(f"`{target.name}`, a value of " + term_text(vocabulary.terms[p]) for p in terms[:3])
    if target.kind == "rule":
        rule = find_rule(analysis, target.name, target.party)
        return rule_text(analysis, rule, target.party) if rule else None
    if target.kind == "source":
        source = _source(analysis, target.name)
        return source_text(source) if source else None
    if target.kind in ("clause", "option"):
        return _clause_hover(analysis, line)
    return None


def term_text(term: m.TermDef) -> str:
    t = term.type
    lines = [f"**{term.path}**: `{t.name + ' = ' if t.name else ''}{t.describe()}`"]
    if t.values:
        order = " < ".join if t.kind == "scale" else ", ".join
        lines.append("allowed values: " + order(f"`{v}`" for v in t.values))
    elif t.kind == "bool":
        lines.append("allowed values: `true`, `false`")
    if term.doc:
        lines.append(term.doc)
    return "\n\n".join(lines)


def rule_text(analysis: Analysis, rule: m.Rule, party: str = "") -> str:
    from peacecheck.dsl.conditions import show

    owner = _redlines_of_rule(analysis, rule.id, party)
    who = f"{owner.name} ({owner.party})" if owner else ""
    kind = "requires" if rule.kind == "require" else "rejects when"
    lines = [f"**{rule.id}** {rule.title}", f"{who}: {rule.severity} {rule.kind}" + (
        f", weight {m.format_number(rule.weight)}" if rule.severity == "soft" else "")]
    if rule.condition is not None:
        lines.append(f"{kind}: `{show(rule.condition)}`")
    if rule.because:
        lines.append(rule.because)
    for citation in rule.citations:
        source = owner.sources.get(citation.source) if owner else None
        shown = source_text(source) if source else f"`{citation.source}`"
        lines.append(f"source: {shown}" + (f", {citation.locator}" if citation.locator else ""))
    return "\n\n".join(lines)


def source_text(source: m.Source) -> str:
    parts = [source.title, source.publication, source.date, source.author]
    return f"`{source.id}`: " + ", ".join(p for p in parts if p) + (f" <{source.url}>" if source.url else "")


def _clause_hover(analysis: Analysis, line: int) -> str | None:
    """On a clause's (or an option's) first line: its verdicts and every finding."""
    result, proposal = analysis.result, analysis.proposal
    if result is None or proposal is None:
        return None
    for clause_result in result.clauses:
        clause = proposal.clause(clause_result.id)
        if clause is None:
            continue
        if clause.span.line - 1 == line:
            return _findings_text(analysis, f"clause {clause.id}", clause_result.verdicts, clause_result.findings)
        for option in clause_result.options:
            model = next((o for o in clause.options if o.id == option.id), None)
            if model is not None and model.span.line - 1 == line:
                return _findings_text(analysis, f"clause {clause.id}, option {option.id}", option.verdicts,
                                      option.findings)
    return None


def _findings_text(analysis: Analysis, what: str, verdicts: dict[str, str], findings: list[Any]) -> str:
    label = verdict_label(analysis.result, verdicts, analysis.proposal)
    lines = [f"**{what}**: {label}"]
    lines += ["- " + finding_text(analysis.result, f).replace("\n", "\n  ") for f in findings]
    return "\n\n".join(lines) if findings else lines[0] + "\n\nno red line is crossed"


# ------------------------------------------------------------------ definition and references
def definition(ws: Workspace, analysis: Analysis, line: int, character: int) -> list[lsp.Location]:
    target = target_at(analysis, line, character)
    if target is None:
        return []
    return [location(ws, span) for span in _definition_spans(ws, analysis, target)]


def _definition_spans(ws: Workspace, analysis: Analysis, target: Target) -> list[Span]:
    vocabulary = analysis.vocabulary
    if target.kind in ("term", "pattern") and vocabulary is not None:
        return [vocabulary.terms[p].span for p in vocabulary.matching(target.name)]
    if target.kind == "value" and vocabulary is not None and target.party in vocabulary.terms:
        return [vocabulary.terms[target.party].span]
    if target.kind == "rule":
        rule = find_rule(analysis, target.name, target.party)
        return [rule.span] if rule else []
    if target.kind == "source":
        source = _source(analysis, target.name)
        return [source.span] if source else []
    if target.kind == "party":
        return [Span(r.file, r.span.line, 1) for r in analysis.redlines if r.party == target.name]
    if target.kind == "file":
        key = ws.resolve(analysis.key, target.name)
        return [Span(key, 1, 1)] if key else []
    return []


def references(ws: Workspace, analysis: Analysis, line: int, character: int,
               include_declaration: bool = True) -> list[lsp.Location]:
    """Every whole-word use of the term, rule, source or party in the project's files."""
    target = target_at(analysis, line, character)
    if target is None or target.kind not in ("term", "rule", "source", "party", "value"):
        return []
    name = target.party if target.kind == "value" else target.name
    files = ws.project_files(analysis.key)
    if target.kind == "source":
        files = [s.file for s in _definition_spans(ws, analysis, target)]
    declarations = {(s.file, s.line) for s in _definition_spans(ws, analysis, Target(
        "term" if target.kind == "value" else target.kind, name))}
    word = re.compile(r"(?<![\w.\-])" + re.escape(name) + r"(?![\w\-]|\.\w)")
    out = []
    for key in files:
        for number, text in enumerate(ws.lines(key)):
            if text.lstrip().startswith("#") or (not include_declaration and (key, number + 1) in declarations):
                continue
            for found in word.finditer(_blank_strings(text)):
                out.append(lsp.Location(ws.uri_for(key), lsp.Range(lsp.Position(number, utf16(text, found.start())),
                                                                   lsp.Position(number, utf16(text, found.end())))))
    return out


def _blank_strings(text: str) -> str:
    """The line with string contents and comments blanked (same length), so only code is searched."""
    return re.sub(r'"(?:[^"\\]|\\.)*(?:"|$)|#.*$', lambda mt: " " * len(mt.group()), text)


# ------------------------------------------------------------------ completion
BLOCK_KEYWORDS = {
    "proposal": ["vocabulary", "version", "date", "drafted_by", "parties", "revises", "note", "source", "clause"],
    "clause": ["text", "tags", "status", "note", "option", "acknowledge"],
    "option": ["text", "note"],
    "redlines": ["vocabulary", "note", "source", "rule", "require"],
    "rule": ["severity", "weight", "when", "that", "because", "cite", "note", "tags"],
    "source": ["title", "publication", "date", "seed", "url", "author"],
    "vocabulary": ["type", "term", "include"],
}
TYPE_KEYWORDS = ["number", "enum", "scale", "set", "bool", "date", "text"]
_OPENERS = re.compile(r"^\s*(clause|option|rule|require|source)\b[^{]*\{")


def completion(ws: Workspace, analysis: Analysis, line: int, character: int) -> list[lsp.CompletionItem]:
    lines = lines_of(analysis.text)
    if not 0 <= line < len(lines):
        return []
    text = lines[line]
    index = from_utf16(text, character)
    code = re.sub(r'"(?:[^"\\]|\\.)*"', "", text[:index])
    if '"' in code or "#" in code:  # inside a string or a comment: prose, nothing to complete
        return []
    typed = re.search(r"[A-Za-z0-9_.\-*]*$", text[:index])
    start = typed.start() if typed else index
    edit_range = lsp.Range(lsp.Position(line, utf16(text, start)), lsp.Position(line, character))
    items = _completions(ws, analysis, lines, line, text[:start])
    return [_with_range(item, edit_range) for item in items]


def _with_range(item: lsp.CompletionItem, edit_range: lsp.Range) -> lsp.CompletionItem:
    item.text_edit = lsp.TextEdit(range=edit_range, new_text=item.insert_text or item.label)
    return item


def _completions(ws: Workspace, analysis: Analysis, lines: list[str], line: int, before: str) -> list[lsp.CompletionItem]:
    stripped = before.strip()
    words = stripped.split()
    head = words[0] if words else ""
    if head == "acknowledge":
        return _rule_items(analysis, words[1]) if len(words) == 2 else _party_items(analysis) if len(words) == 1 else []
    if head == "cite" and len(words) == 1:
        return [_item(s, lsp.CompletionItemKind.Reference, source_text(r.sources[s]))
                for r in analysis.redlines[:1] for s in sorted(r.sources)]
    if head == "severity" and len(words) == 1:
        return [_item(w, lsp.CompletionItemKind.EnumMember) for w in ("hard", "soft")]
    if head == "parties":
        return _party_items(analysis)
    left = _path_on_left(before)
    if left:
        return _value_items(analysis, left)
    if head in ("term", "type") and re.search(r"[:=]\s*$", before):
        return _type_items(analysis)
    if re.search(r"(?:^|\s|\()(when|that|and|or|not|present|absent|\()\s*$", " " + before) or stripped.endswith("("):
        return _term_items(analysis) + [_item(w, lsp.CompletionItemKind.Keyword) for w in ("present", "absent", "not")]
    if not stripped:
        return _statement_items(analysis, lines, line)
    return []


def _statement_items(analysis: Analysis, lines: list[str], line: int) -> list[lsp.CompletionItem]:
    block = enclosing_block(lines, line) or {"proposal": "proposal", "redlines": "redlines"}.get(analysis.kind,
                                                                                                  "vocabulary")
    block = "rule" if block == "require" else block
    items = [_item(w, lsp.CompletionItemKind.Keyword) for w in BLOCK_KEYWORDS.get(block, [])]
    if block in ("clause", "option"):
        items += _term_items(analysis)
    return items


def enclosing_block(lines: list[str], line: int) -> str | None:
    """The keyword of the innermost block open at the start of `line` (strings and comments ignored)."""
    stack: list[str] = []
    for text in lines[:line]:
        code = _blank_strings(text)
        opener = _OPENERS.match(code)
        for char in code:
            if char == "{":
                stack.append(opener.group(1) if opener else "")
            elif char == "}" and stack:
                stack.pop()
    return stack[-1] if stack else None


def _item(label: str, kind: lsp.CompletionItemKind, detail: str | None = None,
          documentation: str | None = None) -> lsp.CompletionItem:
    return lsp.CompletionItem(label=label, kind=kind, detail=detail, documentation=documentation)


def _term_items(analysis: Analysis) -> list[lsp.CompletionItem]:
    vocabulary = analysis.vocabulary
    if vocabulary is None:
        return []
    return [_item(path, lsp.CompletionItemKind.Field, term.type.describe(), term.doc or None)
            for path, term in vocabulary.terms.items()]


def _value_items(analysis: Analysis, path: str) -> list[lsp.CompletionItem]:
    vocabulary = analysis.vocabulary
    if vocabulary is None:
        return []
    values: dict[str, str] = {}
    for p in vocabulary.matching(path) if path.endswith(".*") else [path] if path in vocabulary.terms else []:
        t = vocabulary.terms[p].type
        for v in (t.values if t.values else ("true", "false") if t.kind == "bool" else ()):
            values.setdefault(v, f"{p}: {t.describe()}")
    return [_item(v, lsp.CompletionItemKind.EnumMember, detail) for v, detail in values.items()]


def _type_items(analysis: Analysis) -> list[lsp.CompletionItem]:
    items = [_item(w, lsp.CompletionItemKind.Keyword) for w in TYPE_KEYWORDS]
    declared = sorted({t.type.name for t in (analysis.vocabulary.terms.values() if analysis.vocabulary else ())
                       if t.type.name})
    return items + [_item(n, lsp.CompletionItemKind.TypeParameter) for n in declared]


def _party_items(analysis: Analysis) -> list[lsp.CompletionItem]:
    return [_item(r.party, lsp.CompletionItemKind.Constant, r.name) for r in analysis.redlines]


def _rule_items(analysis: Analysis, party: str) -> list[lsp.CompletionItem]:
    return [_item(rule.id, lsp.CompletionItemKind.Reference, rule.title)
            for r in analysis.redlines if r.party == party for rule in r.rules]


# ------------------------------------------------------------------ code actions and formatting
def code_actions(ws: Workspace, analysis: Analysis, uri: str, diagnostics: list[lsp.Diagnostic]) -> list[lsp.CodeAction]:
    lines = lines_of(analysis.text)
    actions = []
    for d in diagnostics:
        actions += _did_you_mean(uri, lines, d) + _close_block(uri, lines, d)
    edits = format_edits(analysis)
    if edits:
        actions.append(lsp.CodeAction("Format the document (peacecheck fmt)", kind=lsp.CodeActionKind.Source,
                                      edit=lsp.WorkspaceEdit(changes={uri: edits})))
    return actions


def _did_you_mean(uri: str, lines: list[str], d: lsp.Diagnostic) -> list[lsp.CodeAction]:
    data = d.data if isinstance(d.data, dict) else {}
    r = d.range
    if not data.get("replace") or r.start.line != r.end.line or r.start.line >= len(lines):
        return []
    text = lines[r.start.line]
    current = text[from_utf16(text, r.start.character):from_utf16(text, r.end.character)]
    if current not in data.get("named", []):  # the range is not a word the message names: no blind edit
        return []
    return [lsp.CodeAction(f"Replace '{current}' with '{c}'", kind=lsp.CodeActionKind.QuickFix, diagnostics=[d],
                           is_preferred=i == 0, edit=lsp.WorkspaceEdit(changes={uri: [lsp.TextEdit(r, c)]}))
            for i, c in enumerate(data["replace"])]


def _close_block(uri: str, lines: list[str], d: lsp.Diagnostic) -> list[lsp.CodeAction]:
    """PC500 and PC003 name the line where an unclosed block opens: add its `}` before the next block."""
    opened = _OPENED_AT.search(d.message)
    if d.code not in ("PC500", "PC003") or not opened:
        return []
    opener = lines[int(opened.group(1)) - 1] if int(opened.group(1)) <= len(lines) else ""
    indent = opener[:len(opener) - len(opener.lstrip())]
    last = d.range.start.line - 1 if d.code == "PC500" else len(lines) - 1
    while last > 0 and (not lines[last].strip() or lines[last].lstrip().startswith("#")):
        last -= 1
    end = lsp.Position(last, utf16(lines[last], len(lines[last])))
    edit = lsp.TextEdit(lsp.Range(end, end), f"\n{indent}}}")
    return [lsp.CodeAction(f"Add the missing '}}' of the block opened at line {opened.group(1)}",
                           kind=lsp.CodeActionKind.QuickFix, diagnostics=[d], is_preferred=True,
                           edit=lsp.WorkspaceEdit(changes={uri: [edit]}))]


def format_edits(analysis: Analysis) -> list[lsp.TextEdit]:
    """The `peacecheck fmt` output as one edit; none when the document is formatted or does not parse."""
    from peacecheck.dsl.diagnostics import PeaceError
    from peacecheck.dsl.format import format_text

    try:
        formatted = format_text(analysis.text, analysis.key)
    except PeaceError:
        return []
    if formatted == analysis.text:
        return []
    lines = lines_of(analysis.text)
    end = lsp.Position(len(lines) - 1, utf16(lines[-1], len(lines[-1])))
    return [lsp.TextEdit(lsp.Range(lsp.Position(0, 0), end), formatted)]

