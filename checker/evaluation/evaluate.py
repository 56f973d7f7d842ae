"""Evaluation: a proposal and the parties' red lines in, a CheckResult out.

A rule's condition is evaluated over the terms of the whole proposal, so a rule can link clauses
("give up NATO only with an Article-5-like guarantee"). Conditions are compiled once per red-line
file into closures over their leaves; a check computes each leaf's truth from the bindings, and
only for a crossed rule does it gather the evidence: the values that decided it.

Where a crossing is attributed (the verdict rule, README "Verdicts"):
  1. to every clause that states a value deciding it (a value that crosses a `rule`, or one that
     falls short of a `require`);
  2. for a `require`, or a `rule` that no clause's value decides: for every deciding term the
     reading leaves out, to every clause that states a term of the same family (the path up to its
     last dot: `ukraine.army.*` for `ukraine.army.personnel_cap`);
  3. to every clause with options whose choice decides it (another option would not cross it);
  4. only when no clause qualifies, to the proposal as a whole (a proposal-level finding).
One finding per attributed clause, so a crossing counts once per clause and once per reading. A
clause is `accept` for a party only when it states a term the party reads and none of the party's
findings is attributed to it.

Each finding carries the evidence of its own clause for every deciding term its clause states,
and the (shared, not copied) evidence of the other clauses only for terms its clause does not
state: a wildcard rule over 10,000 clauses gives 10,000 findings of one value each.

Options: each option of a clause is a reading in which only that clause's bindings change. A leaf's
truth in such a reading follows from counts (how many bindings match, per clause) kept for the
draft as written, so a reading costs what its own clause states, not what the whole draft states.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import operator
from collections import OrderedDict
from collections.abc import Callable
from functools import lru_cache
from typing import Any, NamedTuple

from peacecheck.checker.evaluation.results import (
    AcknowledgementIssue,
    CheckResult,
    CitationInfo,
    ClauseResult,
    Evidence,
    Finding,
    PartyInfo,
    SetAside,
    Verdict,
    finding_with,
    new_check_result,
    new_clause_result,
    new_evidence,
    new_finding,
    new_option_result,
)
from peacecheck.dsl import models as m
from peacecheck.dsl.conditions import show, test_part


class Binding(NamedTuple):
    """A term's value as one clause (or one option of it) states it (a tuple: built for every term of every check)."""

    path: str
    value: m.Value
    clause: str
    option: str | None
    line: int


# ------------------------------------------------------------------ compiled conditions
def family(pattern: str) -> str:
    """`ukraine.army` for `ukraine.army.personnel_cap` and `ukraine.army.*`; a one-word path is its own family."""
    path = pattern[:-2] if pattern.endswith(".*") else pattern
    if pattern.endswith(".*"):
        return path
    return path.rsplit(".", 1)[0] if "." in path else path


def in_family(path: str, fam: str) -> bool:
    return path == fam or path.startswith(fam + ".")


_OPS = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


class Leaf:
    """One test of a condition (`territory.* >= recognized_de_facto`), compiled against the vocabulary."""

    __slots__ = ("pattern", "paths", "presence", "tests", "test_text", "family", "absent", "value_of", "single",
                 "shown", "members")

    def __init__(self, leaf: m.Condition, vocabulary: m.Vocabulary):
        self.pattern = leaf.pattern
        self.paths: tuple[str, ...] = _read_paths(leaf, vocabulary)
        self.single = self.paths[0] if len(self.paths) == 1 else None  # the one term it reads (most leaves)
        self.presence = leaf.kind if isinstance(leaf, m.Presence) else None
        self.test_text = test_part(leaf)
        self.shown = self.presence or self.test_text  # the test its evidence of a stated value shows
        self.family = family(leaf.pattern)
        # Per path a test of a value, typed once here, not at every evaluation.
        self.tests: dict[str, Callable[[m.Value], bool]] = {
            path: _value_test(leaf, vocabulary.terms[path].type) for path in self.paths}
        # Per path, when its test is exactly `value.raw in members`: the members (the generated code tests inline).
        self.members: dict[str, tuple[str, ...] | None] = {
            path: _raw_members(leaf, vocabulary.terms[path].type) for path in self.paths}
        self.absent = (Evidence(self.pattern, "", "absent" if self.presence else self.test_text),)
        self.value_of = _value_function(self.paths, self.presence, self.tests)

    def bindings(self, by_path: dict[str, list[Binding]]) -> list[Binding]:
        if len(self.paths) == 1:
            return by_path.get(self.paths[0], [])
        return [b for path in self.paths for b in by_path.get(path, ())]

    def matches(self, binding: Binding) -> bool:
        test = self.tests.get(binding.path)
        return test is not None and test(binding.value)

    def truth(self, bound: int, matched: int) -> bool:
        if self.presence is not None:
            return (bound > 0) == (self.presence == "present")
        return matched > 0

    def evidence(self, bindings: list[Binding], value: bool) -> tuple[Evidence, ...]:
        """The values that decided this leaf: the matching ones when it holds, else all (or its absence)."""
        if not bindings:
            return self.absent
        if self.presence is not None:
            return tuple(_evidence(b, self.presence) for b in bindings)
        chosen = [b for b in bindings if self.matches(b)] if value else bindings
        return tuple(_evidence(b, self.test_text) for b in (chosen or bindings))


def _read_paths(leaf: m.Condition, vocabulary: m.Vocabulary) -> tuple[str, ...]:
    """The terms a leaf reads: its path, or for `family.*` the family's terms that the test fits (README:
    `territory.* >= recognized_de_facto` reads the scale terms under `territory.` and ignores a bool or a
    text there), exactly the terms validation accepted for it."""
    if not leaf.pattern.endswith(".*") or isinstance(leaf, m.Presence):
        return tuple(vocabulary.matching(leaf.pattern))
    from peacecheck.dsl.validate import leaf_terms

    fitting = {term.path for term in leaf_terms(leaf, vocabulary)}
    return tuple(path for path in vocabulary.matching(leaf.pattern) if path in fitting)


def _value_function(paths: tuple[str, ...], presence: str | None,
                    tests: dict[str, Callable[[m.Value], bool]]) -> Callable[[dict[str, list[Binding]]], bool]:
    """The leaf's truth on a reading's bindings by path, specialised once (most leaves read one path)."""
    if presence is not None:
        want = presence == "present"
        if len(paths) == 1:
            only = paths[0]
            return lambda by_path: (only in by_path) is want
        return lambda by_path: any(p in by_path for p in paths) is want
    pairs = tuple((path, tests[path]) for path in paths)
    if len(pairs) == 1:
        (only, test), = pairs

        def one(by_path: dict[str, list[Binding]]) -> bool:
            found = by_path.get(only)
            if found is not None:
                for binding in found:
                    if test(binding.value):
                        return True
            return False
        return one

    def many(by_path: dict[str, list[Binding]]) -> bool:
        for path, test in pairs:
            found = by_path.get(path)
            if found is not None:
                for binding in found:
                    if test(binding.value):
                        return True
        return False
    return many


def _value_test(leaf: m.Condition, term_type: m.TermType) -> Callable[[m.Value], bool]:
    if isinstance(leaf, m.Presence):
        return lambda value: True
    key = _key_function(term_type)
    if isinstance(leaf, m.Compare):
        right, op = key(leaf.value), _OPS[leaf.op]
        if right is None:
            return lambda value: False
        if term_type.kind == "scale":  # compare_test with the scale's key written in (ranks are ints: comparable)
            rank = {name: i for i, name in enumerate(term_type.values)}

            def scale_test(value: m.Value) -> bool:
                raw = value.raw
                left = rank.get(raw) if isinstance(raw, str) else None
                return left is not None and op(left, right)
            return scale_test

        def compare_test(value: m.Value) -> bool:
            left = key(value)
            if left is None:
                return False
            try:
                return op(left, right)
            except TypeError:  # values of different kinds are not comparable
                return False
        return compare_test
    if isinstance(leaf, m.OneOf):
        wanted = [k for k in (key(v) for v in leaf.values) if k is not None]
        return lambda value: (k := key(value)) is not None and k in wanted
    if isinstance(leaf, m.Has):
        names, want_all = frozenset(leaf.names), leaf.mode == "all"

        def has_test(value: m.Value) -> bool:
            members = frozenset(value.raw) if value.kind == "set" else frozenset()
            return names <= members if want_all else bool(names & members)
        return has_test
    return lambda value: False


def _raw_members(leaf: m.Condition, term_type: m.TermType) -> tuple[str, ...] | None:
    """The names a value's raw must be one of to pass _value_test(leaf, term_type), when that is all the test
    asks: a scale's comparison or `in [...]` (the names of the ranks that pass), an enum's `==` or `in [...]`.
    (A raw of another kind equals no name, as the test's key of it fits none.) Else None."""
    if term_type.kind not in ("scale", "enum") or not isinstance(leaf, (m.Compare, m.OneOf)):
        return None
    key = _key_function(term_type)
    if isinstance(leaf, m.OneOf):
        wanted = [k for k in (key(v) for v in leaf.values) if k is not None]
        if term_type.kind == "scale":
            return tuple(name for rank, name in enumerate(term_type.values) if rank in wanted)
        return tuple(wanted) if all(isinstance(k, str) for k in wanted) else None
    right = key(leaf.value)
    if right is None:
        return None
    if term_type.kind == "scale":
        op = _OPS[leaf.op]
        return tuple(name for rank, name in enumerate(term_type.values) if op(rank, right))
    return (right,) if leaf.op == "==" and isinstance(right, str) else None


