"""solve says `acknowledged` where check does (issue 11): a package accepted only because it acknowledges a crossing."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

FILES = {
    "vocab/v.vocab": 'vocabulary "Toy"\nterm river.control : enum(north, shared, south) "Who controls the river"\n',
    "redlines/south.redlines": '''party south "South"
vocabulary "../vocab/v.vocab"
source s { title "t" publication "p" date "2026-01-01" }
rule S-1 "The river is not the north's" {
  severity hard
  when river.control == north
  because "test"
  cite s "test"
}
''',
    "proposals/p.peace": '''proposal "Options"
vocabulary "../vocab/v.vocab"
clause 1 "River" {
  option north "North runs it" {
    river.control = north
  }
  option shared "Shared" {
    river.control = shared
  }
  acknowledge south S-1 "South agreed in a side letter"
}
''',
}


def run(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "peacecheck.checker", *args], cwd=root, capture_output=True,
                          text=True, timeout=300)


def test_solve_shows_an_acknowledged_package_as_check_does(tmp_path):
    for rel, text in FILES.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    check = json.loads(run(tmp_path, "proposals/p.peace", "--format", "json").stdout)
    assert check["clauses"][0]["verdicts"]["south"] == "acknowledged"
    solved = json.loads(run(tmp_path, "solve", "proposals/p.peace", "--format", "json").stdout)
    by_option = {p["choices"][0]["option"]: p["verdicts"]["south"]["verdict"] for p in solved["packages"]}
    assert by_option == {"north": "acknowledged", "shared": "accept"}
    assert solved["draft"]["draft"]["verdicts"]["south"]["verdict"] == "acknowledged"
    html = run(tmp_path, "solve", "proposals/p.peace", "--format", "html").stdout
    assert 'class="chip v-acknowledged"><span class="who">south</span> <span class="sym" aria-hidden="true">†</span> acknowledged' in html
