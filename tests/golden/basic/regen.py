"""Regenerate the golden outputs of the basic fixture: python tests/golden/basic/regen.py

Golden files are generated, never hand-edited; review the diff before committing.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BASIC = HERE.parent.parent / "fixtures" / "basic"
OUTPUTS = {"draft.json": ["--format", "json"], "draft.txt": ["--format", "text"]}


def render(args: list[str]) -> bytes:
    env = {**os.environ, "NO_COLOR": "1"}
    run = subprocess.run([sys.executable, "-m", "peacecheck.checker", "proposals/draft.peace", *args],
                         cwd=BASIC, capture_output=True, env=env)
    if run.returncode not in (0, 1):
        raise SystemExit(run.stderr.decode())
    return run.stdout


if __name__ == "__main__":
    for name, args in OUTPUTS.items():
        (HERE / name).write_bytes(render(args))
        print("wrote", HERE / name)
