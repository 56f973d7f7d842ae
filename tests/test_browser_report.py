"""The HTML report in a real headless Chromium: nothing from the input runs, the matrix agrees with the JSON
result, matrix cells navigate, the page works without JavaScript, and a screenshot of the real Miami report."""
from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "report"
ARTIFACTS = REPO / "tests" / "artifacts"
VERDICTS = ("reject", "concern", "accept", "silent")


def peacecheck(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    command = [sys.executable, "-c", "import sys; from peacecheck.checker.cli import run; sys.argv[0] = 'peacecheck'; run()"]
    return subprocess.run([*command, *args], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, "PYTHONPATH": str(REPO)})



@pytest.fixture(scope="module")
def fixture_report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "accord.html"
    done = peacecheck("proposals/accord.peace", "--format", "html", "-o", str(out), cwd=FIXTURE)
    assert done.returncode == 1, done.stderr  # the fixture has hard rejections
    return out


class Watched:
    """A page with every console message, dialog, page error and non-file request recorded."""

    def __init__(self, browser, javascript: bool = True, viewport=(1280, 900)):
        self.context = browser.new_context(java_script_enabled=javascript,
                                           viewport={"width": viewport[0], "height": viewport[1]})
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: None if r.url.startswith("file://") else self.requests.append(r.url))

    def _dialog(self, dialog):
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def open(self, path: Path) -> "Watched":
        self.page.goto(path.as_uri())
        self.page.wait_for_load_state("load")
        return self

    def assert_quiet(self) -> None:
        assert self.console == [] and self.dialogs == [] and self.errors == [] and self.requests == [], (
            self.console, self.dialogs, self.errors, self.requests)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def watched(browser):
    opened: list[Watched] = []

    def make(**kwargs) -> Watched:
        opened.append(Watched(browser, **kwargs))
        return opened[-1]

    yield make
    for w in opened:
        w.close()


# ------------------------------------------------------------------ safety
def test_hostile_text_is_shown_literally_and_nothing_runs(watched, fixture_report):
    w = watched().open(fixture_report)
    page = w.page
    page.wait_for_timeout(150)  # give an injected onerror the chance to fire
    w.assert_quiet()
    title = page.text_content("#clause-4 h3")
    assert "<script>alert(1)</script> preamble <img src=x onerror=alert(1)>" in title
    prose = page.text_content("#clause-4 .prose")
    assert "<script>alert(1)</script> and <img src=x onerror=alert(1)> must show as text." in prose
    assert page.eval_on_selector_all("img", "els => els.length") == 0
    assert page.eval_on_selector_all("script", "els => els.length") == 1
    assert page.eval_on_selector_all("[onerror], [onclick], [onload]", "els => els.length") == 0
    citations = page.eval_on_selector_all("a[href]", "els => els.map(e => e.protocol)")
    assert set(citations) <= {"file:", "https:"}
    assert "javascript:alert(document.domain)" in page.text_content("#clause-1 .url-plain")


# ------------------------------------------------------------------ the matrix
def test_matrix_counts_match_the_json_result(watched, fixture_report):
    done = peacecheck("proposals/accord.peace", "--format", "json", cwd=FIXTURE)
    assert done.returncode == 1, done.stderr
    data = json.loads(done.stdout)
    w = watched().open(fixture_report)
    page = w.page
    parties = [p["id"] for p in data["parties"]]
    assert page.eval_on_selector_all("thead th.party-col", "els => els.map(e => e.dataset.party)") == parties
    totals = page.eval_on_selector_all(
        "tfoot td.count", "els => els.map(e => [e.dataset.party, e.dataset.count, Number(e.textContent)])")
    from_dom = {(party, key): value for party, key, value in totals}
    for party in parties:
        for key in (*VERDICTS, "proposal_level"):
            assert from_dom[(party, key)] == data["summary"][party][key], (party, key)
    # and the cells themselves, clause rows only, counted by party and verdict
    cells = page.eval_on_selector_all(
        "tr.clause-row td.cell", "els => els.map(e => [e.dataset.party, e.dataset.verdict, e.textContent.trim()])")
    expected = [(p, c["verdicts"][p]) for c in data["clauses"] for p in parties]
    assert [(party, verdict) for party, verdict, _ in cells] == expected
    assert all(text.endswith(verdict) and text[0] in "✗!†✓·" for _, verdict, text in cells)  # † acknowledged
    w.assert_quiet()


