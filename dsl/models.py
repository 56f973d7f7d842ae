"""Typed models for vocabularies, proposals and red lines: frozen dataclasses.

Spans are kept on every node that a diagnostic or a finding may point at, but they are left out of
equality, of `repr` and of `model_dump()` (with the other `hidden` fields), so that `parse(format(x))`
can be compared with `parse(x)`. Nodes are immutable: `model_copy(update=...)` makes a changed copy.

They were pydantic models; building those 23 classes cost about 70-100 ms at every start-up and
nothing used their validation (the transform builds well-typed values). The two coercions pydantic
did that the data needs are kept by hand: a rule's integer `weight` becomes a float, and dicts are
copied (a node never shares a dict its builder keeps). tests/test_models.py holds them to the dumps
the pydantic models produced.
"""
from __future__ import annotations

import dataclasses
import datetime as _dt
from dataclasses import dataclass, field
from typing import Any, Literal

from .diagnostics import Span

NO_SPAN = Span("<none>", 0, 0)

_HIDDEN = {"hidden": True}


def node(cls: type) -> Any:
    """Every model class: a frozen dataclass with slots and keyword-only fields.

    Equality, hash and repr are Node's (over the fields that are not hidden), not generated per class: the
    dataclass machinery compiles each generated method separately, and with 24 classes that was most of
    the cost of importing the models."""
    if cls.__doc__ is None:  # else dataclass builds one from inspect.signature, which costs as much again
        cls.__doc__ = f"{cls.__name__}({', '.join(cls.__annotations__)})"
    return dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)(cls)


def hidden(default: Any = None) -> Any:
    """A field kept on the node for positions and the formatter, outside equality, repr and model_dump()."""
    return field(default=default, compare=False, repr=False, metadata=_HIDDEN)


@node
class Node:
    """A node of a parsed file; `span` says where it was written."""

    span: Span = hidden(NO_SPAN)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in _dumped(self.__class__))

    def __hash__(self) -> int:
        return hash(tuple(getattr(self, name) for name in _dumped(self.__class__)))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in _dumped(self.__class__))
        return f"{self.__class__.__qualname__}({shown})"

    def model_copy(self, update: dict[str, Any] | None = None) -> Any:
        """A copy with the fields in `update` replaced (pydantic's name, kept for the callers)."""
        return dataclasses.replace(self, **update) if update else dataclasses.replace(self)

    def model_dump(self) -> dict[str, Any]:
        """The node as plain data: nested nodes and dataclasses as dicts, tuples and dicts kept, hidden fields out."""
        return {name: _dump(getattr(self, name)) for name in _dumped(type(self))}


_DUMPED: dict[type, tuple[str, ...]] = {}


def _dumped(cls: type) -> tuple[str, ...]:
    names = _DUMPED.get(cls)
    if names is None:
        names = _DUMPED[cls] = tuple(f.name for f in dataclasses.fields(cls) if not f.metadata.get("hidden"))
    return names


