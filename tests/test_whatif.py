"""What-if without editing files: --set [CLAUSE:]TERM=VALUE and --choose CLAUSE=OPTION (checker/overrides.py)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BASIC, REPO

from peacecheck.checker.overrides import apply_overrides, parse_requests, parse_set
from peacecheck.checker.files import DiskLoader, project_root
from peacecheck.dsl.api import load_proposal
from peacecheck.dsl.diagnostics import PeaceError

DRAFT = "proposals/draft.peace"


def run(*args: str, cwd: Path = BASIC) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "peacecheck.checker", *args], cwd=cwd, capture_output=True,
                          text=True, env=env)


@pytest.fixture
def draft(in_basic):
    return load_proposal(DRAFT, DiskLoader(project_root(in_basic)))


def what_if(draft, sets=(), chooses=()):
    proposal, vocabulary = draft
    parsed_sets, parsed_chooses, errors = parse_requests(sets, chooses)
    assert errors == []
    return apply_overrides(proposal, vocabulary, parsed_sets, parsed_chooses)


def codes_at(exc: PeaceError) -> list[tuple[str, str, int, int]]:
    return [(d.code, d.span.file, d.span.line, d.span.column) for d in exc.diagnostics]


# ------------------------------------------------------------------ the core (pure)
def test_set_without_clause_changes_every_clause_stating_the_term(draft):
    result = what_if(draft, sets=["guarantee.kind=strong"])
    clause = result.proposal.clause("4")
    assert [(a.path, a.value.raw) for a in clause.terms][0] == ("guarantee.kind", "strong")
    assert [(o.kind, o.clause, o.path, o.old, o.new) for o in result.overrides] == [
        ("set", "4", "guarantee.kind", "weak", "strong")]
    # The statement keeps its place in the file: evidence still points at the clause's line.
    assert clause.terms[0].span == draft[0].clause("4").terms[0].span
    assert draft[0].clause("4").terms[0].value.raw == "weak"  # the loaded proposal is not changed


def test_set_in_a_clause_that_does_not_state_the_term_adds_it(draft):
    result = what_if(draft, sets=["4:guarantee.binding=true"])
    terms = {a.path: a.value.raw for a in result.proposal.clause("4").terms}
    assert terms["guarantee.binding"] is True
    assert [(o.clause, o.path, o.old, o.new) for o in result.overrides] == [("4", "guarantee.binding", "", "true")]


def test_set_reaches_options_that_state_the_term(draft):
    result = what_if(draft, sets=["5:elections.days=90"])
    assert [o.terms[0].value.raw for o in result.proposal.clause("5").options] == [90, 90]
    assert [(o.option, o.old) for o in result.overrides] == [("fast", "30"), ("slow", "200")]


def test_choose_makes_the_option_the_drafted_one(draft):
    result = what_if(draft, chooses=["5=slow"])
    assert [o.id for o in result.proposal.clause("5").options] == ["slow", "fast"]
    assert [(o.kind, o.clause, o.old, o.new) for o in result.overrides] == [("choose", "5", "fast", "slow")]


def test_later_requests_win(draft):
    result = what_if(draft, sets=["army.cap=10", "2:army.cap=20"])
    assert result.proposal.clause("2").terms[0].value.raw == 20
    assert [(o.old, o.new) for o in result.overrides] == [("50000", "10"), ("10", "20")]


@pytest.mark.parametrize("text, column", [("nope", 1), ("x y:a=b", 1), ("a..b=c", 1), ("14:a.b=", 8), ("14:=v", 4)])
def test_malformed_set_is_pc121_at_its_column(text, column):
    with pytest.raises(PeaceError) as caught:
        parse_set(text, 3)
    assert codes_at(caught.value) == [("PC121", "--set", 3, column)]


def test_every_bad_request_is_reported_at_once_with_did_you_mean(draft):
    proposal, vocabulary = draft
    sets, chooses, errors = parse_requests(
        ["2:army.cpa=1", "guarantee.kind=strng", "guarantee.binding=yes", "land.north=2025-02-30",
         "9:army.cap=1", "guarantee.guarantors=[us,nato]", "army.cap=60,000"], ["5=slw", "1=x"])
    assert errors == []
    with pytest.raises(PeaceError) as caught:
        apply_overrides(proposal, vocabulary, sets, chooses)
    found = {(d.code, d.span.file, d.span.line, d.span.column): d.hint for d in caught.value.diagnostics}
    assert found[("PC100", "--set", 1, 3)] == "did you mean 'army.cap'?"
    assert found[("PC101", "--set", 2, 16)] == "did you mean 'strong'?"
    assert found[("PC121", "--set", 3, 1)].startswith("name the clause")  # nothing states guarantee.binding
    assert found[("PC102", "--set", 3, 19)] == "did you mean 'true'?"
    assert ("PC117", "--set", 4, 12) in found
    assert found[("PC121", "--set", 5, 1)].startswith("clauses: 1, 2")
    assert ("PC101", "--set", 6, 22) in found
    assert found[("PC117", "--set", 7, 10)] == "write 60000 or 60_000"
    assert found[("PC121", "--choose", 1, 3)] == "did you mean 'slow'?"
    assert found[("PC121", "--choose", 2, 3)] == ""  # clause 1 has no options at all


# ------------------------------------------------------------------ the commands
def test_check_set_changes_the_verdict_and_the_report_says_so():
    plain = json.loads(run("check", DRAFT, "--format", "json").stdout)
    assert {c["id"]: c["verdicts"]["north"] for c in plain["clauses"]}["1"] == "reject"
    changed = run("check", DRAFT, "--format", "json", "--set", "1:land.north=held")
    data = json.loads(changed.stdout)
    assert {c["id"]: c["verdicts"]["north"] for c in data["clauses"]}["1"] != "reject"
    # The report itself records the what-if, as data, in every format (JSON here; nothing on stderr).
    assert data["what_if"] == [{"kind": "set", "clause": "1", "path": "land.north", "option": "", "old": "ceded",
                                "new": "held"}] and changed.stderr == ""
    assert "what_if" not in plain
    sarif = json.loads(run("check", DRAFT, "--format", "sarif", "--set", "1:land.north=held").stdout)
    assert sarif["runs"][0]["properties"]["what_if"] == data["what_if"]
    markdown = run("check", DRAFT, "--format", "markdown", "--set", "1:land.north=held").stdout
    assert markdown.startswith("> what-if: clause 1: land.north = held (was ceded)")
    html = run("check", DRAFT, "--format", "html", "--set", "1:land.north=held").stdout
    assert "<li>what-if: clause 1: land.north = held (was ceded)</li>" in html
    text = run("check", DRAFT, "--set", "1:land.north=held", "--choose", "5=slow")
    assert text.stdout.splitlines()[:2] == ["what-if: clause 5: option slow chosen (drafted: fast)",
                                             "what-if: clause 1: land.north = held (was ceded)"]
    assert "option slow (default)" in text.stdout
    assert (BASIC / DRAFT).read_text(encoding="utf-8").count("land.north = ceded") == 1  # the file is untouched


def test_check_what_if_can_clear_every_rejection():
    args = ["check", DRAFT, "--set", "land.north=held", "--set", "guarantee.kind=strong", "--set",
            "4:guarantee.binding=true", "-q"]
    done = run(*args)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "proposals/draft.peace: no hard rejection (what-if)\n"
    assert run("check", DRAFT, "-q").returncode == 1


def test_check_bad_set_exits_2_with_a_located_caret():
    done = run("check", DRAFT, "--set", "guarantee.kind=strng")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines()[:4] == [
        "--set:1:16: PC101 'strng' is not a value of 'guarantee.kind' (scale(none < weak < strong))",
        "    guarantee.kind=strng", "                   ^", "    hint: did you mean 'strong'?"]


def test_diff_of_a_draft_against_its_what_if():
    done = run("diff", DRAFT, DRAFT, "--format", "json", "--set", "1:land.north=held")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert "what-if: clause 1: land.north = held (was ceded)" in done.stderr
    assert "land.north" in json.dumps(data)
    same = json.loads(run("diff", DRAFT, DRAFT, "--format", "json").stdout)
    assert data != same


def test_solve_accepts_what_if_and_reports_it():
    done = run("solve", DRAFT, "--choose", "5=slow")
    assert done.returncode in (0, 1), done.stderr
    assert "what-if: clause 5: option slow chosen (drafted: fast)" in done.stderr
    bad = run("solve", DRAFT, "--choose", "5=slw")
    assert bad.returncode == 2 and "--choose:1:3: PC121" in bad.stderr


def test_what_if_on_the_real_draft_by_clause():
    done = run("check", "proposals/miami.peace", "--format", "json", "--set",
               "14:territory.donetsk=line_of_contact", cwd=REPO)
    assert done.returncode in (0, 1), done.stderr
    assert json.loads(done.stdout)["what_if"][0]["path"] == "territory.donetsk"


def test_set_takes_spaces_around_the_equals_sign_as_the_what_if_lines_print_it():
    spaced = run("check", DRAFT, "--format", "json", "--set", "1:land.north = held")
    tight = run("check", DRAFT, "--format", "json", "--set", "1:land.north=held")
    assert spaced.returncode == tight.returncode and spaced.stdout == tight.stdout
    bad = run("check", DRAFT, "--set", "1:land.north = hled")
    assert bad.returncode == 2 and "--set:1:16: PC101" in bad.stderr
