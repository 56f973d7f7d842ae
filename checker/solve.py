"""Negotiation analysis: the packages every party can accept, and the red lines that rule agreement out.

Pure: a proposal with options, its vocabulary and the parties' red lines in; a SolveResult
(plain data) out. The proposal's clauses with options become choice variables of a CP-SAT
model (one Boolean per clause and option, exactly one per clause); every red line becomes a
constraint over them, compiled from the same per-binding test the checker uses, so the
solver and `checker.evaluate.check` agree on every package. Every package reported is
re-checked with `check` and carries the checker's own verdicts.

OR-tools is imported lazily, only when a problem is compiled.
"""
from __future__ import annotations

import bisect
import datetime as dt
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from peacecheck.dsl import models as m
from peacecheck.dsl.conditions import leaves, show
from peacecheck.dsl.diagnostics import Diagnostic, PeaceError, Span

from .evaluate import Binding, Environment, Evaluator, check
from .results import PartyInfo, Verdict

WEIGHT_SCALE = 1000  # soft weights are compared as integers: weight x 1000, rounded
DEFAULT_TOP = 5
SEED = 20251123  # fixed: the same input gives the same packages and conflicts
COUNT_CAP = 1_000  # acceptable packages are counted up to this many ...
COUNT_EFFORT = 0.25  # ... or until CP-SAT has spent this much deterministic time (reproducible, unlike seconds)
MUS_SOLVE_BUDGET = 600  # feasibility checks spent on finding several conflict sets
OPTIMISE_WORKERS = 4  # fixed, so the interleaved (deterministic) search is the same on every machine
RECHECK_LIMIT = 50  # packages the checker may turn down (acknowledged red lines) before giving up
Lit = Any  # a CP-SAT literal, or True / False when the value is known without solving


# ------------------------------------------------------------------ results
@dataclass(frozen=True)
class RuleRef:
    """One red line, as reports name it."""

    party: str
    party_name: str
    rule: str
    title: str
    kind: str
    severity: str
    weight: float
    file: str = ""
    line: int = 0
    column: int = 0

    @property
    def key(self) -> tuple[str, str]:
        return (self.party, self.rule)

    def words(self) -> str:
        return f"{self.party_name} {self.rule} '{self.title}'"


@dataclass(frozen=True)
class ClauseRef:
    id: str
    title: str


@dataclass(frozen=True)
class Choice:
    """The option a package takes for one clause."""

    clause: str
    clause_title: str
    option: str
    option_title: str
    default: bool  # the clause's first option
    changed: bool  # differs from the draft the analysis starts from


@dataclass(frozen=True)
class PartyVerdict:
    """A party's verdict on a whole package, as the checker gives it."""

    party: str
    name: str
    verdict: Verdict
    concern_weight: float  # sum of the weights of the soft red lines the package crosses
    concerns: tuple[RuleRef, ...]
    rejections: tuple[RuleRef, ...]


@dataclass(frozen=True)
class Package:
    rank: int
    choices: tuple[Choice, ...]
    worst: float  # the worst-off party's concern weight
    total: float  # all parties' concern weight together
    verdicts: tuple[PartyVerdict, ...]

    @property
    def changes(self) -> tuple[str, ...]:
        return tuple(c.clause for c in self.choices if c.changed)

    def option_of(self, clause_id: str) -> str:
        return next(c.option for c in self.choices if c.clause == clause_id)

    @property
    def acceptable(self) -> bool:
        return not any(v.rejections for v in self.verdicts)


@dataclass(frozen=True)
class Conflict:
    """A minimal set of hard red lines that no package meets together: drop any one and a package exists."""

    rules: tuple[RuleRef, ...]
    clauses: tuple[ClauseRef, ...]  # the clauses whose terms these red lines read
    summary: str
    contested: tuple[ClauseRef, ...] = ()  # the clauses two or more of them read (all of `clauses` for one rule)

    @property
    def parties(self) -> tuple[str, ...]:
        return tuple(sorted({r.party for r in self.rules}))


@dataclass(frozen=True)
class DraftPick:
    """How the draft reads one clause with options."""

    clause: str
    option: str
    how: str  # "default", "same option" or "matched 3 of 4 terms"


@dataclass(frozen=True)
class Switch:
    clause: str
    clause_title: str
    from_option: str
    from_title: str
    to_option: str
    to_title: str


