"""Red-line analysis: rules that can never fire, rules that always fire, a party's red lines
that contradict each other, and vocabulary terms nobody uses.

Pure: models in, LintWarnings (data) out. "Every possible proposal" is modelled exactly: a
proposal may state any term any number of times (the checker reads every binding), so for
each term there is one Boolean per value it can take, true when some clause states that
value, and any combination is a proposal, the empty one included. Numbers, dates and text
have infinitely many values, but a rule only compares them with the constants it names, so
one value per region between those constants is enough. A rule never fires when its
firing is unsatisfiable over this model (CP-SAT decides), and fires always when its not
firing is.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations, pairwise
from typing import Any

from peacecheck.checker.evaluation.evaluate import Binding
from peacecheck.checker.negotiation import (
    CompiledRule,
    ConditionCompiler,
    RuleRef,
    Solvable,
    Source,
    conflict_sets,
    negate,
    pattern_covers,
    rule_ref,
    shrink,
)
from peacecheck.dsl import models as m
from peacecheck.dsl.conditions import leaves, show
from peacecheck.dsl.diagnostics import Span
from peacecheck.dsl.validate import leaf_terms

MAX_SET_MEMBERS = 10  # set-typed terms with more members get a smaller, inexact family of values
CONFLICTS_PER_PARTY = 5


@dataclass(frozen=True)
class LintWarning:
    code: str
    message: str
    span: Span
    explanation: str
    rules: tuple[RuleRef, ...] = ()

    def sort_key(self) -> tuple:
        return (self.span.file, self.span.line, self.span.column, self.code, self.message)


@dataclass
class LintReport:
    warnings: list[LintWarning]
    vocabulary: str
    redline_files: tuple[str, ...]
    proposal_files: tuple[str, ...]


# ------------------------------------------------------------------ the space of all proposals
def constants_for(path: str, kind: str, conditions: list[m.Condition]) -> list[m.Value]:
    """The constants of one kind that any leaf reading `path` compares it with."""
    found: list[m.Value] = []
    for condition in conditions:
        for leaf in leaves(condition):
            if not pattern_covers(leaf.pattern, path):
                continue
            values = [leaf.value] if isinstance(leaf, m.Compare) else list(getattr(leaf, "values", ()))
            found += [v for v in values if v.kind == kind]
    return found


def representatives(term: m.TermDef, conditions: list[m.Condition]) -> list[m.Value]:
    """Values of a term that, between them, give every leaf every answer it can give."""
    t = term.type
    if t.kind in ("enum", "scale"):
        return [m.Value(kind="name", raw=v) for v in t.values]
    if t.kind == "bool":
        return [m.Value(kind="bool", raw=True), m.Value(kind="bool", raw=False)]
    if t.kind == "set":
        return [m.Value(kind="set", raw=s) for s in _subsets(t.values, constants_for(term.path, "set", conditions))]
    if t.kind == "number":
        points = _points(sorted({float(v.raw) for v in constants_for(term.path, "number", conditions)}))
        return [m.Value(kind="number", raw=p) for p in points]
    if t.kind == "date":
        return [m.Value(kind="date", raw=d) for d in _days(constants_for(term.path, "date", conditions))]
    texts = sorted({str(v.raw) for v in constants_for(term.path, "text", conditions)})
    return [m.Value(kind="text", raw=s) for s in texts + [_fresh(texts)]]


def _points(cuts: list[float]) -> list[float]:
    """One number in each region the cut points make: below, at, between and above them."""
    if not cuts:
        return [0.0]
    out = [cuts[0] - 1]
    for low, high in pairwise(cuts):
        out += [low, (low + high) / 2]
    return out + [cuts[-1], cuts[-1] + 1]


def _days(values: list[m.Value]) -> list[dt.date]:
    cuts = sorted({v.raw for v in values})  # type: ignore[type-var]
    if not cuts:
        return [dt.date(2000, 1, 1)]
    one = dt.timedelta(days=1)
    # No day exists before 0001-01-01 or after 9999-12-31: there the region beyond is empty.
    out = [cuts[0] - one] if cuts[0] > dt.date.min else []
    for low, high in pairwise(cuts):
        out.append(low)
        if (high - low).days > 1:
            out.append(low + one)
    return out + [cuts[-1]] + ([cuts[-1] + one] if cuts[-1] < dt.date.max else [])


def _fresh(texts: list[str]) -> str:
    candidate = "other"
    while candidate in texts:
        candidate += "_"
    return candidate


def _subsets(members: tuple[str, ...], constants: list[m.Value]) -> list[tuple[str, ...]]:
    if len(members) <= MAX_SET_MEMBERS:
        return [tuple(c) for size in range(len(members) + 1) for c in combinations(members, size)]
    family = {(), tuple(members)} | {(x,) for x in members} | {tuple(sorted(v.raw)) for v in constants}
    return sorted(family)


class ProposalSpace(Solvable):
    """Every possible proposal under a vocabulary, with every party's red lines compiled over it."""

    def __init__(self, vocabulary: m.Vocabulary, redlines: list[m.RedLines]):
        super().__init__(vocabulary.file)
        self.redlines = sorted(redlines, key=lambda r: r.party)
        conditions = [rule.condition for red in self.redlines for rule in red.rules if rule.condition]
        read = sorted({p for c in conditions for leaf in leaves(c) for p in vocabulary.terms
                       if pattern_covers(leaf.pattern, p)})
        sources = [Source(self.model.new_bool_var(f"{path} = {value.show()}"), (Binding(path, value, path, None, 0),))
                   for path in read for value in representatives(vocabulary.terms[path], conditions)]
        self.compiler = ConditionCompiler(self.model, vocabulary, [], sources)
        self.rules: dict[tuple[str, str], CompiledRule] = {}
        self.models: dict[tuple[str, str], m.Rule] = {}
        for red in self.redlines:
            for rule in red.rules:
                if rule.condition is not None:
                    self._add(red, rule)

    def _add(self, red: m.RedLines, rule: m.Rule) -> None:
        holds = self.compiler.compile(rule.condition)
        compiled = CompiledRule(rule_ref(red, rule), holds if rule.kind == "rule" else negate(holds), frozenset())
        if rule.severity == "hard":
            self.guard(compiled)
        self.rules[compiled.ref.key] = compiled
        self.models[compiled.ref.key] = rule

    def possible(self, lit: Any) -> bool:
        """Whether some proposal makes the literal true."""
        if isinstance(lit, bool):
            return lit
        return self.run(self.query([lambda md: md.add_bool_or([lit])])) is not None


