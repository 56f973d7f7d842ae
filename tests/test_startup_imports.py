"""What a command imports at start-up (issue 12): modules, not times (times are in bench/bench_startup.py).

Each case runs the command line in a fresh interpreter and lists the modules it ended with.
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import REPO

RUN = """
import json, sys
sys.argv = ["peacecheck", *json.loads(sys.argv[1])]
from peacecheck.checker.cli.main import run
try:
    run()
except SystemExit:
    pass
sys.__stderr__.write("\\nMODULES " + json.dumps(sorted(k for k, v in sys.modules.items() if v is not None)) + "\\n")
"""


def modules_of(args: list[str]) -> set[str]:
    done = subprocess.run([sys.executable, "-c", RUN, json.dumps(args)], cwd=REPO, capture_output=True, text=True,
                          env={"PEACECHECK_NO_CACHE": "1", "PATH": "/usr/bin:/bin"})
    line = done.stderr.rsplit("MODULES ", 1)
    assert len(line) == 2, done.stderr
    return set(json.loads(line[1]))


# Never wanted by a plain check (pydantic is no dependency any more; the rest belong to other commands or errors).
NEVER = {"pydantic", "jinja2", "ortools", "difflib", "importlib.metadata", "email", "subprocess", "regex",
         "interegular", "docx", "watchfiles", "pygls", "pygments"}


@pytest.mark.parametrize("args", [["--help"], ["explain", "PC001"]], ids=["help", "explain"])
def test_help_and_explain_load_no_parser(args):
    loaded = modules_of(args)
    assert "peacecheck.checker.cli.main" in loaded  # the run happened
    assert not loaded & {"lark", "peacecheck.dsl.api", "peacecheck.dsl.models", "peacecheck.dsl.parser"}, \
        sorted(loaded & {"lark", "peacecheck.dsl.api", "peacecheck.dsl.models", "peacecheck.dsl.parser"})
    assert not loaded & NEVER, sorted(loaded & NEVER)


def test_a_check_loads_only_what_it_uses():
    loaded = modules_of(["proposals/miami.peace", "--format", "json"])
    assert "peacecheck.checker.reports.check_json" in loaded  # the check ran and rendered
    assert not loaded & NEVER, sorted(loaded & NEVER)
    assert not {m for m in loaded if m.split(".")[0] in ("pydantic", "pydantic_core")}
    assert "lark" not in loaded  # the fast front end reads its own tables; lark is for files with errors
