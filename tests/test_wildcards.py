"""A wildcard reads the terms of its family that its test fits (README), in the evaluator as in validation."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

VOCAB = '''vocabulary "Wildcards"
type level = scale(low < mid < high)
term fam.level : level "A level"
term fam.note : text "Free text"
term fam.flag : bool "A flag"
term fam.count : number unit items "A count"
'''
RED = '''party north "North"
vocabulary "../vocab/w.vocab"
source s { title "t" publication "p" date "2026-01-01" }
rule N-1 "No level at mid or above" {
  severity hard
  when fam.* >= mid
  because "test"
  cite s "test"
}
rule N-2 "Nothing in the family equal to 1" {
  severity soft
  when fam.* == 1
  because "test"
  cite s "test"
}
'''
DRAFT = '''proposal "Draft"
vocabulary "../vocab/w.vocab"
clause 1 "Other types only" {
  fam.note = "mid"
  fam.flag = true
}
clause 2 "The level" {
  fam.level = low
  fam.count = 2
}
'''


def test_a_wildcard_ignores_terms_its_test_does_not_fit(tmp_path):
    for rel, text in {"vocab/w.vocab": VOCAB, "redlines/north.redlines": RED, "proposals/d.peace": DRAFT}.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "peacecheck.checker", "proposals/d.peace", "--format", "json"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr  # no hard rejection: the text "mid" is not a level at mid
    data = json.loads(done.stdout)
    assert [f["rule"] for f in data["findings"]] == []  # `true` is not the number 1, "mid" is not the level mid
    (tmp_path / "proposals/d.peace").write_text(DRAFT.replace("fam.level = low", "fam.level = high")
                                                .replace("fam.count = 2", "fam.count = 1"), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "peacecheck.checker", "proposals/d.peace", "--format", "json"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    data = json.loads(done.stdout)
    assert done.returncode == 1 and sorted(f["rule"] for f in data["findings"]) == ["N-1", "N-2"]
    assert {e["path"] for f in data["findings"] for e in f["evidence"]} == {"fam.level", "fam.count"}
