"""The checker's result model: findings and verdicts as plain, immutable data.

Every renderer (text, JSON, HTML, Markdown, ...) consumes a CheckResult; none of them evaluates
anything, and nothing here is prose: the words live in `reports/wording.py`. Results are frozen
once built (tuples, frozen dataclasses); evidence tuples are shared between the findings of one
crossing rather than copied per clause.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from peacecheck.dsl import models as m

Verdict = Literal["reject", "concern", "accept", "silent"]
VERDICT_ORDER: tuple[Verdict, ...] = ("reject", "concern", "accept", "silent")
# What a report shows in a cell: a verdict, or `acknowledged` when the party's only findings on the
# clause are crossings the clause acknowledges (the verdict then counts them as not crossed).
State = Literal["reject", "concern", "acknowledged", "accept", "silent"]
STATE_ORDER: tuple[State, ...] = ("reject", "concern", "acknowledged", "accept", "silent")
JSON_SCHEMA_VERSION = 1

# Stable finding codes: what kind of crossing a finding is, independent of its wording.
FINDING_CODES = {("rule", "hard"): "PF101", ("rule", "soft"): "PF102",
                 ("require", "hard"): "PF201", ("require", "soft"): "PF202"}


@dataclass(frozen=True)
class Evidence:
    """One term value a rule looked at, and what it was tested against."""

    path: str
    value: str  # shown in the language's syntax; "" when the term is absent
    test: str  # e.g. ">= recognized_de_facto", "absent"
    clause: str | None = None
    option: str | None = None
    line: int = 0


@dataclass(frozen=True)
class CitationInfo:
    source: str
    title: str = ""
    publication: str = ""
    date: str = ""
    seed: str = ""
    url: str = ""
    locator: str = ""


@dataclass(frozen=True)
class Finding:
    """One red line crossed, attributed to one clause (or to the proposal as a whole: clause None)."""

    party: str
    rule: str
    rule_title: str
    severity: Literal["hard", "soft"]
    kind: Literal["rule", "require"]
    clause: str | None
    explanation: str
    condition: str
    evidence: tuple[Evidence, ...]
    citations: tuple[CitationInfo, ...]
    related_clauses: tuple[str, ...] = ()
    option: str | None = None
    weight: float = 1.0
    rule_file: str = ""
    rule_line: int = 0
    acknowledged: str = ""  # the acknowledgement's reason, when the clause acknowledges this red line
    span: m.Span | None = None  # where the clause (or option) it is attributed to starts; None: proposal-level

    @property
    def code(self) -> str:
        return FINDING_CODES[(self.kind, self.severity)]


@dataclass(frozen=True)
class PartyInfo:
    id: str
    name: str
    file: str
    rule_count: int
    digest: str
    notes: tuple[str, ...] = ()

    @property
    def has_red_lines(self) -> bool:
        return bool(self.file)


@dataclass(frozen=True)
class SetAside:
    """A red-line file loaded but not applied, and why (its party is not at the proposal's table)."""

    party: str
    file: str
    reason: Literal["not_at_table"] = "not_at_table"


class _Cells:
    """What a clause or an option shows per party: `acknowledged` where only acknowledged crossings decide."""

    verdicts: Mapping[str, Verdict]
    raw_verdicts: Mapping[str, Verdict]

    def state(self, party: str) -> State:
        return state_of(self.verdicts[party], self.raw_verdicts.get(party, self.verdicts[party]))

    @property
    def states(self) -> dict[str, State]:
        return {party: self.state(party) for party in self.verdicts}


@dataclass(frozen=True)
class OptionResult(_Cells):
    id: str
    title: str
    verdicts: Mapping[str, Verdict]
    findings: tuple[Finding, ...]
    default: bool = False
    raw_verdicts: Mapping[str, Verdict] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _freeze_verdicts(self)


@dataclass(frozen=True)
class ClauseResult(_Cells):
    id: str
    title: str
    verdicts: Mapping[str, Verdict]  # acknowledged crossings do not count (exit codes, diff, solve read these)
    findings: tuple[Finding, ...]
    options: tuple[OptionResult, ...] = ()
    triggered_paths: frozenset[str] = frozenset()
    raw_verdicts: Mapping[str, Verdict] = field(default_factory=dict)  # as if nothing were acknowledged
    span: m.Span | None = None

    def __post_init__(self) -> None:
        _freeze_verdicts(self)


def _freeze_verdicts(result: "OptionResult | ClauseResult") -> None:
    """Verdict maps read-only, like the rest of a result (a frozen dataclass cannot assign them itself)."""
    for name in ("verdicts", "raw_verdicts"):
        value = getattr(result, name)
        if not isinstance(value, MappingProxyType):
            object.__setattr__(result, name, MappingProxyType(dict(value)))


def state_of(verdict: Verdict, raw: Verdict) -> State:
    """The cell a report shows: `acknowledged` where only acknowledged crossings made the difference."""
    return "acknowledged" if verdict == "accept" and raw in ("reject", "concern") else verdict


@dataclass(frozen=True)
class AcknowledgementIssue:
    clause: str
    party: str
    rule: str
    problem: Literal["unused", "expired"]
    line: int


@dataclass(frozen=True)
class CheckResult:
    proposal: m.Proposal
    vocabulary: m.Vocabulary
    parties: tuple[PartyInfo, ...]
    clauses: tuple[ClauseResult, ...]
    findings: tuple[Finding, ...]  # every finding of the draft as written (default options), sorted
    acknowledgement_issues: tuple[AcknowledgementIssue, ...] = ()
    today: dt.date | None = None  # the day `acknowledge ... until` expiries were judged against (None: never)
    set_aside: tuple[SetAside, ...] = ()
    what_if: tuple[Any, ...] = ()  # the --set/--choose overrides this result was judged under (checker.overrides)

    @property
    def proposal_findings(self) -> list[Finding]:
        return [f for f in self.findings if f.clause is None]

    @property
    def active_findings(self) -> list[Finding]:
        return [f for f in self.findings if not f.acknowledged]

    @property
    def dated_acknowledgements(self) -> bool:
        """Whether any acknowledgement has an `until` date, so that `today` decided something."""
        return any(a.until for c in self.proposal.clauses for a in c.acknowledgements)

    def has_hard_rejection(self) -> bool:
        return any(f.severity == "hard" for f in self.active_findings)

    def has_concern(self) -> bool:
        return bool(self.active_findings)

    def counts(self, party: str) -> dict[str, int]:
        """Clause verdict counts for one party, plus its proposal-level findings."""
        counts = {v: 0 for v in VERDICT_ORDER}
        for clause in self.clauses:
            counts[clause.verdicts[party]] += 1
        counts["proposal_level"] = sum(1 for f in self.proposal_findings if f.party == party and not f.acknowledged)
        return counts

    def state_counts(self, party: str) -> dict[str, int]:
        """Clause counts per shown state (acknowledged apart from accept), plus proposal-level findings."""
        counts = {s: 0 for s in STATE_ORDER}
        for clause in self.clauses:
            counts[clause.state(party)] += 1
        counts["proposal_level"] = self.counts(party)["proposal_level"]
        return counts


@dataclass(frozen=True)
class PartySummary:
    party: PartyInfo
    rejects: tuple[str, ...]
    concerns: tuple[str, ...]
    accepts: tuple[str, ...]
    proposal_level: tuple[Finding, ...]
    acknowledged: int
    acknowledged_clauses: tuple[str, ...] = ()


def summarize(result: CheckResult) -> list[PartySummary]:
    """Per party: the clauses it rejects, worries about and accepts, and what it finds missing."""
    out = []
    for party in result.parties:
        by_state: dict[str, list[str]] = {s: [] for s in STATE_ORDER}
        for clause in result.clauses:
            by_state[clause.state(party.id)].append(clause.id)
        missing = tuple(f for f in result.proposal_findings if f.party == party.id and not f.acknowledged)
        acknowledged = sum(1 for f in result.findings if f.party == party.id and f.acknowledged)
        out.append(PartySummary(party, tuple(by_state["reject"]), tuple(by_state["concern"]),
                                tuple(by_state["accept"]), missing, acknowledged, tuple(by_state["acknowledged"])))
    return out


# ------------------------------------------------------------------ the evaluator's constructors
# A frozen dataclass's __init__ sets each field through object.__setattr__: about 6 µs for a Finding,
# which is most of a check of a small draft. The evaluator builds its results through these instead:
# the same fields (every one given), the same frozen class, one dict update. Nothing else may use them.
_new = object.__new__


def new_finding(fields: dict, clause: str | None, evidence: tuple[Evidence, ...], related: tuple[str, ...],
                option: str | None, span: m.Span | None) -> Finding:
    """A Finding from a rule's constant `fields` (every other field of Finding) and its placement."""
    finding = _new(Finding)
    state = finding.__dict__
    state.update(fields)
    state["clause"], state["evidence"], state["related_clauses"] = clause, evidence, related
    state["option"], state["span"] = option, span
    return finding


def finding_with(finding: Finding, **changes) -> Finding:
    """dataclasses.replace for a Finding, without its __init__."""
    copy = _new(Finding)
    copy.__dict__.update(finding.__dict__)
    copy.__dict__.update(changes)
    return copy


def new_evidence(path: str, value: str, test: str, clause: str | None, option: str | None, line: int) -> Evidence:
    evidence = _new(Evidence)
    state = evidence.__dict__  # (stores, not update(**fields): a call's keywords cost a dict more)
    state["path"], state["value"], state["test"] = path, value, test
    state["clause"], state["option"], state["line"] = clause, option, line
    return evidence


def new_clause_result(id: str, title: str, verdicts: dict, findings: tuple[Finding, ...],
                      options: tuple[OptionResult, ...], triggered: frozenset[str], raw: dict,
                      span: m.Span | None) -> ClauseResult:
    result = _new(ClauseResult)
    state = result.__dict__  # (stores, not update(**fields): one per clause of every check)
    shown = MappingProxyType(verdicts)
    state["id"], state["title"], state["verdicts"], state["findings"] = id, title, shown, findings
    state["options"], state["triggered_paths"] = options, triggered
    # (verdicts that are their raw verdicts, one dict: one read-only view of it serves as both)
    state["raw_verdicts"], state["span"] = shown if raw is verdicts else MappingProxyType(raw), span
    return result


def new_option_result(id: str, title: str, verdicts: dict, findings: tuple[Finding, ...], default: bool,
                      raw: dict) -> OptionResult:
    result = _new(OptionResult)
    result.__dict__.update(id=id, title=title, verdicts=MappingProxyType(verdicts), findings=findings,
                           default=default, raw_verdicts=MappingProxyType(raw))
    return result


def new_check_result(proposal: m.Proposal, vocabulary: m.Vocabulary, parties: tuple[PartyInfo, ...],
                     clauses: tuple[ClauseResult, ...], findings: tuple[Finding, ...],
                     acknowledgement_issues: tuple[AcknowledgementIssue, ...], today: dt.date | None,
                     set_aside: tuple[SetAside, ...]) -> CheckResult:
    result = _new(CheckResult)
    state = result.__dict__  # (stores, not update(**fields))
    state["proposal"], state["vocabulary"], state["parties"], state["clauses"] = proposal, vocabulary, parties, clauses
    state["findings"], state["acknowledgement_issues"], state["today"] = findings, acknowledgement_issues, today
    state["set_aside"], state["what_if"] = set_aside, ()
    return result
