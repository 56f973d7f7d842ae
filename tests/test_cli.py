"""The command line as a user meets it: exit code, stdout and stderr together."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BASIC, REPO

GOLDEN = REPO / "tests" / "golden" / "basic"


def run(*args: str, cwd: Path = BASIC, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    return subprocess.run([sys.executable, "-m", "peacecheck.checker", *args], cwd=cwd, capture_output=True, text=True,
                          env=full_env)


def test_check_is_the_default_command_and_exits_1_on_hard_rejection():
    short, long = run("proposals/draft.peace"), run("check", "proposals/draft.peace")
    assert (short.returncode, short.stdout, short.stderr) == (long.returncode, long.stdout, long.stderr)
    assert short.returncode == 1 and short.stderr == ""
    assert "REJECT" in short.stdout and "Result: at least one hard rejection." in short.stdout


def test_golden_json_and_text():
    assert run("proposals/draft.peace", "--format", "json").stdout == (GOLDEN / "draft.json").read_text()
    assert run("proposals/draft.peace").stdout == (GOLDEN / "draft.txt").read_text()


def test_json_contract():
    data = json.loads(run("proposals/draft.peace", "--format", "json").stdout)
    assert data["schema_version"] == 1
    assert data["proposal"]["title"] == "Basic draft" and data["proposal"]["file"] == "proposals/draft.peace"
    assert [(p["id"], p["name"]) for p in data["parties"]] == [("north", "North"), ("south", "South")]
    assert {c["id"]: c["verdicts"]["north"] for c in data["clauses"]}["1"] == "reject"
    for finding in data["findings"]:
        assert set(finding) >= {"party", "rule", "severity", "clause", "message", "line", "citations"}
        assert finding["severity"] in ("hard", "soft")
    land = next(f for f in data["findings"] if f["rule"] == "N-LAND")
    assert (land["party"], land["clause"], land["line"]) == ("north", "1", 12)


def test_exit_0_when_no_hard_rejection():
    result = run("proposals/draft.peace", "--party", "south")
    assert result.returncode == 0, result.stderr
    assert "north" not in result.stdout.split("Findings")[0].split("Red lines:")[1].splitlines()[0]


def test_party_filter_and_unknown_party():
    result = run("proposals/draft.peace", "--party", "nort")
    assert result.returncode == 2
    assert "PC121" in result.stderr and "did you mean 'north'" in result.stderr


def test_explicit_redlines_file():
    result = run("proposals/draft.peace", "--redlines", "redlines/south.redlines", "--format", "json")
    parties = json.loads(result.stdout)["parties"]
    # north is at the draft's table but its file is not loaded: a column with no red lines, never dropped
    assert [(p["id"], p["red_lines"]) for p in parties] == [("north", False), ("south", True)]


def test_output_file_is_written_and_inputs_are_protected(tmp_path):
    out = tmp_path / "report.json"
    result = run("proposals/draft.peace", "--format", "json", "-o", str(out))
    assert result.returncode == 1 and result.stdout == ""
    assert json.loads(out.read_text())["schema_version"] == 1
    before = (BASIC / "proposals" / "draft.peace").read_bytes()
    refused = run("proposals/draft.peace", "-o", "proposals/draft.peace")
    assert refused.returncode == 2 and "PC119" in refused.stderr
    assert (BASIC / "proposals" / "draft.peace").read_bytes() == before


def test_input_errors_exit_2_with_position_source_line_and_caret(tmp_path):
    (tmp_path / "v.vocab").write_text('vocabulary "V"\nterm army.cap : number\n')
    (tmp_path / "r.redlines").write_text('party p "P"\nvocabulary "v.vocab"\n')
    (tmp_path / "p.peace").write_text('proposal "P"\nvocabulary "v.vocab"\nclause 1 "A" {\n  army.kap = "x"\n}\n')
    result = run("p.peace", "--redlines", "r.redlines", cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines()[:4] == [
        "p.peace:4:3: PC100 unknown term 'army.kap'",
        '      army.kap = "x"',
        "      ^",
        "    hint: did you mean 'army.cap'?",
    ]
    assert "Traceback" not in result.stderr


def test_missing_file_and_no_redlines(tmp_path):
    missing = run("nope.peace", cwd=tmp_path)
    assert missing.returncode == 2 and "PC020" in missing.stderr
    (tmp_path / "v.vocab").write_text('vocabulary "V"\n')
    (tmp_path / "p.peace").write_text('proposal "P"\nvocabulary "v.vocab"\n')
    lonely = run("p.peace", cwd=tmp_path)
    assert lonely.returncode == 2 and "PC118" in lonely.stderr


def test_include_outside_project_is_refused(tmp_path):
    project = tmp_path / "project"
    (project / "redlines").mkdir(parents=True)
    (tmp_path / "outside.vocab").write_text('vocabulary "V"\n')
    (project / "p.peace").write_text('proposal "P"\nvocabulary "../outside.vocab"\n')
    result = run("p.peace", cwd=project)
    assert result.returncode == 2 and "p.peace:2:12: PC021" in result.stderr


def test_explain():
    known = run("explain", "pc100")
    assert known.returncode == 0 and known.stdout.startswith("PC100: Unknown term")
    unknown = run("explain", "PC10O")
    assert unknown.returncode == 2


def test_colour_only_when_asked(monkeypatch):
    from click.testing import CliRunner

    from peacecheck.checker.cli import main

    monkeypatch.chdir(BASIC)
    plain = CliRunner().invoke(main, ["proposals/draft.peace"])
    assert "\x1b[" not in plain.output


def test_start_up_does_not_import_heavy_modules():
    code = "import sys, checker.cli; print(sorted(m for m in ('jinja2', 'ortools', 'pygments', 'playwright') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert result.stdout.strip() == "[]"
