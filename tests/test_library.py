"""The library in three calls gives what the command line prints; one registry picks formats everywhere."""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from peacecheck.checker import check, diff_drafts, load_project, render
from peacecheck.checker.config import parse_output

REPO = Path(__file__).resolve().parents[1]


def cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "peacecheck.checker", *args], cwd=cwd, capture_output=True,
                          timeout=300)


@pytest.mark.parametrize("fmt", ["json", "text", "markdown", "sarif"])
def test_three_calls_match_the_cli_byte_for_byte(fmt, monkeypatch):
    monkeypatch.chdir(REPO)
    printed = cli("proposals/miami.peace", "--format", fmt).stdout.decode("utf-8")
    assert render(check(load_project("proposals/miami.peace")), fmt) == printed


def test_library_party_selection_and_unknown_party(monkeypatch):
    from peacecheck.dsl.diagnostics import PeaceError

    monkeypatch.chdir(REPO)
    project = load_project("proposals/miami.peace", parties=("russia",))
    assert [r.party for r in project.redlines] == ["russia"]
    with pytest.raises(PeaceError) as caught:
        load_project("proposals/miami.peace", parties=("rusia",))
    assert caught.value.diagnostics[0].code == "PC121" and "russia" in caught.value.diagnostics[0].message


def test_diff_honours_today_like_check(tmp_path, monkeypatch):
    """An acknowledgement that expired in 2020 changes nothing: the clause stays rejected in check and diff."""
    import shutil

    project = tmp_path / "basic"
    shutil.copytree(REPO / "tests" / "fixtures" / "basic", project)
    draft = (project / "proposals" / "draft.peace").read_text(encoding="utf-8")
    (project / "proposals" / "old.peace").write_text(draft, encoding="utf-8")
    expired = draft.replace("  land.north = ceded\n}",
                            '  land.north = ceded\n  acknowledge north N-LAND "for now" until 2020-01-01\n}', 1)
    assert expired != draft
    (project / "proposals" / "new.peace").write_text(expired, encoding="utf-8")
    done = cli("diff", "proposals/old.peace", "proposals/new.peace", "--format", "json", "--today", "2026-01-01",
               cwd=project)
    assert done.returncode == 0, done.stderr
    north = next(p for p in json.loads(done.stdout)["summary"] if p["party"] == "north")
    assert north["before"]["reject"] == north["after"]["reject"] == 3 and north["movers"] == []
    monkeypatch.chdir(project)
    library = diff_drafts("proposals/old.peace", "proposals/new.peace", today=dt.date(2026, 1, 1))
    assert render(library, "json").encode("utf-8") == done.stdout


@pytest.mark.parametrize("path,fmt", [("r.html", "html"), ("r.md", "markdown"), ("r.json", "json"),
                                      ("r.sarif", "sarif"), ("r.xml", "junit"), ("r.txt", "text"), ("R.HTML", "html"),
                                      ("r.out", "text"), ("json:r.html", "json")])
def test_output_format_follows_the_extension(path, fmt):
    formats = {"text", "json", "html", "markdown", "sarif", "junit", "github"}
    assert parse_output(path, formats, "text").format == fmt


def test_a_bare_format_name_is_refused():
    with pytest.raises(ValueError, match="format name"):
        parse_output("json", {"text", "json"}, "text")


def test_check_o_html_writes_html(tmp_path):
    target = tmp_path / "report.html"
    done = cli("proposals/miami.peace", "-o", str(target))
    assert done.returncode in (0, 1), done.stderr
    assert target.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")


def test_check_o_json_bare_is_refused_with_a_hint(tmp_path):
    done = cli("proposals/miami.peace", "-o", "json", cwd=REPO)
    assert done.returncode == 2
    assert b"--format json" in done.stderr and not (REPO / "json").exists()


