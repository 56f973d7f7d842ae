"""Who is at the table (issue 11.1): a proposal's `parties` line decides whose red lines apply.

Red lines of a party not at the table are set aside (and every report says so); a party at the
table without red lines stays a column; a misspelt or undeclared party is PC107 at its name;
`--party` applies exactly the parties named; no `parties` line applies everything. check, diff,
solve and the library agree.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from peacecheck.checker import check, diff_drafts, load_project, render
from peacecheck.checker.files import party_positions
from peacecheck.dsl.diagnostics import PeaceError

BASIC = Path(__file__).resolve().parent / "fixtures" / "basic"
PARTIES_LINE = "parties north, south"


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    root = tmp_path / "p"
    shutil.copytree(BASIC, root)
    (root / "peacecheck.toml").write_text("")  # a project of its own: no config from above
    return root


def with_parties(root: Path, line: str | None, name: str = "draft.peace") -> Path:
    """The basic draft with its `parties` line replaced (None: removed), written as proposals/NAME."""
    text = (BASIC / "proposals" / "draft.peace").read_text(encoding="utf-8")
    assert PARTIES_LINE + "\n" in text
    text = text.replace(PARTIES_LINE + "\n", "" if line is None else line + "\n")
    target = root / "proposals" / name
    target.write_text(text, encoding="utf-8")
    return target


def cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "peacecheck.checker", *args], cwd=root, capture_output=True,
                          text=True, timeout=300)


def load(path: Path, **kw):
    return load_project(path, use_config=False, **kw)


def line_of(path: Path, prefix: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if line.startswith(prefix))


# ------------------------------------------------------------------ PC107
def test_a_misspelt_party_is_pc107_at_its_name_with_a_did_you_mean(project):
    draft = with_parties(project, "parties north, sout")
    with pytest.raises(PeaceError) as caught:
        load(draft)
    [d] = caught.value.diagnostics
    line = line_of(draft, "parties")
    assert (d.code, d.span.line, d.span.column, d.span.end_column) == ("PC107", line, 16, 20)
    assert "'south'" in d.hint
    result = cli(project, "check", "proposals/draft.peace")
    assert result.returncode == 2
    assert f"draft.peace:{line}:16: PC107" in result.stderr and "did you mean 'south'" in result.stderr


def test_every_unknown_party_is_reported_once_at_its_own_place(project):
    draft = with_parties(project, "parties west,\n  north, # the host\n  eest, west")
    with pytest.raises(PeaceError) as caught:
        load(draft)
    first = line_of(draft, "parties")
    places = sorted((d.code, d.span.line, d.span.column) for d in caught.value.diagnostics)
    assert places == [("PC107", first, 9), ("PC107", first + 2, 3)]
    assert all("known parties: north, south" in d.hint for d in caught.value.diagnostics)


def test_a_party_declared_only_in_the_project_folder_is_known_when_one_file_is_loaded(project):
    draft = with_parties(project, "parties north, south")
    loaded = load(draft, redlines=(str(project / "redlines" / "south.redlines"),))
    assert [r.party for r in loaded.redlines] == ["south"] and loaded.at_table == ("north",)
    with_parties(project, "parties north, south, noth", "typo.peace")
    with pytest.raises(PeaceError) as caught:
        load(project / "proposals" / "typo.peace", redlines=(str(project / "redlines" / "south.redlines"),))
    assert [d.code for d in caught.value.diagnostics] == ["PC107"] and "'north'" in caught.value.diagnostics[0].hint


# ------------------------------------------------------------------ set aside
def test_red_lines_of_a_party_not_at_the_table_are_set_aside_and_reported(project):
    draft = with_parties(project, "parties north")
    result = check(load(draft))
    assert [p.id for p in result.parties] == ["north"]
    assert {f.party for f in result.findings} == {"north"}
    assert [(s.party, Path(s.file).name, s.reason) for s in result.set_aside] == [
        ("south", "south.redlines", "not_at_table")]
    data = json.loads(render(result, "json"))
    assert [(s["party"], s["reason"]) for s in data["set_aside"]] == [("south", "not_at_table")]
    assert list(data["summary"]) == ["north"]
    sarif = json.loads(render(result, "sarif"))
    assert [s["party"] for s in sarif["runs"][0]["properties"]["set_aside"]] == ["south"]
    for fmt in ("text", "markdown", "html"):
        shown = render(result, fmt)
        assert "south.redlines" in shown and "set aside" in shown, fmt


def test_set_aside_red_lines_do_not_decide_the_exit_code(project):
    # On the basic draft only North crosses a hard red line (N-LAND): with North not at the table
    # nothing rejects, and the exit code says so.
    both = with_parties(project, "parties north, south", "both.peace")
    assert cli(project, "check", "proposals/both.peace").returncode == 1
    assert {f.party for f in check(load(both)).active_findings if f.severity == "hard"} == {"north"}
    with_parties(project, "parties south", "south.peace")
    result = cli(project, "check", "proposals/south.peace")
    assert result.returncode == 0, result.stdout
    assert "north.redlines (north) set aside" in result.stdout


def test_party_names_any_party_even_one_not_at_the_table(project):
    draft = with_parties(project, "parties north")
    loaded = load(draft, parties=("south",))
    assert [r.party for r in loaded.redlines] == ["south"] and loaded.set_aside == () and loaded.at_table == ()
    result = check(loaded)
    assert [p.id for p in result.parties] == ["south"] and {f.party for f in result.findings} == {"south"}
    data = json.loads(cli(project, "check", "proposals/draft.peace", "--party", "south", "--format", "json").stdout)
    assert [p["id"] for p in data["parties"]] == ["south"] and data["set_aside"] == []


def test_a_proposal_without_parties_applies_every_red_line_file(project):
    draft = with_parties(project, None)
    result = check(load(draft))
    assert [p.id for p in result.parties] == ["north", "south"] and result.set_aside == ()
    assert {f.party for f in result.findings} == {"north", "south"}


# ------------------------------------------------------------------ no red lines
def test_a_party_at_the_table_without_red_lines_is_a_column_never_dropped(project):
    (project / "redlines" / "west.redlines").write_text('party west "West"\nvocabulary "../vocab/basic.vocab"\n')
    draft = with_parties(project, "parties north, south, west")
    result = check(load(draft))
    assert [p.id for p in result.parties] == ["north", "south", "west"]
    assert all(c.verdicts["west"] == "silent" for c in result.clauses)
    text = render(result, "text")
    assert "west (no red lines)" in text


def test_one_red_line_file_with_more_parties_at_the_table(project):
    with_parties(project, "parties north, south")
    out = cli(project, "check", "proposals/draft.peace", "--redlines", "redlines/south.redlines", "--format", "json")
    assert out.returncode in (0, 1), out.stderr
    data = json.loads(out.stdout)
    assert [(p["id"], p["red_lines"]) for p in data["parties"]] == [("north", False), ("south", True)]
    assert all(c["verdicts"]["north"] == "silent" for c in data["clauses"])
    assert data["set_aside"] == [] and data["summary"]["north"]["reject"] == 0
    text = cli(project, "check", "proposals/draft.peace", "--redlines", "redlines/south.redlines").stdout
    assert "north (no red lines)" in text


# ------------------------------------------------------------------ every command agrees
def test_diff_and_solve_seat_parties_as_check_does(project):
    old = with_parties(project, "parties north", "old.peace")
    new = with_parties(project, "parties north, south", "new.peace")
    (project / "proposals" / "new.peace").write_text(new.read_text().replace("parties north, south", "parties north"))
    diff = diff_drafts(old, new, use_config=False)
    assert [p.id for p in diff.parties] == ["north"]
    assert {d.party for d in diff.summary} <= {"north"}
    from peacecheck.checker import solve

    solved = solve(load(new))
    assert [p.id for p in solved.parties] == [p.id for p in check(load(new)).parties] == ["north"]
    west = project / "redlines" / "west.redlines"
    west.write_text('party west "West"\nvocabulary "../vocab/basic.vocab"\n')
    (project / "proposals" / "three.peace").write_text(new.read_text().replace("parties north", "parties north, west"))
    three = load(project / "proposals" / "three.peace", redlines=(str(project / "redlines" / "north.redlines"),))
    assert [p.id for p in solve(three).parties] == [p.id for p in check(three).parties] == ["north", "west"]


def test_library_and_cli_give_the_same_bytes_with_a_set_aside_file(project):
    with_parties(project, "parties south")
    printed = cli(project, "check", "proposals/draft.peace", "--format", "json").stdout
    import os

    here = os.getcwd()
    try:
        os.chdir(project)
        assert render(check(load_project("proposals/draft.peace")), "json") == printed
    finally:
        os.chdir(here)


# ------------------------------------------------------------------ positions from the source text
def test_party_positions_skip_strings_comments_and_stop_at_the_first_clause():
    text = ('\ufeffproposal "parties a, b"\n# parties c\nnote "x # parties y"\nparties  one ,\n'
            '  # between\n two\nclause 1 "parties z" {}\n')
    assert party_positions(text) == [("one", (4, 10)), ("two", (6, 2))]
    assert party_positions('proposal "x"\nclause 1 "t" {\n}\nparties a\n') == []
