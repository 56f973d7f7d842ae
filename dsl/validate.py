"""Validation of parsed files against a vocabulary. Pure: models in, diagnostics out."""
from __future__ import annotations

from . import models as m
from .diagnostics import DiagnosticSink, did_you_mean

_ORDER_OPS = {"<", "<=", ">", ">="}
# Unknown terms from this many on, when they are most of a file's terms, mean the wrong vocabulary file.
WRONG_VOCABULARY_MIN = 3


# ------------------------------------------------------------------ values
def check_value(value: m.Value, term: m.TermDef, sink: DiagnosticSink) -> None:
    """Report PC101/PC102 when `value` does not fit `term`'s type."""
    t = term.type
    expected_kind = {"number": "number", "date": "date", "bool": "bool", "text": "text",
                     "enum": "name", "scale": "name", "set": "set"}[t.kind]
    if value.kind != expected_kind:
        hint = ""
        if t.kind == "set" and value.kind == "name":
            hint = f"write a set as [{value.raw}]"
        elif t.kind == "bool" and value.kind in ("name", "text"):
            hint = _bool_hint(str(value.raw))
        elif t.kind in ("enum", "scale", "set"):
            hint = "one of: " + ", ".join(t.values)
        sink.error("PC102", f"'{term.path}' takes {_a(t)}, not {_a_kind(value.kind)} ({value.show()})", value.span, hint)
        return
    if t.kind in ("enum", "scale"):
        _check_member(str(value.raw), term, value, sink)
    elif t.kind == "set":
        for name in value.raw:  # type: ignore[union-attr]
            _check_member(name, term, value, sink)


# Words that people write for a boolean, in other languages and formats.
_TRUTHY = {"yes", "y", "on", "true", "t", "1"}
_FALSY = {"no", "n", "off", "false", "f", "0", "none", "null"}


def _bool_hint(word: str) -> str:
    lowered = word.lower()
    if lowered in _TRUTHY:
        return "did you mean 'true'?"
    if lowered in _FALSY:
        return "did you mean 'false'?"
    return "write true or false"


def _check_member(name: str, term: m.TermDef, value: m.Value, sink: DiagnosticSink) -> None:
    if name not in term.type.values:
        hint = did_you_mean(name, set(term.type.values)) or "one of: " + ", ".join(term.type.values)
        sink.error("PC101", f"'{name}' is not a value of '{term.path}' ({term.type.describe()})", value.span, hint)


def _a(t: m.TermType) -> str:
    return {"number": "a number", "date": "a date", "bool": "true or false", "text": "a string",
            "enum": "one of its values", "scale": "a value of its scale", "set": "a set [..]"}[t.kind]


def _a_kind(kind: str) -> str:
    return {"number": "a number", "date": "a date", "bool": "a boolean", "text": "a string",
            "name": "a name", "set": "a set"}[kind]


def check_path(path: str, vocabulary: m.Vocabulary, span: m.Span, sink: DiagnosticSink) -> m.TermDef | None:
    term = vocabulary.terms.get(path)
    if term is None:
        sink.error("PC100", f"unknown term '{path}'", span, did_you_mean(path, set(vocabulary.terms)))
    return term


# ------------------------------------------------------------------ proposals
def validate_proposal(proposal: m.Proposal, vocabulary: m.Vocabulary, sink: DiagnosticSink) -> None:
    paths = [a.path for c in proposal.clauses for a in (*c.terms, *(t for o in c.options for t in o.terms))]
    if not _vocabulary_fits(paths, vocabulary, proposal.vocabulary_span, sink):
        vocabulary = vocabulary.model_copy(update={"terms": {}})  # one error says it all; check the rest without terms
    seen: dict[str, m.Span] = {}
    for clause in proposal.clauses:
        if clause.id in seen:
            sink.error("PC103", f"clause '{clause.id}' is defined twice (first at line {seen[clause.id].line})", clause.span)
        seen.setdefault(clause.id, clause.span)
        _check_terms(clause.terms, vocabulary, sink)
        option_ids: set[str] = set()
        for option in clause.options:
            if option.id in option_ids:
                sink.error("PC105", f"option '{option.id}' is declared twice in clause '{clause.id}'", option.span)
            option_ids.add(option.id)
            _check_terms(option.terms, vocabulary, sink)


def _vocabulary_fits(patterns: list[str], vocabulary: m.Vocabulary, where: m.Span, sink: DiagnosticSink) -> bool:
    """False, with one PC100 at the file's `vocabulary` path, when most of the terms a file uses are not in its
    vocabulary: then the path names the wrong vocabulary, and an error per term would bury that cause."""
    distinct = list(dict.fromkeys(patterns))
    unknown = [p for p in distinct if not vocabulary.matching(p)]
    if where == m.NO_SPAN or len(unknown) < WRONG_VOCABULARY_MIN or 2 * len(unknown) <= len(distinct):
        return True
    shown = ", ".join(f"'{p}'" for p in unknown[:3]) + (", ..." if len(unknown) > 3 else "")
    sink.error("PC100", f"{len(unknown)} of the {len(distinct)} terms used here are not in vocabulary "
               f"'{vocabulary.file}' ({shown})", where, "is this the right vocabulary file?")
    return False


