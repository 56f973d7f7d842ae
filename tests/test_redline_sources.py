"""The shipped red lines follow their sources (issue 11, part 3).

Every rule cites a source named by publication, title, date and seed file; nothing a user reads
points outside the repository; and the army rules encode levels, not "any ceiling".
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import REPO
from peacecheck.checker import check, load_project
from peacecheck.checker.files import DiskLoader
from peacecheck.dsl.api import load_redlines

REDLINE_FILES = sorted((REPO / "redlines").glob("*.redlines"))
USER_FACING = [*REDLINE_FILES, *sorted((REPO / "proposals").glob("*.peace")), REPO / "proposals" / "README.md"]
SEED_NAME = re.compile(r"^\d{3}_[0-9a-f]{16}\.txt$")


def redlines(path: Path):
    return load_redlines(str(path.relative_to(REPO)), DiskLoader(REPO))[0]


@pytest.mark.parametrize("path", REDLINE_FILES, ids=lambda p: p.name)
def test_every_rule_cites_a_source_with_publication_title_date_and_seed(path: Path):
    model = redlines(path)
    for rule in model.rules:
        assert rule.citations, rule.id
        for citation in rule.citations:
            source = model.sources[citation.source]
            assert source.publication and source.title and source.date, (rule.id, source.id)
            assert SEED_NAME.match(source.seed), (rule.id, source.seed)


def test_every_seed_is_named_by_publication_in_the_proposals_readme():
    """A user's clone has no seed files: the README's table must say what each seed is."""
    readme = (REPO / "proposals" / "README.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip(): line for line in readme.splitlines() if line.startswith("| 00")}
    for path in REDLINE_FILES:
        for source in redlines(path).sources.values():
            row = next((r for r in rows.values() if f"`{source.seed}`" in r), None)
            assert row is not None, source.seed
            assert source.title.strip('"')[:20] in row or source.title.startswith("(no headline"), source.seed


@pytest.mark.parametrize("path", USER_FACING, ids=lambda p: str(p.relative_to(REPO)))
def test_nothing_a_user_reads_points_outside_the_repository(path: Path):
    text = path.read_text(encoding="utf-8")
    for outside in ("../shared", "shared/seeds", "shared/reference", "drafts.md"):
        assert outside not in text, (path.name, outside)


def test_every_source_id_in_the_drafts_is_listed_in_the_readme():
    readme = (REPO / "proposals" / "README.md").read_text(encoding="utf-8")
    listed = set()
    for line in readme.split("## Sources of the drafts", 1)[1].splitlines():
        if line.startswith("- ["):
            listed |= set(re.findall(r"\[([SR]\d+[a-z]?)\]", line))
    used = set()
    for path in sorted((REPO / "proposals").glob("*.peace")):
        used |= set(re.findall(r"\[([SR]\d+[a-z]?)\]", path.read_text(encoding="utf-8")))
    assert used and used <= listed, sorted(used - listed)


# ------------------------------------------------------------------ the army rules as levels
@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("army")
    (root / ".git").mkdir()
    shutil.copytree(REPO / "vocab", root / "vocab")
    shutil.copytree(REPO / "redlines", root / "redlines", ignore=shutil.ignore_patterns("tests"))
    (root / "proposals").mkdir()
    return root


def army(project: Path, name: str, *terms: str) -> dict[str, set[str]]:
    """Check a one-clause draft stating `terms`; the rules each party's findings name, by severity."""
    body = "\n".join(f"  {t}" for t in terms)
    path = project / "proposals" / f"{name}.peace"
    path.write_text(f'proposal "{name}"\nvocabulary "../vocab/russia-ukraine.vocab"\n\n'
                    f'clause 1 "Army" {{\n{body}\n}}\n', encoding="utf-8")
    result = check(load_project(path, redlines=(str(project / "redlines"),), use_config=False))
    fired: dict[str, set[str]] = {}
    for f in [*result.findings, *result.proposal_findings]:
        if f.rule.startswith(("UA-ARMY", "RU-ARMY")):
            fired.setdefault(f.severity, set()).add(f.rule)
    fired["ukraine clause 1"] = {next(c for c in result.clauses if c.id == "1").verdicts["ukraine"]}
    return fired


def test_ukraine_accepts_a_peacetime_level_of_800000(project: Path):
    got = army(project, "level", "ukraine.army.peacetime_level = 800_000")
    assert not got.get("hard") and "UA-ARMY-2" not in got.get("soft", set())


def test_ukraine_accepts_an_800000_ceiling_for_peacetime_only(project: Path):
    got = army(project, "e3", "ukraine.army.personnel_cap = 800_000", "ukraine.army.cap_scope = peacetime_only")
    assert got["ukraine clause 1"] == {"accept"}
    assert got.get("hard", set()) == set() and got["soft"] == {"RU-ARMY-1"}  # no reduction for Russia


def test_ukraine_rejects_a_low_ceiling_and_russia_counts_it_as_a_reduction(project: Path):
    got = army(project, "low", "ukraine.army.personnel_cap = 600_000", "ukraine.army.cap_scope = at_all_times")
    assert got["ukraine clause 1"] == {"reject"}
    assert got["hard"] == {"UA-ARMY-1"} and "RU-ARMY-1" not in got.get("soft", set())


def test_a_middle_ceiling_is_a_soft_ukrainian_concern_and_a_russian_reduction(project: Path):
    got = army(project, "middle", "ukraine.army.personnel_cap = 700_000", "ukraine.army.cap_scope = peacetime_only")
    assert got["ukraine clause 1"] == {"concern"}
    assert got["soft"] == {"UA-ARMY-2"} and not got.get("hard")


def test_russia_reduction_level_is_below_800000(project: Path):
    model = redlines(REPO / "redlines" / "russia.redlines")
    rule = next(r for r in model.rules if r.id == "RU-ARMY-1")
    assert rule.severity == "soft"
    assert "RU-ARMY-1" in army(project, "at800", "ukraine.army.personnel_cap = 800_000").get("soft", set())
    assert "RU-ARMY-1" not in army(project, "at799", "ukraine.army.personnel_cap = 799_999").get("soft", set())
    assert "RU-ARMY-1" in army(project, "nolimit", "ukraine.army.no_limit = true").get("soft", set())
