"""What is under the cursor, and what the editor shows or finds for it: hover, definition, references."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lsprotocol import types as lsp

from peacecheck.dsl import models as m
from peacecheck.dsl.diagnostics import Span

from .diagnostics import finding_text, location, verdict_label
from .positions import blank_strings, from_utf16, lines_of, path_on_left, utf16, word_at
from .workspace import Analysis, Workspace


# ------------------------------------------------------------------ what is under the cursor
@dataclass(frozen=True)
class Target:
    kind: str  # term | pattern | rule | source | party | clause | option | file | value
    name: str
    context: str = ""  # a rule: its party, when the text names it; a value: the term it is a value of


def target_at(analysis: Analysis, line: int, character: int) -> Target | None:
    lines = lines_of(analysis.text)
    if not 0 <= line < len(lines):
        return None
    text, index = lines[line], from_utf16(lines[line], character)
    quoted = _path_string(text, index)
    if quoted:
        return Target("file", quoted)
    found = word_at(lines, line, character)
    if found is None or blank_strings(text)[found[1]] == " ":  # a word in a string or a comment is prose
        return None
    word, start, _ = found
    return _classify(analysis, text[:start], word)


def _path_string(text: str, index: int) -> str:
    found = re.match(r'\s*(vocabulary|include)\s+"([^"]*)"', text)
    if found and found.start(2) <= index <= found.end(2) and (found.group(1) == "include" or "/" in found.group(2)
                                                              or found.group(2).endswith(".vocab")):
        return found.group(2)
    return ""


# The statements whose first argument is an id of this kind (`parties` takes a list of them).
_ID_AFTER = {"cite": "source", "rule": "rule", "require": "rule", "clause": "clause", "option": "option",
             "party": "party", "parties": "party", "source": "source"}


def _classify(analysis: Analysis, before: str, word: str) -> Target | None:
    """What `word` names, from the statement it is in (`before`: the line up to it)."""
    words = before.split()
    head = words[0] if words else ""
    vocabulary = analysis.vocabulary
    if head == "acknowledge":
        return Target("party", word) if len(words) == 1 else Target("rule", word, words[1])
    if head in _ID_AFTER and (head == "parties" or len(words) == 1):
        return Target(_ID_AFTER[head], word)
    if word.endswith(".*"):
        return Target("pattern", word)
    if vocabulary is not None and word in vocabulary.terms:
        return Target("term", word)
    left = path_on_left(before)
    if left and vocabulary is not None and (left in vocabulary.terms or left.endswith(".*")):
        return Target("value", word, left)
    if analysis.rule(word) is not None:
        return Target("rule", word)
    return None


# ------------------------------------------------------------------ hover
def hover(ws: Workspace, analysis: Analysis, line: int, character: int) -> lsp.Hover | None:
    target = target_at(analysis, line, character)
    text = _hover_text(analysis, target, line) if target else None
    if text is None and analysis.result is not None:
        text = _clause_hover(analysis, line)
    if not text:
        return None
    return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text))


def _hover_text(analysis: Analysis, target: Target, line: int) -> str | None:
    vocabulary = analysis.vocabulary
    if target.kind == "term" and vocabulary is not None:
        return term_text(vocabulary.terms[target.name])
    if target.kind == "pattern" and vocabulary is not None:
        matches = vocabulary.matching(target.name)
        return f"**{target.name}** covers {len(matches)} term(s): " + ", ".join(f"`{p}`" for p in matches)
    if target.kind == "value" and vocabulary is not None:
        terms = vocabulary.matching(target.context) if target.context.endswith(".*") else [target.context]
        return "\n\n".join(f"`{target.name}`, a value of " + term_text(vocabulary.terms[p]) for p in terms[:3])
    if target.kind == "rule":
        rule = analysis.rule(target.name, target.context)
        return rule_text(analysis, rule, target.context) if rule else None
    if target.kind == "source":
        source = analysis.source(target.name)
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

    owner = analysis.owner_of(rule.id, party)
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
    if target.kind == "value" and vocabulary is not None and target.context in vocabulary.terms:
        return [vocabulary.terms[target.context].span]
    if target.kind == "rule":
        rule = analysis.rule(target.name, target.context)
        return [rule.span] if rule else []
    if target.kind == "source":
        source = analysis.source(target.name)
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
    name = target.context if target.kind == "value" else target.name
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
            for found in word.finditer(blank_strings(text)):
                out.append(lsp.Location(ws.uri_for(key), lsp.Range(lsp.Position(number, utf16(text, found.start())),
                                                                   lsp.Position(number, utf16(text, found.end())))))
    return out