def _key_function(term_type: m.TermType) -> Callable[[m.Value], Any]:
    """The comparable form of a value of one term: a scale's rank, a set's members, a number without bools."""
    if term_type.kind == "scale":
        rank = {name: i for i, name in enumerate(term_type.values)}
        return lambda value: rank.get(value.raw) if isinstance(value.raw, str) else None
    return _key_of


def _key_of(value: m.Value) -> Any:
    if value.kind == "set":
        return frozenset(value.raw)  # type: ignore[arg-type]
    if value.kind == "number" and isinstance(value.raw, bool):
        return None
    return value.raw


def compare(left: m.Value, op: str, right: m.Value, term_type: m.TermType) -> bool:
    """`left op right` for values of one term; False when the values are not comparable."""
    key = _key_function(term_type)
    a, b = key(left), key(right)
    if a is None or b is None:
        return False
    try:
        return bool(_OPS[op](a, b))
    except TypeError:
        return False


Values = list[bool]


def _structure(condition: m.Condition, vocabulary: m.Vocabulary, leaves: list[Leaf]
               ) -> tuple[Callable[[Values], bool], Callable[[Values], list[int]]]:
    """(truth, deciding): the condition's value from its leaves' values, and which leaves decided it.

    Deciding: for a true `and` every part, for a false one the false parts; dually for `or`.
    """
    if isinstance(condition, m.Not):
        inner, deciding = _structure(condition.inner, vocabulary, leaves)
        return (lambda v: not inner(v)), deciding
    if isinstance(condition, (m.AllOf, m.AnyOf)):
        parts = [_structure(item, vocabulary, leaves) for item in condition.items]
        truths = [t for t, _ in parts]
        want_all = isinstance(condition, m.AllOf)
        truth = (lambda v: all(t(v) for t in truths)) if want_all else (lambda v: any(t(v) for t in truths))

        def decided(v: Values) -> list[int]:
            value = truth(v)
            chosen = parts if value == want_all else [p for p in parts if p[0](v) == value]
            return [i for _, d in chosen for i in d(v)]
        return truth, decided
    index = len(leaves)
    leaves.append(Leaf(condition, vocabulary))
    return (lambda v: v[index]), (lambda v: [index])


_UNSEEN = object()
PLAN_LIMIT = 4096


def _vector_function(fns: tuple[Callable[[dict], bool], ...]) -> Callable[[dict], tuple[bool, ...]]:
    """The tuple of a rule's leaf values on a reading; written out for the common small rules."""
    if len(fns) == 1:
        (f0,) = fns
        return lambda by_path: (f0(by_path),)
    if len(fns) == 2:
        f0, f1 = fns
        return lambda by_path: (f0(by_path), f1(by_path))
    if len(fns) == 3:
        f0, f1, f2 = fns
        return lambda by_path: (f0(by_path), f1(by_path), f2(by_path))
    return lambda by_path: tuple([f(by_path) for f in fns])


class CompiledRule:
    """A rule ready to evaluate: its leaves, its truth over their values, and what it needs to report."""

    __slots__ = ("rule", "redlines", "leaves", "truth", "deciding", "families", "condition_text", "citations",
                 "value_fns", "is_rule", "fields", "plans", "vector", "missing", "reach")

    def __init__(self, redlines: m.RedLines, rule: m.Rule, vocabulary: m.Vocabulary):
        self.rule, self.redlines = rule, redlines
        self.leaves: list[Leaf] = []
        self.truth, self.deciding = _structure(rule.condition, vocabulary, self.leaves)  # type: ignore[arg-type]
        self.families = frozenset(leaf.family for leaf in self.leaves)
        self.condition_text = show(rule.condition) if rule.condition else ""
        self.citations = tuple(_citation(redlines, c) for c in rule.citations)
        self.value_fns = tuple(leaf.value_of for leaf in self.leaves)
        self.vector = _vector_function(self.value_fns)
        self.is_rule = rule.kind == "rule"
        # Every field of its findings but their placement (clause, evidence, related, option, span).
        self.fields = {"party": redlines.party, "rule": rule.id, "rule_title": rule.title, "severity": rule.severity,
                       "kind": rule.kind, "explanation": rule.because, "condition": self.condition_text,
                       "citations": self.citations, "weight": rule.weight, "rule_file": redlines.file,
                       "rule_line": rule.span.line, "acknowledged": ""}

        # Per vector of leaf values: None when the rule is not crossed, else its deciding leaves. Rules have
        # few leaves, so the vectors seen are few; past PLAN_LIMIT they are computed, not kept.
        self.plans: dict[tuple[bool, ...], tuple[int, ...] | None] = {}
        # Per deciding leaves all absent and addressed by no clause: the one proposal-level finding, which
        # depends on nothing else (no clause, no span, no value), so it is built once and shared.
        self.missing: dict[tuple[int, ...], Finding] = {}
        # Per deciding leaves, their _Shape (the paths they read, their families, ...): a reading that states
        # none of the paths and no term of the families gets the proposal-level finding above, by two set tests.
        self.reach: dict[tuple[int, ...], _Shape] = {}

    def crossed(self, values: Values) -> bool:
        return self.truth(values) if self.is_rule else not self.truth(values)

    def plan(self, values: tuple[bool, ...]) -> tuple[int, ...] | None:
        """None if the rule is not crossed with these leaf values, else the leaves that decide it (each once)."""
        plan = self.plans.get(values, _UNSEEN)
        if plan is _UNSEEN:
            plan = tuple(dict.fromkeys(self.deciding(values))) if self.crossed(values) else None
            if len(self.plans) < PLAN_LIMIT:
                self.plans[values] = plan
        return plan  # type: ignore[return-value]

    def values(self, by_path: dict[str, list[Binding]]) -> Values:
        return list(self.vector(by_path))


# What is worked out from a party's red lines once (compiled rules, the generated function, the paths read,
# the party's facts), kept for the next check with the same red-line object: models are immutable, so it
# stays true. Keyed by identity and holding the object, so a recycled id is never mistaken for another;
# bounded, so a long editor session that re-parses red lines does not grow it without end.
_MEMO: OrderedDict[tuple[str, int], tuple[Any, Any]] = OrderedDict()
_MEMO_SIZE = 256


def _remembered(kind: str, owner: Any) -> Any:
    entry = _MEMO.get((kind, id(owner)))
    return entry[1] if entry is not None and entry[0] is owner else None


def _remember(kind: str, owner: Any, value: Any) -> None:
    _MEMO[(kind, id(owner))] = (owner, value)
    _MEMO.move_to_end((kind, id(owner)))
    while len(_MEMO) > _MEMO_SIZE:
        _MEMO.popitem(last=False)


def compile_redlines(redlines: m.RedLines, vocabulary: m.Vocabulary) -> list[CompiledRule]:
    """The red lines' rules with conditions, compiled; kept on the red lines for the next check."""
    memo = _remembered("_compiled", redlines)
    if memo is not None and memo[0] is vocabulary:
        return memo[1]
    compiled = [CompiledRule(redlines, rule, vocabulary) for rule in redlines.rules if rule.condition is not None]
    _remember("_compiled", redlines, (vocabulary, compiled))  # a pure function of the two: safe to keep
    return compiled


def rule_vectors(redlines: m.RedLines, compiled: list[CompiledRule]) -> Callable[[dict], tuple]:
    """One function giving every compiled rule's leaf values on a reading (kept with its compiled rules).

    The leaves are written out as one Python expression each (a term's presence is `path in
    by_path`; a test calls the leaf's compiled value test only for terms the reading states), so a
    party's red lines cost one call per reading instead of one per leaf. Generated from the compiled
    leaves themselves: the paths are string literals (repr), the tests are passed in by name.
    """
    memo = _remembered("_vectors", redlines)
    if memo is not None and memo[0] is compiled:
        return memo[1]
    scope: dict[str, Any] = {"_hit": _hit}
    rows = []
    for rule in compiled:
        cells = [_leaf_expression(leaf, scope) for leaf in rule.leaves]
        rows.append("(" + "".join(cell + ", " for cell in cells) + ")")
    source = "def vectors(by_path):\n    return (" + "".join(row + ",\n        " for row in rows) + ")\n"
    exec(compile(source, f"<red lines of {redlines.party}>", "exec"), scope)  # noqa: S102 - our own leaves
    function = scope["vectors"]
    _remember("_vectors", redlines, (compiled, function))
    return function


