"""The shared CP-SAT compiler: OR-tools imported lazily, every red line compiled to constraints over choices."""
from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from peacecheck.checker.evaluation.evaluate import Binding, Environment, Evaluator
from peacecheck.dsl import models as m
from peacecheck.dsl.conditions import leaves, show
from peacecheck.dsl.diagnostics import Diagnostic, PeaceError, Span

from .model import OPTIMISE_WORKERS, SEED, WEIGHT_SCALE, Lit, OutOfTime, RuleRef


# ------------------------------------------------------------------ OR-tools, lazily
def cp_model():
    """The CP-SAT module, or an input error (PC730) that says how to install it."""
    try:
        cp = _import_cp_model()
    except ImportError:
        raise PeaceError([Diagnostic("PC730", "the solver needs OR-tools (the `ortools` package), which is not installed",
                                     Span("peacecheck", 0, 0),
                                     "pip install 'peacecheck[solve]' (or: pip install ortools)")]) from None
    return cp


def _import_cp_model():
    """OR-tools' cp_model without pandas, which it imports only to accept pandas Series in helpers we never call.

    pandas is a sixth of a `solve` run's start-up. While cp_model is imported, a stand-in module with the two
    names cp_model's signatures mention takes pandas' place (then leaves sys.modules, so a real `import pandas`
    later is untouched). If a future OR-tools needs more of pandas at import, the real one is imported.
    """
    import sys
    import types

    if "ortools.sat.python.cp_model" in sys.modules or "pandas" in sys.modules:
        from ortools.sat.python import cp_model as cp
        return cp
    stand_in = types.ModuleType("pandas")
    stand_in.Index = type("Index", (), {})  # type: ignore[attr-defined]
    stand_in.Series = type("Series", (), {})  # type: ignore[attr-defined]
    sys.modules["pandas"] = stand_in
    try:
        from ortools.sat.python import cp_model as cp
    except AttributeError:  # it wanted more of pandas: import it for real
        for name in [n for n in sys.modules if n.startswith("ortools.sat.python.cp_model")]:
            del sys.modules[name]
        del sys.modules["pandas"]
        from ortools.sat.python import cp_model as cp
    finally:
        if sys.modules.get("pandas") is stand_in:
            del sys.modules["pandas"]
    return cp


def negate(lit: Lit) -> Lit:
    return (not lit) if isinstance(lit, bool) else ~lit


COMBINE_LIMIT = 2 ** 50  # folded objectives stay far inside CP-SAT's 64-bit arithmetic


def combine(objectives: list[Any]) -> Any:
    """One expression ordering packages exactly as minimising `objectives` in turn, or None.

    Needs every objective after the first as (expression, upper bound) with values in [0, bound].
    """
    if not objectives or not all(isinstance(o, tuple) for o in objectives[1:]):
        return None
    expression, scale = 0, 1
    for objective in reversed(objectives):
        term = objective[0] if isinstance(objective, tuple) else objective
        expression = expression + scale * term
        if objective is not objectives[0]:
            scale *= objective[1] + 1
        if scale > COMBINE_LIMIT:
            return None
    return expression


class Logic:
    """And/or on a CP-SAT model by reification, folding constants and building each shared part once."""

    def __init__(self, model):
        self.model = model
        self._memo: dict[tuple, Lit] = {}

    def any_of(self, lits: Iterable[Lit]) -> Lit:
        unique: dict[int, Lit] = {}
        for lit in lits:
            if lit is True:
                return True
            if lit is not False:
                unique.setdefault(lit.index, lit)
        if not unique:
            return False
        if len(unique) == 1:
            return next(iter(unique.values()))
        key = tuple(sorted(unique))
        if key not in self._memo:
            self._memo[key] = self._reified_or(list(unique.values()))
        return self._memo[key]

    def all_of(self, lits: Iterable[Lit]) -> Lit:
        return negate(self.any_of(negate(lit) for lit in lits))

    def _reified_or(self, lits: list[Lit]) -> Lit:
        b = self.model.new_bool_var("")
        self.model.add_bool_or(lits).only_enforce_if(b)
        for lit in lits:
            self.model.add_implication(lit, b)
        return b


@dataclass(frozen=True)
class Source:
    """A Boolean of the model that, when true, puts its bindings into the proposal."""

    literal: Lit
    bindings: tuple[Binding, ...]


def pattern_covers(pattern: str, path: str) -> bool:
    """Whether a leaf's pattern reads a path, exactly as the checker's Environment.lookup does."""
    return path.startswith(pattern[:-1]) if pattern.endswith(".*") else path == pattern


