"""A peer benchmark: the real red lines translated into Rego (regopy, rego-cpp), against peacecheck and a floor.

    python bench/bench_rego.py              # agreement, then 5 rounds of timing, medians
    python bench/bench_rego.py --quick      # fewer readings and rounds
    pip install -e ".[bench]"               # regopy; without it only the Python floor is checked and timed

1. Translation. Each rule's condition is typed against the vocabulary once, path by path, into tests
   on plain values (a reading is {path: [values]}: several clauses may state one term). The typing
   follows peacecheck's evaluator (checker/evaluation/evaluate.py) exactly: a wildcard reads the
   declared terms under its family that the test fits (as the README and the validator say; before
   2026-12 the evaluator read every term there, which this bench found: `--wildcards every` shows
   that old reading); a scale compares ranks; a term no clause states fails every
   test (so `not` of it holds, `absent` holds); a `require` is crossed when its condition is false.
   From those tests, two back ends:
     - Rego: the condition in negation normal form, then disjunctive, one `fired contains` body per
       disjunct, every test written inline (regopy's functions cost about 0.4 ms a call), built once;
     - the floor: one straight-line Python function over the same reading, compiled once.
2. Agreement. On every reading of every shipped draft (proposals/*.peace: the draft as written and
   each other option of each clause) and on random readings generated from the vocabulary's types,
   the rules fired by peacecheck's `check()` (a finding names the rule), by Rego and by the floor
   must be the same sets. The same on a coverage set (red lines and vocabulary below) that uses every
   form of condition on every type. Any disagreement is printed and the exit status is 1.
3. Speed. Evaluations of the real red lines per CPU second over the same random readings: `check()`
   with findings and evidence, the evaluator alone (leaf values and crossed rules, no findings),
   regopy (set_input + query of the built bundle + reading the answer) and the floor; each as a
   ratio to the floor in the same run (median of rounds). A reading's {path: [values]} is made
   before timing, for Rego and the floor alike; `check()` is given the reading's proposal.
"""
from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import operator
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
Reading = dict[str, list[Any]]  # term path -> the values the reading's clauses state, in clause order

_OPS: dict[str, Callable[[Any, Any], bool]] = {"==": operator.eq, "!=": operator.ne, "<": operator.lt,
                                                 "<=": operator.le, ">": operator.gt, ">=": operator.ge}
_ORDER = ("<", "<=", ">", ">=")


# ------------------------------------------------------------------ suites: red lines with their vocabulary
@dataclass
class Suite:
    name: str
    vocabulary: Any  # m.Vocabulary
    redlines: list  # list[m.RedLines]
    drafts: list[tuple[str, Any]] = field(default_factory=list)  # (name, proposal) per reading of a draft
    # What a wildcard reads: the terms that "fit" the test (the README, the validator and the evaluator), or
    # "every" declared term under its family (the evaluator's old reading). They differ on the coverage set.
    wildcards: str = "fit"


def real_suite(with_drafts: bool = True) -> Suite:
    """The shipped red lines and vocabulary (through the library's front door) and every reading of every draft."""
    from peacecheck.checker import load_project

    redlines = (str(REPO / "redlines"),)
    first = load_project(REPO / "proposals" / "miami.peace", redlines=redlines, use_config=False)
    suite = Suite("real red lines", first.vocabulary, list(first.redlines))
    if with_drafts:
        for path in sorted((REPO / "proposals").glob("*.peace")):
            proposal = load_project(path, redlines=redlines, use_config=False).proposal
            suite.drafts += [(f"{path.name}{label}", p) for label, p in draft_readings(proposal)]
    return suite


def draft_readings(proposal) -> list[tuple[str, Any]]:
    """The draft as written (each clause's first option), then each other option of each clause, as flat drafts."""
    def flat(choice: dict[str, str]):
        clauses = []
        for clause in proposal.clauses:
            terms = clause.terms
            if clause.options:
                option = next((o for o in clause.options if o.id == choice.get(clause.id)), clause.options[0])
                terms = terms + option.terms
            clauses.append(clause.model_copy(update={"terms": terms, "options": (), "acknowledgements": ()}))
        return proposal.model_copy(update={"clauses": tuple(clauses)})

    out = [("", flat({}))]
    for clause in proposal.clauses:
        for option in clause.options[1:]:
            out.append((f" [{clause.id} option {option.id}]", flat({clause.id: option.id})))
    return out