def test_clicking_a_matrix_cell_goes_to_the_clause(watched, fixture_report):
    w = watched(viewport=(1280, 700)).open(fixture_report)
    page = w.page
    page.click('tr[data-option="intl"] td[data-party="beta"] a')
    assert page.evaluate("location.hash") == "#clause-3-option-intl"
    box = page.evaluate("document.getElementById('clause-3-option-intl').getBoundingClientRect().top")
    assert 0 <= box < 200, box
    page.click('tr.clause-row[data-clause="4"] td[data-party="alpha"] a')
    assert page.evaluate("location.hash") == "#clause-4"
    assert page.evaluate("document.querySelector(':target').id") == "clause-4"
    w.assert_quiet()


def test_filters_hide_what_does_not_match(watched, fixture_report):
    w = watched().open(fixture_report)
    page = w.page
    assert page.is_visible("#filters")
    page.select_option("#filter-party", "beta")
    page.select_option("#filter-verdict", "reject")
    visible = page.eval_on_selector_all("article.clause", "els => els.filter(e => e.offsetParent).map(e => e.id)")
    assert visible == ["clause-1", "clause-2", "clause-3"]  # clause 3: beta rejects its option intl
    assert page.text_content("#filter-count") == "3 of 5 clauses shown"
    parties = page.eval_on_selector_all("li.finding",
                                        "els => els.filter(e => e.offsetParent).map(e => e.dataset.party)")
    assert set(parties) == {"beta"}
    page.select_option("#filter-party", "")
    page.select_option("#filter-verdict", "")
    assert page.eval_on_selector_all("article.clause", "els => els.filter(e => e.offsetParent).length") == 5
    w.assert_quiet()


def test_page_is_complete_without_javascript(watched, fixture_report):
    w = watched(javascript=False).open(fixture_report)
    page = w.page
    assert not page.is_visible("#filters")
    assert page.locator("article.clause").count() == 5
    assert page.locator("li.finding").count() == page.locator("li.finding:visible").count() > 0
    page.click('tr.clause-row[data-clause="2.1"] td[data-party="alpha"] a')
    assert page.url.endswith("#clause-2.1")


def test_print_layout_hides_filters_and_keeps_clauses_whole(watched, fixture_report):
    w = watched().open(fixture_report)
    page = w.page
    page.emulate_media(media="print")
    assert not page.is_visible("#filters")
    assert page.evaluate("getComputedStyle(document.querySelector('article.clause')).breakInside") == "avoid"
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000


# ------------------------------------------------------------------ the real report
def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


def test_screenshot_of_the_real_miami_report(watched, tmp_path):
    out = tmp_path / "miami.html"
    done = peacecheck("proposals/miami.peace", "--format", "html", "-o", str(out), cwd=REPO)
    if done.returncode == 2:
        message = ("proposals/miami.peace (or its red lines) did not load (exit 2); the screenshot shows the "
                   "FIXTURE report instead:\n" + done.stderr[-2000:])
        print(message)
        warnings.warn(message)
        fallback = peacecheck("proposals/accord.peace", "--format", "html", "-o", str(out), cwd=FIXTURE)
        assert fallback.returncode in (0, 1), fallback.stderr
    else:
        assert done.returncode in (0, 1), done.stderr  # 1: a party has a hard rejection, which is fine here
    w = watched(viewport=(1280, 1800)).open(out)
    w.assert_quiet()
    ARTIFACTS.mkdir(exist_ok=True)
    shot = tmp_path / "miami-report.png"
    w.page.screenshot(path=str(shot))
    shutil.copyfile(shot, ARTIFACTS / "miami-report.png")
    width, height = png_size(ARTIFACTS / "miami-report.png")
    assert (ARTIFACTS / "miami-report.png").stat().st_size > 10_000
    assert width > 800 and height > 800