class ConditionCompiler:
    """Conditions -> literals, over fixed bindings plus the bindings of whichever sources are true.

    A leaf holds if any binding it reads satisfies it (the checker's existential reading), so
    its literal is the OR of the sources holding such a binding, or True when a fixed binding does.
    """

    def __init__(self, model, vocabulary: m.Vocabulary, fixed: list[Binding], sources: list[Source]):
        self.logic = Logic(model)
        self.evaluator = Evaluator(vocabulary)
        self.fixed: dict[str, list[Binding]] = {}
        self.pairs: dict[str, list[tuple[Lit, Binding]]] = {}
        for b in fixed:
            self.fixed.setdefault(b.path, []).append(b)
        for source in sources:
            for b in source.bindings:
                self.pairs.setdefault(b.path, []).append((source.literal, b))
        self._paths = sorted(set(self.fixed) | set(self.pairs))
        self._covered: dict[str, list[str]] = {}
        self._cache: dict[str, Lit] = {}

    def covered(self, pattern: str) -> list[str]:
        """The bound paths a pattern reads, in order."""
        if pattern not in self._covered:
            if pattern.endswith(".*"):
                prefix = pattern[:-1]
                start = bisect.bisect_left(self._paths, prefix)
                paths = list(itertools.takewhile(lambda p: p.startswith(prefix), self._paths[start:]))
            else:
                paths = [pattern] if pattern in self.fixed or pattern in self.pairs else []
            self._covered[pattern] = paths
        return self._covered[pattern]

    def compile(self, condition: m.Condition) -> Lit:
        key = f"{condition.kind}:{show(condition)}"
        if key not in self._cache:
            self._cache[key] = self._build(condition)
        return self._cache[key]

    def _build(self, condition: m.Condition) -> Lit:
        if isinstance(condition, m.Not):
            return negate(self.compile(condition.inner))
        if isinstance(condition, m.AllOf):
            return self.logic.all_of(self.compile(c) for c in condition.items)
        if isinstance(condition, m.AnyOf):
            return self.logic.any_of(self.compile(c) for c in condition.items)
        return self._leaf(condition)

    def _leaf(self, leaf: m.Condition) -> Lit:
        paths = self.covered(leaf.pattern)
        fixed = [b for p in paths for b in self.fixed.get(p, ())]
        pairs = [pair for p in paths for pair in self.pairs.get(p, ())]
        if isinstance(leaf, m.Presence):
            present = True if fixed else self.logic.any_of(lit for lit, _ in pairs)
            return present if leaf.kind == "present" else negate(present)
        if any(self.holds(leaf, b) for b in fixed):
            return True
        return self.logic.any_of(lit for lit, b in pairs if self.holds(leaf, b))

    def holds(self, leaf: m.Condition, binding: Binding) -> bool:
        """The checker's own test of one binding against one leaf."""
        return self.evaluator.evaluate(leaf, Environment([binding]))[0]

    def reads(self, condition: m.Condition) -> set[str]:
        """Clause ids whose bindings a condition's leaves read."""
        paths = {p for leaf in leaves(condition) for p in self.covered(leaf.pattern)}
        return ({b.clause for p in paths for b in self.fixed.get(p, ())}
                | {b.clause for p in paths for _, b in self.pairs.get(p, ())})


# ------------------------------------------------------------------ the compiled problem
@dataclass
class CompiledRule:
    ref: RuleRef
    crossed: Lit  # true when the package crosses the red line
    reads: frozenset[str]  # clause ids
    guard: Lit = None  # hard rules: an assumption literal; when true the line must not be crossed
    weight: int = 0  # soft rules: the scaled weight