COVERAGE_VOCAB = """vocabulary "bench_rego coverage"
type level = scale(low < mid < high < top)
term fam.level : level
term fam.grade : scale(a < b < c)
term fam.flag : bool
term fam.kind : enum(mid, x, y)
term fam.count : number unit people
term fam.when : date
term fam.members : set(p, q, r, s)
term fam.note : text
term solo.n : number unit km
term solo.f : bool
term solo.d : date
term solo.s : set(p, q, r)
term solo.e : enum(x, y, z)
term solo.lv : level
term solo.t : text
"""

# Every form of condition on every type; the wildcards reach terms of other types on purpose.
COVERAGE_CONDITIONS = [
    ("when", "solo.n == 5"), ("when", "solo.n != 5"), ("when", "solo.n < 5"), ("when", "solo.n <= 5.5"),
    ("when", "solo.n > -1"), ("when", "solo.n >= 100"), ("when", "solo.n in [1, 2, 3.5]"),
    ("when", "solo.f == true"), ("when", "solo.f != false"), ("when", "solo.f in [false]"),
    ("when", "solo.d < 2026-03-01"), ("when", "solo.d >= 2026-06-15"), ("when", "solo.d == 2026-01-01"),
    ("when", "solo.d != 2026-01-01"), ("when", "solo.d in [2026-01-01, 2026-02-01]"),
    ("when", "solo.s has p"), ("when", "solo.s has any [p, q]"), ("when", "solo.s has all [p, r]"),
    ("when", "solo.s == [p, q]"), ("when", "solo.s != [q, p]"),
    ("when", "solo.e == x"), ("when", "solo.e != y"), ("when", "solo.e in [x, z]"),
    ("when", "solo.lv >= mid"), ("when", "solo.lv < high"), ("when", "solo.lv == top"), ("when", "solo.lv != low"),
    ("when", "solo.lv in [low, top]"), ("when", 'solo.t == "mid"'), ("when", 'solo.t != "a"'),
    ("when", "present solo.n"), ("when", "absent solo.d"), ("when", "present fam.*"), ("when", "absent fam.*"),
    ("when", "fam.* >= mid"), ("when", "fam.* == mid"), ("when", "fam.* != mid"), ("when", "fam.* in [mid, x]"),
    ("when", "fam.* == true"), ("when", "fam.* == 1"), ("when", "fam.* >= 0"), ("when", "fam.* has q"),
    ("when", "fam.* has all [p, s]"), ("when", "fam.* < 2026-05-01"), ("when", "fam.* != false"),
    ("when", "not (solo.n > 3 and (solo.e == x or absent solo.s)) or fam.* == top"),
    ("when", "not fam.* >= high and solo.lv > low and not (solo.f == true or solo.d >= 2026-06-15)"),
    ("that", "solo.lv >= high or solo.s has all [p, q]"),
    ("that", "absent fam.* or (fam.level >= mid and not (fam.flag == false))"),
    ("that", "not (solo.n < 0 or solo.n > 10) and present solo.n"),
]


def coverage_redlines_text() -> str:
    lines = ['party cov "Coverage"', 'vocabulary "coverage.vocab"', 'source s { title "bench_rego coverage" }']
    for i, (keyword, condition) in enumerate(COVERAGE_CONDITIONS, 1):
        kind = "rule" if keyword == "when" else "require"
        lines += [f'{kind} COV-{i} "form {i}" {{', "  severity hard", f"  {keyword} {condition}", "  cite s", "}"]
    return "\n".join(lines) + "\n"


class _MemoryLoader:
    """The dsl's Loader over files held in memory (the coverage set has no files on disk)."""

    def __init__(self, files: dict[str, str]):
        self.files = files

    def resolve(self, relative: str, from_file: str, span) -> str:
        return relative

    def read(self, key: str) -> bytes:
        if key not in self.files:
            raise OSError(2, "no such file", key)
        return self.files[key].encode()


