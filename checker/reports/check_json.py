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


def finding_dict(finding: Finding) -> dict[str, Any]:
    data = asdict(finding)
    data["line"] = finding.rule_line
    data["file"] = finding.rule_file
    data["title"] = finding.rule_title
    data["evidence"] = [asdict(e) for e in finding.evidence]
    data["citations"] = [asdict(c) for c in finding.citations]
    data["related_clauses"] = list(finding.related_clauses)
    for key in ("rule_line", "rule_file", "rule_title"):
        data.pop(key)
    return data


def result_dict(result: CheckResult) -> dict[str, Any]:
    proposal = result.proposal
    return {
        "schema_version": JSON_SCHEMA_VERSION,
        "proposal": {"title": proposal.title, "file": proposal.file, "version": proposal.version,
                     "date": proposal.date.isoformat() if proposal.date else None,
                     "drafted_by": proposal.drafted_by, "parties": list(proposal.parties),
                     "revises": proposal.revises},
        "parties": [{"id": p.id, "name": p.name, "file": p.file, "rules": p.rule_count, "digest": p.digest}
                    for p in result.parties],
        "clauses": [{"id": c.id, "title": c.title, "verdicts": dict(c.verdicts),
                     "options": [{"id": o.id, "title": o.title, "default": o.default, "verdicts": dict(o.verdicts),
                                  "findings": [finding_dict(f) for f in o.findings]} for o in c.options]}
                    for c in result.clauses],
        "findings": [finding_dict(f) for f in result.findings],
        "summary": {p.id: {**result.counts(p.id), "acknowledged": _acknowledged(result, p.id)} for p in result.parties},
        "acknowledgements": [asdict(a) for a in result.acknowledgement_issues],
        "hard_rejection": result.has_hard_rejection(),
    }


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
    return dumps(result_dict(result))
