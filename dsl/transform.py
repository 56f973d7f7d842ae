"""Parse tree -> typed models, in one pass, with spans attached: a lark Transformer, one method per rule.

Structural problems that the grammar cannot express (a field given twice, a
required field missing, a malformed date) are collected here as diagnostics.
"""
from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from . import models as m
from .diagnostics import DiagnosticSink, Span
from .parser import MAX_NUMBER_DIGITS

if TYPE_CHECKING:  # lark's tokens, or the fast front end's (scanner.Token): both str subclasses, lark not imported
    from lark import Token, Tree

# The largest soft weight: `solve` compares weights x 1000 as 64-bit integers, summed over every rule.
MAX_WEIGHT = 1_000_000


@m.node
class VocabularyFile(m.Node):
    """A vocabulary file before its includes are resolved."""

    title: str
    file: str = ""
    includes: tuple[tuple[str, m.Span], ...] = ()
    types: dict[str, m.TermType] = field(default_factory=dict)
    terms: dict[str, m.TermDef] = field(default_factory=dict)
    type_refs: dict[str, tuple[str, m.Span]] = field(default_factory=dict)  # term path -> (type name, span)

    def __post_init__(self) -> None:
        m.own_dicts(self, "types", "terms", "type_refs")


class Item(NamedTuple):
    """A statement inside a file or block, as its rule's method returns it to the block's method."""

    kind: str  # the statement: text, tags, note, severity, when, assignment, ...
    value: Any  # a model, or the token(s) the block turns into a value once it knows the field is not repeated
    meta: Any  # the whole statement's position: where a repeated field is reported (a Span only when needed)


class _TypeRef(NamedTuple):
    name: str
    span: Span