def _generated(party: str, rules: list[CompiledRule], which: str) -> Callable:
    """One function over a reading's bindings by path, generated from `rules` (in the findings' order):

    - "crossed", crossed(by_path): each crossed rule as (rule, leaf values, deciding leaves), or as (rule,
      values, deciding, proposal-level finding, deciding families, the same in order) when the reading
      states none of its terms;
    - "findings", findings(by_path, families, env, spans): the findings of the draft as written when no
      option decides a crossing (`families`: env.family_index()), in order.

    rule_vectors' expressions and each rule's plan written out in one body, so the rules not crossed (most
    of them) cost their leaves and a tuple index, not a loop step each; and in `findings` a rule none of
    whose terms is stated costs a test or two (its findings are worked out here, once). Each is generated
    when first needed (a check with options needs `crossed`, one without `findings`): compiling costs."""
    scope: dict[str, Any] = {"_hit": _hit, "_draft": _draft_findings, "_family": _family_findings,
                             "_one": _one_finding, "_finding": new_finding}
    findings = which == "findings"
    lines = ["def findings(by_path, index, env, spans):" if findings else "def crossed(by_path):", "    out = []"]
    for k, rule in enumerate(rules):
        scope[f"R{k}"] = rule
        exprs = [_leaf_expression(leaf, scope) for leaf in rule.leaves]
        cells = "(" + "".join(expr + ", " for expr in exprs) + ")"
        # A reading that states none of the rule's terms always gives the same values (_leaf_expression's
        # on no bindings: only `absent` holds), so the same crossing: worked out here.
        paths = list(dict.fromkeys(path for leaf in rule.leaves for path in leaf.paths))
        unstated = tuple([leaf.presence == "absent" for leaf in rule.leaves])
        plan = rule.plan(unstated)
        none_stated = _none_stated(paths, k, scope)
        if not findings:
            if plan is not None:
                missing = _missing(rule, plan)
                families = tuple(dict.fromkeys(rule.leaves[i].family for i in plan))
                scope[f"E{k}"] = (rule, unstated, plan, missing, frozenset(families), families)
            crossing = _crossing_lines(rule, exprs, cells, k, scope, False)
            lines += [f"    if {none_stated}:", f"        out.append(E{k})" if plan is not None else "        pass",
                      "    else:", *("        " + line for line in crossing)]
            continue
        unstated_findings = ["pass"]
        if plan is not None:
            # Crossed then, every deciding term is absent: the clauses stating a term of their families
            # address it, else it is the one proposal-level finding (_crossing_findings' first cases).
            missing = _missing(rule, plan)
            families = tuple(dict.fromkeys(rule.leaves[i].family for i in plan))
            scope[f"M{k}"], scope[f"A{k}"], scope[f"G{k}"] = missing, missing.evidence, families
            scope[f"H{k}"] = rule.fields
            if len(families) == 1:  # (the commonest: _family_findings written out, one finding per clause)
                unstated_findings = [f"cs = index.get({families[0]!r})", "if cs is None:", f"    out.append(M{k})",
                                     "else:", "    for c in cs:",
                                     f"        out.append(_finding(H{k}, c, A{k}, (), None, spans.get(c)))"]
            else:
                unstated_findings = ["if " + " or ".join(f"{fam!r} in index" for fam in families) + ":",
                                     f"    out += _family(H{k}, A{k}, G{k}, index, spans)",
                                     "else:", f"    out.append(M{k})"]
        leaf = rule.leaves[0]
        if len(rule.leaves) == 1 and leaf.single is not None and leaf.presence is None:
            lines += ["    " + line for line in _one_term_lines(rule, unstated_findings, k, scope)]
            continue
        lines += [f"    if {none_stated}:", *("        " + line for line in unstated_findings), "    else:",
                  *("        " + line for line in _crossing_lines(rule, exprs, cells, k, scope, True))]
    source = "\n".join([*lines, "    return out"]) + "\n"
    exec(compile(source, f"<{which} of {party}>", "exec"), scope)  # noqa: S102
    return scope[which]


def _generated_function(prepared: _Prepared, which: str) -> Callable:
    """The party's generated function `which` (_generated), built on first use and kept with its rules."""
    function = prepared.functions.get(which)
    if function is None:
        function = prepared.functions[which] = _generated(prepared.party, prepared.ordered, which)
    return function


def _one_term_lines(rule: CompiledRule, unstated: list[str], k: int, scope: dict[str, Any]) -> list[str]:
    """`findings`' lines for rule k, a test of one term (most rules): the term looked up once, and its one
    value's finding built here (_draft_findings' commonest case) when one clause states it."""
    leaf = rule.leaves[0]
    when_true, when_false = rule.plan((True,)), rule.plan((False,))
    lines = [f"f = by_path.get({leaf.single!r})", "if f is None:", *("    " + line for line in unstated)]
    if when_true is None and when_false is None:
        return lines
    scope[f"U{k}"], scope[f"H{k}"], scope[f"W{k}"] = leaf.tests[leaf.single], rule.fields, leaf.shown
    one = _one_value_test(leaf, leaf.single, "f[0].value", f"U{k}", scope)
    if when_true is not None and when_false is not None:  # (not for a test: a rule crosses on one of its values)
        scope[f"V{k}"] = {True: ((True,), when_true), False: ((False,), when_false)}
        return [*lines, "elif len(f) == 1:", f"    out.append(_one(H{k}, f[0], W{k}, spans))", "else:",
                f"    v = V{k}[_hit(U{k}, f)]", f"    out += _draft(R{k}, env, v[0], v[1], spans)"]
    crosses_when = when_false is None
    scope[f"V{k}"], scope[f"D{k}"] = (crosses_when,), when_true if crosses_when else when_false
    test = "" if crosses_when else "not "
    return [*lines, "elif len(f) == 1:", f"    if {test}{one}:",
            f"        out.append(_one(H{k}, f[0], W{k}, spans))",
            f"elif {test}_hit(U{k}, f):", f"    out += _draft(R{k}, env, V{k}, D{k}, spans)"]


# Rules of at most this many leaves have every plan worked out when compiled (2**n vectors): a crossing is
# then one index into a table of (rule, values, deciding leaves), not a tuple, a dict lookup and a test.
_TABULATED_LEAVES = 5


def _none_stated(paths: list[str], k: int, scope: dict[str, Any]) -> str:
    """An expression: the reading states none of `paths` (a few `in` tests are cheaper than isdisjoint)."""
    if not paths:
        return "True"
    if len(paths) <= 4:
        return "not (" + " or ".join(f"{path!r} in by_path" for path in paths) + ")"
    scope[f"S{k}"] = frozenset(paths)
    return f"by_path.keys().isdisjoint(S{k})"


def _crossing_lines(rule: CompiledRule, exprs: list[str], cells: str, k: int, scope: dict[str, Any],
                    findings: bool) -> list[str]:
    """The lines that give rule k's crossing, if crossed, on a reading stating some of its terms: append it
    as (rule, values, deciding leaves), or (`findings`) add its findings on the draft as written."""
    def give(item: str) -> str:  # the line giving a crossing `item` (an expression of a (rule, values, deciding))
        return f"out += _draft(R{k}, env, {item}[1], {item}[2], spans)" if findings else f"out.append({item})"

    n = len(rule.leaves)
    if n > _TABULATED_LEAVES:
        scope[f"P{k}"], scope["_UNSEEN"] = rule.plans, _UNSEEN
        return [f"v = {cells}", f"d = P{k}.get(v, _UNSEEN)", "if d is _UNSEEN:", f"    d = R{k}.plan(v)",
                "if d is not None:", "    " + give(f"(R{k}, v, d)")]

    def item(values: tuple[bool, ...]) -> tuple | None:
        plan = rule.plan(values)
        return None if plan is None else (rule, values, plan)
    if n == 1:
        when_true, when_false = item((True,)), item((False,))
        scope[f"T{k}"], scope[f"F{k}"] = when_true, when_false
        if when_true is None and when_false is None:
            return ["pass"]
        if when_false is None:
            return [f"if {exprs[0]}:", "    " + give(f"T{k}")]
        if when_true is None:
            return [f"if not {exprs[0]}:", "    " + give(f"F{k}")]
        return [f"c = T{k} if {exprs[0]} else F{k}", give("c")]

    def table(prefix: tuple[bool, ...]) -> Any:
        if len(prefix) == n:
            return item(prefix)
        return (table((*prefix, False)), table((*prefix, True)))
    scope[f"C{k}"] = table(())
    # Each leaf value a bool (tests give bools): it indexes the table as 0 or 1.
    index = "".join(f"[{expr}]" for expr in exprs)
    return [f"c = C{k}{index}", "if c is not None:", "    " + give("c")]


def _missing(rule: CompiledRule, deciding: tuple[int, ...]) -> Finding:
    """The proposal-level finding of a crossing whose deciding terms are all absent, addressed by no clause."""
    found = rule.missing.get(deciding)
    if found is None:  # (its evidence, the absences, is the same in every such reading)
        evidence = _unique([rule.leaves[i].absent[0] for i in deciding])
        found = rule.missing[deciding] = new_finding(rule.fields, None, evidence, (), None, None)
    return found


def _leaf_expression(leaf: Leaf, scope: dict[str, Any]) -> str:
    if not leaf.paths:
        return "False" if leaf.presence != "absent" else "True"
    if leaf.presence is not None:
        present = " or ".join(f"{path!r} in by_path" for path in leaf.paths)
        return f"({present})" if leaf.presence == "present" else f"(not ({present}))"
    parts = []
    for path in leaf.paths:
        name = f"t{len(scope)}"
        scope[name] = leaf.tests[path]
        one = _one_value_test(leaf, path, "f[0].value", name, scope)
        parts.append(f"((f := by_path.get({path!r})) is not None and "
                     f"({one} if len(f) == 1 else _hit({name}, f)))")  # (one value: no loop)
    return "(" + " or ".join(parts) + ")"


def _one_value_test(leaf: Leaf, path: str, value: str, test: str, scope: dict[str, Any]) -> str:
    """An expression: the `value` expression passes the leaf's test of `path` (scope[`test`]), inline when
    the test is a membership of the raw (no call), else a call."""
    members = leaf.members[path]
    if members is None:
        return f"{test}({value})"
    scope[f"{test}m"] = members
    return f"({value}.raw in {test}m)"


