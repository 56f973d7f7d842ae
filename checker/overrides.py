"""What-if: a loaded proposal with some terms set and some options chosen, without editing its file.

`--set [CLAUSE:]TERM=VALUE` and `--choose CLAUSE=OPTION` (check, diff, solve) arrive here as text;
this module parses them, validates them against the vocabulary with the language's own checks
(PC100 unknown term, PC101/PC102 wrong value, PC117 bad date or number, PC121 unknown clause or
option), and returns a new proposal plus what was overridden, as data. Pure: no I/O, no words for
reports (the CLI words the `Override` records through `reports.cli_lines`).

Where a `--set` lands:
- `CLAUSE:TERM=VALUE`: wherever that clause states TERM (its own terms and every option stating it);
  if it states it nowhere, the clause gains the term.
- `TERM=VALUE`: every clause (and option) that states TERM; none stating it is PC121 (name a clause).
`--choose CLAUSE=OPTION` makes OPTION the clause's drafted option (the default, as if written first).
Arguments apply in order, so `--set x=a --set 14:x=b` sets x to a everywhere but in clause 14.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from peacecheck.dsl import models as m
from peacecheck.dsl.diagnostics import Diagnostic, DiagnosticSink, PeaceError, Span, did_you_mean

SET_FLAG, CHOOSE_FLAG = "--set", "--choose"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NUMBER = re.compile(r"-?\d[\d_]*(\.\d+)?")
_TERM = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")
_CLAUSE = re.compile(r"[0-9A-Za-z]+(\.[0-9A-Za-z]+)*")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class SetRequest:
    """One `--set`: where its parts start in the argument (1-based columns) for located errors."""

    index: int  # which --set (1-based): the line of the `--set` pseudo-file in diagnostics
    clause: str | None
    path: str
    value: str
    path_column: int
    value_column: int


@dataclass(frozen=True)
class ChooseRequest:
    index: int
    clause: str
    option: str
    option_column: int


@dataclass(frozen=True)
class Override:
    """What one request changed: a term of a clause (or of one of its options), or a clause's option."""

    kind: Literal["set", "choose"]
    clause: str
    path: str = ""  # set: the term
    option: str = ""  # set: the option whose term changed ("" for the clause's own terms); choose: the option chosen
    old: str = ""  # set: the value before, in the language's syntax ("" if the clause did not state it); choose: the
    new: str = ""  # previous default option. set: the new value.


@dataclass(frozen=True)
class WhatIf:
    proposal: m.Proposal
    overrides: tuple[Override, ...]


def _where(flag: str, index: int, column: int, length: int = 0) -> Span:
    return Span(flag, index, column, index, column + length if length else 0)


def parse_set(text: str, index: int) -> SetRequest:
    """`[CLAUSE:]TERM=VALUE` -> SetRequest; PC121 when it has no `=`, or a part is empty or malformed."""
    left, eq, value = text.partition("=")
    if not eq:
        raise _bad(SET_FLAG, index, 1, f"'{text}' is not TERM=VALUE", "write --set TERM=VALUE or --set CLAUSE:TERM=VALUE")
    clause, colon, raw_path = left.rpartition(":")
    clause = clause.strip()
    # Spaces around `=` are allowed, as the what-if lines print it (`14:territory.donetsk = line_of_contact`).
    path = raw_path.strip()
    path_column = len(left) - len(raw_path) + 1 + (len(raw_path) - len(raw_path.lstrip()))
    value_column = len(left) + 2 + (len(value) - len(value.lstrip()))
    value = value.strip()
    if colon and not _CLAUSE.fullmatch(clause):
        raise _bad(SET_FLAG, index, 1, f"'{clause}' is not a clause id", "write --set CLAUSE:TERM=VALUE, e.g. 14:territory.donetsk=line_of_contact")
    if not _TERM.fullmatch(path):
        raise _bad(SET_FLAG, index, path_column, f"'{path}' is not a term path", "write --set TERM=VALUE")
    if not value:
        raise _bad(SET_FLAG, index, value_column, f"no value for '{path}'", f"write --set {left.strip()}=VALUE")
    return SetRequest(index, clause if colon else None, path, value, path_column, value_column)