def coverage_suite() -> Suite:
    from peacecheck.dsl.api import load_redlines

    loader = _MemoryLoader({"coverage.vocab": COVERAGE_VOCAB, "coverage.redlines": coverage_redlines_text()})
    redlines, vocabulary = load_redlines("coverage.redlines", loader)
    return Suite("coverage set", vocabulary, [redlines])


# ------------------------------------------------------------------ readings
def plain(value) -> Any:
    """A value as the translations read it: a number, a bool, a name or text, an ISO date, a sorted list."""
    if value.kind == "set":
        return sorted(set(value.raw))
    if value.kind == "date":
        return value.raw.isoformat()
    return value.raw


def reading_of(proposal) -> Reading:
    out: Reading = {}
    for clause in proposal.clauses:
        for a in clause.terms:
            out.setdefault(a.path, []).append(plain(a.value))
    return out


def _constants(suite: Suite) -> dict[str, list[Any]]:
    """Per value kind, the constants the conditions compare with (numbers with their neighbours)."""
    from peacecheck.dsl import models as m
    from peacecheck.dsl.conditions import leaves

    found: dict[str, list[Any]] = {"number": [-1, 0, 1, 2, 3.5, 5, 5.5, 100], "date": [], "text": ["mid", "a", "zz"]}
    for r in suite.redlines:
        for rule in r.rules:
            for leaf in leaves(rule.condition) if rule.condition else ():
                for v in (leaf.value,) if isinstance(leaf, m.Compare) else getattr(leaf, "values", ()):
                    if v.kind == "number":
                        found["number"] += [v.raw, v.raw - 1, v.raw + 1, v.raw + 0.5]
                    elif v.kind == "date":
                        found["date"] += [v.raw + dt.timedelta(days=d) for d in (-1, 0, 1)]
                    elif v.kind == "text":
                        found["text"].append(v.raw)
    found["date"] = found["date"] or [dt.date(2026, 1, 1)]
    return found


def random_readings(suite: Suite, count: int, seed: int = 12) -> list[Any]:
    """Small random drafts from the vocabulary's types: the terms the red lines read, sometimes stated twice."""
    from peacecheck.dsl import models as m
    from peacecheck.dsl.conditions import leaves

    vocab = suite.vocabulary
    read = sorted({p for r in suite.redlines for rule in r.rules if rule.condition
                   for leaf in leaves(rule.condition) for p in vocab.matching(leaf.pattern)})
    others = sorted(set(vocab.terms) - set(read))
    constants = _constants(suite)
    rng = random.Random(seed)

    def value(term_type) -> m.Value:
        kind = term_type.kind
        if kind in ("enum", "scale"):
            return m.Value(kind="name", raw=rng.choice(term_type.values))
        if kind == "set":
            return m.Value(kind="set", raw=tuple(rng.sample(term_type.values, rng.randint(0, len(term_type.values)))))
        if kind == "bool":
            return m.Value(kind="bool", raw=rng.random() < 0.5)
        if kind == "date":
            day = rng.choice(constants["date"]) if rng.random() < 0.8 else dt.date(2026, rng.randint(1, 12), 15)
            return m.Value(kind="date", raw=day)
        if kind == "text":
            return m.Value(kind="text", raw=rng.choice(constants["text"]))
        return m.Value(kind="number", raw=rng.choice(constants["number"]))

    out = []
    for n in range(count):
        paths = rng.sample(read, rng.randint(0, min(16, len(read))))
        paths += rng.sample(others, min(len(others), rng.randint(0, 2)))
        paths += rng.sample(paths, min(len(paths), rng.randint(0, 2)))  # some terms stated by two clauses
        rng.shuffle(paths)
        clauses = tuple(m.Clause(id=str(i + 1), title=f"c{i + 1}", terms=tuple(
            m.Assignment(path=p, value=value(vocab.terms[p].type)) for p in paths[i::5])) for i in range(5))
        out.append(m.Proposal(title=f"random reading {n}", clauses=clauses))
    return out


