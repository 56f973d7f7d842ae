"""solve's results as plain data (packages, conflicts, draft fixes) and its fixed settings."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from peacecheck.checker.evaluation.results import PartyInfo, State
from peacecheck.dsl import models as m

WEIGHT_SCALE = 1000  # soft weights are compared as integers: weight x 1000, rounded
DEFAULT_TOP = 5
SEED = 20251123  # fixed: the same input gives the same packages and conflicts
COUNT_CAP = 1_000  # acceptable packages are counted up to this many ...
COUNT_EFFORT = 0.02  # ... or until CP-SAT has spent this much deterministic time (reproducible, unlike seconds;
# enumerating is slow on a large model, 200 clauses x 4 options: 0.05 cost a fifth of `peacecheck solve`)
MUS_SOLVE_BUDGET = 600  # feasibility checks spent on finding several conflict sets
OPTIMISE_WORKERS = 1  # one worker: the same answer on every machine (the LP relaxation does the proving)
from peacecheck.checker.negotiation.limits import DEFAULT_TIME_LIMIT  # noqa: E402,F401  (re-exported)

RECHECK_LIMIT = 50  # packages the checker may turn down (acknowledged red lines) before giving up
Lit = Any  # a CP-SAT literal, or True / False when the value is known without solving


class OutOfTime(Exception):
    """The time limit of `solve` ran out during a solver call (see cpsat.Solvable.run)."""


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
    verdict: State  # as the check shows it: `acknowledged` when only acknowledged crossings remain
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
    complete: bool = True  # False: the time limit ran out before the smallest change was found

    @property
    def acceptable_as_is(self) -> bool:
        return self.draft.acceptable


@dataclass(frozen=True)
class Stopped:
    """The time limit ran out: in which phase, and what stands proved all the same."""

    seconds: float  # the limit
    phase: Literal["packages", "count", "conflicts", "draft"]  # the first phase the limit cut short
    best_proven: bool  # each package reported is proven the best at its rank (False: usable, maybe not best)
    worst_at_least: float | None = None  # when the first package is not proven best: a proven floor for it


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
    time_limit: float | None = None  # seconds
    stopped: Stopped | None = None  # None: every phase finished within the limit
    today: dt.date | None = None  # the day acknowledgement expiry was judged against (None: never)

    @property
    def feasible(self) -> bool:
        return bool(self.packages)

    @property
    def dated_acknowledgements(self) -> bool:
        """Whether any acknowledgement has an `until` date, so that `today` decided something."""
        return any(a.until for c in self.proposal.clauses for a in c.acknowledgements)


