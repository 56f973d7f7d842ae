"""`peacecheck init`: a new project that checks, formats and tests cleanly, and never overwrites."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from peacecheck.checker.cli.init import SCAFFOLD


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "peacecheck.checker", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "NO_COLOR": "1"})


def test_init_makes_a_project_whose_tests_pass_end_to_end(tmp_path: Path):
    done = run("init", "demo", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines()[:7] == [f"created demo/{name}" for name in SCAFFOLD]
    project = tmp_path / "demo"
    (project / ".git").mkdir()  # keep config discovery inside the new project
    assert sorted(str(p.relative_to(project)) for p in project.rglob("*") if p.is_file()) == sorted(SCAFFOLD)
    tested = run("test", cwd=project)
    assert (tested.returncode, tested.stderr) == (0, "")
    assert tested.stdout == "PASS: 6/6\nCoverage: 4/4 rules exercised (100.0%); 4 by tests, 0 by proposals\n"
    checked = run("check", "proposals/draft.peace", cwd=project)
    assert checked.returncode == 0 and "Result: no hard rejection." in checked.stdout
    formatted = run("fmt", "--check", ".", cwd=project)
    assert (formatted.returncode, formatted.stdout, formatted.stderr) == (0, "", "")


def test_init_refuses_to_overwrite_and_writes_nothing(tmp_path: Path):
    (tmp_path / "redlines").mkdir()
    (tmp_path / "redlines" / "north.redlines").write_text("mine")
    done = run("init", cwd=tmp_path)
    assert done.returncode == 2 and done.stdout == ""
    assert "PC630 refusing to overwrite existing files: redlines/north.redlines" in done.stderr
    assert (tmp_path / "redlines" / "north.redlines").read_text() == "mine"
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == ["redlines", "redlines/north.redlines"]


def test_init_in_the_current_folder(tmp_path: Path):
    done = run("init", cwd=tmp_path)
    assert done.returncode == 0
    assert done.stdout.splitlines()[-1] == "next: peacecheck test && peacecheck proposals/draft.peace"
    assert (tmp_path / "peacecheck.toml").read_text().startswith("# peacecheck settings")
