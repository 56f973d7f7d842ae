"""check() emits findings already in sort_findings' order (issue 12): the invariants that shortcut rests on.

check() runs each party's rules hard-first by id, so each clause's findings come out sorted and only
clauses are sorted; when that cannot hold (one party in two red-line files, two clause ids of one
rank such as "01" and "1") it sorts in full. Either way the result is the order of sort_findings,
and each clause carries exactly its own findings, in that order.
"""
from __future__ import annotations


import pytest
from conftest import REPO, load_script

from peacecheck.checker.evaluation.evaluate import check, sort_findings


def _bench():
    return load_script(REPO / "bench" / "bench_rego.py", "bench_rego")


@pytest.fixture(scope="module")
def suite():
    return _bench().real_suite(with_drafts=False)


def _assert_sorted(result) -> None:
    assert list(result.findings) == sort_findings(list(result.findings))
    for clause in result.clauses:
        assert list(clause.findings) == [f for f in result.findings if f.clause == clause.id]


def test_findings_come_out_in_sort_order(suite):
    readings = _bench().random_readings(suite, 150, seed=21)
    crossed = 0
    for proposal in readings:
        result = check(proposal, suite.vocabulary, suite.redlines)
        crossed += len(result.findings)
        _assert_sorted(result)
    assert crossed > 1000  # the readings cross many rules, in many clauses


def test_a_party_in_two_files_and_tied_clause_ids_sort_in_full(suite):
    first = suite.redlines[0]
    twin = first.model_copy(update={"rules": tuple(reversed(first.rules))})  # same party, rules in another order
    for proposal in _bench().random_readings(suite, 60, seed=22):
        clauses = list(proposal.clauses)
        clauses[0] = clauses[0].model_copy(update={"id": "01"})  # ranks with "1"
        tied = proposal.model_copy(update={"clauses": tuple(clauses)})
        for draft in (proposal, tied):
            result = check(draft, suite.vocabulary, [*suite.redlines, twin])
            _assert_sorted(result)
            parties = [f.party for f in result.findings if f.clause == "1"]
            assert parties == sorted(parties)
