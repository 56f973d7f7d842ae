"""`peacecheck diff` as a user meets it: exit code, stdout and stderr together; -o and formats; goldens."""
from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from peacecheck.checker.cli.diff import format_for

REPO = Path(__file__).resolve().parent.parent
PROJECT = REPO / "tests" / "fixtures" / "diff"
OLD, NEW = "proposals/base.peace", "proposals/edited.peace"

_spec = importlib.util.spec_from_file_location("diff_regen", PROJECT / "golden" / "regen.py")
regen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(regen)


def run(*args: str, cwd: Path = PROJECT) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "peacecheck.checker", *args], check=False, cwd=cwd, capture_output=True, text=True,
                          env=env)


@pytest.fixture(scope="module")
def text_run():
    return run("diff", OLD, NEW)


def test_text_to_stdout_exits_0_even_with_rejections(text_run):
    assert (text_run.returncode, text_run.stderr) == (0, "")
    assert text_run.stdout.startswith("Diff between drafts\n")
    assert "Southland: 0 rejections -> 1" in text_run.stdout  # the new draft has a hard rejection: still 0
    check = run(NEW)
    assert check.returncode == 1


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "html"])
def test_every_format_matches_its_golden_file(fmt, text_run):
    expected = regen.GOLDEN[fmt].read_text(encoding="utf-8")
    got = text_run.stdout if fmt == "text" else run("diff", OLD, NEW, "--format", fmt).stdout
    assert got == expected, "rerun `python tests/fixtures/diff/golden/regen.py` if the change is intended"


@pytest.mark.parametrize("name, fmt", [("d.html", "html"), ("d.HTM", "html"), ("d.md", "markdown"),
                                       ("d.json", "json"), ("d.txt", "text"), ("d", "text"), (None, "text"),
                                       ("-", "text")])
def test_format_follows_the_output_extension(name, fmt):
    assert format_for(name) == fmt


def test_output_file_infers_html_and_format_overrides(tmp_path):
    page = tmp_path / "diff.html"
    done = run("diff", OLD, NEW, "-o", str(page))
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and html == regen.GOLDEN["html"].read_text(encoding="utf-8")
    forced = tmp_path / "diff.html.txt"
    run("diff", OLD, NEW, "-o", str(tmp_path / "x.html"), "--format", "json")
    assert json.loads((tmp_path / "x.html").read_text())["kind"] == "peacecheck-diff"
    assert run("diff", OLD, NEW, "-o", str(forced)).returncode == 0
    assert forced.read_text().startswith("Diff between drafts")


def test_json_with_party_filter_and_explicit_redlines():
    done = run("diff", OLD, NEW, "--format", "json", "--party", "south", "--redlines", "redlines/south.redlines")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert [p["id"] for p in data["parties"]] == ["south"]
    assert [s["party"] for s in data["summary"]] == ["south"]
    assert set(data["pairs"][0]["verdicts"]) == {"south"}


def test_same_file_twice_is_an_empty_diff():
    done = run("diff", OLD, OLD, "--format", "json")
    data = json.loads(done.stdout)
    assert done.returncode == 0 and data["has_changes"] is False
    assert {p["method"] for p in data["pairs"]} == {"id"} and {p["confidence"] for p in data["pairs"]} == {1.0}


def test_old_draft_under_a_compatible_vocabulary():
    done = run("diff", "other/compatible.peace", NEW, "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["old"]["file"] == "other/compatible.peace"


def test_incompatible_vocabulary_is_PC400():
    done = run("diff", "other/incompatible.peace", NEW)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith("other/incompatible.peace:6:3: PC400 term 'army.cap' of the old draft is typed "
                                  "differently")
    assert "other/incompatible.peace:7:3: PC400 term 'army.size_words'" in done.stderr


def test_errors_of_both_drafts_are_reported_at_once():
    done = run("diff", "other/broken.peace", "proposals/missing.peace")
    assert (done.returncode, done.stdout) == (2, "")
    assert "PC003" in done.stderr and "PC020 cannot read 'proposals/missing.peace'" in done.stderr
    assert "2 errors" in done.stderr


@pytest.mark.parametrize("args, code", [
    (("diff", OLD, NEW, "--party", "nort"), "PC121"),
    (("diff", OLD, NEW, "-o", NEW), "PC119"),
    (("diff", OLD, NEW, "--redlines", "nowhere"), "PC020"),
])
def test_input_errors_exit_2(args, code):
    done = run(*args)
    assert (done.returncode, done.stdout) == (2, "")
    assert code in done.stderr and "Traceback" not in done.stderr


def test_usage_errors_exit_2():
    for args in (("diff", OLD), ("diff", OLD, NEW, "--format", "pdf")):
        done = run(*args)
        assert done.returncode == 2 and "Usage:" in done.stderr


def test_help_lists_the_options():
    done = run("diff", "--help")
    assert done.returncode == 0
    for option in ("-o, --output", "--format [", "--redlines", "--party", "Exit codes"):
        assert option in done.stdout
    listed = done.stdout.split("--format [", 1)[1].split("]", 1)[0].split("|")
    assert {"html", "json", "markdown", "text"} <= set(listed)  # the registry may add more (docx)


def test_diff_against_the_real_drafts_from_the_repository():
    done = run("diff", "proposals/us-28-point.peace", "proposals/miami.peace", "--format", "json", cwd=REPO)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert {"6", "10", "21.a"} <= {i for p in data["pairs"] for i in p["old_ids"]}
