"""Typed models for vocabularies, proposals and red lines.

Spans are kept on every node that a diagnostic or a finding may point at, but
they are excluded from equality (``compare=False``-like via ``exclude``) so that
``parse(format(x))`` can be compared with ``parse(x)`` by ``model_dump``.
"""
from __future__ import annotations

import datetime as _dt
from typing import Literal, Union

from pydantic import BaseModel, ConfigDict, Field

from .diagnostics import Span

NO_SPAN = Span("<none>", 0, 0)


class Node(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)
    span: Span = Field(default=NO_SPAN, exclude=True, repr=False)


# ------------------------------------------------------------------ vocabulary
TypeKind = Literal["number", "enum", "scale", "set", "bool", "date", "text"]


class TermType(Node):
    kind: TypeKind
    values: tuple[str, ...] = ()  # enum / set members, or a scale from low to high
    unit: str = ""
    name: str = ""  # the declared type name, when the term uses a named type

    @property
    def ordered(self) -> bool:
        return self.kind in ("number", "date", "scale")

    def describe(self) -> str:
        if self.kind == "scale":
            return "scale(" + " < ".join(self.values) + ")"
        if self.kind in ("enum", "set"):
            return f"{self.kind}(" + ", ".join(self.values) + ")"
        if self.kind == "number" and self.unit:
            return f"number unit {self.unit}"
        return self.kind


class TermDef(Node):
    path: str
    type: TermType
    doc: str = ""


class Vocabulary(Node):
    title: str
    file: str = ""
    terms: dict[str, TermDef] = {}

    def matching(self, pattern: str) -> list[str]:
        """Declared term paths a pattern (exact path or `prefix.*`) covers, sorted."""
        if pattern.endswith(".*"):
            import bisect

            prefix, paths = pattern[:-1], self._sorted_paths
            start = bisect.bisect_left(paths, prefix)
            end = bisect.bisect_left(paths, prefix[:-1] + chr(ord(prefix[-1]) + 1), start)  # just past the prefix
            return paths[start:end]
        return [pattern] if pattern in self.terms else []

    @property
    def _sorted_paths(self) -> list[str]:
        # Sorted once per terms dict (a copy with other terms sorts again): a wildcard is then a binary
        # search, not a scan of every term.
        cached = self.__dict__.get("_paths_cache")
        if cached is None or cached[0] is not self.terms:
            cached = (self.terms, sorted(self.terms))
            self.__dict__["_paths_cache"] = cached
        return cached[1]


# ------------------------------------------------------------------ values
ValueKind = Literal["number", "date", "text", "bool", "name", "set"]
Scalar = Union[bool, int, float, _dt.date, str, tuple[str, ...]]


class Value(Node):
    kind: ValueKind
    raw: Scalar
    source: str = Field(default="", exclude=True, repr=False)  # a number as written (`800_000`), for the formatter

    def show(self, written: bool = False) -> str:
        """The value in the language's syntax; `written`: a number as its author wrote it."""
        if written and self.source:
            return self.source
        if self.kind == "bool":
            return "true" if self.raw else "false"
        if self.kind == "set":
            return "[" + ", ".join(self.raw) + "]"  # type: ignore[arg-type]
        if self.kind == "text":
            return quote(str(self.raw))
        if self.kind == "number":
            return format_number(self.raw)  # type: ignore[arg-type]
        return str(self.raw)