class _Base:
    """Helpers shared by the rule methods of Builder, and the walk that calls them."""

    _rules: dict[str, Any] = {}  # grammar rule (or alias) -> its method, filled in by Builder

    def __init__(self, filename: str, sink: DiagnosticSink, skipped: list[tuple[str, str]] | None = None,
                 dropped: list[tuple[str, int]] | None = None):
        self.filename = filename
        self.sink = sink
        self.skipped = tuple(skipped or ())
        # (keyword, line) of each statement syntax recovery blanked on its own: its field is not also missing
        self.dropped = tuple(dropped or ())

    def build(self, tree: Tree) -> Any:
        """Call each rule's method bottom-up with the rule's meta and its children already built.

        What lark's Transformer does, without its generic machinery (generators, getattr, argument
        wrappers, exception re-wrapping), which doubled the time of this step."""
        from lark import Tree

        rules, leaves = self._rules, token_only_rules()

        def walk(node: Tree) -> Any:
            children = []
            for child in node.children:
                if child.__class__ is not Tree:
                    children.append(child)
                elif child.data in leaves:  # most nodes hold tokens only: built without a walk of their own
                    children.append(rules[child.data](self, child.meta, child.children))
                else:
                    children.append(walk(child))
            return rules[node.data](self, node.meta, children)

        return walk(tree)

    def at(self, meta) -> Span:
        if getattr(meta, "empty", True):
            return Span(self.filename, 1, 1)
        return Span(self.filename, meta.line, meta.column, meta.end_line, meta.end_column)

    def span(self, token: Token) -> Span:
        return Span(self.filename, token.line or 1, token.column or 1,
                    token.end_line or token.line or 1, token.end_column or token.column or 1)

    def over(self, tokens: list[Token]) -> Span:
        """From the first token's start to the last one's end, as a tree's meta would say."""
        first, last = self.span(tokens[0]), self.span(tokens[-1])
        return Span(self.filename, first.line, first.column, last.end_line, last.end_column)

    def unquoted(self, token: Token) -> str:
        text = str(token)
        if "\\u" in text and _SURROGATE.search(text):
            self.sink.error("PC117", "a \\u escape names a surrogate, not a character", self.span(token),
                            "write the character itself, or its \\uXXXX code outside D800-DFFF")
        return unquote(text)

    def numeric(self, token: Token) -> int | float:
        try:
            return parse_number(str(token))
        except ValueError:
            self.sink.error("PC117", f"the number {str(token)[:20]}... is too large", self.span(token),
                            f"numbers have at most {MAX_NUMBER_DIGITS} digits")
            return 0

    def day(self, token: Token) -> dt.date | None:
        try:
            return dt.date.fromisoformat(str(token))
        except ValueError:
            self.sink.error("PC117", f"'{token}' is not a valid date", self.span(token), "dates are YYYY-MM-DD")
            return None

    def once(self, seen: dict[str, Any], key: str, item: Item) -> bool:
        """Record a field; report PC112 and return False if it was given before."""
        if key in seen:
            self.sink.error("PC112", f"'{key}' is given twice (first at line {seen[key].line})", self.at(item.meta))
            return False
        seen[key] = item.meta
        return True

    def check_id(self, token: Token, what: str) -> None:
        """PC502 for an id longer than MAX_ID_CHARS: ids are sort keys and report anchors, not text."""
        if len(token) > MAX_ID_CHARS:
            self.sink.error("PC502", f"the {what} is {len(token):,} characters long; the limit is {MAX_ID_CHARS}",
                            self.span(token), "use a short id; put the words in the title")

    def check_members(self, members: list[Token], kind: str) -> None:
        """PC109 at the first repeat of a member."""
        names = [str(t) for t in members]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            again = next(t for i, t in enumerate(members) if str(t) in names[:i])
            self.sink.error("PC109", f"{kind} lists {', '.join(dupes)} more than once", self.span(again))

    def rule_block(self, kind: str, meta, children: list) -> m.Rule:
        rule_id, title, *items = children
        self.check_id(rule_id, "rule id")
        fields: dict[str, Any] = {"citations": [], "notes": []}
        seen: dict[str, Span] = {}
        for item in items:
            self.rule_item(item, kind, fields, seen)
        span = self.span(rule_id)
        condition = "condition (`when ...`)" if kind == "rule" else "condition (`that ...`)"
        for needed, what, written in (("severity", "severity (`severity hard` or `severity soft`)", ("severity",)),
                                      ("condition", condition, ("when", "that"))):
            if needed not in fields and not self.dropped_in(meta, written):
                self.sink.error("PC111", f"{kind} '{rule_id}' has no {what}", span)
        if not fields["citations"] and not self.dropped_in(meta, ("cite",)):
            self.sink.error("PC111", f"{kind} '{rule_id}' cites no source", span, "add `cite SOURCE_ID`")
        return m.Rule(id=str(rule_id), title=self.unquoted(title), kind=kind, span=span,
                      citations=tuple(fields.pop("citations")), notes=tuple(fields.pop("notes")), **fields)

    def dropped_in(self, meta, keywords: tuple[str, ...]) -> bool:
        """Whether a statement `keyword ...` inside the block at `meta` had a syntax error: the field it set is
        reported there, not again as missing."""
        return any(k in keywords and meta.line <= line <= meta.end_line for k, line in self.dropped)

    def rule_item(self, item: Item, kind: str, fields: dict[str, Any], seen: dict[str, Span]) -> None:
        data = item.kind
        if data == "cite":
            fields["citations"].append(item.value)
        elif data == "note":
            fields["notes"].append(self.unquoted(item.value))
        elif data in ("when", "that"):
            wanted = "when" if kind == "rule" else "that"
            if data != wanted:
                self.sink.error("PC001", f"a {kind} states its condition with `{wanted}`, not `{data}`",
                                self.at(item.meta))
            if self.once(seen, "condition", item):
                fields["condition"] = item.value
        elif self.once(seen, data, item):
            if data == "severity":
                fields["severity"] = str(item.value)
            elif data == "weight":
                fields["weight"] = self.weight_of(item.value)
            elif data == "because":
                fields["because"] = self.unquoted(item.value)
            elif data == "tags":
                fields["tags"] = tuple(str(t) for t in item.value)

    def weight_of(self, token: Token) -> float:
        weight = float(self.numeric(token))
        if not 0 <= weight <= MAX_WEIGHT:  # solve ranks by integer weights; beyond this they overflow
            self.sink.error("PC117", f"weight {token} is out of range: a weight is a number "
                            f"from 0 to {MAX_WEIGHT:,}", self.span(token))
            return 1.0
        return weight

    def header(self, item: Item, fields: dict[str, Any], seen: dict[str, Span]) -> None:
        key, value = item.value
        if key in ("note", "source"):
            fields[key + "s"].append(self.meta_text(key, value))
            return
        if not self.once(seen, key, item):
            return
        if key == "parties":
            if isinstance(value, str):
                self.sink.error("PC117", "parties are listed as names: parties ukraine, russia", self.span(value))
                return
            fields["parties"] = tuple(str(t) for t in value)
        elif key == "date":
            if isinstance(value, str) and value.type == "DATE":
                fields["date"] = self.day(value)
            else:
                where = self.span(value) if isinstance(value, str) else self.over(value)
                self.sink.error("PC117", "the date is written YYYY-MM-DD, without quotes", where)
        else:
            fields[key] = self.meta_text(key, value)

    def meta_text(self, key: str, value: Token | list[Token]) -> str:
        if isinstance(value, str) and value.type == "STRING":
            return self.unquoted(value)
        if isinstance(value, str):
            return str(value)
        self.sink.error("PC117", f"'{key}' takes a string", self.over(value))
        return ""

    def resolved(self, type_expr: m.TermType | _TypeRef, name: str) -> m.TermType:
        if isinstance(type_expr, _TypeRef):  # resolved against the declared types later
            return m.TermType(kind="text", name=type_expr.name, span=type_expr.span)
        return type_expr.model_copy(update={"name": name}) if name else type_expr

    def listed(self, kind: str, members: list[Token], meta) -> m.TermType:
        self.check_members(members, kind)
        return m.TermType(kind=kind, values=tuple(str(t) for t in members), span=self.at(meta))  # type: ignore[arg-type]

    def clause_item(self, item: Item | m.Assignment, fields: dict[str, Any], seen: dict[str, Span]) -> None:
        if item.__class__ is m.Assignment:
            fields["terms"].append(item)
            return
        kind = item.kind
        if kind in ("option", "acknowledge"):
            fields[kind + "s" if kind == "option" else "acknowledgements"].append(item.value)
        elif kind == "note":
            fields["notes"].append(self.unquoted(item.value))
        elif self.once(seen, kind, item):
            if kind == "text":
                fields["text"] = self.unquoted(item.value)
            elif kind == "tags":
                fields["tags"] = tuple(str(t) for t in item.value)
            elif kind == "status":
                status, *note = item.value
                fields["status"] = str(status)
                if note:
                    fields["status_note"] = self.unquoted(note[0])