# ------------------------------------------------------------------ the checks
def lint(vocabulary: m.Vocabulary, redlines: list[m.RedLines], proposals: list[m.Proposal]) -> list[LintWarning]:
    """Every warning about these red lines (and the vocabulary they and the proposals use), sorted."""
    space = ProposalSpace(vocabulary, redlines)
    warnings, constant = _never_or_always(space)
    for red in space.redlines:
        warnings += _party_conflicts(space, red, constant)
    warnings += unused_terms(vocabulary, redlines, proposals)
    return sorted(warnings, key=LintWarning.sort_key)


def _never_or_always(space: ProposalSpace) -> tuple[list[LintWarning], set[tuple[str, str]]]:
    warnings, constant = [], set()
    for key, compiled in space.rules.items():
        rule = space.models[key]
        if not space.possible(compiled.crossed):
            warnings.append(_never(compiled.ref, rule))
            constant.add(key)
        elif not space.possible(negate(compiled.crossed)):
            warnings.append(_always(compiled.ref, rule))
            constant.add(key)
    return warnings, constant


def _never(ref: RuleRef, rule: m.Rule) -> LintWarning:
    shown = show(rule.condition)
    if rule.kind == "rule":
        explanation = (f"`when {shown}` is false on every possible proposal, so this red line never objects to "
                       "anything. Check the comparison's direction, the order of the scale, and whether the values "
                       "can occur together.")
        message = f"{ref.party_name} {ref.rule} can never fire: no proposal makes its condition true"
    else:
        explanation = (f"`that {shown}` holds on every possible proposal, even one that says nothing, so this "
                       "requirement never objects to anything.")
        message = f"{ref.party_name} {ref.rule} can never fire: every proposal meets it"
    return LintWarning("PC700", message, _span(ref), explanation, (ref,))