def test_the_wheel_has_one_top_level_name(tmp_path):
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w",
                           str(tmp_path), str(REPO)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    wheel = next(tmp_path.glob("peacecheck-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names if not n.split("/")[0].endswith((".dist-info", ".data"))}
    assert tops == {"peacecheck"}
    for packaged in ("peacecheck/dsl/peace.lark", "peacecheck/dsl/parser_tables.json",
                     "peacecheck/checker/reports/templates/report.html.j2", "peacecheck/editors/peacecheck.tmLanguage.json"):
        assert packaged in names


def test_dsl_and_checker_are_not_importable_outside_the_checkout(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    for name in ("dsl", "checker"):
        done = subprocess.run([sys.executable, "-c", f"import {name}"], cwd=tmp_path, env=env, capture_output=True)
        assert done.returncode != 0, name


def test_a_misspelt_command_gets_a_did_you_mean():
    done = cli("chek", "proposals/miami.peace")
    assert done.returncode == 2
    assert b"did you mean 'check'" in done.stderr and b"PC020" not in done.stderr


def test_a_missing_file_that_is_no_command_is_still_pc020(tmp_path):
    done = cli("nothing-like-a-command.peace", cwd=tmp_path)
    assert done.returncode == 2 and b"PC020" in done.stderr


def test_no_build_output_and_no_machine_path_is_committed():
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    assert not [name for name in tracked if ".egg-info/" in name or name.startswith("build/")]
    machine_paths = (f"{REPO.parent}/", f"{Path.home()}/")  # where this checkout and its user live
    for name in tracked:
        path = REPO / name
        if path.suffix in (".peace", ".redlines", ".vocab", ".md", ".py", ".toml") and path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            assert not [p for p in machine_paths if p in text], name


# ------------------------------------------------------------------ every command as short as check
def test_solve_lint_and_tests_in_the_library_match_the_cli(monkeypatch):
    from peacecheck.checker import lint, run_tests, solve

    monkeypatch.chdir(REPO)
    printed = cli("solve", "proposals/options.peace", "--format", "json").stdout.decode("utf-8")
    assert render(solve(load_project("proposals/options.peace")), "json") == printed
    printed = cli("lint", "--format", "json").stdout.decode("utf-8")
    assert render(lint(), "json") == printed
    done = cli("test")
    report = run_tests()
    assert render(report, "text") == done.stdout.decode("utf-8") and report.passed == (done.returncode == 0)


def test_diff_in_the_library_checks_vocabulary_compatibility_like_the_cli(tmp_path, monkeypatch):
    """The old draft may use another vocabulary only if its terms mean the same: PC400 in both shells."""
    import shutil

    from peacecheck.dsl.diagnostics import PeaceError

    project = tmp_path / "basic"
    shutil.copytree(REPO / "tests" / "fixtures" / "basic", project)
    vocab = project / "vocab" / "basic.vocab"
    other = vocab.with_name("other.vocab")
    text = vocab.read_text(encoding="utf-8")
    other.write_text(text.replace("vocabulary \"", "vocabulary \"Other ", 1), encoding="utf-8")
    draft = (project / "proposals" / "draft.peace").read_text(encoding="utf-8")
    old = draft.replace(vocab.name, other.name)
    assert old != draft
    (project / "proposals" / "old.peace").write_text(old, encoding="utf-8")
    monkeypatch.chdir(project)
    same = diff_drafts("proposals/old.peace", "proposals/draft.peace")  # same terms, same types: compatible
    assert render(same, "json") == cli("diff", "proposals/old.peace", "proposals/draft.peace", "--format", "json",
                                       cwd=project).stdout.decode("utf-8")
    # The old vocabulary types the army ceiling in another unit: the two drafts cannot be compared.
    other.write_text(text.replace("number unit personnel", "number unit brigades"), encoding="utf-8")
    with pytest.raises(PeaceError) as caught:
        diff_drafts("proposals/old.peace", "proposals/draft.peace")
    done = cli("diff", "proposals/old.peace", "proposals/draft.peace", cwd=project)
    assert [d.code for d in caught.value.diagnostics] == ["PC400"] and "army.cap" in caught.value.diagnostics[0].message
    assert done.returncode == 2 and done.stdout == b"" and b"PC400" in done.stderr and b"army.cap" in done.stderr


def test_render_refuses_what_it_cannot_render():
    with pytest.raises(TypeError):
        render(object(), "json")


def test_draft_history_in_the_library_matches_the_cli(monkeypatch):
    from peacecheck.checker import draft_history

    monkeypatch.chdir(REPO)
    printed = cli("history", "proposals", "--format", "json", "--today", "2026-01-01").stdout.decode("utf-8")
    assert render(draft_history(["proposals"], today=dt.date(2026, 1, 1)), "json") == printed


def test_library_today_takes_a_date_or_an_iso_string_and_refuses_a_bad_one(monkeypatch):
    from peacecheck.dsl.diagnostics import PeaceError

    monkeypatch.chdir(REPO)
    assert load_project("proposals/miami.peace", today="2025-12-15").today == dt.date(2025, 12, 15)
    with pytest.raises(PeaceError) as caught:
        load_project("proposals/miami.peace", today="2025-13-15")
    assert caught.value.diagnostics[0].code == "PC121"