def _hit(test: Callable[[m.Value], bool], found: list[Binding]) -> bool:
    for binding in found:
        if test(binding.value):
            return True
    return False


# ------------------------------------------------------------------ readings
class Environment:
    """All bindings of one reading of a proposal, indexed by term path."""

    def __init__(self, bindings: list[Binding]):
        self.by_path: dict[str, list[Binding]] = {}
        self.stated: dict[str, list[Binding]] = {}  # per clause, in draft order
        for binding in bindings:
            self.by_path.setdefault(binding.path, []).append(binding)
            self.stated.setdefault(binding.clause, []).append(binding)
        self._families: dict[str, list[str]] | None = None

    def lookup(self, pattern: str) -> list[Binding]:
        if not pattern.endswith(".*"):
            return self.by_path.get(pattern, [])
        prefix = pattern[:-1]
        return [b for path in sorted(self.by_path) if path.startswith(prefix) for b in self.by_path[path]]

    def of_clause(self, clause: str) -> list[Binding]:
        return self.stated.get(clause, [])

    def clauses_in_family(self, fam: str) -> list[str]:
        """The clauses that state a term of a family, in draft order (indexed once per reading)."""
        return (self._families if self._families is not None else self.family_index()).get(fam, [])

    def family_index(self) -> dict[str, list[str]]:
        """Per family, the clauses that state a term of it, in draft order (built on first use)."""
        if self._families is None:
            index: dict[str, list[str]] = {}
            for clause, bindings in self.stated.items():
                for b in bindings:
                    for fam in _families_of(b.path):
                        found = index.get(fam)
                        if found is None:
                            index[fam] = [clause]
                        elif found[-1] != clause:  # (a clause's bindings are indexed together: once each)
                            found.append(clause)
            self._families = index
        return self._families


class Evaluator:
    """A condition's value and the evidence that decided it, on one reading (compiled once per condition)."""

    def __init__(self, vocabulary: m.Vocabulary):
        self.vocabulary = vocabulary
        self._compiled: dict[int, tuple[m.Condition, list[Leaf], Callable, Callable]] = {}

    def evaluate(self, condition: m.Condition, env: Environment) -> tuple[bool, list[Evidence]]:
        entry = self._compiled.get(id(condition))
        if entry is None or entry[0] is not condition:
            leaves: list[Leaf] = []
            truth, deciding = _structure(condition, self.vocabulary, leaves)
            entry = self._compiled[id(condition)] = (condition, leaves, truth, deciding)
        _, leaves, truth, deciding = entry
        found = [leaf.bindings(env.by_path) for leaf in leaves]
        values = [leaf.truth(len(b), sum(1 for x in b if leaf.matches(x))) for leaf, b in zip(leaves, found)]
        evidence = [e for i in deciding(values) for e in leaves[i].evidence(found[i], values[i])]
        return truth(values), evidence


def _evidence(binding: Binding, test: str) -> Evidence:
    return new_evidence(binding.path, binding.value.show(), test, binding.clause, binding.option, binding.line)


_new = object.__new__


def _binding_evidence(binding: Binding, test: str) -> Evidence:
    """_evidence written out (results.new_evidence's way, with no call): one per deciding value of every finding."""
    path, value, clause, option, line = binding
    raw = value.raw
    evidence = _new(Evidence)
    state = evidence.__dict__
    state["path"] = path
    state["value"] = raw if value.kind == "name" and raw.__class__ is str else value.show()  # (show(): str(raw))
    state["test"], state["clause"], state["option"], state["line"] = test, clause, option, line
    return evidence


def bindings_of(proposal: m.Proposal, choice: dict[str, str] | None = None) -> list[Binding]:
    """The proposal's bindings, taking for each clause with options the chosen one (default: the first)."""
    choice = choice or {}
    out: list[Binding] = []
    new = tuple.__new__  # Binding(...) without its Python-level __new__: one per term of every check
    for clause in proposal.clauses:
        cid = clause.id
        out.extend([new(Binding, (a.path, a.value, cid, None, a.span.line)) for a in clause.terms])
        if clause.options:
            option = _option(clause, choice.get(cid))
            oid = option.id
            out.extend([new(Binding, (a.path, a.value, cid, oid, a.span.line)) for a in option.terms])
    return out


def _option(clause: m.Clause, option_id: str | None) -> m.Option:
    return next((o for o in clause.options if o.id == option_id), clause.options[0])


# ------------------------------------------------------------------ crossings on the draft as written
class Crossing(NamedTuple):
    """A rule crossed on one reading: the deciding leaves' evidence, and where it is attributed."""

    rule: CompiledRule
    groups: tuple[tuple[Evidence, ...], ...]  # per deciding leaf, shared by every finding of the crossing
    clauses: tuple[str, ...]


def _leaf_values(rule: CompiledRule, by_path: dict[str, list[Binding]]) -> tuple[Values, list[list[Binding]]]:
    return rule.values(by_path), [leaf.bindings(by_path) for leaf in rule.leaves]


def _crossing(rule: CompiledRule, env: Environment, values: Values, found: list[list[Binding]] | None = None,
              decided_by: tuple[str, ...] = ()) -> Crossing:
    """Where a crossed rule is attributed (`found`: each leaf's bindings, looked up here when not given)."""
    deciding = rule.plan(tuple(values)) or ()
    return _attribute(rule, env, values, deciding, found, decided_by)


def _crossing_findings(rule: CompiledRule, env: Environment, values: tuple[bool, ...], deciding: tuple[int, ...],
                       decided_by: tuple[str, ...], spans: dict) -> list[Finding]:
    """The findings of a crossed rule on the draft as written: _attribute then _findings_of written out
    for the draft as written (no option deciding it), to the same result, with the commonest shapes
    (one deciding term; every deciding term absent; each stated once) done without the general loop."""
    if decided_by:
        return _findings_of(_attribute(rule, env, values, deciding, None, decided_by), spans)
    return _draft_findings(rule, env, values, deciding, spans)


def _draft_findings(rule: CompiledRule, env: Environment, values: tuple[bool, ...], deciding: tuple[int, ...],
                    spans: dict) -> list[Finding]:
    """_crossing_findings of a crossing no option decides (env.family_index() already built)."""
    leaves, by_path, fields = rule.leaves, env.by_path, rule.fields
    if len(deciding) == 1:  # the commonest: one deciding term
        leaf = leaves[deciding[0]]
        bindings = by_path.get(leaf.single) if leaf.single is not None else leaf.bindings(by_path)
        if not bindings:  # left out: the clauses of its family address it, else the proposal as a whole
            found = rule.missing.get(deciding) or _missing(rule, deciding)
            clauses = (env._families or env.family_index()).get(leaf.family)
            if clauses is None:
                return [found]
            shared = found.evidence
            return [new_finding(fields, c, shared, (), None, spans.get(c)) for c in clauses]
        if len(bindings) == 1:  # its one value decides it, whichever way the leaf went
            b = bindings[0]
            clause, option = b.clause, b.option or None
            evidence = (_binding_evidence(b, leaf.shown),)
            return [new_finding(fields, clause, evidence, (), option,
                                spans.get(clause) if option is None else spans.get((clause, option)))]
        return _own_findings(fields, _evidence_group(leaf, bindings, values[deciding[0]]), spans)
    shape = rule.reach.get(deciding) or _shape(rule, deciding)
    if by_path.keys().isdisjoint(shape.paths):  # every deciding term left out: the clauses of their families
        index = env._families or env.family_index()  # address it
        if index.keys().isdisjoint(shape.families):  # and no clause does: one proposal-level finding, always the same
            return [shape.missing]
        return _family_findings(fields, shape.missing.evidence, shape.family_order, index, spans)
    firsts: list[Evidence] = []  # per deciding leaf its evidence, when one piece (a value stated once, or absent)
    groups: dict[int, tuple[Evidence, ...]] | None = None  # by position, the evidence of several pieces
    clauses = []
    owners: list[Evidence] = []  # the evidence of stated values, when each leaf's is one piece
    absent: list[str] | None = None  # the families of the deciding terms left out
    for i, leaf in shape.leaves:  # (loops, no comprehensions: in Python 3.11 each costs a call)
        bindings = by_path.get(leaf.single) if leaf.single is not None else leaf.bindings(by_path)
        if not bindings:
            firsts.append(leaf.absent[0])
            if absent is None:
                absent = [leaf.family]
            else:
                absent.append(leaf.family)
        elif len(bindings) == 1:
            b = bindings[0]
            e = _binding_evidence(b, leaf.shown)
            firsts.append(e)
            owners.append(e)
            clauses.append(b.clause)
        else:
            group = _evidence_group(leaf, bindings, values[i])
            clauses += [e.clause for e in group]
            if len(group) == 1:
                firsts.append(group[0])
                owners.append(group[0])
            else:
                if groups is None:
                    groups = {}
                groups[len(firsts)] = group
                firsts.append(group[0])  # (a placeholder: the findings' evidence is per clause then)
    if absent is not None and (not rule.is_rule or not clauses):
        index = env._families or env.family_index()
        for fam in absent:  # a deciding term left out: the clauses of its family address it
            clauses += index.get(fam, ())
    if len(clauses) > 8:  # (some term is stated: there is a clause) each once
        clauses = list(dict.fromkeys(clauses))
    elif len(clauses) > 1:  # (a loop: cheaper for a few)
        once: list[str] = []
        for c in clauses:
            if c not in once:
                once.append(c)
        clauses = once
    out = []
    if groups is None:  # every finding has the same evidence
        evidence = tuple(firsts) if shape.distinct else _unique(firsts)
        if len(owners) == 1:  # the commonest: one value stated, the rest absent
            owner, owner_option = owners[0].clause, owners[0].option or None
            for c in clauses:
                if c == owner:
                    out.append(new_finding(fields, c, evidence, (), owner_option,
                                           spans.get(c) if owner_option is None else spans.get((c, owner_option))))
                else:
                    out.append(new_finding(fields, c, evidence, (owner,), None, spans.get(c)))
            return out
        for c in clauses:
            related: tuple[str, ...] = ()
            option = None
            for e in owners:
                owner = e.clause
                if owner != c:
                    if owner not in related:
                        related += (owner,)
                elif option is None and e.option:
                    option = e.option
            out.append(new_finding(fields, c, evidence, related, option, _span(spans, c, option)))
        return out
    spread = [groups.get(k) or (e,) for k, e in enumerate(firsts)]
    for c in clauses:  # per deciding leaf the clause's own values where it states some, else the leaf's evidence
        parts: list[Evidence] = []
        for group in spread:
            if len(group) == 1:
                parts.append(group[0])
            else:
                parts += [e for e in group if e.clause == c] or group
        evidence = _unique(parts)
        related = ()
        option = None
        for e in evidence:
            owner = e.clause
            if owner is None:
                continue
            if owner != c:
                if owner not in related:
                    related += (owner,)
            elif option is None and e.option:
                option = e.option
        out.append(new_finding(fields, c, evidence, related, option, _span(spans, c, option)))
    return out


