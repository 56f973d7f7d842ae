"""Packages every party can accept, each re-checked by the checker."""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from operator import itemgetter
from typing import NamedTuple

from peacecheck.checker.evaluation.evaluate import check
from peacecheck.dsl import models as m

from .cpsat import Problem, rule_ref
from .model import (
    COUNT_CAP,
    COUNT_EFFORT,
    RECHECK_LIMIT,
    SEED,
    Choice,
    OutOfTime,
    Package,
    PartyVerdict,
    RuleRef,
)


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


class Fired(NamedTuple):
    """A red line the solver's package crosses, shaped as the checker's findings are read here."""

    party: str
    rule: str
    severity: str


class Verifier:
    """Builds Package results from the checker's verdicts on the proposal with the package chosen."""

    def __init__(self, problem: Problem, base: dict[str, str]):
        self.problem, self.base = problem, base
        self.refs = {(red.party, rule.id): rule_ref(red, rule) for red in problem.redlines for rule in red.rules}
        self._checked: dict[tuple[tuple[str, str], ...], Package] = {}  # the draft, a package, the fix: often the same

    def package(self, choice: dict[str, str], rank: int, solver=None) -> Package:
        """The package's verdicts: from the checker, or from `solver`'s values of the compiled red lines.

        The compiled red lines are the checker's conditions, leaf by leaf (tests compare them on every
        package of random problems), so the solver's answer is the checker's, and a full check per
        package (most of a solve's time) is spent only where the checker has a word the solver
        lacks: a proposal that acknowledges red lines.
        """
        key = tuple(sorted(choice.items()))
        known = self._checked.get(key)
        if known is not None:
            return replace(known, rank=rank)
        p = self.problem
        acknowledging: set[str] = set()  # parties whose only crossings the package acknowledges
        if solver is not None and not p.waived:
            findings = [Fired(r.ref.party, r.ref.rule, r.ref.severity) for r in p.rules
                        if r.crossed is True or (r.crossed is not False and solver.boolean_value(r.crossed))]
        else:
            result = check(with_choice(p.proposal, choice), p.vocabulary, p.redlines, today=p.today)
            findings, acknowledging = result.active_findings, {f.party for f in result.findings if f.acknowledged}
        verdicts = tuple(self._verdict(red, findings, acknowledging) for red in p.redlines)
        concern = [v.concern_weight for v in verdicts]
        package = Package(rank, self._choices(choice), max(concern, default=0.0), sum(concern), verdicts)
        self._checked[key] = package
        return package

    def drafted(self, draft: m.Proposal, reading: dict[str, str]) -> Package:
        """The draft itself, checked as `peacecheck check` checks it: its own clauses, not the options file's."""
        p = self.problem
        result = check(draft, p.vocabulary, p.redlines, today=p.today)
        acknowledging = {f.party for f in result.findings if f.acknowledged}
        verdicts = tuple(self._verdict(red, result.active_findings, acknowledging) for red in p.redlines)
        concern = [v.concern_weight for v in verdicts]
        return Package(0, self._choices(reading), max(concern, default=0.0), sum(concern), verdicts)

    def _verdict(self, red: m.RedLines, findings, acknowledging: set[str] | frozenset[str] = frozenset()) -> PartyVerdict:
        """The party's verdict on the package; `acknowledged` when it accepts only because the package
        acknowledges its crossings (as the check's matrix shows it)."""
        mine = [f for f in findings if f.party == red.party]
        hard = _unique(self.refs[(f.party, f.rule)] for f in mine if f.severity == "hard")
        soft = _unique(self.refs[(f.party, f.rule)] for f in mine if f.severity == "soft")
        verdict = "reject" if hard else "concern" if soft else "acknowledged" if red.party in acknowledging else "accept"
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


def best_packages(problem: Problem, verifier: Verifier, top: int, into: list[Package] | None = None) -> list[Package]:
    """The `top` best acceptable packages, best first, each different from the ones before.

    Found packages go into `into` as they come, so a caller that runs out of time keeps them.
    """
    objectives = problem.objectives(verifier.base)
    cuts: list[Callable] = [problem.all_hard()]
    found: list[Package] = [] if into is None else into
    turned_down = 0
    while len(found) < top and turned_down <= RECHECK_LIMIT:
        solver = problem.lexmin(cuts, objectives)
        if solver is None:
            break
        choice = problem.package_of(solver)
        cuts.append(problem.cut(choice))
        package = verifier.package(choice, len(found) + 1, solver)
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
    indexes = [v.index for v in variables]
    pick = itemgetter(*indexes) if len(indexes) > 1 else lambda solution: tuple(solution[i] for i in indexes)

    class Counter(cp.CpSolverSolutionCallback):
        def __init__(self):
            super().__init__()
            self.seen: set[tuple[bool, ...]] = set()

        def on_solution_callback(self):
            # one read of the solution vector, its choice entries picked in C (a boolean_value call per
            # variable cost more than the search: 800 calls per solution on 200 clauses)
            self.seen.add(pick(self.response_proto.solution))
            if len(self.seen) >= cap:
                self.stop_search()

    # The worst-off concern is only bounded below by each party's (see Problem._objectives): pinned to their
    # maximum here, so that each package is enumerated once, not once per value above it.
    pin = lambda md: md.add_max_equality(problem.worst_units, [0, *problem.concern.values()])  # noqa: E731
    model = problem.query([problem.all_hard(), pin])
    solver = cp.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = SEED
    solver.parameters.enumerate_all_solutions = True
    solver.parameters.max_deterministic_time = COUNT_EFFORT
    if problem.deadline is not None:
        left = problem.deadline - time.monotonic()
        if left <= 0:
            raise OutOfTime()
        solver.parameters.max_time_in_seconds = left
    counter = Counter()
    status = solver.solve(model, counter)
    return len(counter.seen), len(counter.seen) >= cap or status != cp.OPTIMAL


