"""peacecheck history: order by revises then date, rows that follow clauses through the round, per-party
movement, and the CLI's formats and errors."""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from peacecheck.checker.history import history, order_drafts
from peacecheck.dsl import models as m

REPO = Path(__file__).resolve().parents[1]
ROUND = ["miami", "geneva-19", "us-28-point", "europe-24", "e3-counter"]  # deliberately out of order


def peacecheck(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "peacecheck.checker", *args], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, "NO_COLOR": "1"}, check=False)


def draft(file: str, revises: str = "none", date: str | None = None) -> m.Proposal:
    return m.Proposal(title=file, file=file, revises=revises, date=dt.date.fromisoformat(date) if date else None)


def test_parent_comes_before_child_even_when_dated_later():
    drafts = [draft("p/b.peace", "a.peace", "2025-01-01"), draft("p/a.peace", "none", "2025-06-01")]
    ordered = order_drafts(drafts)
    assert ordered.order == (1, 0)
    assert ordered.base == (None, 0) and ordered.reason == ("first", "revises")


def test_unknown_parent_and_cycle_fall_back_to_dates():
    drafts = [draft("x.peace", "y.peace", "2025-02-01"), draft("y.peace", "x.peace", "2025-01-01"),
              draft("z.peace", "missing.peace", "2025-03-01")]
    ordered = order_drafts(drafts)
    assert ordered.order == (1, 0, 2)
    assert ordered.reason == ("first", "previous", "previous")


@pytest.fixture(scope="module")
def shipped():
    from peacecheck.checker.project import Project, check, load_project, read_proposal

    anchor = load_project(REPO / "proposals" / "us-28-point.peace", today=dt.date(2026, 1, 1), use_config=False)
    results = []
    for name in ROUND:
        proposal = read_proposal(REPO / "proposals" / f"{name}.peace")[0]
        results.append(check(Project(proposal, anchor.vocabulary, anchor.redlines, anchor.digests, today=anchor.today)))
    return history(results)


def test_shipped_round_is_read_in_revision_and_date_order(shipped):
    files = [Path(d.file).stem for d in shipped.drafts]
    assert files == ["us-28-point", "e3-counter", "europe-24", "geneva-19", "miami"]
    assert [d.base for d in shipped.drafts] == [None, 0, 0, 0, 0]


def test_a_merge_spans_the_rows_it_merged(shipped):
    """Miami's point 14 is the 28 points' 21.a..21.d: it sits in each of their rows."""
    miami = len(shipped.drafts) - 1
    rows = {r.key: r for r in shipped.rows}
    for old in ("21_a", "21_b", "21_c", "21_d"):
        assert rows[f"row-0-{old}"].cells[miami].clauses == ("14",)
    assert rows["row-0-6"].cells[miami].clauses == ("4",)


def test_every_clause_of_every_draft_is_in_some_row(shipped):
    for d in shipped.drafts:
        placed = {c for r in shipped.rows if r.cells[d.index] for c in r.cells[d.index].clauses}
        assert len(placed) == d.clauses


def test_movement_names_rule_and_clauses(shipped):
    e3 = next(s for s in shipped.steps if Path(shipped.drafts[s.draft].file).stem == "e3-counter")
    resolved = {(mv.rule, mv.before, mv.after) for mv in e3.of("ukraine", "resolved")}
    assert ("UA-ARMY-1", ("6",), ("6",)) in resolved
    appeared = {(mv.rule, mv.after) for mv in e3.of("russia", "appeared")}
    assert ("RU-NATO-1", ("7",)) in appeared
    # The E3 text reports only its edits: an objection whose clause it leaves out is not "resolved".
    assert all(mv.after == () for mv in e3.of("ukraine", "dropped"))


def test_tallies_are_check_counts(shipped):
    from peacecheck.checker.project import check, load_project

    result = check(load_project(REPO / "proposals" / "miami.peace", today=dt.date(2026, 1, 1), use_config=False))
    counts = result.counts("ukraine")
    tally = shipped.tallies["ukraine"][-1]
    assert (tally.reject, tally.concern, tally.accept, tally.silent) == (
        counts["reject"], counts["concern"], counts["accept"], counts["silent"])


def test_cli_json_matches_text_and_is_deterministic(tmp_path):
    args = ["history", "proposals", "--today", "2026-01-01"]
    first, second = peacecheck(*args, "--format", "json"), peacecheck(*args, "--format", "json")
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    data = json.loads(first.stdout)
    assert data["schema_version"] == 1
    assert len(data["drafts"]) == len(list((REPO / "proposals").glob("*.peace")))
    text = peacecheck(*args)
    assert text.returncode == 0 and f"History of {len(data['drafts'])} drafts" in text.stdout


@pytest.mark.parametrize("suffix, marker", [(".md", "# History of 2 drafts"), (".html", "<svg"), (".json", '"schema_version": 1')])
def test_output_file_extension_picks_the_format(tmp_path, suffix, marker):
    out = tmp_path / f"h{suffix}"
    done = peacecheck("history", "proposals/us-28-point.peace", "proposals/miami.peace", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert marker in out.read_text(encoding="utf-8")


def test_missing_draft_is_an_input_error_with_every_problem():
    done = peacecheck("history", "proposals/miami.peace", "nope.peace", "nada.peace")
    assert done.returncode == 2
    assert done.stderr.count("PC020") == 2


def test_history_never_writes_over_an_input():
    done = peacecheck("history", "proposals/us-28-point.peace", "proposals/miami.peace", "-o", "proposals/miami.peace")
    assert done.returncode == 2 and "PC119" in done.stderr


def test_history_says_which_day_it_judged_acknowledgements_against():
    """Every report says which `today` it judged expiry against (issue 11): history too, in every format."""
    import json as _json
    import subprocess as _subprocess
    import sys as _sys

    repo = Path(__file__).resolve().parents[1]
    args = [_sys.executable, "-m", "peacecheck.checker", "history", "proposals/us-28-point.peace",
            "proposals/miami.peace", "--today", "2026-01-01"]
    for fmt in ("text", "markdown", "html"):
        done = _subprocess.run([*args, "--format", fmt], cwd=repo, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0 and "Acknowledgement expiry" in done.stdout, (fmt, done.stderr)
    done = _subprocess.run([*args, "--format", "json"], cwd=repo, capture_output=True, text=True, timeout=300)
    data = _json.loads(done.stdout)
    assert "acknowledgements_judged_on" in data and data["set_aside"] == []