class _Shape(NamedTuple):
    """What attributing a crossing needs of its deciding leaves, worked out once per rule and deciding leaves."""

    leaves: tuple[tuple[int, Leaf], ...]  # (index, leaf) of each deciding leaf
    paths: frozenset[str]  # the terms they read
    families: frozenset[str]  # and their families
    family_order: tuple[str, ...]  # the families in the leaves' order, each once
    missing: Finding  # the proposal-level finding when every deciding term is left out
    distinct: bool  # no two deciding leaves can give equal evidence (so there is nothing to deduplicate)


def _shape(rule: CompiledRule, deciding: tuple[int, ...]) -> _Shape:
    leaves = [rule.leaves[i] for i in deciding]
    # The (path, test) of every piece of evidence each leaf can give: a stated value, or its absence.
    keys = [{(leaf.pattern, leaf.absent[0].test)} | {(path, leaf.shown) for path in leaf.paths} for leaf in leaves]
    shape = _Shape(tuple(zip(deciding, leaves)), frozenset([p for leaf in leaves for p in leaf.paths]),
                   frozenset([leaf.family for leaf in leaves]), tuple(dict.fromkeys(leaf.family for leaf in leaves)),
                   _missing(rule, deciding), sum(map(len, keys)) == len(set().union(*keys)))
    rule.reach[deciding] = shape
    return shape


def _one_finding(fields: dict, binding: Binding, test: str, spans: dict) -> Finding:
    """The finding of a crossing decided by one value, stated once (_draft_findings' commonest case)."""
    evidence = _binding_evidence(binding, test)
    _, _, clause, option, _ = binding
    if option:
        return new_finding(fields, clause, (evidence,), (), option, spans.get((clause, option)))
    return new_finding(fields, clause, (evidence,), (), None, spans.get(clause))


def _family_findings(fields: dict, shared: tuple[Evidence, ...], families: tuple[str, ...],
                     index: dict[str, list[str]], spans: dict) -> list[Finding]:
    """A crossing whose deciding terms the reading all leaves out, addressed by the clauses stating a term of
    their `families` (some does): one finding per such clause, sharing the absences as evidence."""
    if len(families) == 1:
        clauses = index[families[0]]
    else:
        clauses = [c for fam in families for c in index.get(fam, ())]
        if len(clauses) > 1:
            clauses = list(dict.fromkeys(clauses))
    return [new_finding(fields, c, shared, (), None, spans.get(c)) for c in clauses]


def _span(spans: dict, clause: str, option: str | None) -> m.Span | None:
    """Where a clause (option None) or one of its options starts, from _reading's spans."""
    return spans.get(clause) if option is None else spans.get((clause, option))


def _evidence_group(leaf: Leaf, bindings: list[Binding], value: bool) -> tuple[Evidence, ...]:
    """Leaf.evidence of bindings stated (the matching ones when the leaf holds, else all)."""
    test = leaf.shown
    chosen = bindings
    if value and leaf.presence is None:
        tests = leaf.tests
        chosen = [b for b in bindings if (t := tests.get(b.path)) is not None and t(b.value)] or bindings
    return tuple([_binding_evidence(b, test) for b in chosen])


def _own_findings(fields: dict, group: tuple[Evidence, ...], spans: dict) -> list[Finding]:
    """One deciding term stated by several clauses: each clause's finding shows its own values of it."""
    if len(group) == 1:
        e = group[0]
        option = e.option or None
        return [new_finding(fields, e.clause, group, (), option,
                            spans.get(e.clause) if option is None else spans.get((e.clause, option)))]
    by_clause: dict[str, list[Evidence]] = {}  # each clause's values, clauses in the order first met
    for e in group:
        mine = by_clause.get(e.clause)  # type: ignore[arg-type]
        if mine is None:
            by_clause[e.clause] = [e]  # type: ignore[index]
        else:
            mine.append(e)
    out = []
    for c, mine in by_clause.items():
        option = None
        for e in mine:
            if e.option:
                option = e.option
                break
        out.append(new_finding(fields, c, group if len(mine) == len(group) else tuple(mine), (), option,
                               spans.get(c) if option is None else spans.get((c, option))))
    return out


def _attribute(rule: CompiledRule, env: Environment, values: Values, deciding: tuple[int, ...],
               found: list[list[Binding]] | None, decided_by: tuple[str, ...]) -> Crossing:
    leaves, by_path = rule.leaves, env.by_path
    groups = []
    clauses: list[str] = []
    absent: list[int] = []
    for i in deciding:
        leaf = leaves[i]
        if found is not None:
            bindings = found[i]
        elif len(leaf.paths) == 1:
            bindings = by_path.get(leaf.paths[0])
        else:
            bindings = leaf.bindings(by_path)
        if bindings:
            group = leaf.evidence(bindings, values[i])
            clauses += [e.clause for e in group if e.clause is not None]
        else:
            group = leaf.absent
            absent.append(i)
        groups.append(group)
    if absent and (not rule.is_rule or not clauses):
        for i in absent:  # a deciding term left out: the clauses of its family address it
            clauses += env.clauses_in_family(leaves[i].family)
    if decided_by:
        clauses += decided_by
    return (rule, tuple(groups), tuple(dict.fromkeys(clauses)) if len(clauses) > 1 else tuple(clauses))  # a Crossing


def _findings_of(crossing: Crossing, clause_spans: dict[str, Any]) -> list[Finding]:
    rule, groups, clauses = crossing
    fields = rule.fields
    if not clauses:
        evidence = groups[0] if len(groups) == 1 else _unique([e for g in groups for e in g])
        return [new_finding(fields, None, evidence, (), None, None)]
    if len(groups) == 1 and len(groups[0]) == 1:  # the common case: one deciding value (or absence)
        group = groups[0]
        e = group[0]
        out = []
        for clause in clauses:
            if e.clause is None:
                out.append(new_finding(fields, clause, group, (), None, clause_spans.get(clause)))
            elif e.clause == clause:
                option = e.option or None
                out.append(new_finding(fields, clause, group, (), option, _span(clause_spans, clause, option)))
            else:
                out.append(new_finding(fields, clause, group, (e.clause,), None, clause_spans.get(clause)))
        return out
    # Per deciding leaf, each clause's own values (a leaf's evidence never repeats a value).
    own: list[dict[str | None, list[Evidence]]] = []
    for group in groups:
        by_clause: dict[str | None, list[Evidence]] = {}
        for e in group:
            by_clause.setdefault(e.clause, []).append(e)
        own.append(by_clause)
    out = []
    for clause in clauses:
        evidence = _own_evidence(groups, own, clause)
        related: tuple[str, ...] = ()
        option = None
        for e in evidence:
            if e.clause is None:
                continue
            if e.clause != clause:
                related += () if e.clause in related else (e.clause,)
            elif option is None and e.option:
                option = e.option
        out.append(new_finding(fields, clause, evidence, related, option, _span(clause_spans, clause, option)))
    return out


def _own_evidence(groups: tuple[tuple[Evidence, ...], ...], own: list[dict[str | None, list[Evidence]]],
                  clause: str) -> tuple[Evidence, ...]:
    """Per deciding leaf, the clause's own values where it states some, else the leaf's whole evidence."""
    if len(groups) == 1:
        mine = own[0].get(clause)
        if mine is None:
            return groups[0]
        return groups[0] if len(mine) == len(groups[0]) else tuple(mine)
    parts: list[Evidence] = []
    for group, by_clause in zip(groups, own):
        parts.extend(by_clause.get(clause) or group)
    return _unique(parts)


# Evidence is equal when its fields are: a tuple of them is a cheaper key than the dataclass's own hash.
_EVIDENCE_KEY = operator.attrgetter(*(f.name for f in dataclasses.fields(Evidence)))


def _unique(evidence: list[Evidence]) -> tuple[Evidence, ...]:
    """Each distinct piece of evidence once, in the order first seen (dict.fromkeys, keyed by fields)."""
    if len(evidence) < 2:
        return tuple(evidence)
    return tuple(dict(zip(map(_EVIDENCE_KEY, evidence), evidence)).values())


