"""The checker's result model: findings and verdicts as plain data.

Every renderer (text, JSON, HTML, Markdown, ...) consumes a CheckResult; none
of them evaluates anything.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from peacecheck.dsl import models as m

Verdict = Literal["reject", "concern", "accept", "silent"]
VERDICT_ORDER: tuple[Verdict, ...] = ("reject", "concern", "accept", "silent")
JSON_SCHEMA_VERSION = 1


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
    party: str
    rule: str
    rule_title: str
    severity: Literal["hard", "soft"]
    kind: Literal["rule", "require"]
    clause: str | None
    message: str
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


@dataclass(frozen=True)
class PartyInfo:
    id: str
    name: str
    file: str
    rule_count: int
    digest: str
    notes: tuple[str, ...] = ()


@dataclass
class OptionResult:
    id: str
    title: str
    verdicts: dict[str, Verdict]
    findings: list[Finding]
    default: bool = False


@dataclass
class ClauseResult:
    id: str
    title: str
    verdicts: dict[str, Verdict]
    findings: list[Finding]
    options: list[OptionResult] = field(default_factory=list)
    triggered_paths: frozenset[str] = frozenset()


@dataclass
class AcknowledgementIssue:
    clause: str
    party: str
    rule: str
    problem: Literal["unused", "expired"]
    line: int


@dataclass
class CheckResult:
    proposal: m.Proposal
    vocabulary: m.Vocabulary
    parties: list[PartyInfo]
    clauses: list[ClauseResult]
    findings: list[Finding]  # every finding of the draft as written (default options), sorted
    acknowledgement_issues: list[AcknowledgementIssue] = field(default_factory=list)

    @property
    def proposal_findings(self) -> list[Finding]:
        return [f for f in self.findings if f.clause is None]

    @property
    def active_findings(self) -> list[Finding]:
        return [f for f in self.findings if not f.acknowledged]

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


@dataclass(frozen=True)
class PartySummary:
    party: PartyInfo
    rejects: tuple[str, ...]
    concerns: tuple[str, ...]
    accepts: tuple[str, ...]
    proposal_level: tuple[Finding, ...]
    acknowledged: int


def summarize(result: CheckResult) -> list[PartySummary]:
    """Per party: the clauses it rejects, worries about and accepts, and what it finds missing."""
    out = []
    for party in result.parties:
        by_verdict: dict[str, list[str]] = {v: [] for v in VERDICT_ORDER}
        for clause in result.clauses:
            by_verdict[clause.verdicts[party.id]].append(clause.id)
        missing = tuple(f for f in result.proposal_findings if f.party == party.id and not f.acknowledged)
        acknowledged = sum(1 for f in result.findings if f.party == party.id and f.acknowledged)
        out.append(PartySummary(party, tuple(by_verdict["reject"]), tuple(by_verdict["concern"]),
                                tuple(by_verdict["accept"]), missing, acknowledged))
    return out
