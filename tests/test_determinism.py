"""Same input, same bytes: every report format and the error output, whatever the hash seed."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from peacecheck.checker.reports.formats import RENDERERS

REPO = Path(__file__).resolve().parent.parent
ERRORS = REPO / "tests" / "fixtures" / "errors"
SEEDS = ("0", "4242")


def run(args: list[str], cwd: Path, seed: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-c", "import sys; from peacecheck.checker.cli import run; sys.argv[0] = 'peacecheck'; run()"]
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONHASHSEED": seed, "NO_COLOR": "1"}
    return subprocess.run([*command, *args], capture_output=True, cwd=cwd, env=env, timeout=120)


def reports(project: Path, proposal: str, out: Path, seed: str) -> dict[str, bytes]:
    """Every registered format of one check, written in one run; plus stdout, stderr and the exit code."""
    out.mkdir()
    args = [proposal]
    for fmt in sorted(RENDERERS):
        args += ["-o", f"{fmt}:{out / fmt}"]
    done = run(args, project, seed)
    found = {fmt: (out / fmt).read_bytes() for fmt in sorted(RENDERERS) if (out / fmt).exists()}
    return {**found, "stdout": done.stdout, "stderr": done.stderr, "exit": str(done.returncode).encode()}


@pytest.mark.parametrize("project, proposal", [
    (ERRORS, "proposals/draft.peace"),
    (REPO, "proposals/miami.peace"),
])
def test_every_format_is_byte_identical_across_hash_seeds(tmp_path, project, proposal):
    runs = [reports(project, proposal, tmp_path / seed, seed) for seed in SEEDS]
    assert set(runs[0]) >= set(RENDERERS) | {"stdout", "stderr", "exit"}, runs[0]["stderr"]
    assert runs[0]["exit"] in (b"0", b"1")
    for other in runs[1:]:
        for key in runs[0]:
            assert other[key] == runs[0][key], f"{key} differs between hash seeds"


def test_error_output_is_byte_identical_across_hash_seeds(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(ERRORS, project)
    draft = project / "proposals" / "draft.peace"
    draft.write_text(draft.read_text().replace("land.south = low", "land.south = lo\n  army.kap = 1\n  txt \"x\"")
                     .replace('clause 2 "Army" {', 'clause 2 "Army" {\n  army.cap = = 1'))
    north = project / "redlines" / "north.redlines"
    north.write_text(north.read_text().replace("cite paper\n}", "cite papr\n}").replace("<", "< guarantee.who"))
    outputs = [run(["proposals/draft.peace", "--format", "json"], project, seed) for seed in SEEDS]
    assert outputs[0].returncode == 2 and outputs[0].stderr.count(b": PC") >= 3
    assert all((o.returncode, o.stdout, o.stderr) == (outputs[0].returncode, outputs[0].stdout, outputs[0].stderr)
               for o in outputs[1:])
