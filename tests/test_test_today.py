"""`peacecheck test` judges acknowledgement expiry as `check` does: against the real day unless told."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CASE = '''[[case]]
name = "an acknowledgement that expired in 2020"
party = "ukraine"
proposal = """
clause 21 "Crimea" {
  territory.crimea = recognized_de_facto
  settlement.referendum_required = true
  acknowledge ukraine UA-TERR-1 "Accepted for this round of talks only" until 2020-01-01
}
"""
clauses = { "21" = "accept" }
acknowledged = ["UA-TERR-1"]
'''


def test_an_expired_acknowledgement_fails_the_case_as_check_rejects_the_clause(tmp_path):
    for folder in ("redlines", "vocab"):
        shutil.copytree(REPO / folder, tmp_path / folder, ignore=shutil.ignore_patterns("tests"))
    (tmp_path / "redlines" / "tests").mkdir()
    (tmp_path / "redlines" / "tests" / "t.toml").write_text(CASE, encoding="utf-8")

    def test(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "peacecheck.checker", "test", "--no-coverage", *args],
                              cwd=tmp_path, capture_output=True, text=True, timeout=300)

    today = test()
    assert today.returncode == 1 and "FAIL" in today.stdout and "expected accept, got reject" in today.stdout
    back_then = test("--today", "2019-06-01")
    assert back_then.returncode == 0 and back_then.stdout.startswith("PASS: 1/1"), back_then.stdout