class Solvable:
    """A CP-SAT model with guarded red lines, and the queries the analyses ask of it."""

    def __init__(self, subject: str):
        self.cp = cp_model()
        self.model = self.cp.CpModel()
        self.subject = subject  # the file a solver failure is reported against
        self.last_core: list[int] = []
        self.hinted: list[Lit] = []  # the decision variables a later optimisation stage is started from
        self.deadline: float | None = None  # time.monotonic() after which solving stops (see run)
        self.unproven: list[float] = []  # objective bounds of solves that ran out of time with a package

    def guard(self, compiled: CompiledRule) -> CompiledRule:
        """Give a hard red line an assumption literal: when it is true, the line must not be crossed."""
        compiled.guard = self.model.new_bool_var(f"guard {compiled.ref.party} {compiled.ref.rule}")
        if compiled.crossed is True:
            self.model.add_bool_or([~compiled.guard])
        elif compiled.crossed is not False:
            self.model.add_implication(compiled.guard, negate(compiled.crossed))
        return compiled

    def query(self, constraints: Iterable[Callable]) -> Any:
        model = self.model.clone()
        for add in constraints:
            add(model)
        return model

    def run(self, model, assumptions: list[Lit] | None = None, optimise: bool = False):
        """Solve; the solver when a solution was found, None when infeasible.

        One worker, so the answer is the same on every machine. Optimisation uses CP-SAT's full linear
        relaxation (linearization_level 2): the LP bound proves a min-max optimum over hundreds of
        clauses in a fraction of a second, where the default portfolio took minutes to prove it.
        Under a time limit (`deadline`) a solve that runs out of time raises OutOfTime, unless it
        already has a package, which is then used and recorded as not proven best (`unproven`).
        """
        solver = self.cp.CpSolver()
        solver.parameters.random_seed = SEED
        solver.parameters.num_workers = OPTIMISE_WORKERS
        if optimise:
            solver.parameters.linearization_level = 2
            solver.parameters.symmetry_level = 0  # options of different clauses are never interchangeable
        if self.deadline is not None:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise OutOfTime()
            solver.parameters.max_time_in_seconds = left
        if assumptions is not None:
            model.clear_assumptions()
            model.add_assumptions(assumptions)
        status = solver.solve(model)
        if status == self.cp.OPTIMAL or (status == self.cp.FEASIBLE and not optimise):
            return solver
        if status == self.cp.FEASIBLE:  # out of time with a package in hand: usable, but not proven best
            self.unproven.append(solver.best_objective_bound)
            return solver
        if status == self.cp.INFEASIBLE:
            self.last_core = list(solver.sufficient_assumptions_for_infeasibility())
            return None
        if self.deadline is not None and time.monotonic() >= self.deadline - 0.05:
            raise OutOfTime()
        raise PeaceError([Diagnostic("PC735", f"the solver stopped without an answer ({solver.status_name(status)})",
                                     Span(self.subject, 1, 1))])

    def lexmin(self, constraints: list[Callable], objectives: list[Any]):
        """Minimise the objectives one after the other; the solver of the last stage, or None.

        An objective given as (expression, upper bound) with a lower bound of 0 can be folded with the
        ones after it into one weighted sum that orders exactly as the stages would (each later
        objective's whole range weighs less than one unit of the earlier one): one solve instead of
        several. Bare expressions are solved in stages.
        """
        objectives = [o for o in objectives if not isinstance(o, int)]
        combined = combine(objectives)
        if combined is not None:
            model = self.query(constraints)
            model.minimize(combined)
            return self.run(model, optimise=True)
        fixed = list(constraints)
        solver = None
        for objective in (o[0] if isinstance(o, tuple) else o for o in objectives):
            model = self.query(fixed)
            model.minimize(objective)
            if solver is not None:  # start each stage from the previous stage's optimum
                for var in self.hinted:
                    model.add_hint(var, solver.boolean_value(var))
            solver = self.run(model, optimise=True)
            if solver is None:
                return None
            value = round(solver.objective_value)
            fixed.append(lambda md, o=objective, v=value: md.add(o <= v))
        if solver is None:  # no objectives: plain feasibility
            solver = self.run(self.query(fixed))
        return solver

    def feasible_with(self, rules: list[CompiledRule], extra: Iterable[Callable] = ()
                      ) -> tuple[bool, list[CompiledRule]]:
        """Whether these hard red lines can all be met; if not, a subset that already fails."""
        solver = self.run(self.query(extra), [r.guard for r in rules])
        if solver is not None:
            return True, []
        core = set(self.last_core)
        return False, [r for r in rules if r.guard.index in core] or list(rules)