def parse_choose(text: str, index: int) -> ChooseRequest:
    """`CLAUSE=OPTION` -> ChooseRequest; PC121 when malformed."""
    clause, eq, option = text.partition("=")
    if not eq or not _CLAUSE.fullmatch(clause):
        raise _bad(CHOOSE_FLAG, index, 1, f"'{text}' is not CLAUSE=OPTION", "write --choose CLAUSE=OPTION, e.g. 12=eu")
    if not _NAME.fullmatch(option):
        raise _bad(CHOOSE_FLAG, index, len(clause) + 2, f"'{option}' is not an option id", "write --choose CLAUSE=OPTION")
    return ChooseRequest(index, clause, option, len(clause) + 2)


def _bad(flag: str, index: int, column: int, message: str, hint: str = "") -> PeaceError:
    return PeaceError([Diagnostic("PC121", message, _where(flag, index, column), hint)])


def parse_requests(sets: tuple[str, ...] | list[str], chooses: tuple[str, ...] | list[str]
                   ) -> tuple[list[SetRequest], list[ChooseRequest], list[Diagnostic]]:
    """Every --set and --choose parsed, and a diagnostic for each malformed one (so all are reported at once)."""
    errors: list[Diagnostic] = []
    parsed_sets, parsed_chooses = [], []
    for i, text in enumerate(sets, 1):
        try:
            parsed_sets.append(parse_set(text, i))
        except PeaceError as exc:
            errors += exc.diagnostics
    for i, text in enumerate(chooses, 1):
        try:
            parsed_chooses.append(parse_choose(text, i))
        except PeaceError as exc:
            errors += exc.diagnostics
    return parsed_sets, parsed_chooses, errors


# ------------------------------------------------------------------ values
def parse_value(request: SetRequest, term: m.TermDef, sink: DiagnosticSink) -> m.Value | None:
    """The VALUE text read as the language would read it, then checked against the term's type."""
    span = _where(SET_FLAG, request.index, request.value_column, len(request.value))
    value = _literal(request.value, term.type.kind, span, sink)
    if value is None:
        return None
    before = len(sink.items)
    from peacecheck.dsl.validate import check_value

    check_value(value, term, sink)
    return value if len(sink.items) == before else None


def _literal(text: str, kind: str, span: Span, sink: DiagnosticSink) -> m.Value | None:
    """A literal as in a .peace file; a bare word is text for a text term (no shell quoting needed)."""
    if text.startswith("[") and text.endswith("]"):
        names = tuple(n.strip() for n in text[1:-1].split(",") if n.strip())
        return m.Value(kind="set", raw=names, span=span)
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return m.Value(kind="text", raw=text[1:-1], span=span)
    if kind == "text":
        return m.Value(kind="text", raw=text, span=span)
    if text in ("true", "false"):
        return m.Value(kind="bool", raw=text == "true", span=span)
    if _DATE.fullmatch(text):
        try:
            return m.Value(kind="date", raw=dt.date.fromisoformat(text), span=span)
        except ValueError:
            sink.error("PC117", f"'{text}' is not a date", span, "write YYYY-MM-DD, e.g. 2026-01-31")
            return None
    if _NUMBER.fullmatch(text):
        digits = text.replace("_", "")
        return m.Value(kind="number", raw=float(digits) if "." in digits else int(digits), span=span)
    if kind == "number" and re.fullmatch(r"-?\d{1,3}(,\d{3})+", text):
        sink.error("PC117", f"'{text}' is not a number", span, f"write {text.replace(',', '')} or {text.replace(',', '_')}")
        return None
    return m.Value(kind="name", raw=text, span=span)


# ------------------------------------------------------------------ applying
def apply_overrides(proposal: m.Proposal, vocabulary: m.Vocabulary, sets: list[SetRequest],
                    chooses: list[ChooseRequest]) -> WhatIf:
    """The proposal with every request applied in order; PeaceError lists every request that cannot be."""
    sink = DiagnosticSink()
    overrides: list[Override] = []
    for choose in chooses:
        proposal = _choose(proposal, choose, sink, overrides)
    for request in sets:
        proposal = _set(proposal, vocabulary, request, sink, overrides)
    sink.raise_if_any()
    return WhatIf(proposal, tuple(overrides))


def _clause(proposal: m.Proposal, clause_id: str, span: Span, sink: DiagnosticSink) -> m.Clause | None:
    clause = proposal.clause(clause_id)
    if clause is None:
        ids = [c.id for c in proposal.clauses]
        sink.error("PC121", f"no clause '{clause_id}' in '{proposal.file}'", span,
                   did_you_mean(clause_id, set(ids)) or "clauses: " + ", ".join(ids))
    return clause