def _always(ref: RuleRef, rule: m.Rule) -> LintWarning:
    shown = show(rule.condition)
    if rule.kind == "rule":
        explanation = (f"`when {shown}` is true on every possible proposal, even an empty one (`absent` holds "
                       "when nothing is said), so the party objects to everything.")
        message = f"{ref.party_name} {ref.rule} fires on every possible proposal"
    else:
        explanation = (f"No proposal can make `that {shown}` true: the values it needs do not exist or cannot "
                       "hold together, so the party objects to everything.")
        message = f"{ref.party_name} {ref.rule} fires on every possible proposal: no proposal can meet it"
    return LintWarning("PC701", message, _span(ref), explanation, (ref,))


def _party_conflicts(space: ProposalSpace, red: m.RedLines, constant: set[tuple[str, str]]) -> list[LintWarning]:
    mine = [c for key, c in space.rules.items() if key[0] == red.party and key not in constant]
    hard = [c for c in mine if c.guard is not None]
    sets = conflict_sets(space, hard, CONFLICTS_PER_PARTY) if hard else []
    if sets:
        return [_contradiction(s) for s in sets]
    warnings = []
    for soft in (c for c in mine if c.guard is None):
        extra = (_must_hold(negate(soft.crossed)),)
        feasible, core = space.feasible_with(hard, extra)
        if not feasible:
            warnings.append(_soft_blocked(soft, shrink(space, core, extra)))
    return warnings


def _must_hold(lit: Any) -> Callable:
    return lambda model: model.add_bool_or([lit])


def _contradiction(rules: list[CompiledRule]) -> LintWarning:
    refs = sorted((r.ref for r in rules), key=lambda r: (r.file, r.line, r.column, r.rule))
    names = _names(refs)
    message = f"{refs[0].party_name}'s hard red lines {names} contradict each other: no proposal meets them all"
    explanation = ("Whatever a proposal says, at least one of these is crossed, so the party rejects every "
                   "possible proposal. Usually a requirement demands what a rule forbids, or two rules leave "
                   "no value between them: " + "; ".join(f"{r.rule} at line {r.line}" for r in refs) + ".")
    return LintWarning("PC702", message, _span(refs[0]), explanation, tuple(refs))


def _soft_blocked(soft: CompiledRule, hard: list[CompiledRule]) -> LintWarning:
    refs = sorted((r.ref for r in hard), key=lambda r: (r.file, r.line, r.column, r.rule))
    ref = soft.ref
    message = (f"{ref.party_name} {ref.rule} (soft) is crossed by every proposal that meets "
               f"{ref.party_name}'s hard red lines {_names(refs)}")
    explanation = ("Any proposal this party can accept carries this concern, so it never tells acceptable "
                   "proposals apart. Either the soft red line restates a hard one the other way round, or "
                   "one of them is written too broadly.")
    return LintWarning("PC703", message, _span(ref), explanation, (ref, *refs))


def _names(refs: list[RuleRef]) -> str:
    ids = [r.rule for r in refs]
    return ids[0] if len(ids) == 1 else ", ".join(ids[:-1]) + " and " + ids[-1]


def _span(ref: RuleRef) -> Span:
    return Span(ref.file, ref.line, ref.column)


def unused_terms(vocabulary: m.Vocabulary, redlines: list[m.RedLines],
                 proposals: list[m.Proposal]) -> list[LintWarning]:
    """Vocabulary terms that no rule reads and no proposal states."""
    used = {term.path for red in redlines for rule in red.rules if rule.condition
            for leaf in leaves(rule.condition) for term in leaf_terms(leaf, vocabulary)}
    used |= {a.path for p in proposals for c in p.clauses
             for a in (*c.terms, *(t for o in c.options for t in o.terms))}
    explanation = (f"No red line reads this term and none of the {len(proposals)} proposal(s) looked at states it. "
                   "Remove it, or write the rule or the clause that was meant to use it.")
    return [LintWarning("PC704", f"term '{path}' is used by no rule and no proposal",
                        term.span if term.span.line else Span(vocabulary.file, 1, 1), explanation)
            for path, term in vocabulary.terms.items() if path not in used]
