"""Parse tree -> typed models, in one pass, with spans attached.

Structural problems that the grammar cannot express (a field given twice, a
required field missing, a malformed date) are collected here as diagnostics.
"""
from __future__ import annotations

import datetime as dt
import os
import re
from typing import Any

from lark import Token, Tree

from . import models as m
from .diagnostics import DiagnosticSink, Span

# The largest soft weight: `solve` compares weights x 1000 as 64-bit integers, summed over every rule.
MAX_WEIGHT = 1_000_000


class VocabularyFile(m.Node):
    """A vocabulary file before its includes are resolved."""

    title: str
    file: str = ""
    includes: tuple[tuple[str, m.Span], ...] = ()
    types: dict[str, m.TermType] = {}
    terms: dict[str, m.TermDef] = {}
    type_refs: dict[str, tuple[str, m.Span]] = {}  # term path -> (type name, span)


class Builder:
    def __init__(self, filename: str, sink: DiagnosticSink, skipped: list[tuple[str, str]] | None = None):
        self.filename = filename
        self.sink = sink
        self.skipped = tuple(skipped or ())

    # ------------------------------------------------------------- helpers
    def span(self, node: Tree | Token) -> Span:
        if isinstance(node, Token):
            return Span(self.filename, node.line or 1, node.column or 1,
                        node.end_line or node.line or 1, node.end_column or node.column or 1)
        meta = node.meta
        if getattr(meta, "empty", True):
            return Span(self.filename, 1, 1)
        return Span(self.filename, meta.line, meta.column, meta.end_line, meta.end_column)

    def string(self, token: Token) -> str:
        text = str(token)
        if "\\u" in text and _SURROGATE.search(text):
            self.sink.error("PC117", "a \\u escape names a surrogate, not a character", self.span(token),
                            "write the character itself, or its \\uXXXX code outside D800-DFFF")
        return unquote(text)

    def number(self, token: Token) -> int | float:
        try:
            return parse_number(str(token))
        except ValueError:
            self.sink.error("PC117", f"the number {str(token)[:20]}... is too large", self.span(token),
                            f"numbers have at most {MAX_NUMBER_DIGITS} digits")
            return 0

    def once(self, seen: dict[str, Span], key: str, node: Tree | Token) -> bool:
        """Record a field; report PC112 and return False if it was given before."""
        if key in seen:
            first = seen[key]
            self.sink.error("PC112", f"'{key}' is given twice (first at line {first.line})", self.span(node))
            return False
        seen[key] = self.span(node)
        return True

    def check_id(self, token: Token, what: str) -> None:
        """PC502 for an id longer than MAX_ID_CHARS: ids are sort keys and report anchors, not text."""
        if len(token) > MAX_ID_CHARS:
            self.sink.error("PC502", f"the {what} is {len(token):,} characters long; the limit is {MAX_ID_CHARS}",
                            self.span(token), "use a short id; put the words in the title")

    def date(self, token: Token) -> dt.date | None:
        try:
            return dt.date.fromisoformat(str(token))
        except ValueError:
            self.sink.error("PC117", f"'{token}' is not a valid date", self.span(token), "dates are YYYY-MM-DD")
            return None

    # ------------------------------------------------------------- entry
    def build(self, tree: Tree) -> Any:
        body = tree.children[0]
        return getattr(self, body.data)(body)

    # ------------------------------------------------------------- vocabulary
    def vocab_file(self, tree: Tree) -> VocabularyFile:
        title, *items = tree.children
        types: dict[str, m.TermType] = {}
        terms: dict[str, m.TermDef] = {}
        refs: dict[str, tuple[str, Span]] = {}
        includes: list[tuple[str, Span]] = []
        for item in items:
            if item.data == "include":
                includes.append((self.string(item.children[0]), self.span(item.children[0])))
            elif item.data == "type_decl":
                name = str(item.children[0])
                if name in types:
                    self.sink.error("PC105", f"type '{name}' is declared twice", self.span(item.children[0]))
                types[name] = self.type_expr(item.children[1], name)
            else:
                path = dotted(item.children[0])
                if path in terms:
                    self.sink.error("PC105", f"term '{path}' is declared twice", self.span(item.children[0]))
                term_type = self.type_expr(item.children[1], "")
                doc = self.string(item.children[2].children[0]) if len(item.children) > 2 else ""
                if item.children[1].data == "type_ref":
                    refs[path] = (str(item.children[1].children[0]), self.span(item.children[1]))
                terms[path] = m.TermDef(path=path, type=term_type, doc=doc, span=self.span(item.children[0]))
        return VocabularyFile(title=self.string(title), file=self.filename, includes=tuple(includes),
                              types=types, terms=terms, type_refs=refs, span=self.span(tree))

    def type_expr(self, node: Tree, name: str) -> m.TermType:
        span = self.span(node)
        kind = node.data
        if kind == "number_type":
            unit = str(node.children[0]) if node.children else ""
            return m.TermType(kind="number", unit=unit, name=name, span=span)
        if kind == "simple_type":
            return m.TermType(kind=str(node.children[0]), name=name, span=span)  # type: ignore[arg-type]
        if kind == "type_ref":
            return m.TermType(kind="text", name=str(node.children[0]), span=span)  # resolved later
        members = node.children[0].children if kind != "scale_type" else node.children
        names = [str(t) for t in members]
        self.check_members(members, kind)
        return m.TermType(kind=kind.removesuffix("_type"), values=tuple(names), name=name, span=span)  # type: ignore[arg-type]

    def check_members(self, members: list[Token], kind: str) -> None:
        """PC109 at the first repeat of a member."""
        names = [str(t) for t in members]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            again = next(t for i, t in enumerate(members) if str(t) in names[:i])
            self.sink.error("PC109", f"{kind.removesuffix('_type')} lists {', '.join(dupes)} more than once", self.span(again))

    # ------------------------------------------------------------- proposals
    def proposal_file(self, tree: Tree) -> m.Proposal:
        title, *items = tree.children
        fields: dict[str, Any] = {"notes": [], "sources": []}
        seen: dict[str, Span] = {}
        clauses: list[m.Clause] = []
        for item in items:
            if item.data == "use_vocab":
                if self.once(seen, "vocabulary", item):
                    fields["vocabulary_path"] = self.string(item.children[0])
                    fields["vocabulary_span"] = self.span(item.children[0])
            elif item.data == "meta":
                self.meta(item, fields, seen)
            else:
                clauses.append(self.clause(item))
        return m.Proposal(title=self.string(title), file=self.filename, clauses=tuple(clauses),
                          notes=tuple(fields.pop("notes")), sources=tuple(fields.pop("sources")),
                          span=self.span(tree), skipped=self.skipped, **fields)

    def meta(self, item: Tree, fields: dict[str, Any], seen: dict[str, Span]) -> None:
        key, value = str(item.children[0].children[0]), item.children[1]
        if key in ("note", "source"):
            fields[key + "s"].append(self.meta_text(key, value))
            return
        if not self.once(seen, key, item):
            return
        if key == "parties":
            names = [str(t) for t in value.children] if isinstance(value, Tree) else [str(value)]
            if isinstance(value, Token) and value.type != "NAME":
                self.sink.error("PC117", "parties are listed as names: parties ukraine, russia", self.span(value))
                return
            fields["parties"] = tuple(names)
        elif key == "date":
            if isinstance(value, Token) and value.type == "DATE":
                fields["date"] = self.date(value)
            else:
                self.sink.error("PC117", "the date is written YYYY-MM-DD, without quotes", self.span(value))
        else:
            fields[key] = self.meta_text(key, value)

    def meta_text(self, key: str, value: Tree | Token) -> str:
        if isinstance(value, Token) and value.type == "STRING":
            return self.string(value)
        if isinstance(value, Token):
            return str(value)
        self.sink.error("PC117", f"'{key}' takes a string", self.span(value))
        return ""

    def clause(self, tree: Tree) -> m.Clause:
        clause_id, title, *items = tree.children
        self.check_id(clause_id, "clause id")
        fields: dict[str, Any] = {"terms": [], "options": [], "notes": [], "acknowledgements": []}
        seen: dict[str, Span] = {}
        for item in items:
            self.clause_item(item, fields, seen)
        return m.Clause(id=str(clause_id), title=self.string(title), span=self.span(clause_id),
                        **{k: tuple(v) if isinstance(v, list) else v for k, v in fields.items()})

    def clause_item(self, item: Tree, fields: dict[str, Any], seen: dict[str, Span]) -> None:
        kind = item.data
        if kind == "assignment":
            fields["terms"].append(self.assignment(item))
        elif kind == "note":
            fields["notes"].append(self.string(item.children[0]))
        elif kind == "option":
            fields["options"].append(self.option(item))
        elif kind == "acknowledge":
            fields["acknowledgements"].append(self.acknowledge(item))
        elif self.once(seen, kind, item):
            if kind == "text":
                fields["text"] = self.string(item.children[0])
            elif kind == "tags":
                fields["tags"] = tuple(str(t) for t in item.children[0].children)
            elif kind == "status":
                fields["status"] = str(item.children[0])
                if len(item.children) > 1:
                    fields["status_note"] = self.string(item.children[1])

    def option(self, tree: Tree) -> m.Option:
        option_id, title, *items = tree.children
        self.check_id(option_id, "option id")
        fields: dict[str, Any] = {"terms": [], "notes": []}
        seen: dict[str, Span] = {}
        for item in items:
            if item.data == "assignment":
                fields["terms"].append(self.assignment(item))
            elif item.data == "note":
                fields["notes"].append(self.string(item.children[0]))
            elif self.once(seen, "text", item):
                fields["text"] = self.string(item.children[0])
        return m.Option(id=str(option_id), title=self.string(title), span=self.span(option_id),
                        terms=tuple(fields.pop("terms")), notes=tuple(fields.pop("notes")), **fields)

    def acknowledge(self, tree: Tree) -> m.Acknowledgement:
        party, rule, reason, *until = tree.children
        return m.Acknowledgement(party=str(party), rule=str(rule), reason=self.string(reason),
                                 until=self.date(until[0]) if until else None, span=self.span(tree),
                                 party_span=self.span(party), rule_span=self.span(rule))

    def assignment(self, tree: Tree) -> m.Assignment:
        path_node, value_node = tree.children
        return m.Assignment(path=dotted(path_node), value=self.value(value_node), span=self.span(path_node))

    def value(self, node: Tree) -> m.Value:
        span = self.span(node)
        kind = node.data
        token = node.children[0] if node.children else None
        if kind == "number":
            return m.Value(kind="number", raw=self.number(token), span=span)
        if kind == "date":
            return m.Value(kind="date", raw=self.date(token) or dt.date.min, span=span)
        if kind == "string":
            return m.Value(kind="text", raw=self.string(token), span=span)
        if kind in ("true", "false"):
            return m.Value(kind="bool", raw=kind == "true", span=span)
        if kind == "name":
            return m.Value(kind="name", raw=str(token), span=span)
        return m.Value(kind="set", raw=tuple(sorted({str(t) for t in node.children})), span=span)

    # ------------------------------------------------------------- red lines
    def redline_file(self, tree: Tree) -> m.RedLines:
        party, name, *items = tree.children
        self.check_id(party, "party id")
        sources: dict[str, m.Source] = {}
        rules: list[m.Rule] = []
        notes: list[str] = []
        seen: dict[str, Span] = {}
        vocabulary, vocabulary_span = "", m.NO_SPAN
        for item in items:
            if item.data == "use_vocab":
                if self.once(seen, "vocabulary", item):
                    vocabulary = self.string(item.children[0])
                    vocabulary_span = self.span(item.children[0])
            elif item.data == "note":
                notes.append(self.string(item.children[0]))
            elif item.data == "source":
                source = self.source(item)
                if source.id in sources:
                    self.sink.error("PC105", f"source '{source.id}' is declared twice", source.span)
                sources[source.id] = source
            else:
                rules.append(self.rule(item))
        return m.RedLines(party=str(party), name=self.string(name), file=self.filename, notes=tuple(notes),
                          vocabulary_path=vocabulary, vocabulary_span=vocabulary_span, sources=sources, rules=tuple(rules), span=self.span(tree),
                          skipped=self.skipped)

    def source(self, tree: Tree) -> m.Source:
        source_id, *fields = tree.children
        values: dict[str, str] = {}
        seen: dict[str, Span] = {}
        for field in fields:
            key = str(field.children[0].children[0])
            if self.once(seen, key, field):
                values[key] = self.string(field.children[1])
        if "title" not in values:
            self.sink.error("PC111", f"source '{source_id}' has no title", self.span(source_id))
        return m.Source(id=str(source_id), span=self.span(source_id), **values)

    def rule(self, tree: Tree) -> m.Rule:
        rule_id, title, *items = tree.children
        self.check_id(rule_id, "rule id")
        kind = "rule" if tree.data == "rule" else "require"
        fields: dict[str, Any] = {"citations": [], "notes": []}
        seen: dict[str, Span] = {}
        for item in items:
            self.rule_item(item, kind, fields, seen)
        span = self.span(rule_id)
        for needed, what in (("severity", "severity (`severity hard` or `severity soft`)"),
                             ("condition", "condition (`when ...`)" if kind == "rule" else "condition (`that ...`)")):
            if needed not in fields:
                self.sink.error("PC111", f"{kind} '{rule_id}' has no {what}", span)
        if not fields["citations"]:
            self.sink.error("PC111", f"{kind} '{rule_id}' cites no source", span, "add `cite SOURCE_ID`")
        return m.Rule(id=str(rule_id), title=self.string(title), kind=kind, span=span,
                      citations=tuple(fields.pop("citations")), notes=tuple(fields.pop("notes")), **fields)

    def rule_item(self, item: Tree, kind: str, fields: dict[str, Any], seen: dict[str, Span]) -> None:
        data = item.data
        if data == "cite":
            locator = self.string(item.children[1]) if len(item.children) > 1 else ""
            fields["citations"].append(m.Citation(source=str(item.children[0]), locator=locator,
                                                  span=self.span(item.children[0])))
        elif data == "note":
            fields["notes"].append(self.string(item.children[0]))
        elif data in ("when", "that"):
            wanted = "when" if kind == "rule" else "that"
            if data != wanted:
                self.sink.error("PC001", f"a {kind} states its condition with `{wanted}`, not `{data}`", self.span(item))
            if self.once(seen, "condition", item):
                fields["condition"] = self.condition(item.children[0])
        elif self.once(seen, data, item):
            if data == "severity":
                fields["severity"] = str(item.children[0])
            elif data == "weight":
                weight = float(self.number(item.children[0]))
                if not 0 <= weight <= MAX_WEIGHT:  # solve ranks by integer weights; beyond this they overflow
                    self.sink.error("PC117", f"weight {item.children[0]} is out of range: a weight is a number "
                                    f"from 0 to {MAX_WEIGHT:,}", self.span(item.children[0]))
                    weight = 1.0
                fields["weight"] = weight
            elif data == "because":
                fields["because"] = self.string(item.children[0])
            elif data == "tags":
                fields["tags"] = tuple(str(t) for t in item.children[0].children)

    def condition(self, node: Tree) -> m.Condition:
        # Iterative-friendly: depth is bounded by the parser's PC015 check.
        span = self.span(node)
        kind = node.data
        kids = node.children
        if kind == "any_of":
            return m.AnyOf(items=tuple(self.condition(k) for k in kids), span=span)
        if kind == "all_of":
            return m.AllOf(items=tuple(self.condition(k) for k in kids), span=span)
        if kind == "negation":
            return m.Not(inner=self.condition(kids[0]), span=span)
        pattern = pattern_text(kids[0])
        span = self.span(kids[0])
        if kind == "compare":
            return m.Compare(pattern=pattern, op=str(kids[1]), value=self.value(kids[2]), span=span)  # type: ignore[arg-type]
        if kind == "one_of":
            return m.OneOf(pattern=pattern, values=tuple(self.value(k) for k in kids[1:]), span=span)
        if kind == "has":
            return m.Has(pattern=pattern, mode="any", names=(str(kids[1]),), span=span)
        if kind in ("has_any", "has_all"):
            return m.Has(pattern=pattern, mode=kind[4:], names=tuple(str(k) for k in kids[1:]), span=span)  # type: ignore[arg-type]
        return m.Presence(kind=kind, pattern=pattern, span=span)  # type: ignore[arg-type]


