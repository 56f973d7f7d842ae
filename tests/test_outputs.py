"""SARIF, JUnit XML and GitHub annotations from one CheckResult; several outputs in one run;
acknowledgements wired through the CLI (--today, expiry, unused, counted apart)."""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from peacecheck.checker.evaluation.evaluate import check
from peacecheck.checker.reports.check_github import command, escape_data, escape_property
from peacecheck.checker.reports.check_github import render as render_github
from peacecheck.checker.reports.check_junit import render as render_junit
from peacecheck.checker.reports.check_sarif import render as render_sarif
from conftest import BASIC, DictLoader
from peacecheck.dsl.api import check_acknowledgements, load_proposal, load_redlines

VOCAB = '''vocabulary "Outputs"
term land.north : scale(held < frozen < ceded) "Northern province"
term army.cap : number "Army ceiling"
term guarantee.kind : enum(none, weak, strong) "Guarantee"
'''
NORTH = '''party north "North"
vocabulary "../vocab/v.vocab"
source paper { title "Paper" }
rule N-LAND "No province ceded" {
  severity hard
  when land.north >= ceded
  because "North will not cede land."
  cite paper
}
rule N-ARMY "Army: at least 100,000" {
  severity soft
  when army.cap < 100_000
  cite paper
}
require N-GUAR "A strong guarantee" {
  severity hard
  that guarantee.kind == strong
  cite paper
}
'''
SOUTH = '''party south "South"
vocabulary "../vocab/v.vocab"
source paper { title "Paper" }
rule S-ARMY "Army: at most 60,000" {
  severity soft
  when army.cap > 60_000
  cite paper
}
'''
DRAFT = '''proposal "Draft, with acknowledgements"
vocabulary "../vocab/v.vocab"

clause 1 "Land" {
  land.north = ceded
  acknowledge north N-LAND "North accepts this for the interim, pending a vote" until 2026-06-30
}

clause 2 "Army" {
  army.cap = 50_000
  acknowledge south S-ARMY "Never fires here: the cap is low"
}
'''
FILES = {"vocab/v.vocab": VOCAB, "redlines/north.redlines": NORTH, "redlines/south.redlines": SOUTH,
         "proposals/draft.peace": DRAFT}


def result_for(today: dt.date | None):
    loader = DictLoader(FILES)
    proposal, vocabulary = load_proposal("proposals/draft.peace", loader)
    redlines = [load_redlines(k, loader, vocabulary)[0] for k in ("redlines/north.redlines", "redlines/south.redlines")]
    check_acknowledgements(proposal, redlines)
    return check(proposal, vocabulary, redlines, today=today)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name, text in FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "peacecheck.checker", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "NO_COLOR": "1"})


# ------------------------------------------------------------------ SARIF
def test_sarif_rules_results_levels_locations_and_suppressions():
    log = json.loads(render_sarif(result_for(dt.date(2026, 1, 1))))
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    run_ = log["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["north/N-ARMY", "north/N-GUAR", "north/N-LAND",
                                        "peacecheck/acknowledgement-unused"]
    assert [r["defaultConfiguration"]["level"] for r in rules] == ["warning", "error", "error", "warning"]
    got = [(r["ruleId"], r["level"], r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "suppressions" in r)
           for r in run_["results"]]
    assert got == [
        ("north/N-LAND", "error", 4, "proposals/draft.peace", True),
        ("north/N-ARMY", "warning", 9, "proposals/draft.peace", False),
        ("north/N-GUAR", "error", 1, "proposals/draft.peace", False),
        ("peacecheck/acknowledgement-unused", "warning", 11, "proposals/draft.peace", False),
    ]
    for result in run_["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    land = run_["results"][0]
    assert land["suppressions"] == [{"kind": "inSource", "status": "accepted",
                                     "justification": "North accepts this for the interim, pending a vote"}]
    related = [(r["physicalLocation"]["artifactLocation"]["uri"], r["physicalLocation"]["region"]["startLine"])
               for r in land["relatedLocations"]]
    assert related == [("proposals/draft.peace", 5), ("redlines/north.redlines", 4)]
    assert [a["location"]["uri"] for a in run_["artifacts"]] == ["proposals/draft.peace", "redlines/north.redlines",
                                                                 "redlines/south.redlines"]


def test_sarif_is_deterministic_and_marks_expired_acknowledgements():
    later = result_for(dt.date(2026, 7, 1))
    assert render_sarif(later) == render_sarif(result_for(dt.date(2026, 7, 1)))
    results = json.loads(render_sarif(later))["runs"][0]["results"]
    land = next(r for r in results if r["ruleId"] == "north/N-LAND")
    assert "suppressions" not in land  # expired: the finding counts again
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results
            if r["ruleId"].startswith("peacecheck/")] == [("peacecheck/acknowledgement-expired", 6),
                                                        ("peacecheck/acknowledgement-unused", 11)]


