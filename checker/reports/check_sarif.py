"""SARIF 2.1.0, for code-scanning tools (GitHub code scanning, IDE SARIF viewers).

One run; the rules are the red lines that produced a finding (id `party/RULE`),
each result points at the clause's line in the .peace file, with the evidence
lines and the red line itself as related locations. Hard red lines are errors,
soft ones warnings. An acknowledged finding is kept with an in-source
suppression whose justification is the acknowledgement's reason, so the
suppression can be audited; unused and expired acknowledgements are warnings of
their own. Findings of non-default options are left out: they are not in the
draft as written. Deterministic: no timestamps, no absolute paths, sorted.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from typing import Any

from peacecheck.checker.evaluation.results import AcknowledgementIssue, CheckResult, Finding
from peacecheck.checker.reports import wording
from peacecheck.checker.reports.check_json import dumps
from peacecheck.checker.reports.html import peacecheck_version

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
ACK_RULES = {
    "unused": ("peacecheck/acknowledgement-unused", "Acknowledgement without a finding",
               "The clause acknowledges a red line that it does not cross; remove the acknowledgement."),
    "expired": ("peacecheck/acknowledgement-expired", "Expired acknowledgement",
                "The acknowledgement's `until` date has passed, so the finding counts again."),
}


def render(result: CheckResult) -> str:
    return dumps(sarif(result))


def sarif(result: CheckResult) -> dict[str, Any]:
    rules = _rules(result)
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    names = {p.id: p.name for p in result.parties}
    results = [_result(result, f, index, names) for f in result.findings]
    results += [_ack_result(result, issue, index) for issue in result.acknowledgement_issues]
    files = sorted({result.proposal.file} | {p.file for p in result.parties if p.file})
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "peacecheck", "version": peacecheck_version(), "rules": rules,
                                "informationUri": "https://pypi.org/project/peacecheck/"}},
            "artifacts": [{"location": {"uri": _uri(f)}} for f in files],
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": {"proposal": result.proposal.title,
                           "parties": [{"id": p.id, "name": p.name, "digest": p.digest, "red_lines": p.has_red_lines}
                                       for p in result.parties],
                           "set_aside": [{"party": s.party, "file": s.file, "reason": s.reason,
                                          "message": wording.set_aside_sentence(s, result.proposal.parties)}
                                         for s in result.set_aside],
                           "acknowledgements_judged_on": result.today.isoformat()
                           if result.today and result.dated_acknowledgements else None,
                           "acknowledgement_expiry": wording.today_sentence(result),
                           **({"what_if": [asdict(o) for o in result.what_if]} if result.what_if else {})},
        }],
    }


def rule_id(finding: Finding) -> str:
    return f"{finding.party}/{finding.rule}"


def _rules(result: CheckResult) -> list[dict[str, Any]]:
    by_id: dict[str, dict[str, Any]] = {}
    for f in sorted(result.findings, key=rule_id):
        by_id.setdefault(rule_id(f), {
            "id": rule_id(f),
            "name": f.rule,
            "shortDescription": {"text": f.rule_title},
            "fullDescription": {"text": f.explanation or f.rule_title},
            "help": {"text": f"{f.kind} {f.rule} ({f.severity}): {f.condition}"},
            "defaultConfiguration": {"level": _level(f)},
            "properties": {"party": f.party, "severity": f.severity, "kind": f.kind, "condition": f.condition,
                           "file": f.rule_file, "line": f.rule_line, "tags": ["peacecheck", f.party, f.severity]},
        })
    for problem in sorted({i.problem for i in result.acknowledgement_issues}):
        ident, title, text = ACK_RULES[problem]
        by_id[ident] = {"id": ident, "name": ident.split("/")[1], "shortDescription": {"text": title},
                        "fullDescription": {"text": text}, "defaultConfiguration": {"level": "warning"}}
    return list(by_id.values())


def _level(finding: Finding) -> str:
    return "error" if finding.severity == "hard" else "warning"


def _result(result: CheckResult, f: Finding, index: dict[str, int], names: dict[str, str]) -> dict[str, Any]:
    line = f.span.line if f.span else max(result.proposal.span.line, 1)
    where = wording.where(f)
    out: dict[str, Any] = {
        "ruleId": rule_id(f),
        "ruleIndex": index[rule_id(f)],
        "level": _level(f),
        "message": {"text": f"{where}: {wording.message(f, names.get(f.party, f.party))}"},
        "locations": [_location(result.proposal.file, line, where)],
        "relatedLocations": _related(result, f),
        "partialFingerprints": {"peacecheck/v1": _fingerprint(f.party, f.rule, f.clause or "", f.option or "")},
        "properties": {"party": f.party, "clause": f.clause, "option": f.option, "severity": f.severity,
                       "code": f.code, "state": wording.finding_state(f),
                       "related_clauses": list(f.related_clauses),
                       "evidence": [{"path": e.path, "value": e.value, "test": e.test, "clause": e.clause}
                                    for e in f.evidence]},
    }
    if f.acknowledged:
        out["suppressions"] = [{"kind": "inSource", "status": "accepted", "justification": f.acknowledged}]
    return out


def _location(uri: str, line: int, name: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": _uri(uri)},
                                                "region": {"startLine": max(line, 1)}}}
    if name:
        out["logicalLocations"] = [{"name": name, "kind": "object"}]
    return out


def _related(result: CheckResult, f: Finding) -> list[dict[str, Any]]:
    related = []
    for e in f.evidence:
        if e.line > 0 and e.value:
            related.append({**_location(result.proposal.file, e.line),
                            "message": {"text": " ".join(wording.evidence_parts(e)).strip()}})
    if f.rule_file and f.rule_line:
        related.append({**_location(f.rule_file, f.rule_line), "message": {"text": f"red line {f.rule} of {f.party}"}})
    unique = list({json.dumps(r, sort_keys=True): r for r in related}.values())
    return [{"id": i, **r} for i, r in enumerate(unique)]


def _ack_result(result: CheckResult, issue: AcknowledgementIssue, index: dict[str, int]) -> dict[str, Any]:
    ident = ACK_RULES[issue.problem][0]
    return {
        "ruleId": ident,
        "ruleIndex": index[ident],
        "level": "warning",
        "message": {"text": wording.acknowledgement_issue(issue)},
        "locations": [_location(result.proposal.file, issue.line, f"clause {issue.clause}")],
        "partialFingerprints": {"peacecheck/v1": _fingerprint(issue.party, issue.rule, issue.clause, issue.problem)},
    }


def _fingerprint(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


def _uri(path: str) -> str:
    from urllib.parse import quote

    return quote(path.replace("\\", "/"), safe="/:._-~")


