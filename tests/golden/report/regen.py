"""Regenerate the golden HTML and Markdown reports of tests/fixtures/report. Never edit the goldens by hand.

    python tests/golden/report/regen.py

The tests import `render_fixture` from here, so the goldens and the tests render the fixture the same way:
from inside the fixture folder (paths in the report are relative to it), red lines from its redlines/ folder.
Rerun after any intended change to the renderers, the templates, the fixture or the peacecheck version.
"""
from __future__ import annotations

import datetime as dt
import os
import sys
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "report"
PROPOSAL = "proposals/accord.peace"
GOLDEN = {"html": HERE / "accord.html", "markdown": HERE / "accord.md"}
TODAY = "2026-01-01"  # the day acknowledgement expiry is judged against: fixed, so the goldens never age


@contextmanager
def inside_fixture():
    before = Path.cwd()
    os.chdir(FIXTURE)
    try:
        yield
    finally:
        os.chdir(before)


def fixture_result():
    """The CheckResult of the fixture, loaded exactly as `peacecheck proposals/accord.peace` run in the fixture."""
    from peacecheck.checker.evaluation.evaluate import check
    from peacecheck.checker.files import DiskLoader, load_inputs, project_root

    with inside_fixture():
        proposal = Path(PROPOSAL)
        inputs = load_inputs(proposal, [Path("redlines")], DiskLoader(project_root(proposal.parent)))
        return check(inputs.proposal, inputs.vocabulary, inputs.redlines, inputs.digests,
                     today=dt.date.fromisoformat(TODAY))


def render_fixture(fmt: str) -> str:
    from peacecheck.checker.reports.formats import RENDERERS, load_object

    return load_object(RENDERERS[fmt])(fixture_result())


def main() -> int:
    for fmt, path in GOLDEN.items():
        path.write_bytes(render_fixture(fmt).encode("utf-8"))
        print(f"wrote {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    sys.exit(main())
