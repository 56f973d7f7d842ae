"""The diff page in a real headless Chromium: no console errors, nothing from the input runs, the summary
agrees with the JSON diff, links land, the view switch works without JavaScript, and a screenshot of the
real 28-point -> Miami diff."""
from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
PROJECT = REPO / "tests" / "fixtures" / "diff"
ARTIFACTS = REPO / "tests" / "artifacts"


def peacecheck(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "peacecheck.checker", *args], check=False, capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"})


def render(old: str, new: str, out: Path, cwd: Path) -> dict:
    """Write the HTML page and return the JSON diff of the same drafts."""
    done = peacecheck("diff", old, new, "-o", str(out), cwd=cwd)
    assert done.returncode == 0, done.stderr
    as_json = peacecheck("diff", old, new, "--format", "json", cwd=cwd)
    return json.loads(as_json.stdout)



class Watched:
    """A page with every console message, dialog, page error and non-file request recorded."""

    def __init__(self, browser, path: Path, javascript: bool = True, width: int = 1280):
        self.context = browser.new_context(java_script_enabled=javascript, viewport={"width": width, "height": 900})
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.problems: list[str] = []
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.problems.append(f"pageerror: {e}"))
        self.page.on("dialog", lambda d: (self.problems.append(f"dialog: {d.message}"), d.dismiss()))
        self.page.on("request", lambda r: r.url.startswith("file:") or self.problems.append(f"request: {r.url}"))
        self.page.goto(path.as_uri())
        self.page.wait_for_load_state("load")

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="module")
def fixture_page(tmp_path_factory):
    out = tmp_path_factory.mktemp("diff") / "base-to-edited.html"
    return out, render("proposals/base.peace", "proposals/edited.peace", out, PROJECT)


@pytest.fixture(scope="module")
def real_page(tmp_path_factory):
    out = tmp_path_factory.mktemp("real") / "diff-28-to-miami.html"
    return out, render("proposals/us-28-point.peace", "proposals/miami.peace", out, REPO)


def shown_counts(page) -> dict[tuple[str, str, str], int]:
    cells = page.eval_on_selector_all(
        "#summary [data-count][data-side]",
        "els => els.map(e => [e.dataset.party, e.dataset.count, e.dataset.side, e.textContent.trim()])")
    return {(party, count, side): int(text) for party, count, side, text in cells}


def expected_counts(data: dict) -> dict[tuple[str, str, str], int]:
    return {(s["party"], key, side): s[side][key] for s in data["summary"] for side in ("before", "after")
            for key in ("reject", "concern", "proposal_level")}


@pytest.mark.parametrize("which", ["fixture_page", "real_page"])
def test_page_loads_clean_and_summary_matches_json(browser, request, which):
    path, data = request.getfixturevalue(which)
    watched = Watched(browser, path)
    page = watched.page
    assert watched.console == [] and watched.problems == []
    assert shown_counts(page) == expected_counts(data)
    totals = page.eval_on_selector("#totals", "e => ({...e.dataset})")
    assert {k: int(v) for k, v in totals.items()} == {k: data["totals"][k] for k in ("pairs", "changed", "added",
                                                                                   "dropped")}
    rows = page.eval_on_selector_all(".overview tbody tr[data-key]", "els => els.map(e => e.dataset.key)")
    assert rows == [d["key"] for d in data["pairs"] + data["added"] + data["dropped"]]
    movers = page.eval_on_selector_all(".movers a", "els => els.map(e => e.getAttribute('href'))")
    assert movers == ["#" + m["key"] for s in data["summary"] for m in s["movers"]]
    watched.close()


def test_every_link_lands_on_an_element(browser, fixture_page):
    watched = Watched(browser, fixture_page[0])
    missing = watched.page.evaluate(
        "() => [...document.querySelectorAll('a[href^=\"#\"]')].map(a => a.getAttribute('href').slice(1))"
        ".filter(id => !document.getElementById(id))")
    assert missing == []
    watched.page.click("a[href='#pair-4-2']")
    assert watched.page.evaluate("location.hash") == "#pair-4-2"
    assert watched.page.is_visible("#pair-4-2 .terms")
    watched.close()


def test_view_switch_works_without_javascript(browser, fixture_page):
    watched = Watched(browser, fixture_page[0], javascript=False)
    page = watched.page
    assert page.is_visible("#pair-4-2 .sbs") and not page.is_visible("#pair-4-2 .inline")
    page.click("label[for='view-inline']")
    assert page.is_visible("#pair-4-2 .inline") and not page.is_visible("#pair-4-2 .sbs")
    assert page.inner_text("#pair-4-2 .inline del") == "capped at 600,000"
    page.click("label[for='view-sbs']")
    assert page.is_visible("#pair-4-2 .sbs")
    old_side = page.inner_text("#pair-4-2 .old-side .prose")
    assert "600,000" in old_side and "800,000" not in old_side
    watched.close()


def test_print_shows_the_chosen_view_and_hides_the_switch(browser, fixture_page):
    watched = Watched(browser, fixture_page[0])
    watched.page.emulate_media(media="print")
    assert not watched.page.is_visible(".views") and watched.page.is_visible("#pair-4-2 .sbs")
    watched.close()


def test_markup_in_a_draft_is_shown_as_text_and_never_runs(browser, tmp_path):
    for folder in ("vocab", "redlines"):
        shutil.copytree(PROJECT / folder, tmp_path / folder)
    (tmp_path / "proposals").mkdir()
    shutil.copy(PROJECT / "proposals" / "base.peace", tmp_path / "proposals" / "base.peace")
    evil = (PROJECT / "proposals" / "base.peace").read_text().replace(
        'clause 4 "Army capped at 600,000"', 'clause 4 "<img src=x onerror=alert(1)>Army capped"').replace(
        "may number no more than 600,000", "may number <script>alert(2)</script> no more than 600,000")
    (tmp_path / "proposals" / "evil.peace").write_text(evil)
    out = tmp_path / "evil.html"
    render("proposals/base.peace", "proposals/evil.peace", out, tmp_path)
    watched = Watched(browser, out)
    assert watched.problems == [] and watched.console == []
    assert watched.page.eval_on_selector_all("main script, main img", "els => els.length") == 0
    assert "<script>alert(2)</script>" in watched.page.inner_text("#pair-4-4 .inline")
    watched.close()


def test_screenshot_of_the_real_diff(browser, real_page):
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "diff-28-to-miami.png"
    watched = Watched(browser, real_page[0])
    bottom = watched.page.eval_on_selector("#clauses", "e => e.getBoundingClientRect().bottom + window.scrollY")
    watched.page.screenshot(path=str(shot), full_page=True,
                            clip={"x": 0, "y": 0, "width": 1280, "height": int(bottom) + 24})
    watched.close()
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert width == 1280 and height > 1500
    assert len(data) > 150_000  # a page of text, chips and tables, not a blank image
