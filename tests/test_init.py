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


def test_init_never_writes_through_a_dangling_symlink(tmp_path: Path):
    project, outside = tmp_path / "project", tmp_path / "outside"
    project.mkdir()
    outside.mkdir()
    (project / "peacecheck.toml").symlink_to(outside / "planted.toml")
    done = run("init", cwd=project)
    assert done.returncode == 2 and done.stdout == ""
    assert "PC630 refusing to overwrite existing files: peacecheck.toml (a symlink)" in done.stderr
    assert list(outside.iterdir()) == [] and sorted(p.name for p in project.iterdir()) == ["peacecheck.toml"]


def test_init_never_writes_into_a_folder_that_leads_outside(tmp_path: Path):
    project, outside = tmp_path / "project", tmp_path / "outside"
    project.mkdir()
    outside.mkdir()
    (project / "vocab").symlink_to(outside, target_is_directory=True)
    done = run("init", cwd=project)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("vocab: PC630 refusing to write into 'vocab': it leads outside '.'")
    assert list(outside.iterdir()) == [] and sorted(p.name for p in project.iterdir()) == ["vocab"]