# ------------------------------------------------------------------ JUnit
def test_junit_has_a_case_per_clause_and_party_and_fails_rejections():
    root = ET.fromstring(render_junit(result_for(dt.date(2026, 7, 1))))
    assert root.tag == "testsuites" and (root.get("tests"), root.get("failures")) == ("6", "2")
    suites = {s.get("name"): s for s in root}
    assert list(suites) == ["North (north)", "South (south)"]
    north = suites["North (north)"]
    where = {p.get("name"): p.get("value") for p in north.iter("property")}  # locations: suite properties
    cases = [(c.get("name"), where[c.get("name")].rsplit(":", 1)[1], c.find("failure") is not None)
             for c in north.iter("testcase")]
    assert cases == [("clause 1: Land", "4", True), ("clause 2: Army", "9", False),
                     ("the proposal as a whole", "1", True)]
    assert north.find("testcase/failure").get("message") == "N-LAND: No province ceded"
    assert "concern north N-ARMY" in north.findall("testcase")[1].find("system-out").text
    assert suites["South (south)"].get("failures") == "0"


def test_junit_acknowledged_rejection_passes_and_control_characters_are_replaced():
    result = result_for(dt.date(2026, 1, 1))
    root = ET.fromstring(render_junit(result))
    land = root[0].find("testcase")
    assert land.find("failure") is None
    assert "acknowledged: North accepts this" in land.find("system-out").text
    from dataclasses import replace

    result = replace(result, clauses=(replace(result.clauses[0], title="bell\x07here"), *result.clauses[1:]))
    assert 'name="clause 1: bell\ufffdhere"' in render_junit(result)


# ------------------------------------------------------------------ GitHub annotations
def test_github_annotations_levels_lines_and_escaping():
    lines = render_github(result_for(dt.date(2026, 1, 1))).splitlines()
    heads = [line.split("::")[1] for line in lines]
    assert heads == ["notice file=proposals/draft.peace,line=4,title=north N-LAND (acknowledged)",
                     "warning file=proposals/draft.peace,line=9,title=north N-ARMY (soft)",
                     "error file=proposals/draft.peace,line=1,title=north N-GUAR (hard)",
                     "warning file=proposals/draft.peace,line=11,title=acknowledgement unused%3A south S-ARMY"]
    assert all("\n" not in line for line in lines)
    assert "%0Awhy: North will not cede land.%0A" in lines[0]


def test_github_escaping_rules():
    assert escape_data("50% a\r\nb") == "50%25 a%0D%0Ab"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    assert command("error", "dir/x,y.peace", 3, "t: x", "m: a, b") == "::error file=dir/x%2Cy.peace,line=3,title=t%3A x::m: a, b"


# ------------------------------------------------------------------ the command line
def test_several_outputs_in_one_run(project: Path):
    done = run("check", "proposals/draft.peace", "--today", "2026-01-01", "-o", "json:out/r.json",
               "-o", "sarif:out/r.sarif", "-o", "junit:out/r.xml", "-o", "out/r.txt", cwd=project)
    assert (done.returncode, done.stdout, done.stderr) == (1, "", "")  # N-GUAR is a hard requirement
    assert json.loads((project / "out/r.json").read_text())["schema_version"] == 1
    assert json.loads((project / "out/r.sarif").read_text())["version"] == "2.1.0"
    assert ET.parse(project / "out/r.xml").getroot().tag == "testsuites"
    assert (project / "out/r.txt").read_text().startswith("Draft, with acknowledgements")


@pytest.mark.parametrize("args, code", [
    (["-o", "jsn:x.json"], "PC603"),
    (["-o", "json:"], "PC603"),
    (["-o", "json:a.json", "-o", "sarif:a.json"], "PC604"),
    (["-o", "json:-", "-o", "-"], "PC604"),
])
def test_bad_outputs_are_input_errors(project: Path, args: list[str], code: str):
    done = run("check", "proposals/draft.peace", *args, cwd=project)
    assert done.returncode == 2 and code in done.stderr and done.stdout == ""
    assert sorted(p.name for p in project.iterdir()) == ["proposals", "redlines", "vocab"]


