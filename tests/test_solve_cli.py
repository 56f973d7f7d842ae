"""`peacecheck solve` and `peacecheck lint` as a user meets them: exit code, stdout and stderr together."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO

from peacecheck.checker.cli import main

SOLVE = REPO / "tests" / "fixtures" / "solve"
GOLDEN = SOLVE / "golden"


@pytest.fixture
def cli(monkeypatch):
    """Run peacecheck in-process from the solve fixture folder; (exit code, stdout, stderr)."""
    monkeypatch.chdir(SOLVE)
    monkeypatch.setenv("NO_COLOR", "1")

    def invoke(*args: str) -> tuple[int, str, str]:
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    return invoke


def solve_args(name: str, *extra: str) -> list[str]:
    return ["solve", name, "--redlines", "redlines", *extra]


# ------------------------------------------------------------------ solve
def test_feasible_exits_0_and_matches_golden_text_and_json(cli):
    assert cli(*solve_args("feasible.peace")) == (0, (GOLDEN / "feasible.txt").read_text(), "")
    assert cli(*solve_args("feasible.peace", "--format", "json")) == (0, (GOLDEN / "feasible.json").read_text(), "")


def test_infeasible_exits_1_and_matches_golden(cli):
    assert cli(*solve_args("infeasible.peace")) == (1, (GOLDEN / "infeasible.txt").read_text(), "")
    assert cli(*solve_args("infeasible.peace", "--format", "json")) == (
        1, (GOLDEN / "infeasible.json").read_text(), "")


def test_json_shape(cli):
    code, out, _ = cli(*solve_args("feasible.peace", "--format", "json", "--top", "2"))
    data = json.loads(out)
    assert code == 0 and data["schema_version"] == 1 and data["command"] == "solve" and data["feasible"] is True
    assert set(data) == {"schema_version", "command", "proposal", "parties", "space", "feasible", "packages",
                         "conflicts", "draft", "waived", "time_limit", "stopped", "acknowledgements_judged_on"}
    assert data["space"]["packages"] == 72 and data["space"]["acceptable"] == 6
    assert [p["rank"] for p in data["packages"]] == [1, 2]
    first = data["packages"][0]
    assert set(first) == {"rank", "worst", "total", "changes", "acceptable", "choices", "verdicts"}
    assert first["verdicts"]["south"]["verdict"] == "concern"
    assert [c["rule"] for c in first["verdicts"]["south"]["concerns"]] == ["S3"]
    assert [(s["clause"], s["from"], s["to"]) for s in data["draft"]["switches"]] == [("1", "north", "shared"),
                                                                                   ("2", "south", "shared")]
    conflicts = json.loads(cli(*solve_args("infeasible.peace", "--format", "json"))[1])["conflicts"]
    assert [[r["rule"] for r in c["rules"]] for c in conflicts] == [["N3"], ["N1", "S1"], ["N5", "S4"]]


def test_party_filter_changes_the_answer(cli):
    code, out, _ = cli(*solve_args("infeasible.peace", "--party", "south", "--format", "json"))
    data = json.loads(out)
    assert code == 0 and [p["id"] for p in data["parties"]] == ["south"]


def test_from_draft(cli):
    code, out, err = cli(*solve_args("feasible.peace", "--from", "draft.peace", "--format", "json"))
    assert (code, err) == (0, "")
    reading = {p["clause"]: p["option"] for p in json.loads(out)["draft"]["reading"]}
    assert reading == {"1": "shared", "2": "shared", "3": "none", "4": "open", "5": "no"}
    # The draft states no guarantee, so `check` finds north's N3 missing: solve must say the same of
    # the draft (it used to judge the options file's default reading and call the draft acceptable).
    draft = json.loads(out)["draft"]
    assert draft["acceptable_as_is"] is False
    verdicts = {party: v["verdict"] for party, v in draft["draft"]["verdicts"].items()}
    assert verdicts == {"north": "reject", "south": "concern"}
    assert [r["rule"] for r in draft["draft"]["verdicts"]["north"]["rejections"]] == ["N3"]


def test_input_errors_exit_2(cli, tmp_path):
    code, out, err = cli("solve", "missing.peace")
    assert (code, out) == (2, "") and "PC020" in err
    code, out, err = cli(*solve_args("feasible.peace", "--party", "nowhere"))
    assert (code, out) == (2, "") and "PC121" in err
    code, _, err = cli(*solve_args("feasible.peace", "--top", "0"))
    assert code == 2 and "--top" in err
    code, out, err = cli(*solve_args("feasible.peace", "-o", "feasible.peace"))
    assert (code, out) == (2, "") and "PC119" in err


def test_draft_under_another_vocabulary_exits_2(cli):
    code, out, err = cli(*solve_args("feasible.peace", "--from", str(REPO / "proposals" / "miami.peace")))
    assert (code, out) == (2, "") and "PC731" in err


def test_ortools_missing_exits_2_with_pc730(cli, monkeypatch):
    monkeypatch.setitem(sys.modules, "ortools.sat.python", None)
    code, out, err = cli(*solve_args("feasible.peace"))
    assert (code, out) == (2, "") and "PC730" in err and "pip install" in err
    code, out, err = cli("lint", "lint/clean")
    assert (code, out) == (2, "") and "PC730" in err


def test_output_file_is_written(cli, tmp_path):
    target = tmp_path / "solve.json"
    code, out, err = cli(*solve_args("feasible.peace", "--format", "json", "-o", str(target)))
    assert (code, out, err) == (0, "", "")
    assert target.read_text() == (GOLDEN / "feasible.json").read_text()


# ------------------------------------------------------------------ HTML
def test_html_is_self_contained_deterministic_and_escaped(cli, tmp_path):
    code, page, _ = cli(*solve_args("infeasible.peace", "--format", "html"))
    assert code == 1 and page == cli(*solve_args("infeasible.peace", "--format", "html"))[1]
    assert page.startswith("<!DOCTYPE html>") and "Content-Security-Policy" in page
    assert "script-src &#39;none&#39;" in page
    assert "http://" not in page and "https://" not in page and "<script" not in page
    assert page.count('class="conflict-summary"') == 3
    for folder in ("vocab", "redlines"):  # a project of its own in tmp_path
        shutil.copytree(SOLVE / folder, tmp_path / folder)
    hostile = tmp_path / "hostile.peace"
    hostile.write_text((SOLVE / "feasible.peace").read_text().replace(
        '"The river"', '"<script>alert(1)</script> & <b>river</b>"'))
    code, page, err = cli("solve", str(hostile), "--format", "html")
    assert (code, err) == (0, "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;river&lt;/b&gt;" in page and "<script" not in page


@pytest.mark.browser
def test_html_in_chromium_makes_no_request_and_shows_the_packages(tmp_path, browser):
    out = tmp_path / "solve.html"
    done = subprocess.run([sys.executable, "-m", "peacecheck.checker", *solve_args("feasible.peace"), "--format", "html", "-o",
                           str(out)], check=False, cwd=SOLVE, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr
    page = browser.new_page()
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url) if not r.url.startswith("file:") else None)
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(out.as_uri())
    assert page.locator("article.package").count() == 5
    assert page.locator("#package-1 tr.changed").count() == 4
    assert "A package every party can accept exists" in page.locator(".outcome").inner_text()
    page.close()
    assert requests == [] and errors == []


# ------------------------------------------------------------------ lint
def test_lint_warnings_exit_1_and_match_golden(cli):
    code, out, err = cli("lint", "lint/redlines", "lint/uses.peace")
    assert (code, out, err) == (1, (GOLDEN / "lint.txt").read_text(), "")
    first = out.splitlines()[0]
    assert first == "lint/lint.vocab:16:6: PC704 term 'spare.flag' is used by no rule and no proposal"


def test_lint_clean_exits_0(cli):
    code, out, err = cli("lint", "lint/clean")
    assert (code, err) == (0, "") and out.startswith("no warnings")


def test_lint_json_shape(cli):
    code, out, _ = cli("lint", "lint/redlines", "lint/uses.peace", "--format", "json")
    data = json.loads(out)
    assert code == 1 and data["command"] == "lint" and data["count"] == len(data["warnings"]) == 11
    assert {w["code"] for w in data["warnings"]} == {"PC700", "PC701", "PC702", "PC703", "PC704"}
    assert set(data["warnings"][0]) == {"code", "message", "explanation", "file", "line", "column", "rules"}


def test_lint_input_errors_exit_2(cli):
    code, out, err = cli("lint", "nowhere")
    assert (code, out) == (2, "") and "PC020" in err
    code, out, err = cli("lint", "lint/uses.peace")
    assert (code, out) == (2, "") and "PC118" in err
    code, out, err = cli("lint", "lint/redlines", "--vocabulary", "vocab/toy.vocab")
    assert (code, out) == (2, "") and "PC116" in err


def test_lint_defaults_to_the_redlines_folder_found_from_here(cli, monkeypatch):
    monkeypatch.chdir(SOLVE / "lint" / "clean")  # no redlines/ here: the nearest one above is lint/redlines
    code, out, err = cli("lint")
    assert (code, err) == (1, "") and "PC702" in out and "(2 red-line file(s), 0 proposal(s)" in out


def test_solve_and_lint_are_registered():
    from peacecheck.checker.cli.main import COMMANDS

    assert COMMANDS["solve"] == "peacecheck.checker.cli.solve:solve" and COMMANDS["lint"] == "peacecheck.checker.cli.lint:lint"
    assert Path(REPO / "checker" / "reports" / "templates" / "solve.html.j2").is_file()