# ------------------------------------------------------------------ typing: a condition as tests on plain values
@dataclass(frozen=True)
class Test:
    """One term's test, typed: true when any value the reading states for `path` passes it.

    kind: stated (any value), cmp (value op arg), rank (the scale's rank of the value op arg),
    in (value one of arg), set_cmp (the set op the set arg: equality or inclusion),
    has_any / has_all (the set value holds any / all of arg).
    """

    path: str
    kind: str
    op: str = ""
    arg: Any = None
    scale: tuple[str, ...] = ()


Tree = Any  # bool | Test | ("present", path) | ("and"|"or", [Tree]) | ("not", Tree)


def _right(value) -> tuple[str, Any]:
    """The class of the checker's key of a condition's value (Python decides how classes compare), and its plain form."""
    kind = value.kind
    if kind == "set":
        return "set", sorted(set(value.raw))
    if kind == "date":
        return "date", value.raw.isoformat()
    if kind == "bool":
        return "bool", value.raw
    if kind == "number":
        return "num", value.raw
    return "str", value.raw  # a name or a text


_LEFT = {"number": "num", "bool": "bool", "enum": "str", "text": "str", "date": "date", "set": "set"}


def _compare(path: str, term_type, op: str, value) -> Tree:
    cls, arg = _right(value)
    if term_type.kind == "scale":  # ranks; a name not on the scale (or not a name) fails every test
        if isinstance(value.raw, str) and value.raw in term_type.values:
            return Test(path, "rank", op, term_type.values.index(value.raw), tuple(term_type.values))
        return False
    left = _LEFT[term_type.kind]
    if left == "bool" and cls in ("bool", "num"):  # a bool is 0 or 1 to Python: which of the two pass
        passing = [b for b in (False, True) if _OPS[op](b, arg)]
        return Test(path, "stated") if len(passing) == 2 else bool(passing) and Test(path, "cmp", "==", passing[0])
    if left == "num" and cls in ("num", "bool"):
        return Test(path, "cmp", op, int(arg) if isinstance(arg, bool) else arg)
    if left == cls:
        return Test(path, "set_cmp" if cls == "set" else "cmp", op, arg)
    # Different classes: never equal, always unequal, not ordered (the checker's TypeError is false).
    return Test(path, "stated") if op == "!=" else False


def _one_of(path: str, term_type, values) -> Tree:
    wanted: list[Any] = []
    for v in values:
        test = _compare(path, term_type, "==", v)
        if test is False:
            continue
        if test.kind == "stated":  # a bool term and both 0/1: can only come from two values
            wanted += [False, True]
        elif test.kind == "rank":
            wanted.append(term_type.values[test.arg])
        else:
            wanted.append(test.arg)
    unique = []
    for w in wanted:
        if not any(type(w) is type(u) and w == u for u in unique):
            unique.append(w)
    return Test(path, "in", "", tuple(tuple(w) if isinstance(w, list) else w for w in unique)) if unique else False


def typed(condition, vocabulary, wildcards: str = "fit") -> Tree:
    """The condition as a tree of typed tests, every wildcard spelled out term by term."""
    from peacecheck.dsl import models as m
    from peacecheck.dsl.validate import leaf_terms

    if isinstance(condition, m.Not):
        return ("not", typed(condition.inner, vocabulary, wildcards))
    if isinstance(condition, (m.AllOf, m.AnyOf)):
        return ("and" if isinstance(condition, m.AllOf) else "or",
                [typed(c, vocabulary, wildcards) for c in condition.items])
    paths = vocabulary.matching(condition.pattern)
    if wildcards == "fit" and condition.pattern.endswith(".*"):
        fitting = {t.path for t in leaf_terms(condition, vocabulary)}
        paths = [p for p in paths if p in fitting]
    if isinstance(condition, m.Presence):
        present = ("or", [("present", p) for p in paths])
        return present if condition.kind == "present" else ("not", present)
    tests: list[Tree] = []
    for p in paths:
        t = vocabulary.terms[p].type
        if isinstance(condition, m.Compare):
            tests.append(_compare(p, t, condition.op, condition.value))
        elif isinstance(condition, m.OneOf):
            tests.append(_one_of(p, t, condition.values))
        elif t.kind == "set":  # m.Has; on a term of another type no value is a set: false
            tests.append(Test(p, "has_" + condition.mode, "", tuple(sorted(set(condition.names)))))
    return ("or", [x for x in tests if x is not False])