class Builder(_Base):
    """Parse tree -> typed models: one method per grammar rule (or alias), called with the rule's meta
    (its position) and its children already built; spans come from the meta and the tokens."""

    def start(self, meta, children: list) -> Any:
        (body,) = children
        return body

    # ------------------------------------------------------------- vocabulary
    def vocab_file(self, meta, children: list) -> VocabularyFile:
        title, *items = children
        types: dict[str, m.TermType] = {}
        terms: dict[str, m.TermDef] = {}
        refs: dict[str, tuple[str, Span]] = {}
        includes: list[tuple[str, Span]] = []
        for item in items:
            if item.kind == "include":
                includes.append((self.unquoted(item.value), self.span(item.value)))
            elif item.kind == "type":
                name_token, term_type = item.value
                if str(name_token) in types:
                    self.sink.error("PC105", f"type '{name_token}' is declared twice", self.span(name_token))
                types[str(name_token)] = term_type
            else:
                path, path_span, term_type, doc, ref = item.value
                if path in terms:
                    self.sink.error("PC105", f"term '{path}' is declared twice", path_span)
                if ref is not None:
                    refs[path] = ref
                terms[path] = m.TermDef(path=path, type=term_type, doc=doc, span=path_span)
        return VocabularyFile(title=self.unquoted(title), file=self.filename, includes=tuple(includes),
                              types=types, terms=terms, type_refs=refs, span=self.at(meta))

    def include(self, meta, children: list) -> Item:
        (path,) = children
        return Item("include", path, meta)

    def type_decl(self, meta, children: list) -> Item:
        name, type_expr, *_doc = children
        return Item("type", (name, self.resolved(type_expr, str(name))), meta)

    def term_decl(self, meta, children: list) -> Item:
        (path, path_span), type_expr, *doc = children
        ref = (type_expr.name, type_expr.span) if isinstance(type_expr, _TypeRef) else None
        term = (path, path_span, self.resolved(type_expr, ""), doc[0] if doc else "", ref)
        return Item("term", term, meta)

    def doc(self, meta, children: list) -> str:
        (text,) = children
        return self.unquoted(text)

    def number_type(self, meta, children: list) -> m.TermType:
        return m.TermType(kind="number", unit=str(children[0]) if children else "", span=self.at(meta))

    def simple_type(self, meta, children: list) -> m.TermType:
        (kind,) = children
        return m.TermType(kind=str(kind), span=self.at(meta))  # type: ignore[arg-type]

    def type_ref(self, meta, children: list) -> _TypeRef:
        (name,) = children
        return _TypeRef(str(name), self.at(meta))

    def enum_type(self, meta, children: list) -> m.TermType:
        (members,) = children
        return self.listed("enum", members, meta)

    def set_type(self, meta, children: list) -> m.TermType:
        (members,) = children
        return self.listed("set", members, meta)

    def scale_type(self, meta, children: list) -> m.TermType:
        return self.listed("scale", children, meta)

    def name_list(self, meta, children: list) -> list[Token]:
        return children

    # ------------------------------------------------------------- proposals
    def proposal_file(self, meta, children: list) -> m.Proposal:
        title, *items = children
        fields: dict[str, Any] = {"notes": [], "sources": []}
        seen: dict[str, Span] = {}
        clauses: list[m.Clause] = []
        for item in items:
            if isinstance(item, m.Clause):
                clauses.append(item)
            elif item.kind == "vocabulary":
                if self.once(seen, "vocabulary", item):
                    fields["vocabulary_path"] = self.unquoted(item.value)
                    fields["vocabulary_span"] = self.span(item.value)
            else:
                self.header(item, fields, seen)
        return m.Proposal(title=self.unquoted(title), file=self.filename, clauses=tuple(clauses),
                          notes=tuple(fields.pop("notes")), sources=tuple(fields.pop("sources")),
                          span=self.at(meta), skipped=self.skipped, **fields)

    def use_vocab(self, meta, children: list) -> Item:
        (path,) = children
        return Item("vocabulary", path, meta)

    def meta(self, meta, children: list) -> Item:
        key, value = children
        return Item("meta", (key, value), meta)

    def meta_key(self, meta, children: list) -> str:
        (key,) = children
        return str(key)

    def clause(self, meta, children: list) -> m.Clause:
        clause_id, title, *items = children
        self.check_id(clause_id, "clause id")
        fields: dict[str, Any] = {"terms": [], "options": [], "notes": [], "acknowledgements": []}
        seen: dict[str, Span] = {}
        for item in items:
            self.clause_item(item, fields, seen)
        return m.Clause(id=str(clause_id), title=self.unquoted(title), span=self.span(clause_id),
                        **{k: tuple(v) if isinstance(v, list) else v for k, v in fields.items()})

    def option(self, meta, children: list) -> Item:
        option_id, title, *items = children
        self.check_id(option_id, "option id")
        fields: dict[str, Any] = {"terms": [], "notes": []}
        seen: dict[str, Span] = {}
        for item in items:
            if item.__class__ is m.Assignment:
                fields["terms"].append(item)
            elif item.kind == "note":
                fields["notes"].append(self.unquoted(item.value))
            elif self.once(seen, "text", item):
                fields["text"] = self.unquoted(item.value)
        option = m.Option(id=str(option_id), title=self.unquoted(title), span=self.span(option_id),
                          terms=tuple(fields.pop("terms")), notes=tuple(fields.pop("notes")), **fields)
        return Item("option", option, meta)

    def text(self, meta, children: list) -> Item:
        (text,) = children
        return Item("text", text, meta)

    def note(self, meta, children: list) -> Item:
        (text,) = children
        return Item("note", text, meta)

    def tags(self, meta, children: list) -> Item:
        (names,) = children
        return Item("tags", names, meta)

    def status(self, meta, children: list) -> Item:
        return Item("status", children, meta)

    def acknowledge(self, meta, children: list) -> Item:
        party, rule, reason, *until = children
        ack = m.Acknowledgement(party=str(party), rule=str(rule), reason=self.unquoted(reason),
                                until=self.day(until[0]) if until else None, span=self.at(meta),
                                party_span=self.span(party), rule_span=self.span(rule))
        return Item("acknowledge", ack, meta)

    def assignment(self, meta, children: list) -> m.Assignment:
        (path, path_span), value = children
        return m.Assignment(path=path, value=value, span=path_span)  # the commonest statement: no Item around it

    def path(self, meta, children: list) -> tuple[str, Span]:
        return ".".join(str(t) for t in children), self.at(meta)

    def pattern(self, meta, children: list) -> tuple[str, Span]:
        text = "".join(("" if t.type == "DOT_STAR" or i == 0 else ".") + str(t) for i, t in enumerate(children))
        return text, self.at(meta)

    # ------------------------------------------------------------- values
    def number(self, meta, children: list) -> m.Value:
        return m.Value(kind="number", raw=self.numeric(children[0]), source=str(children[0]), span=self.at(meta))

    def date(self, meta, children: list) -> m.Value:
        return m.Value(kind="date", raw=self.day(children[0]) or dt.date.min, span=self.at(meta))

    def string(self, meta, children: list) -> m.Value:
        return m.Value(kind="text", raw=self.unquoted(children[0]), span=self.at(meta))

    def true(self, meta, children: list) -> m.Value:
        return m.Value(kind="bool", raw=True, span=self.at(meta))

    def false(self, meta, children: list) -> m.Value:
        return m.Value(kind="bool", raw=False, span=self.at(meta))

    def name(self, meta, children: list) -> m.Value:
        return m.Value(kind="name", raw=str(children[0]), span=self.at(meta))

    def name_set(self, meta, children: list) -> m.Value:
        return m.Value(kind="set", raw=tuple(sorted({str(t) for t in children})), span=self.at(meta))

    # ------------------------------------------------------------- red lines
    def redline_file(self, meta, children: list) -> m.RedLines:
        party, name, *items = children
        self.check_id(party, "party id")
        sources: dict[str, m.Source] = {}
        rules: list[m.Rule] = []
        notes: list[str] = []
        seen: dict[str, Span] = {}
        vocabulary, vocabulary_span = "", m.NO_SPAN
        for item in items:
            if isinstance(item, m.Rule):
                rules.append(item)
            elif item.kind == "vocabulary":
                if self.once(seen, "vocabulary", item):
                    vocabulary, vocabulary_span = self.unquoted(item.value), self.span(item.value)
            elif item.kind == "note":
                notes.append(self.unquoted(item.value))
            else:
                if item.value.id in sources:
                    self.sink.error("PC105", f"source '{item.value.id}' is declared twice", item.value.span)
                sources[item.value.id] = item.value
        return m.RedLines(party=str(party), name=self.unquoted(name), file=self.filename, notes=tuple(notes),
                          vocabulary_path=vocabulary, vocabulary_span=vocabulary_span, sources=sources,
                          rules=tuple(rules), span=self.at(meta), skipped=self.skipped)

    def source(self, meta, children: list) -> Item:
        source_id, *fields = children
        values: dict[str, str] = {}
        seen: dict[str, Span] = {}
        for item in fields:
            key, text = item.value
            if self.once(seen, key, item):
                values[key] = self.unquoted(text)
        if "title" not in values and not self.dropped_in(meta, ("title",)):
            self.sink.error("PC111", f"source '{source_id}' has no title", self.span(source_id))
        return Item("source", m.Source(id=str(source_id), span=self.span(source_id), **values), meta)

    def source_field(self, meta, children: list) -> Item:
        key, text = children
        return Item("source_field", (key, text), meta)

    def source_key(self, meta, children: list) -> str:
        (key,) = children
        return str(key)

    def rule(self, meta, children: list) -> m.Rule:
        return self.rule_block("rule", meta, children)

    def require(self, meta, children: list) -> m.Rule:
        return self.rule_block("require", meta, children)

    def severity(self, meta, children: list) -> Item:
        (level,) = children
        return Item("severity", level, meta)

    def weight(self, meta, children: list) -> Item:
        (value,) = children
        return Item("weight", value, meta)

    def when(self, meta, children: list) -> Item:
        (condition,) = children
        return Item("when", condition, meta)

    def that(self, meta, children: list) -> Item:
        (condition,) = children
        return Item("that", condition, meta)

    def because(self, meta, children: list) -> Item:
        (text,) = children
        return Item("because", text, meta)

    def cite(self, meta, children: list) -> Item:
        source, *locator = children
        citation = m.Citation(source=str(source), locator=self.unquoted(locator[0]) if locator else "",
                              span=self.span(source))
        return Item("cite", citation, meta)

    # ------------------------------------------------------------- conditions (depth bounded by PC015)
    def any_of(self, meta, children: list) -> m.AnyOf:
        return m.AnyOf(items=tuple(children), span=self.at(meta))

    def all_of(self, meta, children: list) -> m.AllOf:
        return m.AllOf(items=tuple(children), span=self.at(meta))

    def negation(self, meta, children: list) -> m.Not:
        (inner,) = children
        return m.Not(inner=inner, span=self.at(meta))

    def compare(self, meta, children: list) -> m.Compare:
        (pattern, span), op, value = children
        return m.Compare(pattern=pattern, op=str(op), value=value, span=span)  # type: ignore[arg-type]

    def one_of(self, meta, children: list) -> m.OneOf:
        (pattern, span), *values = children
        return m.OneOf(pattern=pattern, values=tuple(values), span=span)

    def has(self, meta, children: list) -> m.Has:
        (pattern, span), name = children
        return m.Has(pattern=pattern, mode="any", names=(str(name),), span=span)

    def has_any(self, meta, children: list) -> m.Has:
        (pattern, span), *names = children
        return m.Has(pattern=pattern, mode="any", names=tuple(str(n) for n in names), span=span)

    def has_all(self, meta, children: list) -> m.Has:
        (pattern, span), *names = children
        return m.Has(pattern=pattern, mode="all", names=tuple(str(n) for n in names), span=span)

    def present(self, meta, children: list) -> m.Presence:
        ((pattern, span),) = children
        return m.Presence(kind="present", pattern=pattern, span=span)

    def absent(self, meta, children: list) -> m.Presence:
        ((pattern, span),) = children
        return m.Presence(kind="absent", pattern=pattern, span=span)


