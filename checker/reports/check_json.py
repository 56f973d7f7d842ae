"""The JSON report: a documented, versioned contract (schema_version 1).

Keys are sorted and the output ends with a newline, so the same inputs give
the same bytes.
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict
from typing import Any

from peacecheck.checker.evaluation.results import JSON_SCHEMA_VERSION, CheckResult, Finding
from peacecheck.checker.reports import wording


def finding_dict(finding: Finding, party_name: str = "") -> dict[str, Any]:
    """A finding as the JSON contract has it; `message` is worded here (reports/wording.py), not in the finding."""
    data = asdict(finding)
    data["line"] = finding.rule_line
    data["file"] = finding.rule_file
    data["title"] = finding.rule_title
    data["code"] = finding.code
    data["message"] = wording.message(finding, party_name or finding.party)
    data["evidence"] = [asdict(e) for e in finding.evidence]
    data["citations"] = [asdict(c) for c in finding.citations]
    data["related_clauses"] = list(finding.related_clauses)
    data["span"] = {"line": finding.span.line, "column": finding.span.column} if finding.span else None
    for key in ("rule_line", "rule_file", "rule_title"):
        data.pop(key)
    return data


def result_dict(result: CheckResult) -> dict[str, Any]:
    proposal = result.proposal
    names = {p.id: p.name for p in result.parties}
    ids = [p.id for p in result.parties]

    def findings(items) -> list[dict[str, Any]]:
        return [finding_dict(f, names.get(f.party, f.party)) for f in items]

    return {
        "schema_version": JSON_SCHEMA_VERSION,
        "proposal": {"title": proposal.title, "file": proposal.file, "version": proposal.version,
                     "date": proposal.date.isoformat() if proposal.date else None,
                     "drafted_by": proposal.drafted_by, "parties": list(proposal.parties),
                     "revises": proposal.revises},
        "parties": [{"id": p.id, "name": p.name, "file": p.file, "rules": p.rule_count, "digest": p.digest,
                     "red_lines": p.has_red_lines} for p in result.parties],
        "set_aside": [{"party": s.party, "file": s.file, "reason": s.reason} for s in result.set_aside],
        "clauses": [{"id": c.id, "title": c.title, "verdicts": {i: c.state(i) for i in ids},
                     "raw_verdicts": dict(c.raw_verdicts),
                     "options": [{"id": o.id, "title": o.title, "default": o.default,
                                  "verdicts": {i: o.state(i) for i in ids}, "raw_verdicts": dict(o.raw_verdicts),
                                  "findings": findings(o.findings)} for o in c.options]}
                    for c in result.clauses],
        "findings": findings(result.findings),
        "summary": {p.id: _summary(result, p.id) for p in result.parties},
        "acknowledgements": [asdict(a) for a in result.acknowledgement_issues],
        "acknowledgements_judged_on": result.today.isoformat() if result.today and result.dated_acknowledgements
        else None,
        "hard_rejection": result.has_hard_rejection(),
    }


def _summary(result: CheckResult, party: str) -> dict[str, int]:
    """Clause counts per shown state: an acknowledged clause is counted as such, not as accepted."""
    counts = result.state_counts(party)
    counts["acknowledged_clauses"] = counts.pop("acknowledged")
    return {**counts, "acknowledged": _acknowledged(result, party)}


def _acknowledged(result: CheckResult, party: str) -> int:
    """Findings of the party that a clause acknowledges: counted apart, never in the verdicts."""
    return sum(1 for f in result.findings if f.party == party and f.acknowledged)


# DEL, C1 controls and bidirectional overrides stay escaped (\\uXXXX) even though the rest of
# the JSON is written as UTF-8: some terminals act on them when the file is printed.
_INVISIBLE = re.compile("[\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def dumps(data: Any) -> str:
    """Deterministic, readable, terminal-safe JSON: sorted keys, UTF-8, a final newline."""
    text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False)
    return _INVISIBLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


def render(result: CheckResult) -> str:
    data = result_dict(result)
    if result.what_if:
        data["what_if"] = [what_if_dict(o) for o in result.what_if]
    return dumps(data)


def what_if_dict(override: Any) -> dict[str, Any]:
    """One --set/--choose override: {"kind", "clause", "path", "option", "old", "new"}."""
    from dataclasses import asdict

    return asdict(override)