def crossed_tree(rule, vocabulary, wildcards: str = "fit") -> Tree:
    """True exactly when the rule is crossed: a `rule`'s condition, or the negation of a `require`'s."""
    tree = typed(rule.condition, vocabulary, wildcards)
    return tree if rule.kind == "rule" else ("not", tree)


def translatable_rules(suite: Suite) -> list[tuple[str, Any]]:
    return [(f"{r.party}/{rule.id}", rule) for r in suite.redlines for rule in r.rules if rule.condition is not None]


# ------------------------------------------------------------------ back end 1: the floor (Python)
def _py_literal(arg: Any) -> str:
    return repr(arg)


def _py_value_test(t: Test, v: str, scope: dict[str, Any]) -> str:
    if t.kind == "cmp":
        return f"{v} {t.op} {_py_literal(t.arg)}"
    if t.kind == "rank":
        name = f"R{len(scope)}"
        scope[name] = {n: i for i, n in enumerate(t.scale)}
        return f"(r := {name}.get({v})) is not None and r {t.op} {t.arg}"
    if t.kind == "in":
        if any(isinstance(w, tuple) for w in t.arg):  # sets among sets: compare as frozensets
            name = f"S{len(scope)}"
            scope[name] = frozenset(frozenset(w) for w in t.arg)
            return f"frozenset({v}) in {name}"
        name = f"S{len(scope)}"
        scope[name] = list(t.arg)  # a list: equality as Python's `in`, 1 == True included
        return f"{v} in {name}"
    name = f"S{len(scope)}"
    scope[name] = frozenset(t.arg)
    if t.kind == "set_cmp":
        return f"set({v}) {t.op} {name}"
    if t.kind == "has_any":
        return f"not {name}.isdisjoint({v})"
    return f"{name}.issubset({v})"  # has_all


def python_expression(tree: Tree, scope: dict[str, Any]) -> str:
    if tree is True or tree is False:
        return str(tree)
    if isinstance(tree, Test):
        if tree.kind == "stated":
            return f"({tree.path!r} in d)"
        test = _py_value_test(tree, "v", scope)
        return f"(({tree.path!r} in d) and any({test} for v in d[{tree.path!r}]))"
    head = tree[0]
    if head == "present":
        return f"({tree[1]!r} in d)"
    if head == "not":
        return f"(not {python_expression(tree[1], scope)})"
    parts = [python_expression(t, scope) for t in tree[1]]
    if not parts:
        return "True" if head == "and" else "False"
    return "(" + f" {head} ".join(parts) + ")"


def floor_function(suite: Suite) -> tuple[Callable[[Reading], list[str]], str]:
    """The rules as one straight-line Python function over a reading (fired rule keys out), and its source."""
    scope: dict[str, Any] = {}
    lines = ["def fired(d):", "    out = []"]
    for key, rule in translatable_rules(suite):
        tree = crossed_tree(rule, suite.vocabulary, suite.wildcards)
        lines.append(f"    if {python_expression(tree, scope)}: out.append({key!r})")
    lines.append("    return out")
    source = "\n".join(lines) + "\n"
    exec(compile(source, "<bench_rego floor>", "exec"), scope)  # noqa: S102 - generated from the project's rules
    return scope["fired"], source


# ------------------------------------------------------------------ back end 2: Rego
Atom = tuple[Any, bool]  # (Test or ("present", path), positive)