class Problem(Solvable):
    """A proposal's options and the parties' red lines, compiled into one CP-SAT model."""

    def __init__(self, proposal: m.Proposal, vocabulary: m.Vocabulary, redlines: list[m.RedLines],
                 today: dt.date | None = None):
        super().__init__(proposal.file)
        self.proposal, self.vocabulary, self.today = proposal, vocabulary, today
        self.redlines = sorted(redlines, key=lambda r: r.party)
        self.clauses = [c for c in proposal.clauses if c.options]
        self.choice = {(c.id, o.id): self.model.new_bool_var(f"{c.id}={o.id}") for c in self.clauses
                       for o in c.options}
        for clause in self.clauses:
            self.model.add_exactly_one(self.choice[(clause.id, o.id)] for o in clause.options)
        self.hinted = list(self.choice.values())
        self.compiler = ConditionCompiler(self.model, vocabulary, self._fixed_bindings(), self._sources())
        acknowledged = {(a.party, a.rule) for c in proposal.clauses for a in c.acknowledgements
                        if not (today and a.until and a.until < today)}
        self.rules: list[CompiledRule] = []
        self.waived: list[RuleRef] = []
        for red in self.redlines:
            for rule in red.rules:
                self._add_rule(red, rule, acknowledged)
        self._objectives()

    def _fixed_bindings(self) -> list[Binding]:
        return [Binding(a.path, a.value, c.id, None, a.span.line) for c in self.proposal.clauses for a in c.terms]

    def _sources(self) -> list[Source]:
        return [Source(self.choice[(c.id, o.id)],
                       tuple(Binding(a.path, a.value, c.id, o.id, a.span.line) for a in o.terms))
                for c in self.clauses for o in c.options]

    def _add_rule(self, red: m.RedLines, rule: m.Rule, acknowledged: set[tuple[str, str]]) -> None:
        if rule.condition is None:
            return
        ref = rule_ref(red, rule)
        if (red.party, rule.id) in acknowledged:  # the checker decides: see solve()'s re-check
            self.waived.append(ref)
            return
        holds = self.compiler.compile(rule.condition)
        crossed = holds if rule.kind == "rule" else negate(holds)
        compiled = CompiledRule(ref, crossed, frozenset(self.compiler.reads(rule.condition)))
        if rule.severity == "hard":
            self.guard(compiled)
        else:
            compiled.weight = max(0, round(rule.weight * WEIGHT_SCALE))
        self.rules.append(compiled)

    def _objectives(self) -> None:
        """Each party's concern (the weights of the soft red lines it sees crossed), the worst-off party's, the total.

        Weights are counted in units of their greatest common divisor (1.0, 2.0, 0.5 -> 2, 4, 1), which
        keeps the coefficients small for the LP relaxation; `worst` and `total` are the same numbers in
        WEIGHT_SCALE units, as reports and tests read them. The worst-off party's concern is bounded
        below by every party's (worst >= concern): minimising it makes it their maximum.
        """
        soft = [r for r in self.rules if r.guard is None and r.weight]
        self.unit = math.gcd(*(r.weight for r in soft)) if soft else 1
        self.concern: dict[str, Any] = {}
        for red in self.redlines:
            self.concern[red.party] = sum((r.weight // self.unit) * _as_int(r.crossed) for r in soft
                                          if r.ref.party == red.party)
        self.concern_bound = sum(r.weight // self.unit for r in soft)
        self.worst_units = self.model.new_int_var(0, self.concern_bound, "worst")
        for concern in self.concern.values():
            self.model.add(self.worst_units >= concern)
        self.total_units = sum(self.concern.values())
        self.worst = self.worst_units * self.unit
        self.total = self.total_units * self.unit

    def objectives(self, base: dict[str, str] | None = None) -> list[Any]:
        """The package ranking as (expression, upper bound) pairs: worst-off, total, then changes from `base`."""
        out = [(self.worst_units, self.concern_bound), (self.total_units, self.concern_bound)]
        if base is not None:
            out.append((self.changes(base), len(self.clauses)))
        return out

    # -------------------------------------------------------------- views
    @property
    def hard(self) -> list[CompiledRule]:
        return [r for r in self.rules if r.guard is not None]

    @property
    def soft(self) -> list[CompiledRule]:
        return [r for r in self.rules if r.guard is None]

    def space(self) -> int:
        size = 1
        for clause in self.clauses:
            size *= len(clause.options)
        return size

    def changes(self, base: dict[str, str]) -> Any:
        """How many clauses a package switches away from `base` (clause id -> option id)."""
        return sum(1 - self.choice[(c.id, base[c.id])] for c in self.clauses)

    def cut(self, package: dict[str, str]) -> Callable:
        """A constraint that excludes one package (a no-good over the option variables)."""
        open_clauses = [c for c in self.clauses if len(c.options) > 1]
        lits = [self.choice[(c.id, package[c.id])] for c in open_clauses]
        return lambda model: model.add(sum(lits) <= len(lits) - 1)

    def all_hard(self) -> Callable:
        guards = [r.guard for r in self.hard]
        return lambda model: [model.add(g == 1) for g in guards]

    # -------------------------------------------------------------- reading a solution
    def package_of(self, solver) -> dict[str, str]:
        return {c.id: next(o.id for o in c.options if solver.boolean_value(self.choice[(c.id, o.id)]))
                for c in self.clauses}


def _as_int(lit: Lit) -> Any:
    return int(lit) if isinstance(lit, bool) else lit


def rule_ref(red: m.RedLines, rule: m.Rule) -> RuleRef:
    return RuleRef(red.party, red.name, rule.id, rule.title, rule.kind, rule.severity, rule.weight,
                   rule.span.file or red.file, rule.span.line, rule.span.column)