@lru_cache(maxsize=1)
def token_only_rules() -> frozenset[str]:
    """The rules (and aliases) whose tree nodes hold tokens only, read off the grammar: a symbol is a token, or
    a rule that lark inlines (`?rule` with one child, `_rule`, repetition helpers) made of tokens only."""
    from .parser import grammar_parser

    forms: dict[str, list] = {}
    for rule in grammar_parser().rules:
        forms.setdefault(rule.origin.name, []).append(rule)

    def inlined_tokens(name: str, seen: frozenset[str] = frozenset()) -> bool:
        if name not in forms:
            return True  # a terminal
        if name in seen:
            return name.startswith("_")  # a helper's own recursion (`__x_star: __x_star item`)
        return all((r.options.expand1 and len(r.expansion) == 1 or name.startswith("_")) and not r.alias
                   and all(inlined_tokens(s.name, seen | {name}) for s in r.expansion) for r in forms[name])

    token_only: dict[str, bool] = {}
    for name, rules in forms.items():
        for r in rules:
            if name.startswith("_") or (r.options.expand1 and len(r.expansion) == 1 and not r.alias):
                continue  # inlined: no node of its own
            tree = r.alias or name
            token_only[tree] = token_only.get(tree, True) and all(inlined_tokens(s.name) for s in r.expansion)
    return frozenset(name for name, only in token_only.items() if only)


# Every method Builder defines is a grammar rule's (tests/test_grammar_once.py checks both ways).
Builder._rules = {name: f for name, f in vars(Builder).items() if callable(f) and not name.startswith("_")}


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