def _finding(rule: CompiledRule, clause: str | None, evidence: tuple[Evidence, ...], related: tuple[str, ...],
             option: str | None, span: m.Span | None) -> Finding:
    return new_finding(rule.fields, clause, evidence, related, option, span)


def _citation(redlines: m.RedLines, citation: m.Citation) -> CitationInfo:
    source = redlines.sources.get(citation.source) or m.Source(id=citation.source)
    return CitationInfo(source=source.id, title=source.title, publication=source.publication, date=source.date,
                        seed=source.seed, url=source.url, locator=citation.locator)


def rule_findings(redlines: m.RedLines, env: Environment, evaluator: Evaluator,
                  rules: list[m.Rule] | None = None) -> list[Finding]:
    """Every finding one party's red lines (or just `rules` of them) produce on one reading of a proposal."""
    wanted = None if rules is None else {id(r) for r in rules}
    findings: list[Finding] = []
    for rule in compile_redlines(redlines, evaluator.vocabulary):
        if wanted is not None and id(rule.rule) not in wanted:
            continue
        values = rule.values(env.by_path)
        if rule.crossed(values):
            findings += _findings_of(_crossing(rule, env, values), {})
    return findings


def party_info(redlines: m.RedLines, digest_of: bytes = b"") -> PartyInfo:
    memo = _remembered("_info", redlines)
    if memo is not None and memo[0] == digest_of:
        return memo[1]
    digest = hashlib.sha256(digest_of).hexdigest()[:12] if digest_of else ""
    info = PartyInfo(redlines.party, redlines.name, redlines.file, len(redlines.rules), digest, redlines.notes)
    _remember("_info", redlines, (digest_of, info))  # a pure function of the two: hashed once, not per check
    return info


def _reads(redlines: m.RedLines, compiled: list[CompiledRule]) -> frozenset[str]:
    """The term paths a party's rules read (kept with its compiled rules)."""
    memo = _remembered("_reads", redlines)
    if memo is not None and memo[0] is compiled:
        return memo[1]
    paths = frozenset(p for rule in compiled for leaf in rule.leaves for p in leaf.paths)
    _remember("_reads", redlines, (compiled, paths))
    return paths


def verdict(findings: list[Finding], bears: bool) -> Verdict:
    active = [f for f in findings if not f.acknowledged]
    if any(f.severity == "hard" for f in active):
        return "reject"
    if active:
        return "concern"
    return "accept" if bears or findings else "silent"


def raw_verdict(findings: list[Finding], bears: bool) -> Verdict:
    """The verdict as if no acknowledgement were written."""
    if any(f.severity == "hard" for f in findings):
        return "reject"
    if findings:
        return "concern"
    return "accept" if bears else "silent"


# ------------------------------------------------------------------ options: readings that change one clause
class LeafCounts:
    """How many bindings of one leaf the draft as written has, and how many match, in all and per clause."""

    __slots__ = ("bound", "matched", "per_clause", "bindings")

    def __init__(self, leaf: Leaf, by_path: dict[str, list[Binding]]):
        self.bindings = leaf.bindings(by_path)
        self.bound, self.matched = len(self.bindings), 0
        self.per_clause: dict[str, list[int]] = {}
        for b in self.bindings:
            hit = leaf.matches(b)
            counts = self.per_clause.setdefault(b.clause, [0, 0])
            counts[0] += 1
            counts[1] += hit
            self.matched += hit


class OptionReader:
    """Readings of the draft in which one clause takes another option, evaluated from the draft's counts."""

    def __init__(self, base: Environment, rules: list[CompiledRule]):
        self.base = base
        self.counts: dict[int, LeafCounts] = {}
        self.by_family: dict[str, list[CompiledRule]] = {}
        for rule in rules:
            for fam in rule.families:
                self.by_family.setdefault(fam, []).append(rule)
        self._without: dict[tuple[int, str, bool], tuple[Evidence, ...]] = {}

    def rules_for(self, paths: set[str]) -> list[CompiledRule]:
        """The rules that read, or share a family with, any of `paths` (each once, in file order)."""
        families = {fam for p in paths for fam in _families_of(p)}
        seen: dict[int, CompiledRule] = {}
        for fam in sorted(families):
            for rule in self.by_family.get(fam, ()):
                seen.setdefault(id(rule), rule)
        return list(seen.values())

    def leaf_counts(self, leaf: Leaf) -> LeafCounts:
        counts = self.counts.get(id(leaf))
        if counts is None:
            counts = self.counts[id(leaf)] = LeafCounts(leaf, self.base.by_path)
        return counts

    def values(self, rule: CompiledRule, clause: str, stated: list[Binding]) -> tuple[Values, list[list[Binding]]]:
        """Leaf values when `clause` states `stated` instead of what it states in the draft (and its own bindings)."""
        values, own = [], []
        for leaf in rule.leaves:
            counts = self.leaf_counts(leaf)
            was = counts.per_clause.get(clause, (0, 0))
            mine = [b for b in stated if b.path in leaf.tests]
            hits = sum(1 for b in mine if leaf.matches(b))
            values.append(leaf.truth(counts.bound - was[0] + len(mine), counts.matched - was[1] + hits))
            own.append(mine)
        return values, own

    def crossing(self, rule: CompiledRule, clause: str, stated: list[Binding], values: Values,
                 own: list[list[Binding]], decided: bool) -> tuple[tuple[Evidence, ...], tuple[str, ...]] | None:
        """The finding's evidence and related clauses if the crossing is attributed to `clause`, else None."""
        deciding = rule.plan(tuple(values)) or ()
        mine_paths = [b.path for b in stated]
        # First where it is attributed, then (only if it is) its evidence: the other clauses' values
        # cost as much as the draft states, and most readings are not attributed to most clauses.
        kinds: list[tuple[Leaf, bool, LeafCounts, list[Binding] | None]] = []
        attributed, family_hit, clause_evidence = decided, False, False
        for i in deciding:
            leaf, value, counts = rule.leaves[i], values[i], self.leaf_counts(rule.leaves[i])
            chosen = [b for b in own[i] if leaf.matches(b)] if value and leaf.presence is None else own[i]
            if chosen:
                attributed = clause_evidence = True
            elif counts.bound - counts.per_clause.get(clause, (0, 0))[0] == 0:
                family_hit = family_hit or any(in_family(p, leaf.family) for p in mine_paths)
            else:
                clause_evidence = True
            kinds.append((leaf, value, counts, chosen))
        if family_hit and (rule.rule.kind == "require" or not clause_evidence):
            attributed = True
        if not attributed:
            return None
        parts: list[Evidence] = []
        for leaf, value, counts, chosen in kinds:
            if chosen:
                parts += leaf.evidence(chosen, value)
            elif counts.bound - counts.per_clause.get(clause, (0, 0))[0] == 0:
                parts += leaf.absent
            else:
                parts += self._others(leaf, counts, clause, value)
        evidence = _unique(parts)
        return evidence, tuple(dict.fromkeys(e.clause for e in evidence if e.clause not in (None, clause)))

    def _others(self, leaf: Leaf, counts: LeafCounts, clause: str, value: bool) -> tuple[Evidence, ...]:
        """The leaf's evidence from the clauses other than `clause` (computed once per leaf, clause and value)."""
        key = (id(leaf), clause if clause in counts.per_clause else "", value)
        if key not in self._without:
            rest = [b for b in counts.bindings if b.clause != clause]
            self._without[key] = leaf.evidence(rest, value)
        return self._without[key]


def _asked_families(path: str, parties: _Parties) -> tuple[str, ...]:
    """The families of `path` that the parties' rules ask about (kept with them: paths are the vocabulary's)."""
    asked = tuple([fam for fam in _families_of(path) if fam in parties.families])
    if len(parties.families_of) < 65536:  # (a draft's undeclared paths are refused, but bounded all the same)
        parties.families_of[path] = asked
    return asked


@lru_cache(maxsize=65536)
def _families_of(path: str) -> tuple[str, ...]:
    """Every family a path belongs to (`a.b.c`: itself, `a.b`, `a`), so wildcard and exact leaves both find it."""
    parts = path.split(".")
    return tuple(".".join(parts[:i]) for i in range(len(parts), 0, -1))