@dataclass
class DraftFix:
    """The smallest change that makes the draft acceptable to every party."""

    file: str
    reading: tuple[DraftPick, ...]
    draft: Package  # the draft itself, with the checker's verdicts
    switches: tuple[Switch, ...] = ()  # fewest clauses to switch (after relaxing `relax`, if any)
    relax: tuple[RuleRef, ...] = ()  # red lines that must be relaxed when no switch suffices
    alternatives: tuple[tuple[RuleRef, ...], ...] = ()  # other equally small sets of red lines to relax
    result: Package | None = None  # the draft after the switches

    @property
    def acceptable_as_is(self) -> bool:
        return self.draft.acceptable


@dataclass
class SolveResult:
    proposal: m.Proposal
    parties: list[PartyInfo]
    option_clauses: tuple[ClauseRef, ...]
    package_space: int  # how many packages the options allow
    hard_rules: int
    soft_rules: int
    packages: list[Package] = field(default_factory=list)
    acceptable_count: int = 0
    count_capped: bool = False
    conflicts: list[Conflict] = field(default_factory=list)
    draft: DraftFix | None = None
    waived: tuple[RuleRef, ...] = ()  # red lines the proposal acknowledges: left to the checker

    @property
    def feasible(self) -> bool:
        return bool(self.packages)


# ------------------------------------------------------------------ OR-tools, lazily
def cp_model():
    """The CP-SAT module, or an input error (PC730) that says how to install it."""
    try:
        from ortools.sat.python import cp_model as cp
    except ImportError:
        raise PeaceError([Diagnostic("PC730", "the solver needs OR-tools (the `ortools` package), which is not installed",
                                     Span("peacecheck", 0, 0),
                                     "pip install 'peacecheck[solve]' (or: pip install ortools)")]) from None
    return cp


def negate(lit: Lit) -> Lit:
    return (not lit) if isinstance(lit, bool) else ~lit


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

        Feasibility and conflict cores use one worker (cores need it). Optimisation interleaves
        CP-SAT's portfolio of strategies over OPTIMISE_WORKERS workers in its deterministic mode:
        one worker alone can take minutes to prove a min-max optimum that the portfolio proves
        in seconds, and the interleaved search gives the same answer on any machine.
        """
        solver = self.cp.CpSolver()
        solver.parameters.random_seed = SEED
        solver.parameters.num_workers = OPTIMISE_WORKERS if optimise else 1
        solver.parameters.interleave_search = optimise
        if assumptions is not None:
            model.clear_assumptions()
            model.add_assumptions(assumptions)
        status = solver.solve(model)
        if status in (self.cp.OPTIMAL, self.cp.FEASIBLE):
            return solver
        if status == self.cp.INFEASIBLE:
            self.last_core = list(solver.sufficient_assumptions_for_infeasibility())
            return None
        raise PeaceError([Diagnostic("PC735", f"the solver stopped without an answer ({solver.status_name(status)})",
                                     Span(self.subject, 1, 1))])

    def lexmin(self, constraints: list[Callable], objectives: list[Any]):
        """Minimise the objectives one after the other; the solver of the last stage, or None."""
        fixed = list(constraints)
        solver = None
        for objective in (o for o in objectives if not isinstance(o, int)):
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
        soft = [r for r in self.rules if r.guard is None and r.weight]
        bound = sum(r.weight for r in soft) + 1
        self.concern: dict[str, Any] = {}
        for red in self.redlines:
            total = self.model.new_int_var(0, bound, f"concern {red.party}")
            self.model.add(total == sum(r.weight * _as_int(r.crossed) for r in soft if r.ref.party == red.party))
            self.concern[red.party] = total
        self.worst = self.model.new_int_var(0, bound, "worst")
        self.model.add_max_equality(self.worst, list(self.concern.values()) or [0])
        self.total = sum(self.concern.values())

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


# ------------------------------------------------------------------ packages, re-checked by the checker
def with_choice(proposal: m.Proposal, package: dict[str, str]) -> m.Proposal:
    """The proposal with each clause's chosen option as its only option, so it is the one the checker reads.

    The other options are dropped rather than moved behind it: the checker's verdicts on the
    draft depend only on the first option, and it would otherwise re-check every option.
    """
    clauses = []
    for clause in proposal.clauses:
        chosen = package.get(clause.id)
        if clause.options and chosen:
            clause = clause.model_copy(update={"options": tuple(o for o in clause.options if o.id == chosen)})
        clauses.append(clause)
    return proposal.model_copy(update={"clauses": tuple(clauses)})


class Verifier:
    """Builds Package results from the checker's verdicts on the proposal with the package chosen."""

    def __init__(self, problem: Problem, base: dict[str, str]):
        self.problem, self.base = problem, base
        self.refs = {(red.party, rule.id): rule_ref(red, rule) for red in problem.redlines for rule in red.rules}

    def package(self, choice: dict[str, str], rank: int) -> Package:
        p = self.problem
        result = check(with_choice(p.proposal, choice), p.vocabulary, p.redlines, today=p.today)
        verdicts = tuple(self._verdict(red, result.active_findings) for red in p.redlines)
        concern = [v.concern_weight for v in verdicts]
        return Package(rank, self._choices(choice), max(concern, default=0.0), sum(concern), verdicts)

    def _verdict(self, red: m.RedLines, findings) -> PartyVerdict:
        mine = [f for f in findings if f.party == red.party]
        hard = _unique(self.refs[(f.party, f.rule)] for f in mine if f.severity == "hard")
        soft = _unique(self.refs[(f.party, f.rule)] for f in mine if f.severity == "soft")
        verdict: Verdict = "reject" if hard else "concern" if soft else "accept"
        if not any(rule.condition for rule in red.rules):
            verdict = "silent"  # a party without red lines accepts nothing and rejects nothing
        return PartyVerdict(red.party, red.name, verdict, sum(r.weight for r in soft), soft, hard)

    def _choices(self, choice: dict[str, str]) -> tuple[Choice, ...]:
        out = []
        for clause in self.problem.clauses:
            option = next(o for o in clause.options if o.id == choice[clause.id])
            out.append(Choice(clause.id, clause.title, option.id, option.title, option is clause.options[0],
                              choice[clause.id] != self.base[clause.id]))
        return tuple(out)


