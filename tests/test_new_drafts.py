"""The three November drafts (issue 11, part 4): what they encode and the verdicts the README documents."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import REPO
from peacecheck.checker.files import DiskLoader
from peacecheck.dsl.api import load_proposal

PARTIES = ["europe", "russia", "ukraine", "us"]
# Only the points the reporting describes are encoded (see each file's notes).
REPORTED = {
    "e3-counter": ["6", "7", "8", "10", "13", "14", "19", "21", "28"],
    "europe-24": ["ceasefire", "army", "znpp", "prisoners"],
    "geneva-19": ["1", "6", "7", "21", "24"],
}
DISPUTED = {
    "e3-counter": {"13", "14", "28"},
    "europe-24": {"ceasefire", "army", "znpp", "prisoners"},
    "geneva-19": {"6"},
}


def proposal(name: str):
    return load_proposal(f"proposals/{name}.peace", DiskLoader(REPO))[0]


def terms(items) -> dict[str, tuple[str, str]]:
    """Assignments by path, values compared by kind and literal (not by position in the file)."""
    return {a.path: (a.value.kind, repr(a.value.raw)) for a in items}


@pytest.mark.parametrize("name", sorted(REPORTED))
def test_draft_loads_revises_the_28_points_and_encodes_only_reported_points(name: str):
    draft = proposal(name)
    assert draft.revises == "us-28-point.peace" and (REPO / "proposals" / draft.revises).is_file()
    assert [c.id for c in draft.clauses] == REPORTED[name]
    assert {c.id for c in draft.clauses if c.status == "disputed"} == DISPUTED[name]
    assert all(c.status_note for c in draft.clauses if c.status == "disputed")
    assert set(draft.parties) == set(PARTIES)


def documented(name: str) -> dict[str, list[str]]:
    """The verdict table proposals/README.md gives for `name`.peace, row label -> cells."""
    readme = (REPO / "proposals" / "README.md").read_text(encoding="utf-8")
    section = readme.split(f"Verdicts of `{name}.peace`", 1)[1]
    rows: dict[str, list[str]] = {}
    for line in section.splitlines()[1:]:
        if rows and not line.startswith("|"):
            break
        if line.startswith("| ") and not line.startswith("| clause"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            rows[cells[0]] = cells[1:]
    return rows


def actual(name: str) -> dict[str, list[str]]:
    done = subprocess.run([sys.executable, "-m", "peacecheck.checker", f"proposals/{name}.peace", "--format", "json"],
                          cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 1, done.stderr  # every one has a hard rejection
    data = json.loads(done.stdout)
    rows: dict[str, list[str]] = {}
    for clause in data["clauses"]:
        rows[clause["id"]] = [clause["verdicts"][p] for p in PARTIES]
        for option in clause.get("options") or []:
            if not option.get("default"):
                rows[f"{clause['id']} option {option['id']}"] = [option["verdicts"][p] for p in PARTIES]
    for severity in ("hard", "soft"):
        rows[f"missing ({severity})"] = [
            ", ".join(sorted({f["rule"] for f in data["findings"]
                              if f["clause"] is None and f["party"] == p and f["severity"] == severity})) or "-"
            for p in PARTIES]
    return rows


@pytest.mark.parametrize("name", sorted(REPORTED))
def test_verdict_matrix_matches_the_readme(name: str):
    assert actual(name) == documented(name)


def test_key_verdicts_of_the_new_drafts():
    """The findings the README's prose rests on, independent of the table layout."""
    e3, geneva, europe = actual("e3-counter"), actual("geneva-19"), actual("europe-24")
    ukraine, russia = PARTIES.index("ukraine"), PARTIES.index("russia")
    assert "reject" not in {row[ukraine] for label, row in e3.items() if not label.startswith("missing")}
    assert [c for c, row in e3.items() if row[russia] == "reject"] == ["7", "21", "28"]
    # Donbas and Crimea left out of the territorial point (21) are that clause's findings (verdict rule), not "missing"
    assert e3["missing (hard)"][russia] == "-" and e3["21"][russia] == "reject"
    assert europe["ceasefire"][russia] == "reject"
    assert [c for c, row in geneva.items() if row[russia] == "reject"] == ["7", "21"]
    assert geneva["6"][ukraine] == "accept"


def test_options_file_carries_the_new_variants_as_the_drafts_encode_them():
    options = {c.id: {o.id: terms(o.terms) for o in c.options} for c in proposal("options").clauses if c.options}
    e3 = {c.id: terms(c.terms) for c in proposal("e3-counter").clauses}
    geneva = {c.id: c for c in proposal("geneva-19").clauses}
    europe = {c.id: terms(c.terms) for c in proposal("europe-24").clauses}
    assert options["army"]["e3"] == e3["6"]
    assert options["nato"]["e3"] == e3["7"]
    assert options["troops"]["e3"] == e3["8"]
    assert options["guarantees"]["e3"] == e3["10"]
    assert options["sanctions"]["e3"] == e3["13"]
    assert options["assets"]["e3"] == e3["14"]
    assert options["znpp"]["us28"] == e3["19"]  # the E3 kept the 28-point plant arrangement
    assert options["territory"]["e3"] == e3["21"]
    assert options["ceasefire"]["europlan"] == e3["28"] == europe["ceasefire"]
    assert options["army"]["europlan"] == europe["army"]
    assert options["znpp"]["europlan"] == europe["znpp"]
    assert options["nato"]["geneva"] == terms(geneva["7"].terms)
    assert options["army"]["geneva"] == terms(next(o for o in geneva["6"].options if o.id == "dropped").terms) == {}
    territory = terms(geneva["21"].terms)
    assert options["territory"]["geneva"] == {k: v for k, v in territory.items() if k != "territory.donetsk_ukrainian_held"}
    assert options["donbas"]["geneva"] == {"territory.donetsk_ukrainian_held": territory["territory.donetsk_ukrainian_held"]}
