"""Findings are data (issue 11.2, ARCHITECTURE "findings as data"): a Finding carries the rule, its
severity, a stable code, the clause and its position, the evidence and the citations, and no prose;
the words are reports/wording.py's. A CheckResult is immutable once built."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from peacecheck.checker import check, load_project
from peacecheck.checker.evaluation.results import FINDING_CODES, CitationInfo, Evidence, Finding
from peacecheck.checker.reports import wording

REPO = Path(__file__).resolve().parents[1]
BASIC = Path(__file__).resolve().parent / "fixtures" / "basic"


@pytest.fixture(scope="module")
def result():
    return check(load_project(BASIC / "proposals" / "draft.peace", use_config=False))


@pytest.fixture(scope="module")
def miami():
    return check(load_project(REPO / "proposals" / "miami.peace", use_config=False))


def test_a_finding_has_rule_severity_code_clause_span_evidence_citations(result):
    names = {f.name for f in dataclasses.fields(Finding)}
    assert {"rule", "severity", "clause", "span", "evidence", "citations", "party", "kind"} <= names
    land = next(f for f in result.findings if f.rule == "N-LAND")
    assert (land.party, land.severity, land.kind, land.code, land.clause) == ("north", "hard", "rule", "PF101", "1")
    assert land.span is not None and land.span.file.endswith("draft.peace")
    clause_line = next(i for i, line in enumerate((BASIC / "proposals" / "draft.peace").read_text().splitlines(), 1)
                       if line.startswith('clause 1 '))
    assert land.span.line == clause_line
    assert all(isinstance(e, Evidence) for e in land.evidence) and land.evidence[0].path == "land.north"
    assert all(isinstance(c, CitationInfo) for c in land.citations) and land.citations[0].source == "paper"


def test_codes_are_stable_per_kind_and_severity(miami):
    assert FINDING_CODES == {("rule", "hard"): "PF101", ("rule", "soft"): "PF102",
                             ("require", "hard"): "PF201", ("require", "soft"): "PF202"}
    assert miami.findings and all(f.code == FINDING_CODES[(f.kind, f.severity)] for f in miami.findings)
    assert {f.code for f in miami.findings} >= {"PF101", "PF102"}


def test_a_finding_carries_no_prose(miami):
    names = {f.name for f in dataclasses.fields(Finding)}
    assert not names & {"message", "text", "summary", "sentence", "verdict_text"}
    verbs = ("rejects", "has a concern", "requires", "nothing satisfies", "is absent", "the proposal as a whole")
    for finding in miami.findings:
        message = wording.message(finding, finding.party)
        for field in dataclasses.fields(finding):
            value = getattr(finding, field.name)
            if isinstance(value, str):
                assert value != message
                if field.name not in ("explanation", "rule_title", "acknowledged"):  # the input's own words
                    assert not any(v in value for v in verbs), (field.name, value)
        for e in finding.evidence:
            assert not any(v in e.test or v in e.value for v in verbs)


def test_results_are_immutable(result):
    finding = result.findings[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.rule = "X"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.evidence[0].value = "0"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.findings = ()  # type: ignore[misc]
    clause = result.clauses[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        clause.verdicts = {}  # type: ignore[misc]
    with pytest.raises(TypeError):
        clause.verdicts["north"] = "accept"  # type: ignore[index]
    with pytest.raises(TypeError):
        clause.raw_verdicts["north"] = "accept"  # type: ignore[index]
    option = next(c for c in result.clauses if c.options).options[0]
    with pytest.raises(TypeError):
        option.verdicts["north"] = "accept"  # type: ignore[index]
    for container in (result.findings, result.clauses, result.parties, clause.findings, finding.evidence,
                      finding.citations, result.acknowledgement_issues, result.set_aside):
        assert isinstance(container, tuple)

