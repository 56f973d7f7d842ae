"""Evaluation semantics: verdicts, attribution, require rules, options, acknowledgements."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from peacecheck.checker.evaluation.evaluate import check
from peacecheck.checker.files import DiskLoader, load_inputs
from peacecheck.checker.evaluation.results import summarize

from conftest import BASIC


@pytest.fixture
def basic_result(in_basic):
    inputs = load_inputs(Path("proposals/draft.peace"), [Path("redlines")], DiskLoader(BASIC))
    return check(inputs.proposal, inputs.vocabulary, inputs.redlines)


def verdicts(result) -> dict[str, dict[str, str]]:
    return {c.id: dict(c.verdicts) for c in result.clauses}


def test_every_clause_gets_one_verdict_per_party(basic_result):
    assert verdicts(basic_result) == {
        "1": {"north": "reject", "south": "silent"},
        "2": {"north": "concern", "south": "silent"},
        "3": {"north": "reject", "south": "accept"},
        "4": {"north": "reject", "south": "accept"},
        "5": {"north": "silent", "south": "concern"},
        "6": {"north": "silent", "south": "accept"},
    }


def test_wildcard_rule_is_attributed_to_the_clause_with_the_term(basic_result):
    finding = next(f for f in basic_result.findings if f.rule == "N-LAND")
    assert finding.clause == "1" and finding.severity == "hard"
    assert [(e.path, e.value, e.test) for e in finding.evidence] == [("land.north", "ceded", ">= ceded")]
    assert finding.citations[0].publication == "North Gazette" and finding.citations[0].locator == "p. 1"
    assert finding.rule_line == 12 and finding.rule_file.endswith("north.redlines")


def test_cross_clause_rule_is_attributed_to_every_clause_it_read(basic_result):
    crossing = [f for f in basic_result.findings if f.rule == "N-ALLIANCE"]
    assert [(f.clause, f.related_clauses) for f in crossing] == [("3", ("4",)), ("4", ("3",))]
    assert ("guarantee.binding", "", "== true") in [(e.path, e.value, e.test) for e in crossing[0].evidence]


def test_satisfied_require_produces_no_finding(basic_result):
    assert not [f for f in basic_result.findings if f.rule in ("N-GUAR", "S-ALLIANCE")]


def test_require_that_nothing_satisfies_is_proposal_level(in_basic, tmp_path):
    text = Path("proposals/draft.peace").read_text().replace("guarantee.guarantors = [us, eu]",
                                                               "guarantee.guarantors = [eu]")
    draft = Path("proposals/tmp-draft.peace")
    draft.write_text(text)
    try:
        inputs = load_inputs(draft, [Path("redlines")], DiskLoader(BASIC))
    finally:
        draft.unlink()
    result = check(inputs.proposal, inputs.vocabulary, inputs.redlines)
    # The verdict rule (README "Verdicts"): a requirement whose term a clause states, with a value that falls
    # short, is that clause's finding, not one "missing from the draft"; a clause it touches is not `accept`.
    assert result.proposal_findings == []
    guar = [f for f in result.findings if f.rule == "N-GUAR"]
    assert [(f.party, f.kind, f.clause, f.code) for f in guar] == [("north", "require", "4", "PF201")]
    assert [(e.path, e.value, e.clause) for e in guar[0].evidence] == [("guarantee.guarantors", "[eu]", "4")]
    from peacecheck.checker.reports.wording import message

    assert "nothing satisfies it" in message(guar[0], "North")


def test_options_are_each_checked(basic_result):
    clause = next(c for c in basic_result.clauses if c.id == "5")
    assert [(o.id, o.default, o.verdicts["south"]) for o in clause.options] == [
        ("fast", True, "concern"), ("slow", False, "accept")]
    assert [f.rule for f in clause.options[0].findings] == ["S-ELECT"]
    assert clause.options[1].findings == ()


def test_summary_per_party(basic_result):
    by_party = {s.party.id: s for s in summarize(basic_result)}
    assert by_party["north"].rejects == ("1", "3", "4") and by_party["north"].concerns == ("2",)
    assert by_party["south"].accepts == ("3", "4", "6") and by_party["south"].concerns == ("5",)
    assert basic_result.counts("north") == {"reject": 3, "concern": 1, "accept": 0, "silent": 2, "proposal_level": 0}


def test_absent_term_makes_a_comparison_false_and_absent_true(dict_loader):
    from peacecheck.dsl.api import load_proposal, load_redlines

    files = {
        "v.vocab": 'vocabulary "V"\nterm a.x : number\nterm a.y : bool\n',
        "p.peace": 'proposal "P"\nvocabulary "v.vocab"\nclause 1 "A" { a.x = 5 }\n',
        "r.redlines": ('party r "R"\nvocabulary "v.vocab"\nsource s { title "t" }\n'
                       'rule R1 "absent y" { severity soft when absent a.y cite s }\n'
                       'rule R2 "y true" { severity hard when a.y == true cite s }\n'
                       'rule R3 "not y" { severity hard when not a.y == true and a.x > 1 cite s }\n'),
    }
    loader = dict_loader(files)
    proposal, vocabulary = load_proposal("p.peace", loader)
    redlines, _ = load_redlines("r.redlines", loader, vocabulary)
    result = check(proposal, vocabulary, [redlines])
    # R1 reads a term nothing states; clause 1 states one of its family (a.*), so the crossing is clause 1's.
    assert [(f.rule, f.clause) for f in result.findings] == [("R3", "1"), ("R1", "1")]


def test_acknowledged_findings_do_not_count_and_expiry(dict_loader):
    from peacecheck.dsl.api import load_proposal, load_redlines

    files = {
        "v.vocab": 'vocabulary "V"\nterm a.x : number\n',
        "p.peace": ('proposal "P"\nvocabulary "v.vocab"\n'
                    'clause 1 "A" {\n a.x = 5\n acknowledge r R1 "agreed in round 2" until 2026-01-01\n}\n'
                    'clause 2 "B" {\n acknowledge r R1 "stale"\n}\n'),
        "r.redlines": ('party r "R"\nvocabulary "v.vocab"\nsource s { title "t" }\n'
                       'rule R1 "x small" { severity hard when a.x > 1 cite s }\n'),
    }
    loader = dict_loader(files)
    proposal, vocabulary = load_proposal("p.peace", loader)
    redlines, _ = load_redlines("r.redlines", loader, vocabulary)
    before = check(proposal, vocabulary, [redlines], today=dt.date(2025, 6, 1))
    assert before.clauses[0].verdicts["r"] == "accept" and not before.has_hard_rejection()
    assert before.findings[0].acknowledged == "agreed in round 2"
    assert [(i.clause, i.problem) for i in before.acknowledgement_issues] == [("2", "unused")]
    after = check(proposal, vocabulary, [redlines], today=dt.date(2026, 6, 1))
    assert after.clauses[0].verdicts["r"] == "reject" and after.has_hard_rejection()
    assert [(i.clause, i.problem) for i in after.acknowledgement_issues] == [("1", "expired"), ("2", "unused")]


@pytest.mark.parametrize("op, value, expected", [
    ("<", "100", True), ("<=", "50", True), (">", "50", False), (">=", "50", True), ("==", "50", True),
    ("!=", "50", False),
])
def test_number_comparisons(dict_loader, op, value, expected):
    from peacecheck.dsl.api import load_proposal, load_redlines

    files = {
        "v.vocab": 'vocabulary "V"\nterm a.x : number\n',
        "p.peace": 'proposal "P"\nvocabulary "v.vocab"\nclause 1 "A" { a.x = 50 }\n',
        "r.redlines": ('party r "R"\nvocabulary "v.vocab"\nsource s { title "t" }\n'
                       f'rule R1 "cmp" {{ severity hard when a.x {op} {value} cite s }}\n'),
    }
    loader = dict_loader(files)
    proposal, vocabulary = load_proposal("p.peace", loader)
    redlines, _ = load_redlines("r.redlines", loader, vocabulary)
    assert check(proposal, vocabulary, [redlines]).has_hard_rejection() is expected


def test_what_an_option_leaves_missing_is_shown_under_that_option(dict_loader):
    """Choosing an option that says nothing about NATO makes Russia find NATO missing: that is the option's doing."""
    from peacecheck.dsl.api import load_proposal, load_redlines

    files = {
        "v.vocab": 'vocabulary "V"\nterm nato : enum(open, renounced)\nterm army : number\n',
        "p.peace": ('proposal "P"\nvocabulary "v.vocab"\n'
                    'clause n "NATO" {\n'
                    '  option silent "Not addressed" { }\n'
                    '  option renounce "Renounced" { nato = renounced }\n}\n'
                    'clause a "Army" { army = 5 }\n'),
        "r.redlines": ('party r "R"\nvocabulary "v.vocab"\nsource s { title "t" }\n'
                       'require R-NATO "NATO renounced" { severity hard that nato == renounced cite s }\n'
                       'require R-ARMY "An army cap" { severity soft that army < 1 cite s }\n'),
    }
    loader = dict_loader(files)
    proposal, vocabulary = load_proposal("p.peace", loader)
    redlines, _ = load_redlines("r.redlines", loader, vocabulary)
    result = check(proposal, vocabulary, [redlines])
    nato = result.clauses[0]
    assert {o.id: o.verdicts["r"] for o in nato.options} == {"silent": "reject", "renounce": "accept"}
    assert [(f.rule, f.clause, f.option) for f in nato.options[0].findings] == [("R-NATO", "n", "silent")]
    assert nato.verdicts["r"] == "reject"  # the clause as drafted is its default option
    # Counted once per reading: R-NATO is clause n's (its choice decides it), not also "missing" from the draft.
    # R-ARMY falls short on clause a (army = 5, not < 1): clause a's finding, so clause a is not `accept`.
    assert [(f.rule, f.clause) for f in result.findings] == [("R-ARMY", "a"), ("R-NATO", "n")]
    assert result.proposal_findings == []
    assert result.clauses[1].verdicts["r"] == "concern"
