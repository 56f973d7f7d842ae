"""The verdict rule (issue 11.2, README "Verdicts"), on a small project written here.

- A failing `require` is a finding of the clause that states its term (with the value that falls
  short) or a term of its family; only when no clause addresses it is it proposal-level.
- A clause is `accept` for a party only when none of the party's findings touch it.
- The matrix, the summary and `solve` agree.
- An acknowledged crossing is its own state in every format; JSON keeps the raw verdict.
- A missing requirement that one of a clause's options could satisfy counts once per reading.
- Every report says which day acknowledgement expiry was judged against.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from peacecheck.checker import check, load_project, render

VOCAB = """vocabulary "t"
term army.cap : number
term army.peacetime : number
term guarantee.kind : scale(none < weak < strong)
term guarantee.binding : bool
term land.north : enum(held, ceded)
term elections.days : number
"""
PARTY_A = """party a "A"
vocabulary "../vocab/t.vocab"
source memo {
  title "A memo"
  publication "A Times"
  date "2025-01-01"
}
require A-CAP "Army of at least 100,000" {
  severity hard
  that army.cap >= 100000
  cite memo
}
require A-GUAR "A strong guarantee" {
  severity soft
  that guarantee.kind >= strong
  cite memo
}
rule A-LAND "No land ceded" {
  severity hard
  when land.north == ceded
  cite memo
}
rule A-ELECT "No early elections" {
  severity soft
  when elections.days < 100
  cite memo
}
"""
PARTY_B = """party b "B"
vocabulary "../vocab/t.vocab"
source memo {
  title "B memo"
  publication "B Times"
}
rule B-LAND "Land ceded" {
  severity hard
  when land.north == held
  cite memo
}
"""
HEAD = 'proposal "D"\nvocabulary "../vocab/t.vocab"\nparties a, b\n\n'
ARMY = 'clause 1 "Army" {\n  army.cap = 50000\n}\n\n'
PEACETIME = 'clause 2 "Peacetime army" {\n  army.peacetime = 800000\n}\n\n'
GUARANTEE = 'clause 3 "Guarantee" {\n  guarantee.kind = weak\n  guarantee.binding = true\n}\n\n'
LAND = ('clause 4 "Land" {\n  land.north = ceded\n'
        '  acknowledge a A-LAND "accepted for peace" until 2026-06-01\n}\n\n')
ELECTIONS = ('clause 5 "Elections" {\n  option fast "Fast" {\n    elections.days = 30\n  }\n'
             '  option slow "Slow" {\n    elections.days = 200\n  }\n}\n')
TODAY = dt.date(2026, 1, 1)


@pytest.fixture()
def root(tmp_path: Path) -> Path:
    for folder, name, text in (("vocab", "t.vocab", VOCAB), ("redlines", "a.redlines", PARTY_A),
                               ("redlines", "b.redlines", PARTY_B)):
        (tmp_path / folder).mkdir(exist_ok=True)
        (tmp_path / folder / name).write_text(text)
    (tmp_path / "proposals").mkdir()
    (tmp_path / "peacecheck.toml").write_text("")
    return tmp_path


def run(root: Path, *clauses: str, today: dt.date = TODAY):
    path = root / "proposals" / "d.peace"
    path.write_text(HEAD + "".join(clauses))
    project = load_project(path, use_config=False, today=today)
    return project, check(project)


def mine(result, party: str, rule: str):
    return [f for f in result.findings if f.party == party and f.rule == rule]


# ------------------------------------------------------------------ attribution
def test_a_failing_require_is_the_finding_of_the_clause_stating_its_term_with_the_value_short(root):
    _, result = run(root, ARMY, PEACETIME, GUARANTEE)
    [cap] = mine(result, "a", "A-CAP")
    assert (cap.clause, cap.code) == ("1", "PF201")
    assert [(e.path, e.value, e.test, e.clause) for e in cap.evidence] == [("army.cap", "50000", ">= 100000", "1")]
    assert result.clauses[0].verdicts["a"] == "reject"
    assert result.proposal_findings == []  # never also "missing"
    [guar] = mine(result, "a", "A-GUAR")
    assert (guar.clause, guar.code) == ("3", "PF202")
    assert [(e.path, e.value) for e in guar.evidence] == [("guarantee.kind", "weak")]


def test_a_missing_term_is_attributed_to_the_clauses_of_its_family(root):
    _, result = run(root, PEACETIME, GUARANTEE)
    [cap] = mine(result, "a", "A-CAP")
    assert cap.clause == "2"  # army.peacetime addresses the missing army.cap (family army)
    assert [(e.path, e.value, e.test) for e in cap.evidence] == [("army.cap", "", ">= 100000")]
    assert result.clauses[0].verdicts["a"] == "reject"


def test_a_requirement_no_clause_addresses_is_proposal_level(root):
    _, result = run(root, GUARANTEE)
    [cap] = mine(result, "a", "A-CAP")
    assert cap.clause is None and cap.span is None and result.proposal_findings == [cap]


def test_accept_only_when_none_of_the_partys_findings_touch_the_clause(root):
    _, result = run(root, ARMY, PEACETIME, GUARANTEE, LAND, ELECTIONS)
    verdicts = {c.id: c.verdicts["a"] for c in result.clauses}
    # a reads guarantee.kind on clause 3 and it falls short: a concern there, not an accept
    assert verdicts == {"1": "reject", "2": "silent", "3": "concern", "4": "accept", "5": "concern"}
    for clause in result.clauses:
        for party, verdict in clause.verdicts.items():
            touching = [f for f in clause.findings if f.party == party and not f.acknowledged]
            assert (verdict == "accept") <= (not touching)
            assert bool(touching) == (verdict in ("reject", "concern"))


def test_matrix_summary_and_solve_agree(root):
    from peacecheck.checker import solve
    from peacecheck.checker.evaluation.results import summarize

    project, result = run(root, ARMY, PEACETIME, GUARANTEE, LAND, ELECTIONS)
    for summary in summarize(result):
        party = summary.party.id
        by_state = {c.id: c.state(party) for c in result.clauses}
        assert list(summary.rejects) == [c for c, s in by_state.items() if s == "reject"]
        assert list(summary.concerns) == [c for c, s in by_state.items() if s == "concern"]
        assert list(summary.accepts) == [c for c, s in by_state.items() if s == "accept"]
        assert list(summary.acknowledged_clauses) == [c for c, s in by_state.items() if s == "acknowledged"]
    data = json.loads(render(result, "json"))
    assert data["summary"]["a"]["reject"] == 1 and data["summary"]["a"]["concern"] == 2
    solved = solve(project)
    drafted = {v.party: v for v in solved.draft.draft.verdicts}
    active = result.active_findings
    for party in ("a", "b"):
        hard = sorted({f.rule for f in active if f.party == party and f.severity == "hard"})
        soft = sorted({f.rule for f in active if f.party == party and f.severity == "soft"})
        assert sorted(r.rule for r in drafted[party].rejections) == hard
        assert sorted(r.rule for r in drafted[party].concerns) == soft
        worst = "reject" if hard else "concern" if soft else "accept"
        assert drafted[party].verdict == worst


# ------------------------------------------------------------------ options: once per reading
def test_a_missing_requirement_an_option_could_satisfy_counts_once_per_reading(root):
    options = ('clause 3 "Guarantee" {\n  option weak "Weak" {\n    guarantee.kind = weak\n  }\n'
               '  option strong "Strong" {\n    guarantee.kind = strong\n  }\n}\n\n')
    _, result = run(root, ARMY, options)
    guar = mine(result, "a", "A-GUAR")
    assert [(f.clause, f.option) for f in guar] == [("3", "weak")]  # not also proposal-level
    clause = next(c for c in result.clauses if c.id == "3")
    by_option = {o.id: [f.rule for f in o.findings if f.party == "a"] for o in clause.options}
    assert by_option == {"weak": ["A-GUAR"], "strong": []}
    assert {o.id: o.verdicts["a"] for o in clause.options} == {"weak": "concern", "strong": "accept"}
    # a clause whose options all leave the term out: the requirement is the clause's, once per reading
    neither = ('clause 3 "Guarantee" {\n  option x "X" {\n    guarantee.binding = true\n  }\n'
               '  option y "Y" {\n    guarantee.binding = false\n  }\n}\n\n')
    _, result = run(root, ARMY, neither)
    assert [f.clause for f in mine(result, "a", "A-GUAR")] == ["3"]
    clause = next(c for c in result.clauses if c.id == "3")
    assert [[f.rule for f in o.findings if f.party == "a"] for o in clause.options] == [["A-GUAR"], ["A-GUAR"]]


# ------------------------------------------------------------------ acknowledged
def test_an_acknowledged_crossing_is_its_own_state_in_every_format(root):
    _, result = run(root, ARMY, LAND)
    land = next(c for c in result.clauses if c.id == "4")
    assert (land.verdicts["a"], land.raw_verdicts["a"], land.state("a")) == ("accept", "reject", "acknowledged")
    data = json.loads(render(result, "json"))
    row = next(c for c in data["clauses"] if c["id"] == "4")
    assert row["verdicts"]["a"] == "acknowledged" and row["raw_verdicts"]["a"] == "reject"
    assert data["summary"]["a"]["acknowledged_clauses"] == 1 and data["summary"]["a"]["accept"] == 0
    text = render(result, "text")
    assert any(line.startswith("4 ") and " ack " in line + " " for line in text.splitlines())
    assert "data-verdict=\"acknowledged\"" in render(result, "html")
    assert "[† acknowledged](#clause-4)" in render(result, "markdown")
    sarif = json.loads(render(result, "sarif"))
    [land_result] = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "a/A-LAND"]
    assert land_result["suppressions"][0]["justification"] == "accepted for peace"


def test_an_expired_acknowledgement_is_not_acknowledged(root):
    _, result = run(root, ARMY, LAND, today=dt.date(2026, 7, 1))
    land = next(c for c in result.clauses if c.id == "4")
    assert land.state("a") == "reject"
    assert [(i.clause, i.problem) for i in result.acknowledgement_issues] == [("4", "expired")]


def test_every_report_says_which_day_expiry_was_judged_against(root):
    _, result = run(root, ARMY, LAND)
    assert json.loads(render(result, "json"))["acknowledgements_judged_on"] == "2026-01-01"
    sarif = json.loads(render(result, "sarif"))
    assert sarif["runs"][0]["properties"]["acknowledgements_judged_on"] == "2026-01-01"
    for fmt in ("text", "html", "markdown"):
        assert "judged against 2026-01-01" in render(result, fmt), fmt
