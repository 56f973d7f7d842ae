"""An acknowledged crossing keeps its own state in the diff too (issue 11): `reject -> acknowledged`, not `-> accept`."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_a_diff_shows_an_acknowledged_crossing_as_such(tmp_path):
    project = tmp_path / "basic"
    shutil.copytree(REPO / "tests" / "fixtures" / "basic", project)
    draft = (project / "proposals" / "draft.peace").read_text(encoding="utf-8")
    (project / "proposals" / "old.peace").write_text(draft, encoding="utf-8")
    acknowledged = draft.replace("  land.north = ceded\n}", '  land.north = ceded\n  acknowledge north N-LAND "for now"\n}', 1)
    assert acknowledged != draft
    (project / "proposals" / "new.peace").write_text(acknowledged, encoding="utf-8")

    def diff(fmt: str) -> str:
        done = subprocess.run([sys.executable, "-m", "peacecheck.checker", "diff", "proposals/old.peace",
                               "proposals/new.peace", "--format", fmt, "--today", "2026-01-01"],
                              cwd=project, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    data = json.loads(diff("json"))
    north = next(s for s in data["summary"] if s["party"] == "north")
    assert [(m["before"], m["after"]) for m in north["movers"]] == [("reject", "acknowledged")]
    text = diff("text")
    assert "north: REJECT -> acknowledged" in text and "objection acknowledged: N-LAND" in text
    assert "objection resolved" not in text
    html = diff("html")
    assert 'class="chip v-acknowledged">† acknowledged</span>' in html


def test_a_diff_says_which_day_it_judged_and_which_red_lines_it_set_aside(tmp_path):
    project = tmp_path / "basic"
    shutil.copytree(REPO / "tests" / "fixtures" / "basic", project)
    draft = (project / "proposals" / "draft.peace").read_text(encoding="utf-8")
    dated = draft.replace("  land.north = ceded\n}", '  land.north = ceded\n  acknowledge north N-LAND "for now" until 2026-06-01\n}', 1)
    (project / "proposals" / "old.peace").write_text(draft, encoding="utf-8")
    (project / "proposals" / "new.peace").write_text(dated, encoding="utf-8")
    args = [sys.executable, "-m", "peacecheck.checker", "diff", "proposals/old.peace", "proposals/new.peace", "--today",
            "2026-01-01"]
    for fmt, expected in (("text", "Acknowledgement expiry judged against 2026-01-01."),
                          ("markdown", "Acknowledgement expiry judged against 2026-01-01."),
                          ("html", "Acknowledgement expiry judged against 2026-01-01.")):
        done = subprocess.run([*args, "--format", fmt], cwd=project, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0 and expected in done.stdout, (fmt, done.stderr)
    done = subprocess.run([*args, "--format", "json"], cwd=project, capture_output=True, text=True, timeout=120)
    assert json.loads(done.stdout)["acknowledgements_judged_on"] == "2026-01-01"