# ------------------------------------------------------------------ the check
def check(proposal: m.Proposal, vocabulary: m.Vocabulary, redlines: list[m.RedLines],
          digests: dict[str, bytes] | None = None, today: dt.date | None = None,
          at_table: tuple[str, ...] = (), set_aside: tuple[SetAside, ...] = ()) -> CheckResult:
    """Check a proposal against every party's red lines.

    `at_table`: parties of the proposal's table with no red lines here (shown as such, never dropped);
    `set_aside`: red-line files loaded but not applied, and why.
    """
    parties = _parties(redlines, vocabulary, digests or {})
    prepared, reads, infos, in_order = parties.prepared, parties.reads, parties.infos, parties.in_order
    base, spans, several, acknowledges = _reading(proposal, parties)
    choice: dict[str, Any] = {}
    decided_by: dict[int, list[str]] = {}
    if several:  # readings of other options: only when some clause has several
        reader = OptionReader(base, [rule for p in prepared for rule in p.compiled])
        choice = {c.id: _choice_findings(c, reader, spans) for c in proposal.clauses if len(c.options) > 1}
        for clause_id, (_, dependent) in choice.items():
            for rule in dependent:
                decided_by.setdefault(id(rule), []).append(clause_id)
    findings: list[Finding] = []
    by_path = base.by_path
    index = base.family_index()  # (built by _reading)
    # Rules in the order of the findings' sort (party, hard first, rule id): each clause's findings come out sorted.
    for p in prepared:  # crossed: a rule that holds, a requirement that does not
        if not decided_by:
            findings += (p.functions.get("findings") or _generated_function(p, "findings"))(by_path, index, base,
                                                                                             spans)
            continue
        for item in (p.functions.get("crossed") or _generated_function(p, "crossed"))(by_path):
            rule = item[0]
            if len(item) == 6 and id(rule) not in decided_by:
                if index.keys().isdisjoint(item[4]):
                    findings.append(item[3])
                else:
                    findings += _family_findings(rule.fields, item[3].evidence, item[5], index, spans)
                continue
            findings += _crossing_findings(rule, base, item[1], item[2],
                                           tuple(decided_by[id(rule)]) if id(rule) in decided_by else (), spans)
    if acknowledges:
        findings = _acknowledge(proposal, findings, today)
    by_clause: dict[str | None, list[Finding]] = {}
    for finding in findings:
        mine = by_clause.get(finding.clause)
        if mine is None:
            by_clause[finding.clause] = [finding]
        else:
            mine.append(finding)
    findings = _sorted_by_clause(findings, by_clause, in_order)
    extra = [PartyInfo(p, p, "", 0, "") for p in at_table if p not in reads] if at_table else None
    read = parties.read
    if extra:  # (else already in order: the parties are sorted)
        infos = tuple(sorted((*infos, *extra), key=lambda i: i.id))
        read = [(i.id, reads.get(i.id, _NOTHING)) for i in infos]
    clauses = _clause_results(proposal, read, reads, by_clause, base, choice, today, spans, acknowledges)
    issues = tuple(_acknowledgement_issues(proposal, findings, today)) if acknowledges else ()
    return new_check_result(proposal, vocabulary, infos, clauses, tuple(findings), issues, today,
                            tuple(set_aside))


def _reading(proposal: m.Proposal, parties: _Parties) -> tuple[Environment, dict[Any, m.Span], bool, bool]:
    """The draft as written (each clause's first option: Environment(bindings_of(proposal)), its family index
    built for the families the parties' rules ask about) and where its clauses and options start (a clause's
    by its id, an option's by (clause id, option id): _span), in one pass over the clauses; and whether some
    clause has several options, and whether some clause acknowledges a red line."""
    several = acknowledges = False
    env = Environment.__new__(Environment)
    by_path: dict[str, list[Binding]] = {}
    stated: dict[str, list[Binding]] = {}
    families: dict[str, list[str]] = {}  # Environment.family_index() (of the families asked about), in its order
    families_of = parties.families_of
    spans: dict[Any, m.Span] = {}
    new = tuple.__new__
    for clause in proposal.clauses:
        cid = clause.id
        spans[cid] = clause.span
        if clause.acknowledgements:
            acknowledges = True
        terms = clause.terms
        own = len(terms)  # the clause's own terms, then its first option's
        oid = None
        if clause.options:
            for option in clause.options:
                spans[(cid, option.id)] = option.span
            several = several or len(clause.options) > 1
            oid = clause.options[0].id
            terms = (*terms, *clause.options[0].terms)
        if not terms:
            continue
        mine = []
        for index, a in enumerate(terms):  # (loops, not comprehensions: a few terms per clause)
            path = a.path
            b = new(Binding, (path, a.value, cid, None if index < own else oid, a.span.line))
            mine.append(b)
            found = by_path.get(path)
            if found is None:
                by_path[path] = [b]
            else:
                found.append(b)
            asked = families_of.get(path)
            if asked is None:
                asked = _asked_families(path, parties)
            for fam in asked:
                clauses = families.get(fam)
                if clauses is None:
                    families[fam] = [cid]
                elif clauses[-1] != cid:  # (a clause's bindings come together: each clause once)
                    clauses.append(cid)
        stated[cid] = mine
    env.by_path, env.stated, env._families = by_path, stated, families
    return env, spans, several, acknowledges


_PARTY = operator.attrgetter("party")


class _Prepared(NamedTuple):
    """What a check needs of one party's red lines, worked out once (kept with the red lines)."""

    party: str
    compiled: list[CompiledRule]  # in file order
    ordered: list[CompiledRule]  # in the findings' order: hard before soft, then by rule id
    functions: dict[str, Callable]  # "crossed", "findings": _generated's functions of `ordered`, as built
    reads: frozenset[str]
    unique: bool  # no two rules share a place in that order
    infos: dict[bytes, PartyInfo]  # party_info per digest source, as met


class _Parties(NamedTuple):
    """What a check needs of the parties' red lines together, worked out once per set of red lines."""

    prepared: list[_Prepared]  # by party
    reads: dict[str, frozenset[str]]  # per party, the terms its rules read (read-only)
    infos: tuple[PartyInfo, ...]  # by party
    in_order: bool  # the rules' order is the findings' (no two rules of one place, no party in two files)
    families: frozenset[str]  # the families the rules' leaves belong to: all a family index is asked about
    families_of: dict[str, tuple[str, ...]]  # per term path met, those of its families (_families_of) among them
    read: list[tuple[str, frozenset[str]]]  # (party, reads[party]) by party


# The last sets of red lines checked (by the identity of the vocabulary and of each red-line object, which
# are kept with the entry so an id is never recycled under it) and their _Parties: a pure function of them
# and the digests, as the per-party memo is, so a session checking many drafts works it out once.
_SEATS: dict[tuple[int, ...], tuple[m.Vocabulary, tuple[m.RedLines, ...], dict[str, bytes], _Parties]] = {}
_SEATS_SIZE = 64


def _parties(redlines: list[m.RedLines], vocabulary: m.Vocabulary, digests: dict[str, bytes]) -> _Parties:
    if not isinstance(redlines, (list, tuple)):  # (read twice below)
        redlines = list(redlines)
    key = (id(vocabulary), *map(id, redlines))
    entry = _SEATS.get(key)
    if entry is not None and entry[0] is vocabulary and all(map(operator.is_, entry[1], redlines)) \
            and entry[2] == digests:
        return entry[3]
    prepared: list[_Prepared] = []
    reads: dict[str, frozenset[str]] = {}
    infos: list[PartyInfo] = []
    in_order = True
    for r in sorted(redlines, key=_PARTY):
        p = _prepared(r, vocabulary)
        prepared.append(p)
        reads[p.party] = p.reads
        digest = digests.get(r.party, b"")
        info = p.infos.get(digest)
        if info is None:
            if len(p.infos) > 8:  # (one red-line object has one digest in practice: bounded all the same)
                p.infos.clear()
            info = p.infos[digest] = party_info(r, digest)
        infos.append(info)
        in_order = in_order and p.unique
    families = frozenset([fam for p in prepared for rule in p.compiled for fam in rule.families])
    parties = _Parties(prepared, reads, tuple(infos), in_order and len(reads) == len(prepared), families, {},
                       [(i.id, reads.get(i.id, _NOTHING)) for i in infos])
    if len(_SEATS) >= _SEATS_SIZE:
        del _SEATS[next(iter(_SEATS))]  # the oldest
    _SEATS[key] = (vocabulary, tuple(redlines), dict(digests), parties)
    return parties


def _prepared(redlines: m.RedLines, vocabulary: m.Vocabulary) -> _Prepared:
    memo = _remembered("_prepared", redlines)
    if memo is not None and memo[0] is vocabulary:
        return memo[1]
    compiled = compile_redlines(redlines, vocabulary)
    ordered = sorted(compiled, key=lambda r: (r.rule.severity != "hard", r.rule.id))
    places = {(r.rule.severity != "hard", r.rule.id) for r in ordered}
    prepared = _Prepared(redlines.party, compiled, ordered, {},
                         _reads(redlines, compiled),
                         len(places) == len(ordered), {})
    _remember("_prepared", redlines, (vocabulary, prepared))  # a pure function of the two: safe to keep
    return prepared


def _sorted_by_clause(findings: list[Finding], by_clause: dict[str | None, list[Finding]],
                      in_order: bool) -> list[Finding]:
    """The findings in sort_findings' order, from each clause's findings as produced (rules already in order).

    Within a clause the order is the rules' (one finding per rule and clause), so only clauses are sorted;
    when that does not hold (a party's two files, two rules of one id, two ids of one rank) it sorts in full.
    """
    if in_order:
        out: list[Finding] = []
        previous = None
        for key, clause in sorted([(_clause_key(c), c) for c in by_clause if c is not None]):  # (ids are distinct)
            if key == previous:  # two ids of one rank ("1", "01"): their findings interleave, sorted in full below
                break
            previous = key
            out += by_clause[clause]
        else:
            out += by_clause.get(None, ())
            return out
    findings = sort_findings(findings)
    by_clause.clear()
    for finding in findings:  # in sorted order: each clause's findings are sorted too
        by_clause.setdefault(finding.clause, []).append(finding)
    return findings


def _stated(clause: m.Clause, option: m.Option | None) -> list[Binding]:
    out = [Binding(a.path, a.value, clause.id, None, a.span.line) for a in clause.terms]
    if option is not None:
        out += [Binding(a.path, a.value, clause.id, option.id, a.span.line) for a in option.terms]
    return out


