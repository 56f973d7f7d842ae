"""`-q` on every command that reports a result, and `-o FILE` picking the format by extension in solve too."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "peacecheck.checker", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def test_quiet_test_prints_only_the_tally():
    full, quiet = run("test"), run("test", "-q")
    assert quiet.returncode == full.returncode == 0
    assert quiet.stdout == "PASS: 80/80\n" and "Coverage:" in full.stdout


def test_quiet_lint_and_solve_print_their_result_line():
    full, quiet = run("lint"), run("lint", "-q")
    assert quiet.returncode == full.returncode and quiet.stdout.count("\n") == 1
    assert quiet.stdout.strip() == full.stdout.strip().splitlines()[-1]
    full, quiet = run("solve", "proposals/options.peace"), run("solve", "proposals/options.peace", "-q")
    assert quiet.returncode == full.returncode and quiet.stdout.startswith("Result: ")
    assert quiet.stdout.strip() == full.stdout.strip().splitlines()[-1]


def test_solve_output_extension_picks_the_format(tmp_path):
    target = tmp_path / "solve.html"
    done = run("solve", "proposals/options.peace", "-o", str(target))
    assert done.returncode in (0, 1) and target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    target = tmp_path / "solve.json"
    run("solve", "proposals/options.peace", "-o", str(target))
    assert json.loads(target.read_text(encoding="utf-8"))["command"] == "solve"
    refused = run("solve", "proposals/options.peace", "-o", "json")
    assert refused.returncode == 2 and "PC603" in refused.stderr