def _choose(proposal: m.Proposal, request: ChooseRequest, sink: DiagnosticSink, out: list[Override]) -> m.Proposal:
    clause = _clause(proposal, request.clause, _where(CHOOSE_FLAG, request.index, 1, len(request.clause)), sink)
    if clause is None:
        return proposal
    where = _where(CHOOSE_FLAG, request.index, request.option_column, len(request.option))
    ids = [o.id for o in clause.options]
    if request.option not in ids:
        hint = did_you_mean(request.option, set(ids)) or ("options: " + ", ".join(ids) if ids else "")
        has = "has no options" if not ids else f"has no option '{request.option}'"
        sink.error("PC121", f"clause '{clause.id}' {has}", where, hint)
        return proposal
    chosen = clause.options[ids.index(request.option)]
    # The evaluator and solve read a clause's first option as the one drafted: put the chosen one first.
    options = (chosen, *(o for o in clause.options if o is not chosen))
    out.append(Override("choose", clause.id, option=chosen.id, old=ids[0], new=chosen.id))
    return _replace_clause(proposal, clause.model_copy(update={"options": options}))


def _set(proposal: m.Proposal, vocabulary: m.Vocabulary, request: SetRequest, sink: DiagnosticSink,
         out: list[Override]) -> m.Proposal:
    from peacecheck.dsl.validate import check_path

    term = check_path(request.path, vocabulary, _where(SET_FLAG, request.index, request.path_column,
                                                       len(request.path)), sink)
    targets: list[m.Clause]
    if request.clause is not None:
        clause = _clause(proposal, request.clause, _where(SET_FLAG, request.index, 1, len(request.clause)), sink)
        targets = [clause] if clause is not None else []
    else:
        targets = [c for c in proposal.clauses if _states(c, request.path)]
        if not targets and term is not None:
            sink.error("PC121", f"no clause of '{proposal.file}' states '{request.path}'",
                       _where(SET_FLAG, request.index, request.path_column, len(request.path)),
                       f"name the clause that should: --set CLAUSE:{request.path}={request.value}")
    value = parse_value(request, term, sink) if term is not None else None
    if value is None:
        return proposal
    for clause in targets:
        proposal = _replace_clause(proposal, _set_in_clause(clause, request.path, value, out))
    return proposal


def _states(clause: m.Clause, path: str) -> bool:
    return any(a.path == path for a in (*clause.terms, *(t for o in clause.options for t in o.terms)))


def _set_in_clause(clause: m.Clause, path: str, value: m.Value, out: list[Override]) -> m.Clause:
    """The clause with `path` set wherever it states it, or added to its own terms if it states it nowhere."""
    terms, changed = _set_in_terms(clause.terms, path, value)
    if changed is not None:
        out.append(Override("set", clause.id, path, "", changed, value.show()))
    options = []
    for option in clause.options:
        option_terms, option_changed = _set_in_terms(option.terms, path, value)
        if option_changed is not None:
            out.append(Override("set", clause.id, path, option.id, option_changed, value.show()))
            changed = changed if changed is not None else option_changed
        options.append(option.model_copy(update={"terms": option_terms}))
    if changed is None:
        # A term the clause never stated: it gains one, placed at the clause (its findings point there).
        terms = (*clause.terms, m.Assignment(path=path, value=value.model_copy(update={"span": clause.span}),
                                             span=clause.span))
        out.append(Override("set", clause.id, path, "", "", value.show()))
    return clause.model_copy(update={"terms": terms, "options": tuple(options)})


def _set_in_terms(terms: tuple[m.Assignment, ...], path: str, value: m.Value
                  ) -> tuple[tuple[m.Assignment, ...], str | None]:
    """Terms with `path`'s value replaced (keeping the statement's place in the file), and the old value shown."""
    old = None
    out = []
    for a in terms:
        if a.path == path:
            old = a.value.show()
            a = a.model_copy(update={"value": value.model_copy(update={"span": a.value.span})})
        out.append(a)
    return tuple(out), old


def _replace_clause(proposal: m.Proposal, clause: m.Clause) -> m.Proposal:
    clauses = tuple(clause if c.id == clause.id else c for c in proposal.clauses)
    return proposal.model_copy(update={"clauses": clauses})