def _check_terms(terms: tuple[m.Assignment, ...], vocabulary: m.Vocabulary, sink: DiagnosticSink) -> None:
    assigned: set[str] = set()
    for assignment in terms:
        if assignment.path in assigned:
            sink.error("PC105", f"'{assignment.path}' is assigned twice in one clause", assignment.span)
        assigned.add(assignment.path)
        if not vocabulary.terms:
            continue  # no vocabulary to check against (the wrong one was named: reported once)
        term = check_path(assignment.path, vocabulary, assignment.span, sink)
        if term is not None:
            check_value(assignment.value, term, sink)


def validate_acknowledgements(proposal: m.Proposal, redlines: list[m.RedLines], sink: DiagnosticSink) -> None:
    parties = {r.party: r for r in redlines}
    for clause in proposal.clauses:
        for ack in clause.acknowledgements:
            party = parties.get(ack.party)
            if party is None and ack.party in proposal.parties:
                continue  # a party at the table whose red lines this run does not load
            if party is None:
                sink.error("PC107", f"unknown party '{ack.party}'", _or(ack.party_span, ack.span),
                           did_you_mean(ack.party, set(parties)))
            elif party.rule(ack.rule) is None and not party.lost(("rule", "require"), ack.rule):
                sink.error("PC115", f"party '{ack.party}' has no rule '{ack.rule}'", _or(ack.rule_span, ack.span),
                           did_you_mean(ack.rule, {r.id for r in party.rules}))


def _or(span: m.Span, fallback: m.Span) -> m.Span:
    return fallback if span == m.NO_SPAN else span


# ------------------------------------------------------------------ red lines
def validate_redlines(redlines: m.RedLines, vocabulary: m.Vocabulary, sink: DiagnosticSink) -> None:
    from .conditions import patterns

    used = [p for rule in redlines.rules if rule.condition is not None for p in patterns(rule.condition)]
    fits = _vocabulary_fits(used, vocabulary, redlines.vocabulary_span, sink)
    seen: dict[str, m.Span] = {}
    for rule in redlines.rules:
        if rule.id in seen:
            sink.error("PC104", f"rule '{rule.id}' is defined twice (first at line {seen[rule.id].line})", rule.span)
        seen.setdefault(rule.id, rule.span)
        for citation in rule.citations:
            if citation.source not in redlines.sources and not redlines.lost(("source",), citation.source):
                sink.error("PC108", f"unknown source '{citation.source}'", citation.span,
                           did_you_mean(citation.source, set(redlines.sources)))
        if rule.condition is not None and fits:
            check_condition(rule.condition, vocabulary, sink)


def check_condition(condition: m.Condition, vocabulary: m.Vocabulary, sink: DiagnosticSink) -> None:
    stack: list[m.Condition] = [condition]
    while stack:
        node = stack.pop()
        if isinstance(node, (m.AllOf, m.AnyOf)):
            stack.extend(node.items)
        elif isinstance(node, m.Not):
            stack.append(node.inner)
        else:
            leaf_terms(node, vocabulary, sink)


def leaf_terms(leaf: m.Condition, vocabulary: m.Vocabulary, sink: DiagnosticSink | None = None) -> list[m.TermDef]:
    """The declared terms a condition leaf tests.

    A wildcard covers the terms of its family that the test fits: `territory.* >=
    recognized_de_facto` reads the scale-typed terms under `territory.` and
    ignores, say, a bool there. It is an error only if no term fits.
    """
    sink = sink if sink is not None else DiagnosticSink()
    terms = _pattern_terms(leaf.pattern, vocabulary, leaf.span, sink)
    if not leaf.pattern.endswith(".*"):
        for term in terms:
            _check_leaf(leaf, term, sink)
        return terms
    fitting, first_errors = [], None
    for term in terms:
        trial = DiagnosticSink()
        _check_leaf(leaf, term, trial)
        if trial.items:
            first_errors = first_errors or trial.items
        else:
            fitting.append(term)
    if terms and not fitting and first_errors:
        sink.items.extend(first_errors)
    return fitting


def _pattern_terms(pattern: str, vocabulary: m.Vocabulary, span: m.Span, sink: DiagnosticSink) -> list[m.TermDef]:
    if not pattern.endswith(".*"):
        term = check_path(pattern, vocabulary, span, sink)
        return [term] if term else []
    matched = vocabulary.matching(pattern)
    if not matched:
        prefixes = {p.rsplit(".", 1)[0] + ".*" for p in vocabulary.terms if "." in p}
        sink.error("PC114", f"no term matches '{pattern}'", span, did_you_mean(pattern, prefixes))
    return [vocabulary.terms[p] for p in matched]


def _check_leaf(node: m.Condition, term: m.TermDef, sink: DiagnosticSink) -> None:
    if isinstance(node, m.Compare):
        if node.op in _ORDER_OPS and not term.type.ordered:
            sink.error("PC110", f"'{node.op}' needs an ordered term, but '{term.path}' is {term.type.describe()}",
                       node.span, "use == or != (or `in [...]`)" if term.type.kind != "set" else "use `has`")
            return
        check_value(node.value, term, sink)
    elif isinstance(node, m.OneOf):
        for value in node.values:
            check_value(value, term, sink)
    elif isinstance(node, m.Has):
        if term.type.kind != "set":
            sink.error("PC110", f"`has` needs a set term, but '{term.path}' is {term.type.describe()}", node.span,
                       "use == or `in [...]`")
            return
        for name in node.names:
            _check_member(name, term, m.Value(kind="name", raw=name, span=node.span), sink)