def _nnf_dnf(tree: Tree, positive: bool = True) -> list[list[Atom]]:
    """Disjunctive normal form with negations on the atoms: a list of conjunctions ([] never, [[]] always)."""
    if tree is True or tree is False:
        return [[]] if tree == positive else []
    if isinstance(tree, Test) or tree[0] == "present":
        return [[(tree, positive)]]
    head = tree[0]
    if head == "not":
        return _nnf_dnf(tree[1], not positive)
    conjunctive = (head == "and") == positive
    parts = [_nnf_dnf(t, positive) for t in tree[1]]
    if not conjunctive:
        return [c for p in parts for c in p]
    out: list[list[Atom]] = [[]]
    for p in parts:
        out = [c + d for c in out for d in p]
    cleaned = []
    for c in out:
        unique = list(dict.fromkeys(c))
        if not any((a, not pos) in unique for a, pos in unique):  # x and not x: never
            cleaned.append(unique)
    return cleaned


def _rego_literal(arg: Any) -> str:
    if isinstance(arg, tuple):
        arg = list(arg)
    return json.dumps(arg)


def _rego_set(items: Iterable[Any]) -> str:
    items = list(items)
    return "{" + ", ".join(_rego_literal(i) for i in items) + "}" if items else "set()"


def _rego_value_test(t: Test, v: str, n: int) -> list[str]:
    """Rego statements (a conjunction) true when the value bound to `v` passes the test."""
    if t.kind == "cmp":
        return [f"{v} {t.op} {_rego_literal(t.arg)}"]
    if t.kind == "rank":
        ranks = "{" + ", ".join(f"{json.dumps(s)}: {i}" for i, s in enumerate(t.scale)) + "}"
        return [f"{ranks}[{v}] {t.op} {t.arg}"]
    if t.kind == "in":
        return [f"{v} in {_rego_set(t.arg)}"]
    members = f"{{x{n} | some x{n} in {v}}}"
    wanted = _rego_set(t.arg)
    if t.kind == "has_any":
        return [f"some y{n} in {v}", f"y{n} in {wanted}"]
    if t.kind == "has_all":
        return [f"count({wanted} - {members}) == 0"]
    # set_cmp: the reading's sets are sorted lists, so equality is a list's; inclusion by set difference
    if t.op in ("==", "!="):
        return [f"{v} {t.op} {_rego_literal(t.arg)}"]
    subset, superset = f"count({members} - {wanted}) == 0", f"count({wanted} - {members}) == 0"
    strict = [f"{v} != {_rego_literal(t.arg)}"] if t.op in ("<", ">") else []
    return [subset if t.op in ("<", "<=") else superset] + strict


def _rego_atom(atom: Atom, n: int) -> list[str]:
    thing, positive = atom
    ref = f"input.t[{json.dumps(thing[1] if isinstance(thing, tuple) else thing.path)}]"
    if isinstance(thing, tuple) or thing.kind == "stated":
        return [ref] if positive else [f"not {ref}"]
    if thing.kind == "cmp" and not positive:  # one expression: no value of the term passes
        return [f"not {ref}[_] {thing.op} {_rego_literal(thing.arg)}"]
    body = [f"some v{n} in {ref}"] + _rego_value_test(thing, f"v{n}", n)
    return body if positive else [f"count([1 | {'; '.join(body)}]) == 0"]


def rego_module(suite: Suite) -> str:
    """The rules as one Rego module, package `peace`: `fired` is the set of crossed rules' keys."""
    out = ["package peace", "", "import rego.v1", ""]
    for key, rule in translatable_rules(suite):
        for conjunction in _nnf_dnf(crossed_tree(rule, suite.vocabulary, suite.wildcards)):
            body = [s for i, atom in enumerate(conjunction) for s in _rego_atom(atom, i)] or ["true"]
            out.append(f"fired contains {json.dumps(key)} if {{")
            out += [f"\t{s}" for s in body]
            out += ["}", ""]
    return "\n".join(out)


class RegoEngine:
    """The Rego module built once into a bundle; one evaluation = set the input, query, read the answer."""

    def __init__(self, module: str):
        from regopy import Input, Interpreter

        self._input = Input
        self.interpreter = Interpreter()
        self.interpreter.add_module("peace", module)
        self.bundle = self.interpreter.build("data.peace.fired", [])
        if not self.bundle.ok():
            raise RuntimeError(f"the Rego translation does not build:\n{self.bundle.node}")

    def fired(self, reading: Reading) -> list[str]:
        self.interpreter.set_input(self._input({"t": reading}))
        output = self.interpreter.query_bundle(self.bundle)
        if not output.ok():
            raise RuntimeError(f"Rego query failed: {output}")
        return json.loads(output.expressions()[0].json())