def _choice_findings(clause: m.Clause, reader: OptionReader, spans: dict
                     ) -> tuple[dict[str, list[Finding]], list[CompiledRule]]:
    """Per option of the clause, the findings attributed to it in that reading; and the rules its choice decides."""
    paths = {a.path for a in clause.terms} | {a.path for o in clause.options for a in o.terms}
    rules = reader.rules_for(paths)
    readings = [(o, _stated(clause, o)) for o in clause.options]
    crossed: dict[int, list[tuple[m.Option, list[Binding], Values, list[list[Binding]]]]] = {}
    for option, stated in readings:
        for rule in rules:
            values, own = reader.values(rule, clause.id, stated)
            if rule.crossed(values):
                crossed.setdefault(id(rule), []).append((option, stated, values, own))
    dependent = [rule for rule in rules if 0 < len(crossed.get(id(rule), ())) < len(readings)]
    decided = {id(rule) for rule in dependent}
    per_option: dict[str, list[Finding]] = {o.id: [] for o in clause.options}
    for rule in rules:
        for option, stated, values, own in crossed.get(id(rule), ()):
            attributed = reader.crossing(rule, clause.id, stated, values, own, id(rule) in decided)
            if attributed is None:
                continue
            evidence, related = attributed
            per_option[option.id].append(_finding(rule, clause.id, evidence, related, option.id,
                                                  spans.get((clause.id, option.id))))
    return per_option, dependent


_PATH = operator.itemgetter(0)  # a Binding's path
_FIRST = operator.itemgetter(0)  # a pair's first


def _clause_results(proposal: m.Proposal, read: list[tuple[str, frozenset[str]]], reads: dict[str, frozenset[str]],
                    by_clause: dict[str | None, list[Finding]], base: Environment, choice: dict[str, Any],
                    today: dt.date | None, spans: dict, acknowledges: bool) -> tuple[ClauseResult, ...]:
    """Every clause's result: _clause_result, with a clause without options written out (most clauses).
    `read`: (party, the terms it reads) of every party, in order; `acknowledges`: whether some clause
    acknowledges a red line (else no finding is acknowledged)."""
    stated, out = base.stated, []
    parties = list(map(_FIRST, read))
    silent: dict[str, Verdict] = dict.fromkeys(parties, "silent")  # a clause that states nothing (shared: read-only)
    for clause in proposal.clauses:
        cid = clause.id
        findings = by_clause.get(cid)
        if clause.options:
            out.append(_clause_result(proposal, clause, parties, reads, findings or [], base, choice.get(cid), today,
                                      spans))
            continue
        mine = stated.get(cid)
        if findings is None:
            if mine is None:
                verdicts = silent
            else:
                paths = set(map(_PATH, mine))
                verdicts = {party: "silent" if paths.isdisjoint(terms) else "accept" for party, terms in read}
            out.append(new_clause_result(cid, clause.title, verdicts, (), (), _NOTHING, verdicts, spans[cid]))
            continue
        triggered: list[str] = []
        if not acknowledges:  # every finding active: a party's verdict is its raw one, reject on a hard finding
            worst: dict[str, Verdict] = {}
            for f in findings:
                for e in f.evidence:  # (a loop, not a comprehension: most findings have one piece)
                    if e.clause == cid:
                        triggered.append(e.path)
                if f.severity == "hard":
                    worst[f.party] = "reject"
                elif f.party not in worst:
                    worst[f.party] = "concern"
            paths = None
            verdicts = {}
            for party, terms in read:
                verdict = worst.get(party)
                if verdict is None:
                    if paths is None:
                        paths = set(map(_PATH, mine)) if mine else _NOTHING
                    verdict = "silent" if paths.isdisjoint(terms) else "accept"
                verdicts[party] = verdict
            out.append(new_clause_result(cid, clause.title, verdicts, tuple(findings), (), frozenset(triggered),
                                         verdicts, spans[cid]))
            continue
        # _verdicts and the triggered paths in one pass: per party 1 = a hard finding, 2 = an active one,
        # 4 = an active hard one
        marks: dict[str, int] = {}
        for f in findings:
            mark = 1 if f.severity == "hard" else 0
            if not f.acknowledged:
                mark |= 2 | (mark << 2)
                for e in f.evidence:  # (a loop, not a comprehension: most findings have one piece)
                    if e.clause == cid:
                        triggered.append(e.path)
            marks[f.party] = marks.get(f.party, 0) | mark
        paths = set(map(_PATH, mine)) if mine else _NOTHING
        verdicts, raw = {}, {}
        for party, terms in read:
            mark = marks.get(party)
            if mark is None:
                verdicts[party] = raw[party] = "silent" if paths.isdisjoint(terms) else "accept"
            else:
                verdicts[party] = "reject" if mark & 4 else "concern" if mark & 2 else "accept"
                raw[party] = "reject" if mark & 1 else "concern"
        out.append(new_clause_result(cid, clause.title, verdicts, tuple(findings), (), frozenset(triggered), raw,
                                     spans[cid]))
    return tuple(out)


def _clause_result(proposal: m.Proposal, clause: m.Clause, parties: list[str], reads: dict[str, frozenset[str]],
                   findings: list[Finding], base: Environment, choice, today: dt.date | None,
                   spans: dict) -> ClauseResult:
    stated = {b.path for b in base.of_clause(clause.id)}
    verdicts, raw = _verdicts(parties, reads, findings, stated)
    triggered = frozenset([e.path for f in findings if not f.acknowledged for e in f.evidence
                           if e.clause == clause.id]) if findings else _NOTHING
    options = []
    for index, option in enumerate(clause.options):
        if choice is None:  # one option: its reading is the draft as written
            own = [f if f.option == option.id else finding_with(f, option=option.id) for f in findings]
            # (an option id changes a key of the order only among findings of one clause, party, severity and rule)
        else:
            own = _acknowledge(proposal, choice[0][option.id], today, clause)
        option_paths = {a.path for a in clause.terms} | {a.path for a in option.terms}
        o_verdicts, o_raw = _verdicts(parties, reads, own, option_paths)
        options.append(new_option_result(option.id, option.title, o_verdicts, tuple(sort_findings(own)), index == 0,
                                         o_raw))
    return new_clause_result(clause.id, clause.title, verdicts, tuple(findings), tuple(options),
                             triggered, raw, spans.get(clause.id))


_NOTHING: frozenset[str] = frozenset()


def _verdicts(parties: list[str], reads: dict[str, frozenset[str]], findings: list[Finding],
              stated: set[str]) -> tuple[dict[str, Verdict], dict[str, Verdict]]:
    if not findings:
        verdicts: dict[str, Verdict] = {
            party: "silent" if stated.isdisjoint(reads.get(party, _NOTHING)) else "accept" for party in parties}
        return verdicts, verdicts.copy()
    # verdict() and raw_verdict() in one pass: per party 1 = a hard finding, 2 = an active one, 4 = an active hard one
    marks: dict[str, int] = {}
    for f in findings:
        mark = 1 if f.severity == "hard" else 0
        if not f.acknowledged:
            mark |= 2 | (mark << 2)
        marks[f.party] = marks.get(f.party, 0) | mark
    verdicts = {}
    raw: dict[str, Verdict] = {}
    for party in parties:
        mark = marks.get(party)
        if mark is None:
            verdicts[party] = raw[party] = "silent" if stated.isdisjoint(reads.get(party, _NOTHING)) else "accept"
        else:
            verdicts[party] = "reject" if mark & 4 else "concern" if mark & 2 else "accept"
            raw[party] = "reject" if mark & 1 else "concern"
    return verdicts, raw


def _acknowledge(proposal: m.Proposal, findings: list[Finding], today: dt.date | None,
                 clause: m.Clause | None = None) -> list[Finding]:
    """Mark findings that their clause acknowledges (and whose acknowledgement has not expired).

    Given `clause`, the findings are all that clause's: only its acknowledgements are read.
    """
    if not findings:
        return findings
    acks = {(c.id, a.party, a.rule): a.reason for c in ([clause] if clause else proposal.clauses)
            for a in c.acknowledgements
            if not (today and a.until and a.until < today)}
    if not acks:
        return findings
    return [finding_with(f, acknowledged=acks[(f.clause, f.party, f.rule)]) if (f.clause, f.party, f.rule) in acks
            else f for f in findings]


def _acknowledgement_issues(proposal: m.Proposal, findings: list[Finding],
                            today: dt.date | None) -> list[AcknowledgementIssue]:
    if not any(clause.acknowledgements for clause in proposal.clauses):
        return []
    fired = {(f.clause, f.party, f.rule) for f in findings}
    issues = []
    for clause in proposal.clauses:
        for ack in clause.acknowledgements:
            if today and ack.until and ack.until < today:
                issues.append(AcknowledgementIssue(clause.id, ack.party, ack.rule, "expired", ack.span.line))
            elif (clause.id, ack.party, ack.rule) not in fired:
                issues.append(AcknowledgementIssue(clause.id, ack.party, ack.rule, "unused", ack.span.line))
    return issues


def sort_findings(findings: list[Finding]) -> list[Finding]:
    if len(findings) < 2:
        return list(findings)
    return sorted(findings, key=lambda f: (f.clause is None, _clause_key(f.clause), f.party,
                                           f.severity != "hard", f.rule, f.option or ""))


@lru_cache(maxsize=65536)
def _clause_key(clause_id: str | None) -> tuple:
    if clause_id is None:
        return ()
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in clause_id.split("."))
