"""`peacecheck test`: table-driven red-line unit tests, their report, coverage and exit codes."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, DictLoader
from test_outputs import FILES

from peacecheck.checker.redline_tests import check_rule_names, parse_test_file, run_case
from peacecheck.dsl.api import load_redlines
from peacecheck.dsl.diagnostics import PeaceError

PASSING = '''party = "north"

[[case]]
name = "ceding the north is rejected"
terms = { "land.north" = "ceded" }
clauses = { "1" = "reject" }
fires = ["N-LAND"]

[[case]]
name = "a strong guarantee and a frozen line are accepted"
proposal = """
clause 1 "Line" {
  land.north = frozen
}
clause 2 "Guarantee" {
  guarantee.kind = strong
}
"""
expect = "accept"
not_fires = ["N-LAND", "N-GUAR"]
'''


def loaded():
    loader = DictLoader(FILES)
    north, vocabulary = load_redlines("redlines/north.redlines", loader)
    south, _ = load_redlines("redlines/south.redlines", loader, vocabulary)
    return vocabulary, [north, south]


def problems(text: str) -> list[list[str]]:
    vocabulary, redlines = loaded()
    spec = parse_test_file(text, "t.toml")
    check_rule_names(spec, redlines)
    return [run_case(case, vocabulary, redlines).problems for case in spec.cases]


def errors(text: str) -> list[tuple[str, int]]:
    with pytest.raises(PeaceError) as info:
        problems(text)
    return [(d.code, d.span.line) for d in info.value.diagnostics]


# ------------------------------------------------------------------ the core
def test_passing_cases_have_no_problems():
    spec = parse_test_file(PASSING, "t.toml")
    assert [(c.name, c.line, c.party) for c in spec.cases] == [
        ("ceding the north is rejected", 3, "north"), ("a strong guarantee and a frozen line are accepted", 9, "north")]
    assert problems(PASSING) == [[], []]


def test_failures_say_what_was_expected_and_what_happened():
    text = '''[[case]]
name = "wrong on every count"
party = "north"
terms = { "land.north" = "frozen", "army.cap" = 50_000 }
expect = "accept"
clauses = { "1" = "reject", "9" = "accept" }
fires = ["N-LAND"]
not_fires = ["N-ARMY"]
acknowledged = ["N-ARMY"]
'''
    assert problems(text) == [[
        "verdict for north: expected accept, got reject (findings: N-ARMY, N-GUAR)",
        "clause 1 for north: expected reject, got concern",
        "clause 9: no such clause in the case (clauses: 1)",
        "N-LAND: expected to fire, did not (fired: N-ARMY, N-GUAR)",
        "N-ARMY: expected not to fire, but it fired",
        "N-ARMY: expected an acknowledged finding, but it fired unacknowledged",
    ]]


def test_terms_are_typed_by_the_vocabulary():
    text = '''party = "south"
[[case]]
name = "numbers, names and sets"
terms = { "army.cap" = 70_000.5, "land.north" = "ceded", "guarantee.kind" = "strong" }
fires = ["S-ARMY"]

[[case]]
name = "dotted keys mean the same paths"
expect = "accept"
[case.terms]
army.cap = 50000
'''
    assert problems(text) == [[], []]


def test_acknowledgements_and_today_in_a_case():
    text = '''party = "north"
[[case]]
name = "acknowledged until June"
today = 2026-01-01
proposal = """
clause 1 "Land" {
  land.north = ceded
  acknowledge north N-LAND "For now" until 2026-06-30
}
"""
clauses = { "1" = "accept" }
acknowledged = ["N-LAND"]

[[case]]
name = "expired in July"
today = "2026-07-01"
proposal = """
clause 1 "Land" {
  land.north = ceded
  acknowledge north N-LAND "For now" until 2026-06-30
}
"""
clauses = { "1" = "reject" }
acknowledged = ["N-LAND"]
'''
    assert problems(text) == [[], ["N-LAND: expected an acknowledged finding, but it fired unacknowledged"]]


@pytest.mark.parametrize("text, expected", [
    ('[[case]]\nname = "x"\nfires = [\n', [("PC610", 4)]),
    ('[[case]]\nname = "x"\nfire = ["N-LAND"]\n', [("PC611", 1), ("PC611", 3)]),
    ('party = "north"\n\n[[case]]\nname = "x"\nexpect = "rejected"\n', [("PC611", 3), ("PC612", 5)]),
    ('[[case]]\nname = "x"\nexpect = "reject"\n', [("PC611", 3)]),
    ('[[case]]\nterms = {}\nproposal = ""\nfires = ["N-LAND"]\n', [("PC611", 3)]),
    ('party = "north"\n', [("PC611", 1)]),
    ('case = 3\n', [("PC611", 1), ("PC611", 1)]),
    ('colour = "x"\n[[case]]\nfires = ["N-LAND"]\n', [("PC611", 1)]),
    ('[[case]]\nfires = ["N-LAND"]\ntoday = "soon"\n', [("PC611", 3)]),
])
def test_malformed_test_files(text: str, expected: list[tuple[str, int]]):
    assert errors(text) == expected


def test_unknown_rules_and_parties():
    assert errors('party = "north"\n[[case]]\nterms = {}\nfires = ["S-ARMY"]\n') == [("PC613", 4)]
    assert errors('[[case]]\nterms = {}\nfires = ["N-LANDS"]\n') == [("PC613", 3)]
    assert errors('party = "west"\n[[case]]\nexpect = "accept"\n') == [("PC614", 1)]


def test_snippet_errors_point_into_the_test_file():
    text = '''party = "north"

[[case]]
name = "typo in a term"
proposal = """
clause 1 "Land" {
  land.nort = ceded
}
"""
expect = "reject"

[[case]]
name = "a value the term does not have"
terms = { "land.north" = "sold" }
expect = "reject"
'''
    vocabulary, redlines = loaded()
    got = []
    for case in parse_test_file(text, "t.toml").cases:
        with pytest.raises(PeaceError) as info:
            run_case(case, vocabulary, redlines)
        got += [(d.code, d.span.line, d.message) for d in info.value.diagnostics]
    assert got == [("PC100", 7, "in case 'typo in a term': unknown term 'land.nort'"),
                   ("PC101", 14, "in case 'a value the term does not have': 'sold' is not a value of 'land.north' "
                                 "(scale(held < frozen < ceded))")]


# ------------------------------------------------------------------ the command
@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name, text in FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / "redlines/tests").mkdir()
    (tmp_path / "redlines/tests/north.toml").write_text(PASSING)
    return tmp_path


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "peacecheck.checker", "test", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "NO_COLOR": "1"})


def test_command_passes_and_reports_coverage(project: Path):
    done = run(cwd=project)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == (
        "PASS: 2/2\n"
        "Coverage: 3/4 rules exercised (75.0%); 2 by tests, 3 by proposals\n"
        '  not exercised: redlines/south.redlines:4: south S-ARMY "Army: at most 60,000"\n')
    verbose = run("-v", "--no-coverage", cwd=project / "redlines")
    assert verbose.stdout == ("PASS tests/north.toml:3: ceding the north is rejected\n"
                              "PASS tests/north.toml:9: a strong guarantee and a frozen line are accepted\n"
                              "\nPASS: 2/2\n")


def test_threshold_and_proposals_option(project: Path):
    low = run("--threshold", "80", cwd=project)
    assert low.returncode == 1 and low.stdout.endswith("Coverage 75.0% is below the threshold of 80%\n")
    assert run("--threshold", "75", cwd=project).returncode == 0
    tests_only = run("--proposals", "nowhere", cwd=project)
    assert "Coverage: 2/4 rules exercised (50.0%); 2 by tests, 0 by proposals\n" in tests_only.stdout
    (project / "peacecheck.toml").write_text("coverage-threshold = 100\n")
    assert run(cwd=project).returncode == 1


def test_failing_case_output_and_exit_code(project: Path):
    (project / "redlines/tests/south.toml").write_text(
        'party = "south"\n\n[[case]]\nname = "a large army"\nterms = { "army.cap" = 70_000 }\n'
        'clauses = { "1" = "reject" }\n')
    done = run("--no-coverage", cwd=project)
    assert (done.returncode, done.stderr) == (1, "")
    assert done.stdout == ("FAIL redlines/tests/south.toml:3: a large army\n"
                           "  clause 1 for south: expected reject, got concern\n"
                           "\nFAIL: 1/3\n")


def test_input_errors_exit_2(project: Path, tmp_path_factory):
    (project / "redlines/tests/bad.toml").write_text('[[case]]\nname = "x"\nfires = ["NOPE"]\n')
    done = run(cwd=project)
    assert done.returncode == 2 and done.stdout == ""
    assert "redlines/tests/bad.toml:3:1: PC613 any party has no rule 'NOPE'" in done.stderr
    empty = tmp_path_factory.mktemp("empty")
    nothing = run(cwd=empty)
    assert nothing.returncode == 2 and "PC615" in nothing.stderr
    assert run("missing.toml", cwd=project).returncode == 2


def test_test_file_can_name_its_red_lines(project: Path):
    (project / "redlines/tests/north.toml").write_text('redlines = ["../north.redlines"]\n' + PASSING)
    done = run(cwd=project)
    assert done.returncode == 0
    assert "Coverage: 3/3 rules exercised (100.0%); 2 by tests, 3 by proposals" in done.stdout


# ------------------------------------------------------------------ the real red lines
def test_the_real_red_lines_pass_and_every_rule_is_tested():
    done = run("--threshold", "100", "--proposals", "none", cwd=REPO)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("PASS: ")
    assert "%); " in done.stdout and "(100.0%)" in done.stdout and "not exercised" not in done.stdout


def test_command_refuses_a_test_file_that_is_not_utf8(project: Path):
    """A Latin-1 byte is a located PC011 with exit 2, never decoded into a replacement character and run."""
    (project / "redlines/tests/latin.toml").write_bytes(b'party = "north"\n\n# caf\xe9\n')
    done = run("--no-coverage", cwd=project)
    assert done.returncode == 2
    assert "redlines/tests/latin.toml:3:6: PC011 invalid UTF-8 byte 0xe9" in done.stderr
    assert "Traceback" not in done.stderr