def have_regopy() -> bool:
    try:
        import regopy  # noqa: F401
    except ImportError:
        return False
    return True


# ------------------------------------------------------------------ peacecheck
def peacecheck_fired(suite: Suite, proposal) -> set[str]:
    """The rules `check()` reports crossed on a reading (each crossing gives at least one finding)."""
    from peacecheck.checker.evaluation.evaluate import check

    return {f"{f.party}/{f.rule}" for f in check(proposal, suite.vocabulary, suite.redlines).findings}


def evaluator_only(suite: Suite) -> Callable[[Any], list[str]] | None:
    """The evaluator's leaf values and crossed rules without findings (its internals: None if they moved)."""
    try:
        from peacecheck.checker.evaluation.evaluate import Environment, bindings_of, compile_redlines, rule_vectors

        compiled = [(r, compile_redlines(r, suite.vocabulary)) for r in suite.redlines]
        vectors = [(r.party, rules, rule_vectors(r, rules)) for r, rules in compiled]

        def fired(proposal) -> list[str]:
            by_path = Environment(bindings_of(proposal)).by_path
            return [f"{party}/{rule.rule.id}" for party, rules, vector in vectors
                    for rule, values in zip(rules, vector(by_path)) if rule.crossed(values)]
        return fired
    except (ImportError, AttributeError, TypeError):
        return None


# ------------------------------------------------------------------ agreement
@dataclass
class Disagreement:
    suite: str
    reading: str
    engine: str
    only_peacecheck: list[str]
    only_engine: list[str]
    values: dict[str, list[Any]]

    def show(self) -> str:
        return (f"DISAGREE [{self.suite}] {self.reading}: {self.engine} misses {self.only_peacecheck or '-'}, "
                f"adds {self.only_engine or '-'}; terms {json.dumps(self.values, default=str, sort_keys=True)}")


def _paths_of(suite: Suite, keys: set[str]) -> set[str]:
    from peacecheck.dsl.conditions import leaves

    rules = dict(translatable_rules(suite))
    return {p for k in keys for leaf in leaves(rules[k].condition) for p in suite.vocabulary.matching(leaf.pattern)}


def agreement(suite: Suite, readings: list[tuple[str, Any]],
              engines: dict[str, Callable[[Reading], list[str]]]) -> tuple[list[Disagreement], dict[str, int]]:
    """Compare each engine's fired rules with check()'s on every reading; and how often each rule fired."""
    bad: list[Disagreement] = []
    fired_count = {key: 0 for key, _ in translatable_rules(suite)}
    for name, proposal in readings:
        expected = peacecheck_fired(suite, proposal)
        for key in expected:
            fired_count[key] = fired_count.get(key, 0) + 1
        reading = reading_of(proposal)
        for engine, function in engines.items():
            got = set(function(reading) if engine != "evaluator" else function(proposal))
            if got != expected:
                keys = expected ^ got
                shown = {p: reading[p] for p in sorted(_paths_of(suite, keys)) if p in reading}
                bad.append(Disagreement(suite.name, name, engine, sorted(expected - got), sorted(got - expected), shown))
    return bad, fired_count


def engines_of(suite: Suite, with_rego: bool) -> dict[str, Callable]:
    engines: dict[str, Callable] = {"floor": floor_function(suite)[0]}
    core = evaluator_only(suite)
    if core is not None:
        engines["evaluator"] = core
    if with_rego:
        engines["rego"] = RegoEngine(rego_module(suite)).fired
    return engines