def dotted(node: Tree) -> str:
    return ".".join(str(t) for t in node.children)


def pattern_text(node: Tree) -> str:
    return "".join(("" if t.type == "DOT_STAR" or i == 0 else ".") + str(t) for i, t in enumerate(node.children))


MAX_NUMBER_DIGITS = 100
MAX_ID_CHARS = 100


def parse_number(text: str) -> int | float:
    """A NUMBER token's value; ValueError when it has more than MAX_NUMBER_DIGITS digits."""
    text = text.replace("_", "")
    if sum(c.isdigit() for c in text) > MAX_NUMBER_DIGITS:
        raise ValueError(f"more than {MAX_NUMBER_DIGITS} digits")
    return float(text) if "." in text else int(text)


def unquote(token: str) -> str:
    """A STRING token -> its text. Triple-quoted strings are dedented and trimmed."""
    if token.startswith('"""'):
        body = token[3:-3]
        body = dedent(body.lstrip("\n").rstrip()) if "\n" in body else body
        return _unescape(body)
    return _unescape(token[1:-1])


def dedent(text: str) -> str:
    """textwrap.dedent, for the common case without its regular expressions (three times faster).

    The common leading spaces and tabs of the non-blank lines are removed; blank lines become empty.
    """
    lines = text.split("\n")
    margin: str | None = None
    for line in lines:
        content = line.lstrip(" \t")
        if not content:
            continue
        indent = line[:len(line) - len(content)]
        if margin is None or indent.startswith(margin):
            margin = indent if margin is None else margin
        else:
            margin = os.path.commonprefix([margin, indent])
        if not margin:
            break
    cut = len(margin or "")
    return "\n".join(line[cut:] if line.strip(" \t") else "" for line in lines)


_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|.)", re.DOTALL)
_SURROGATE = re.compile(r"(?<!\\)(?:\\\\)*\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unescape(text: str) -> str:
    """Resolve \\" \\\\ \\n \\t and \\uXXXX; any other escaped character stands for itself."""
    def replace(match: re.Match) -> str:
        code = match.group(1)
        if len(code) == 5:
            point = int(code[1:], 16)
            return "\ufffd" if 0xD800 <= point <= 0xDFFF else chr(point)
        return _SIMPLE_ESCAPES.get(code, code)

    return _ESCAPE.sub(replace, text) if "\\" in text else text
