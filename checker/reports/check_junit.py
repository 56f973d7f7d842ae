"""JUnit XML, for CI test-report viewers: one test suite per party, one test case per clause.

A clause the party rejects is a failure (its findings are the failure text); a
concern passes, its findings in <system-out>; a clause the party has no view on
passes. What the party finds missing from the proposal as a whole is one more
test case per party ("the proposal as a whole"), failing on a hard requirement.
Acknowledged findings do not fail; they are listed in <system-out>.
Deterministic: no timestamps or durations.

Valid against the common Jenkins schema (xunit-plugin's junit-10.xsd), which allows no `file` or
`line` on a <testcase>: the proposal file is the suite's `file`, and where each case's clause is
written is a suite property named after the case (`<property name="clause 1: ..." value="FILE:LINE"/>`).
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from peacecheck.checker.evaluation.results import CheckResult, ClauseResult, Finding
from peacecheck.checker.reports import wording
from peacecheck.checker.reports.wording import STATES

_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render(result: CheckResult) -> str:
    root = ET.Element("testsuites", name=_x(f"peacecheck: {result.proposal.title}"))
    totals = [0, 0]
    for party in result.parties:
        suite = _suite(result, party.id, party.name)
        totals[0] += int(suite.get("tests", "0"))
        totals[1] += int(suite.get("failures", "0"))
        root.append(suite)
    root.set("tests", str(totals[0]))
    root.set("failures", str(totals[1]))
    root.set("errors", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _suite(result: CheckResult, party: str, name: str) -> ET.Element:
    suite = ET.Element("testsuite", name=_x(f"{name} ({party})"), file=_x(result.proposal.file))
    cases = [_clause_case(result, clause, party) for clause in result.clauses]
    cases.append(_proposal_case(result, party))
    properties = ET.SubElement(suite, "properties")
    for case, line in cases:
        ET.SubElement(properties, "property", name=case.get("name", ""), value=_x(f"{result.proposal.file}:{line}"))
    cases = [case for case, _ in cases]
    for case in cases:
        suite.append(case)
    suite.set("tests", str(len(cases)))
    suite.set("failures", str(sum(1 for c in cases if c.find("failure") is not None)))
    suite.set("errors", "0")
    suite.set("skipped", "0")
    return suite


def _clause_case(result: CheckResult, clause: ClauseResult, party: str) -> tuple[ET.Element, int]:
    """The test case and the line its clause starts on."""
    model = result.proposal.clause(clause.id)
    case = ET.Element("testcase", classname=_x(f"{result.proposal.file}.{party}"),
                      name=_x(f"clause {clause.id}: {clause.title}"))
    findings = [f for f in clause.findings if f.party == party]
    _outcome(case, clause.verdicts[party] == "reject", findings)
    return case, model.span.line if model else 1


def _proposal_case(result: CheckResult, party: str) -> tuple[ET.Element, int]:
    case = ET.Element("testcase", classname=_x(f"{result.proposal.file}.{party}"), name="the proposal as a whole")
    findings = [f for f in result.proposal_findings if f.party == party]
    _outcome(case, any(f.severity == "hard" and not f.acknowledged for f in findings), findings)
    return case, 1


def _outcome(case: ET.Element, failed: bool, findings: list[Finding]) -> None:
    if not findings:
        return
    text = "\n".join(_finding_text(f) for f in findings)
    if failed:
        hard = [f for f in findings if f.severity == "hard" and not f.acknowledged]
        failure = ET.SubElement(case, "failure", type="reject",
                                message=_x("; ".join(f"{f.rule}: {f.rule_title}" for f in hard)))
        failure.text = _x(text)
    else:
        ET.SubElement(case, "system-out").text = _x(text)


def _finding_text(f: Finding) -> str:
    state = wording.finding_state(f)
    label = STATES[state].word if state == "acknowledged" else STATES[state].text
    lines = [f"{label} {f.party} {f.rule} ({f.severity}): {wording.message(f, f.party)}"]
    if f.acknowledged:
        lines.append(f"  {wording.acknowledged_line(f.acknowledged)}")
    lines.append(f"  rule at {f.rule_file}:{f.rule_line}")
    return "\n".join(lines)


def _x(text: str) -> str:
    """Text XML 1.0 can hold: characters it forbids (most control characters) become U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)
