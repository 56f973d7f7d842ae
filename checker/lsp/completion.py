"""Completion in context: term paths, the values a term allows, party, rule and source ids, keywords."""
from __future__ import annotations

import re

from lsprotocol import types as lsp

from .navigation import source_text
from .positions import blank_strings, from_utf16, lines_of, path_on_left, utf16
from .workspace import Analysis, Workspace

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
_PATH_STRING = re.compile(r'\s*(vocabulary|include)\s+"([^"]*)$')  # a vocabulary's path being typed
_OPENERS = re.compile(r"^\s*(clause|option|rule|require|source)\b[^{]*\{")


def completion(ws: Workspace, analysis: Analysis, line: int, character: int) -> list[lsp.CompletionItem]:
    lines = lines_of(analysis.text)
    if not 0 <= line < len(lines):
        return []
    text = lines[line]
    index = from_utf16(text, character)
    path = _PATH_STRING.match(text[:index])
    if path and (path.group(1) == "include") == (analysis.kind == "vocabulary"):
        edit_range = lsp.Range(lsp.Position(line, utf16(text, path.start(2))), lsp.Position(line, character))
        return [_with_range(_item(f, lsp.CompletionItemKind.File), edit_range) for f in ws.vocabulary_files(analysis.key)]
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
    left = path_on_left(before)
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
        code = blank_strings(text)
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