def _unique(refs: Iterable[RuleRef]) -> tuple[RuleRef, ...]:
    return tuple(sorted(set(refs), key=lambda r: r.key))


def best_packages(problem: Problem, verifier: Verifier, top: int) -> list[Package]:
    """The `top` best acceptable packages, best first, each different from the ones before."""
    objectives = [problem.worst, problem.total, problem.changes(verifier.base)]
    cuts: list[Callable] = [problem.all_hard()]
    found: list[Package] = []
    turned_down = 0
    while len(found) < top and turned_down <= RECHECK_LIMIT:
        solver = problem.lexmin(cuts, objectives)
        if solver is None:
            break
        choice = problem.package_of(solver)
        cuts.append(problem.cut(choice))
        package = verifier.package(choice, len(found) + 1)
        if package.acceptable:
            found.append(package)
        else:  # only when the proposal acknowledges red lines: the checker has the last word
            turned_down += 1
        if not any(len(c.options) > 1 for c in problem.clauses):
            break
    return found


def count_acceptable(problem: Problem, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """How many packages meet every hard red line, and whether counting stopped early (then: at least that many).

    Enumeration is slow on large models (CP-SAT reports each solution in full), so it stops at
    `cap` solutions or after COUNT_EFFORT deterministic seconds, whichever comes first.
    """
    cp = problem.cp
    variables = list(problem.choice.values())

    class Counter(cp.CpSolverSolutionCallback):
        def __init__(self):
            super().__init__()
            self.seen: set[tuple[bool, ...]] = set()

        def on_solution_callback(self):
            self.seen.add(tuple(self.boolean_value(v) for v in variables))
            if len(self.seen) >= cap:
                self.stop_search()

    model = problem.query([problem.all_hard()])
    solver = cp.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = SEED
    solver.parameters.enumerate_all_solutions = True
    solver.parameters.max_deterministic_time = COUNT_EFFORT
    counter = Counter()
    status = solver.solve(model, counter)
    return len(counter.seen), len(counter.seen) >= cap or status != cp.OPTIMAL


# ------------------------------------------------------------------ conflicts: minimal unsatisfiable sets
def shrink(problem: Solvable, core: list[CompiledRule], extra: tuple[Callable, ...] = ()) -> list[CompiledRule]:
    """Deletion: drop each red line in turn; keep it only if the rest can then be met."""
    mus = sorted(core, key=lambda r: r.ref.key)
    i = 0
    while i < len(mus):
        trial = mus[:i] + mus[i + 1:]
        feasible, smaller = problem.feasible_with(trial, extra)
        if feasible:
            i += 1
        else:  # every red line already found necessary is in any failing subset, so i stays valid
            keep = {id(r) for r in smaller}
            mus = [r for r in trial if id(r) in keep]
    return mus


def conflict_sets(problem: Solvable, rules: list[CompiledRule], limit: int,
                  budget: int = MUS_SOLVE_BUDGET) -> list[list[CompiledRule]]:
    """Several distinct minimal conflict sets among guarded red lines.

    A breadth-first hitting-set tree (Reiter): after finding a set, each of its red lines is
    removed in turn and the rest searched again, so every set found differs from the others.
    """
    hard = sorted(rules, key=lambda r: r.ref.key)
    found: list[list[CompiledRule]] = []
    feasible_removals: list[frozenset[int]] = []
    queue: list[frozenset[int]] = [frozenset()]
    seen: set[frozenset[int]] = set()
    spent = 0
    while queue and len(found) < limit and spent < budget:
        removed = queue.pop(0)
        if removed in seen or any(f <= removed for f in feasible_removals):
            continue
        seen.add(removed)
        mus = next((s for s in found if not {id(r) for r in s} & removed), None)
        if mus is None:
            active = [r for r in hard if id(r) not in removed]
            feasible, core = problem.feasible_with(active)
            spent += 1
            if feasible:
                feasible_removals.append(removed)
                continue
            mus = shrink(problem, core)
            spent += len(core)
            found.append(mus)
        queue.extend(removed | {id(r)} for r in mus)
    return found


def describe_conflict(problem: Problem, rules: list[CompiledRule]) -> Conflict:
    refs = tuple(sorted((r.ref for r in rules), key=lambda r: r.key))
    read = set().union(*(r.reads for r in rules))
    clauses = tuple(ClauseRef(c.id, c.title) for c in problem.proposal.clauses if c.id in read)
    contested = tuple(c for c in clauses if sum(c.id in r.reads for r in rules) > 1) if len(rules) > 1 else clauses
    return Conflict(refs, clauses, conflict_words(refs, contested or clauses), contested)


def conflict_words(refs: tuple[RuleRef, ...], clauses: tuple[ClauseRef, ...]) -> str:
    """'Russia RU-TERR-1 'Donbas ...' vs Ukraine UA-TERR-1 '...' on clause 14 (Territory)'."""
    by_party: dict[str, list[RuleRef]] = {}
    for ref in refs:
        by_party.setdefault(ref.party, []).append(ref)
    sides = [f"{group[0].party_name} " + " and ".join(f"{r.rule} '{r.title}'" for r in group)
             for group in by_party.values()]
    if len(refs) == 1:
        if not clauses:
            return f"{sides[0]} is crossed whatever the options: no clause states what it needs"
        return f"{sides[0]} is crossed whatever the options, on {clause_words(clauses)}"
    joined = " vs ".join(sides) if len(sides) > 1 else sides[0] + " cannot all be met"
    return joined + (f" on {clause_words(clauses)}" if clauses else "")


def clause_words(clauses: tuple[ClauseRef, ...]) -> str:
    if len(clauses) == 1:
        return f"clause {clauses[0].id} ({clauses[0].title})"
    return "clauses " + ", ".join(c.id for c in clauses)


# ------------------------------------------------------------------ the draft: smallest change
def read_draft(proposal: m.Proposal, draft: m.Proposal | None) -> tuple[DraftPick, ...]:
    """Which option of each clause the draft takes: its own choice, or the option its terms match best."""
    if draft is None:
        return tuple(DraftPick(c.id, c.options[0].id, "default") for c in proposal.clauses if c.options)
    from .evaluate import bindings_of

    stated: dict[str, set[str]] = {}
    for b in bindings_of(draft):
        stated.setdefault(b.path, set()).add(b.value.show())
    return tuple(_pick(clause, draft.clause(clause.id), stated) for clause in proposal.clauses if clause.options)


def _pick(clause: m.Clause, own: m.Clause | None, stated: dict[str, set[str]]) -> DraftPick:
    ids = [o.id for o in clause.options]
    if own is not None and own.options and own.options[0].id in ids:
        return DraftPick(clause.id, own.options[0].id, "same option")
    paths = sorted({a.path for o in clause.options for a in o.terms})

    def agreement(option: m.Option) -> int:
        mine = {a.path: a.value.show() for a in option.terms}
        return sum(1 for p in paths if (mine[p] in stated.get(p, ()) if p in mine else p not in stated))

    scores = [agreement(o) for o in clause.options]
    best = scores.index(max(scores))
    return DraftPick(clause.id, ids[best], f"matched {scores[best]} of {len(paths)} terms")


def fix_draft(problem: Problem, verifier: Verifier, reading: tuple[DraftPick, ...], file: str,
              top: int) -> DraftFix:
    base = verifier.base
    fix = DraftFix(file, reading, verifier.package(base, 0))
    if fix.acceptable_as_is:
        return fix
    objectives = [problem.changes(base), problem.worst, problem.total]
    solver = problem.lexmin([problem.all_hard()], objectives)
    if solver is None:
        relax, alternatives, solver = _relaxation(problem, base, top)
        fix.relax, fix.alternatives = relax, alternatives
    choice = problem.package_of(solver)
    fix.switches = _switches(problem, base, choice)
    fix.result = verifier.package(choice, 0)
    return fix


def _relaxation(problem: Problem, base: dict[str, str], top: int) -> tuple[tuple[RuleRef, ...], tuple, Any]:
    """Fewest red lines to relax (then the lightest, then the fewest switches, then by id), and the switches."""
    hard = sorted(problem.hard, key=lambda r: r.ref.key)
    relaxed = {r.ref.key: ~r.guard for r in hard}
    count = sum(relaxed.values())
    weight = sum(max(0, round(r.ref.weight * WEIGHT_SCALE)) * relaxed[r.ref.key] for r in hard)
    order = sum(i * relaxed[r.ref.key] for i, r in enumerate(hard))
    objectives = [count, weight, problem.changes(base), order, problem.worst, problem.total]
    solver = problem.lexmin([], objectives)
    chosen = tuple(r.ref for r in hard if solver.boolean_value(relaxed[r.ref.key]))
    alternatives = _other_relaxations(problem, hard, relaxed, len(chosen), [chosen], top)
    return chosen, alternatives, solver


def _other_relaxations(problem: Problem, hard: list[CompiledRule], relaxed: dict[tuple[str, str], Lit], size: int,
                       known: list[tuple[RuleRef, ...]], top: int) -> tuple[tuple[RuleRef, ...], ...]:
    """Other sets of `size` red lines whose relaxation also lets a package through, by id order."""
    cuts: list[Callable] = [lambda md: md.add(sum(relaxed.values()) <= size)]
    found = []
    while len(found) < top - 1:
        for refs in known:
            lits = [relaxed[r.key] for r in refs]
            cuts.append(lambda md, lits=lits: md.add(sum(lits) <= len(lits) - 1))
        solver = problem.lexmin(cuts, [sum(i * relaxed[r.ref.key] for i, r in enumerate(hard))])
        if solver is None:
            break
        refs = tuple(r.ref for r in hard if solver.boolean_value(relaxed[r.ref.key]))
        found.append(refs)
        known = [refs]
    return tuple(found)


def _switches(problem: Problem, base: dict[str, str], choice: dict[str, str]) -> tuple[Switch, ...]:
    out = []
    for clause in problem.clauses:
        if choice[clause.id] != base[clause.id]:
            old = next(o for o in clause.options if o.id == base[clause.id])
            new = next(o for o in clause.options if o.id == choice[clause.id])
            out.append(Switch(clause.id, clause.title, old.id, old.title, new.id, new.title))
    return tuple(out)


# ------------------------------------------------------------------ the whole analysis
def solve(proposal: m.Proposal, vocabulary: m.Vocabulary, redlines: list[m.RedLines],
          parties: list[PartyInfo] | None = None, top: int = DEFAULT_TOP, draft: m.Proposal | None = None,
          draft_file: str = "", today: dt.date | None = None) -> SolveResult:
    """Find the best packages every party can accept; if there are none, the red lines that conflict.

    `draft` is the draft to repair (default: the proposal's first options); `today` is the date
    acknowledgements expire against, as in `check` (None: they never expire).
    """
    from .evaluate import party_info

    problem = Problem(proposal, vocabulary, redlines, today)
    reading = read_draft(proposal, draft)
    verifier = Verifier(problem, {p.clause: p.option for p in reading})
    result = SolveResult(proposal, parties or [party_info(r) for r in problem.redlines],
                         tuple(ClauseRef(c.id, c.title) for c in problem.clauses), problem.space(),
                         len(problem.hard), len(problem.soft), waived=tuple(sorted(problem.waived, key=lambda r: r.key)))
    result.packages = best_packages(problem, verifier, top)
    if result.packages:
        counted, capped = count_acceptable(problem)
        # Counting may stop before it sees a package that the search already found: never fewer than those.
        result.acceptable_count = max(counted, len(result.packages))
        result.count_capped = capped
    else:
        result.conflicts = sorted((describe_conflict(problem, s) for s in conflict_sets(problem, problem.hard, top)),
                                  key=lambda c: (len(c.rules), [r.key for r in c.rules]))
    result.draft = fix_draft(problem, verifier, reading, draft_file or proposal.file, top)
    return result
