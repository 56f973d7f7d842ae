"""The history's data: drafts in order, per-party tallies, aligned rows of clauses, and steps of movement."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from peacecheck.checker.evaluation.results import PartyInfo, Verdict

HISTORY_SCHEMA_VERSION = 1

BaseReason = Literal["revises", "previous", "first"]
Change = Literal["resolved", "appeared", "stayed", "dropped"]
CHANGES: tuple[Change, ...] = ("resolved", "appeared", "stayed", "dropped")


@dataclass(frozen=True)
class DraftEntry:
    index: int  # position in reading order, from 0
    title: str
    file: str
    date: str  # ISO date, "" when the draft has none
    version: str
    drafted_by: str
    revises: str  # as written in the draft
    base: int | None  # the draft it is compared with (an index), None for the first
    base_reason: BaseReason
    clauses: int


@dataclass(frozen=True)
class Tally:
    """One party's verdicts on one draft: clause verdict counts and what it finds missing, by severity."""

    reject: int
    concern: int
    accept: int
    silent: int
    missing_hard: int
    missing_soft: int

    @property
    def hard(self) -> int:
        """Hard objections: rejected clauses plus hard requirements the draft does not meet."""
        return self.reject + self.missing_hard

    @property
    def soft(self) -> int:
        return self.concern + self.missing_soft


@dataclass(frozen=True)
class Cell:
    """What one draft says on one aligned topic: its clauses there, and each party's worst verdict on them."""

    clauses: tuple[str, ...]
    verdicts: dict[str, Verdict]


@dataclass(frozen=True)
class Row:
    """A topic followed across the drafts: the clauses that alignment paired, split or merged, draft by draft."""

    key: str  # stable: row-<first draft index>-<clause id>
    title: str  # the title where the topic first appears
    first: int  # the draft it first appears in
    cells: tuple[Cell | None, ...]  # one per draft; None: the draft has no clause on it


@dataclass(frozen=True)
class Movement:
    """One red line of one party between a draft and its base: resolved, appeared, stayed or dropped.

    `dropped`: the clause that drew the objection is not in the newer draft at all (for a draft that
    encodes only its reported points, that is silence, not a resolution).
    """

    party: str
    rule: str
    title: str
    severity: Literal["hard", "soft"]
    change: Change
    before: tuple[str, ...]  # clause ids in the base; () for a proposal-level finding
    after: tuple[str, ...]  # clause ids in the draft
    level: Literal["clause", "proposal"]


@dataclass(frozen=True)
class Step:
    draft: int
    base: int
    movements: tuple[Movement, ...]

    def of(self, party: str, change: Change) -> tuple[Movement, ...]:
        return tuple(mv for mv in self.movements if mv.party == party and mv.change == change)


@dataclass
class History:
    drafts: list[DraftEntry]
    parties: list[PartyInfo]
    tallies: dict[str, list[Tally]]  # party -> one per draft
    rows: list[Row]
    steps: list[Step]
    today: dt.date | None = None  # the day every draft's acknowledgement expiry was judged against
    dated_acknowledgements: bool = False  # whether any draft has an acknowledgement `until` a date
    set_aside: tuple = ()  # red-line files loaded but not applied (their party is not at the first draft's table)
    table: tuple[str, ...] = ()  # the first draft's `parties` line