def test_github_format_to_stdout_and_several_proposals(project: Path):
    (project / "proposals/second.peace").write_text('proposal "Second"\nvocabulary "../vocab/v.vocab"\n'
                                                    'clause 1 "x" {\n  guarantee.kind = strong\n}\n')
    done = run("check", "proposals/draft.peace", "proposals/second.peace", "--format", "github",
               "--today", "2026-01-01", cwd=project)
    assert done.returncode == 1
    assert done.stdout.count("::") == 8 and done.stdout.count("file=proposals/second.peace") == 0
    refused = run("check", "proposals/draft.peace", "proposals/second.peace", "--format", "json", cwd=project)
    assert refused.returncode == 2 and "PC606" in refused.stderr


@pytest.mark.parametrize("fail_on, today, code", [
    ("reject", "2026-01-01", 1),  # N-GUAR, a hard requirement, is missing
    ("never", "2026-01-01", 0),
    ("concern", "2026-01-01", 1),
])
def test_fail_on(project: Path, fail_on: str, today: str, code: int):
    done = run("check", "proposals/draft.peace", "--fail-on", fail_on, "--today", today, cwd=project)
    assert done.returncode == code, done.stderr


def test_fail_on_reject_passes_when_only_soft_findings_remain(project: Path):
    draft = project / "proposals/draft.peace"
    draft.write_text(DRAFT + 'clause 3 "Guarantee" {\n  guarantee.kind = strong\n}\n')
    assert run("check", "proposals/draft.peace", "--today", "2026-01-01", cwd=project).returncode == 0
    assert run("check", "proposals/draft.peace", "--today", "2026-01-01", "--fail-on", "concern",
               cwd=project).returncode == 1
    # Once the acknowledgement expires the ceded province is a hard rejection again.
    assert run("check", "proposals/draft.peace", "--today", "2026-07-01", cwd=project).returncode == 1


def test_acknowledged_findings_are_counted_apart_in_text_and_json(project: Path):
    done = run("check", "proposals/draft.peace", "--today", "2026-01-01", "--format", "json", cwd=project)
    data = json.loads(done.stdout)
    assert data["summary"]["north"]["acknowledged"] == 1 and data["summary"]["south"]["acknowledged"] == 0
    assert data["summary"]["north"]["reject"] == 0  # the acknowledged clause does not count as a rejection
    assert [(a["clause"], a["party"], a["rule"], a["problem"]) for a in data["acknowledgements"]] == [
        ("2", "south", "S-ARMY", "unused")]
    text = run("check", "proposals/draft.peace", "--today", "2026-01-01", cwd=project).stdout
    # clause 1 is acknowledged, not accepted: the report shows it in a state of its own
    assert ("North (north): rejects none; concerns 2; accepts none; finds missing: N-GUAR A strong guarantee; "
            "1 acknowledged (clauses 1)") in text
    assert "clause 2 acknowledges south S-ARMY, but the acknowledgement is unused (line 11)" in text


def test_expired_acknowledgement_via_today(project: Path):
    data = json.loads(run("check", "proposals/draft.peace", "--today", "2026-07-01", "--format", "json",
                          cwd=project).stdout)
    assert data["summary"]["north"]["acknowledged"] == 0 and data["summary"]["north"]["reject"] == 1
    assert [(a["clause"], a["problem"], a["line"]) for a in data["acknowledgements"]] == [
        ("1", "expired", 6), ("2", "unused", 11)]


def test_a_bad_today_is_a_usage_error(project: Path):
    done = run("check", "proposals/draft.peace", "--today", "2026-13-01", cwd=project)
    assert done.returncode == 2 and "--today" in done.stderr


def test_an_acknowledgement_needs_a_reason():
    from peacecheck.dsl.api import parse
    from peacecheck.dsl.diagnostics import PeaceError

    with pytest.raises(PeaceError) as info:
        parse('proposal "x"\nclause 1 "c" {\n  acknowledge north N-LAND until 2026-01-01\n}\n', "x.peace")
    assert [(d.code, d.span.line) for d in info.value.diagnostics] == [("PC001", 3)]


def test_basic_fixture_outputs_are_deterministic(monkeypatch):
    monkeypatch.chdir(BASIC)
    one = run("check", "proposals/draft.peace", "--format", "sarif", "--today", "2026-01-01", cwd=BASIC).stdout
    two = run("check", "proposals/draft.peace", "--format", "sarif", "--today", "2026-01-01", cwd=BASIC).stdout
    assert one == two and json.loads(one)["runs"][0]["results"]