def _dump(value: Any) -> Any:
    if isinstance(value, Node):
        return value.model_dump()
    if isinstance(value, tuple):
        return tuple(_dump(v) for v in value)
    if isinstance(value, list):
        return [_dump(v) for v in value]
    if isinstance(value, dict):
        return {k: _dump(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):  # a Span inside a tuple, as pydantic dumped it
        return {f.name: _dump(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return value


def own_dicts(model: Node, *names: str) -> None:
    """Give the node its own copy of each dict field (pydantic copied them when it validated), in __post_init__."""
    for name in names:
        object.__setattr__(model, name, dict(getattr(model, name)))


# ------------------------------------------------------------------ vocabulary
TypeKind = Literal["number", "enum", "scale", "set", "bool", "date", "text"]


@node
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


@node
class TermDef(Node):
    path: str
    type: TermType
    doc: str = ""


@node
class Vocabulary(Node):
    title: str
    file: str = ""
    terms: dict[str, TermDef] = field(default_factory=dict)
    _paths: list[str] | None = field(default=None, init=False, compare=False, repr=False, metadata=_HIDDEN)

    def __post_init__(self) -> None:
        own_dicts(self, "terms")

    def matching(self, pattern: str) -> list[str]:
        """Declared term paths a pattern (exact path or `prefix.*`) covers, sorted."""
        if pattern.endswith(".*"):
            import bisect

            prefix, paths = pattern[:-1], self._sorted_paths()
            start = bisect.bisect_left(paths, prefix)
            end = bisect.bisect_left(paths, prefix[:-1] + chr(ord(prefix[-1]) + 1), start)  # just past the prefix
            return paths[start:end]
        return [pattern] if pattern in self.terms else []

    def _sorted_paths(self) -> list[str]:
        # Sorted once per vocabulary, on first use (a copy sorts its own): a wildcard is then a binary search,
        # not a scan of every term.
        if self._paths is None:
            object.__setattr__(self, "_paths", sorted(self.terms))
        return self._paths


# ------------------------------------------------------------------ values
ValueKind = Literal["number", "date", "text", "bool", "name", "set"]
Scalar = bool | int | float | _dt.date | str | tuple[str, ...]


@node
class Value(Node):
    kind: ValueKind
    raw: Scalar
    source: str = hidden("")  # a number as written (`800_000`), for the formatter

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


def format_number(n: float) -> str:
    if isinstance(n, float) and n.is_integer():
        n = int(n)
    return str(n)


# ------------------------------------------------------------------ proposals
@node
class Assignment(Node):
    path: str
    value: Value


@node
class Option(Node):
    id: str
    title: str
    text: str = ""
    notes: tuple[str, ...] = ()
    terms: tuple[Assignment, ...] = ()


@node
class Acknowledgement(Node):
    party: str
    rule: str
    reason: str
    until: _dt.date | None = None
    party_span: Span = hidden(NO_SPAN)
    rule_span: Span = hidden(NO_SPAN)


@node
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


@node
class Proposal(Node):
    title: str
    file: str = ""
    vocabulary_path: str = ""
    vocabulary_span: Span = hidden(NO_SPAN)
    version: str = ""
    date: _dt.date | None = None
    drafted_by: str = ""
    parties: tuple[str, ...] = ()
    revises: str = ""
    notes: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    clauses: tuple[Clause, ...] = ()
    # (keyword, name) of the statements syntax recovery dropped: what refers to them is not reported again.
    skipped: tuple[tuple[str, str], ...] = hidden(())

    def clause(self, clause_id: str) -> Clause | None:
        return next((c for c in self.clauses if c.id == clause_id), None)

    def lost(self, keywords: tuple[str, ...], name: str = "") -> bool:
        """Whether a statement `keyword name` (any name if '') was dropped for a syntax error."""
        return any(k in keywords and (n == name or not name) for k, n in self.skipped)


# ------------------------------------------------------------------ red lines
@node
class Compare(Node):
    kind: Literal["compare"] = "compare"
    pattern: str
    op: Literal["==", "!=", "<", "<=", ">", ">="]
    value: Value


@node
class OneOf(Node):
    kind: Literal["one_of"] = "one_of"
    pattern: str
    values: tuple[Value, ...]


@node
class Has(Node):
    kind: Literal["has"] = "has"
    pattern: str
    mode: Literal["any", "all"]
    names: tuple[str, ...]


@node
class Presence(Node):
    kind: Literal["present", "absent"]
    pattern: str


@node
class Not(Node):
    kind: Literal["not"] = "not"
    inner: Condition


@node
class AllOf(Node):
    kind: Literal["all"] = "all"
    items: tuple[Condition, ...]


@node
class AnyOf(Node):
    kind: Literal["any"] = "any"
    items: tuple[Condition, ...]


Condition = Compare | OneOf | Has | Presence | Not | AllOf | AnyOf


@node
class Source(Node):
    id: str
    title: str = ""
    publication: str = ""
    date: str = ""
    seed: str = ""
    url: str = ""
    author: str = ""


@node
class Citation(Node):
    source: str
    locator: str = ""


@node
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

    def __post_init__(self) -> None:
        if type(self.weight) is int:  # `weight 2` reads as an int; the solver and the outputs expect a float
            object.__setattr__(self, "weight", float(self.weight))


@node
class RedLines(Node):
    party: str
    name: str
    file: str = ""
    vocabulary_path: str = ""
    vocabulary_span: Span = hidden(NO_SPAN)
    notes: tuple[str, ...] = ()
    sources: dict[str, Source] = field(default_factory=dict)
    rules: tuple[Rule, ...] = ()
    # (keyword, name) of the statements syntax recovery dropped: what refers to them is not reported again.
    skipped: tuple[tuple[str, str], ...] = hidden(())

    def __post_init__(self) -> None:
        own_dicts(self, "sources")

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def lost(self, keywords: tuple[str, ...], name: str = "") -> bool:
        """Whether a statement `keyword name` (any name if '') was dropped for a syntax error."""
        return any(k in keywords and (n == name or not name) for k, n in self.skipped)
