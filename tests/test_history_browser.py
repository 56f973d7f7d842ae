"""The history page in a real headless Chromium: no console errors, no requests, the SVG marks and the
tables agree with the JSON, and a screenshot of the real November-December 2025 round."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "tests" / "artifacts"
DRAFTS = [f"proposals/{n}.peace" for n in ("us-28-point", "e3-counter", "europe-24", "geneva-19", "miami")]


def peacecheck(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "peacecheck.checker", *args], capture_output=True, text=True, cwd=REPO,
                          env={**os.environ, "NO_COLOR": "1"}, check=False)


@pytest.fixture(scope="module")
def page_and_data(tmp_path_factory):
    out = tmp_path_factory.mktemp("history") / "history.html"
    done = peacecheck("history", *DRAFTS, "--today", "2026-01-01", "-o", str(out))
    assert done.returncode == 0, done.stderr
    data = json.loads(peacecheck("history", *DRAFTS, "--today", "2026-01-01", "--format", "json").stdout)
    return out, data


def test_history_page_in_chromium(browser, page_and_data):
    out, data = page_and_data
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}"))
    page.on("pageerror", lambda exc: problems.append(f"pageerror: {exc}"))
    page.on("request", lambda r: r.url.startswith("file:") or problems.append(f"request: {r.url}"))
    page.goto(out.as_uri())
    page.wait_for_load_state("load")
    assert problems == []

    points = page.eval_on_selector_all("circle.pt, rect.pt", "els => els.map(e => [e.dataset.party, +e.dataset.draft, e.dataset.kind, +e.dataset.value])")
    expected = [[p, k, kind, t[kind]] for p, tallies in data["tallies"].items() for kind in ("hard", "soft")
                for k, t in enumerate(tallies)]
    assert sorted(points) == sorted(expected)
    titles = page.eval_on_selector_all("circle.pt > title, rect.pt > title", "els => els.length")
    assert titles == len(points)

    cells = page.eval_on_selector_all("#heatmap g.cell", "els => els.map(e => e.dataset.verdict)")
    want = Counter(c["verdicts"][p] if c else "absent" for r in data["rows"] for c in r["cells"] for p in
                   [q["id"] for q in data["parties"]])
    assert Counter(cells) == want
    letters = page.eval_on_selector_all("#heatmap g.cell text", "els => els.length")
    assert letters == len(cells)  # every square also carries its letter
    rows = page.eval_on_selector_all("#topic-table tbody tr", "els => els.length")
    assert rows == len(data["rows"])
    moves = page.eval_on_selector_all("li.mv", "els => els.length")
    assert moves == sum(mv["change"] != "stayed" for s in data["steps"] for mv in s["movements"])

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "history-nov-dec-2025.png"), full_page=True)
    context.close()


def test_history_page_allows_nothing_but_its_own_style(page_and_data):
    import html as markup

    html = markup.unescape(page_and_data[0].read_text(encoding="utf-8"))
    assert "default-src 'none'" in html and "script-src 'none'" in html
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org", "")