def quote(text: str) -> str:
    """A string literal of the language that reads back as `text`: the one quoting rule (the formatter's too).
    Characters that do not print (controls, zero-width, separators) are written as \\uXXXX escapes where one can
    name them."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return '"' + "".join(c if c.isprintable() or c == " " or not _escapable(c) else f"\\u{ord(c):04x}"
                         for c in escaped) + '"'


def _escapable(c: str) -> bool:
    """What a \\uXXXX escape can name: four hex digits, and no surrogate (the reader refuses those, PC117).
    Any other character that does not print (a lone surrogate, an unassigned astral one) is written as it is."""
    return ord(c) <= 0xFFFF and not 0xD800 <= ord(c) <= 0xDFFF


def format_number(n: float | int) -> str:
    if isinstance(n, float) and n.is_integer():
        n = int(n)
    return str(n)


# ------------------------------------------------------------------ proposals
class Assignment(Node):
    path: str
    value: Value


class Option(Node):
    id: str
    title: str
    text: str = ""
    notes: tuple[str, ...] = ()
    terms: tuple[Assignment, ...] = ()


class Acknowledgement(Node):
    party: str
    rule: str
    reason: str
    until: _dt.date | None = None
    party_span: Span = Field(default=NO_SPAN, exclude=True, repr=False)
    rule_span: Span = Field(default=NO_SPAN, exclude=True, repr=False)


class Clause(Node):
    id: str
    title: str
    text: str = ""
    tags: tuple[str, ...] = ()
    status: str = ""
    status_note: str = ""
    notes: tuple[str, ...] = ()
    terms: tuple[Assignment, ...] = ()
    options: tuple[Option, ...] = ()
    acknowledgements: tuple[Acknowledgement, ...] = ()


class Proposal(Node):
    title: str
    file: str = ""
    vocabulary_path: str = ""
    vocabulary_span: Span = Field(default=NO_SPAN, exclude=True, repr=False)
    version: str = ""
    date: _dt.date | None = None
    drafted_by: str = ""
    parties: tuple[str, ...] = ()
    revises: str = ""
    notes: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    clauses: tuple[Clause, ...] = ()
    # (keyword, name) of the statements syntax recovery dropped: what refers to them is not reported again.
    skipped: tuple[tuple[str, str], ...] = Field(default=(), exclude=True, repr=False)

    def clause(self, clause_id: str) -> Clause | None:
        return next((c for c in self.clauses if c.id == clause_id), None)

    def lost(self, keywords: tuple[str, ...], name: str = "") -> bool:
        """Whether a statement `keyword name` (any name if '') was dropped for a syntax error."""
        return any(k in keywords and (n == name or not name) for k, n in self.skipped)


# ------------------------------------------------------------------ red lines
class Compare(Node):
    kind: Literal["compare"] = "compare"
    pattern: str
    op: Literal["==", "!=", "<", "<=", ">", ">="]
    value: Value


class OneOf(Node):
    kind: Literal["one_of"] = "one_of"
    pattern: str
    values: tuple[Value, ...]


class Has(Node):
    kind: Literal["has"] = "has"
    pattern: str
    mode: Literal["any", "all"]
    names: tuple[str, ...]


class Presence(Node):
    kind: Literal["present", "absent"]
    pattern: str


class Not(Node):
    kind: Literal["not"] = "not"
    inner: "Condition"


class AllOf(Node):
    kind: Literal["all"] = "all"
    items: tuple["Condition", ...]


class AnyOf(Node):
    kind: Literal["any"] = "any"
    items: tuple["Condition", ...]


Condition = Union[Compare, OneOf, Has, Presence, Not, AllOf, AnyOf]
Not.model_rebuild()
AllOf.model_rebuild()
AnyOf.model_rebuild()


class Source(Node):
    id: str
    title: str = ""
    publication: str = ""
    date: str = ""
    seed: str = ""
    url: str = ""
    author: str = ""


class Citation(Node):
    source: str
    locator: str = ""


class Rule(Node):
    id: str
    title: str
    kind: Literal["rule", "require"] = "rule"
    severity: Literal["hard", "soft"] = "hard"
    weight: float = 1.0
    condition: Condition | None = None
    because: str = ""
    citations: tuple[Citation, ...] = ()
    notes: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


class RedLines(Node):
    party: str
    name: str
    file: str = ""
    vocabulary_path: str = ""
    vocabulary_span: Span = Field(default=NO_SPAN, exclude=True, repr=False)
    notes: tuple[str, ...] = ()
    sources: dict[str, Source] = {}
    rules: tuple[Rule, ...] = ()
    # (keyword, name) of the statements syntax recovery dropped: what refers to them is not reported again.
    skipped: tuple[tuple[str, str], ...] = Field(default=(), exclude=True, repr=False)

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def lost(self, keywords: tuple[str, ...], name: str = "") -> bool:
        """Whether a statement `keyword name` (any name if '') was dropped for a syntax error."""
        return any(k in keywords and (n == name or not name) for k, n in self.skipped)