# ------------------------------------------------------------------ speed
def rate(function: Callable[[Any], Any], items: list[Any], rounds: int) -> float:
    """Items per CPU second of this process (the machine is shared: wall time counts the neighbours too)."""
    times = []
    for _ in range(rounds):
        start = time.process_time()
        for item in items:
            function(item)
        times.append(time.process_time() - start)
    return len(items) / statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer readings and rounds")
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument("--readings", type=int, default=None, help="random readings (default 400, quick 120)")
    parser.add_argument("--wildcards", choices=("every", "fit"), default="fit",
                        help="translate a wildcard as every term of its family (the evaluator) or only the terms "
                             "that fit the test (the README); default every")
    parser.add_argument("--show-rego", action="store_true", help="print the Rego module and stop")
    args = parser.parse_args()
    rounds = args.rounds or (3 if args.quick else 5)
    count = args.readings or (120 if args.quick else 400)
    with_rego = have_regopy()

    real = real_suite()
    real.wildcards = args.wildcards
    if args.show_rego:
        print(rego_module(real))
        return 0
    cover = coverage_suite()
    cover.wildcards = args.wildcards
    if not with_rego:
        print("regopy is not installed (pip install -e '.[bench]'): checking and timing the Python floor only")
    randoms = random_readings(real, count)
    cover_readings = [(p.title, p) for p in random_readings(cover, count, seed=5)]
    bad: list[Disagreement] = []
    for suite, readings in ((real, suite_readings(real, randoms)), (cover, cover_readings)):
        problems, fired = agreement(suite, readings, engines_of(suite, with_rego))
        bad += problems
        never = sorted(k for k, n in fired.items() if n == 0)
        always = sorted(k for k, n in fired.items() if n == len(readings))
        print(f"{suite.name}: {len(fired)} rules, {len(readings)} readings ({len(suite.drafts)} of drafts), "
              f"{sum(fired.values())} crossings; never crossed {len(never)} {never[:6]}, "
              f"always {len(always)} {always[:6]}")
    for d in bad[:50]:
        print(d.show())
    if len(bad) > 50:
        print(f"... and {len(bad) - 50} more")
    print(f"agreement with check(): {'OK' if not bad else f'{len(bad)} DISAGREEMENTS'} "
          f"(evaluator alone, floor{', rego' if with_rego else ''}; wildcards read {args.wildcards!r})")

    from peacecheck.checker.evaluation.evaluate import check

    floor = floor_function(real)[0]
    dicts = [reading_of(p) for p in randoms]
    engine = RegoEngine(rego_module(real)) if with_rego else None
    core = evaluator_only(real)
    gc.collect()
    gc.freeze()  # inputs built: as the CLI does, do not let the collector walk them during the timing
    rates = {"check() with findings": rate(lambda p: check(p, real.vocabulary, real.redlines), randoms, rounds)}
    if core is not None:
        rates["evaluator alone (no findings)"] = rate(core, randoms, rounds)
    if engine is not None:
        rates["regopy (rego-cpp), built once"] = rate(engine.fired, dicts, rounds)
    rates["hand-written Python (floor)"] = rate(floor, dicts, rounds)
    base = rates["hand-written Python (floor)"]
    print(f"evaluations/s of the {len(translatable_rules(real))} real red lines, {count} random readings, "
          f"median of {rounds} rounds (CPU):")
    for name, value in rates.items():
        print(f"  {name:32s} {value:10,.0f}/s   {value / base:7.4f} x floor   "
              f"{value / rates['check() with findings']:6.2f} x check()")
    ours = rates["check() with findings"]
    print(f"RESULT rego agreement with check(): {'identical fired rules' if not bad else f'{len(bad)} disagreements'}"
          f" (identical)")
    print(f"RESULT check() evaluations/s of the real red lines: {ours:,.0f} (>= 10,000)")
    if engine is not None:
        print(f"RESULT check() vs regopy: {ours / rates['regopy (rego-cpp), built once']:.1f}x faster (>= 1x)")
    print(f"RESULT hand-written floor vs check(): {base / ours:.1f}x (the limit)")
    return 1 if bad else 0


def suite_readings(suite: Suite, randoms: list[Any]) -> list[tuple[str, Any]]:
    return list(suite.drafts) + [(p.title, p) for p in randoms]


if __name__ == "__main__":
    sys.exit(main())
