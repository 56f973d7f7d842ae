"""The HTML report: golden bytes, escaping, anchors, counts, determinism, and the CLI's -o handling."""
from __future__ import annotations

import base64
import hashlib
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import REPORT_REGEN as regen

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "report"
TEMPLATES = REPO / "checker" / "reports" / "templates"


@pytest.fixture(scope="module")
def result(report_result):
    return report_result


@pytest.fixture(scope="module")
def page(result) -> str:
    from peacecheck.checker.reports.check_html import render

    return render(result)


class Page(HTMLParser):
    """Collects what the tests look at: tags, ids, hrefs, scripts, text by element id, attributes."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self._raw: str | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attributes = {k: v or "" for k, v in attrs}
        self.tags.append((tag, attributes))
        if "id" in attributes:
            self.ids.append(attributes["id"])
        if "href" in attributes:
            self.hrefs.append(attributes["href"])
        if tag in ("script", "style"):
            self._raw = tag

    def handle_data(self, data):
        if self._raw == "script":
            self.scripts.append(data)
        elif self._raw == "style":
            self.styles.append(data)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._raw = None


# ------------------------------------------------------------------ golden and determinism
def test_html_matches_golden_bytes(page):
    golden = regen.GOLDEN["html"].read_bytes()
    assert page.encode("utf-8") == golden, "rerun `python tests/golden/report/regen.py` if the change is intended"


def test_html_is_deterministic(result, page):
    from peacecheck.checker.reports.check_html import render

    again = render(regen.fixture_result())
    assert render(result) == page == again


def test_html_has_no_timestamp_or_absolute_path(page):
    assert str(REPO) not in page
    assert not re.search(r"\b20\d\d-\d\d-\d\dT\d\d:", page)


# ------------------------------------------------------------------ escaping
def test_no_markup_from_input_survives(page):
    parsed = Page(page)
    tags = [tag for tag, _ in parsed.tags]
    assert tags.count("script") == 1  # ours, at the end of the page
    assert "img" not in tags
    assert not any(name.startswith("on") for _, attrs in parsed.tags for name in attrs)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 4  # title (matrix, heading), prose, terms, evidence
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;b&gt;bold?&lt;/b&gt;" in page  # status note
    assert "&lt;script&gt;alert(&#39;note&#39;)&lt;/script&gt;" in page


def test_javascript_urls_never_become_links(page):
    hrefs = Page(page).hrefs
    assert hrefs, "the page has links"
    for href in hrefs:
        assert href.startswith("#") or href.startswith("https://"), href
    assert not any("javascript" in h.lower() for h in hrefs)
    assert ('<span class="url-plain" title="not a web link: shown as text">javascript:alert(document.domain)</span>'
            in page)
    assert '<a href="https://example.org/minutes?a=1&amp;b=2" rel="noopener noreferrer">' in page


def test_templates_mark_nothing_safe():
    for template in TEMPLATES.glob("*.j2"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"\|\s*safe\b", text), template.name
        assert "autoescape false" not in text, template.name


def test_inline_style_and_script_are_pinned_by_the_csp(page):
    parsed = Page(page)
    csp = next(attrs["content"] for tag, attrs in parsed.tags
               if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy")

    def pin(text: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"

    assert f"script-src {pin(parsed.scripts[0])}" in csp
    assert f"style-src {pin(parsed.styles[0])}" in csp
    assert "default-src 'none'" in csp
    assert not any("style" in attrs for _, attrs in parsed.tags)  # inline style attributes would be blocked


def test_self_contained(page):
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page.replace('href="https://example.org', ""))
    assert "@import" not in page and "url(" not in page


@pytest.mark.parametrize("url, ok", [
    ("https://example.org/a?b=1&c=2", True),
    ("http://example.org", True),
    ("HTTPS://EXAMPLE.ORG", True),
    ("javascript:alert(1)", False),
    ("JavaScript:alert(1)", False),
    (" javascript:alert(1)", False),
    ("java\tscript:alert(1)", False),
    ("data:text/html,<script>alert(1)</script>", False),
    ("vbscript:msgbox(1)", False),
    ("//example.org", False),
    ('https://example.org/"onmouseover="alert(1)', False),
    ("https://example.org/ x", False),
    ("", False),
])
def test_link_url(url, ok):
    from peacecheck.checker.reports.check_html import link_url

    assert (link_url(url) == url) is ok


# ------------------------------------------------------------------ anchors and structure
@pytest.mark.parametrize("clause, option, expected", [
    ("14", None, "clause-14"),
    ("12", "us", "clause-12-option-us"),
    ("2.1", None, "clause-2.1"),
    ('x" onclick="y', None, "clause-x_22__20_onclick_3d__22_y"),
    ("a/b#c", "o p", "clause-a_2f_b_23_c-option-o_20_p"),
])
def test_anchor_is_url_safe(clause, option, expected):
    from peacecheck.checker.reports.check_html import anchor

    assert anchor(clause, option) == expected
    assert re.fullmatch(r"[A-Za-z0-9._-]+", anchor(clause, option))


def test_every_clause_and_option_has_its_anchor_and_no_link_dangles(result, page):
    from peacecheck.checker.reports.check_html import anchor

    parsed = Page(page)
    ids = parsed.ids
    assert len(ids) == len(set(ids)), "ids are unique"
    wanted = [anchor(c.id) for c in result.clauses] + [anchor(c.id, o.id) for c in result.clauses for o in c.options]
    assert wanted == ["clause-1", "clause-2", "clause-2.1", "clause-3", "clause-4",
                      "clause-3-option-joint", "clause-3-option-intl"]
    assert set(wanted) <= set(ids)
    for href in parsed.hrefs:
        if href.startswith("#"):
            assert href[1:] in ids, href


def test_clauses_appear_in_draft_order(page):
    order = re.findall(r'<article class="clause" id="(clause-[^"]+)"', page)
    assert order == ["clause-1", "clause-2", "clause-2.1", "clause-3", "clause-4"]


def test_matrix_cells_and_totals_match_the_result(result, page):
    parsed = Page(page)
    cells = [attrs for tag, attrs in parsed.tags if tag == "td" and "data-verdict" in attrs]
    rows = len(result.clauses) + sum(len(c.options) for c in result.clauses)
    assert len(cells) == rows * len(result.parties)
    expected = [c.state(p.id) for c in result.clauses for p in result.parties]
    row_cells = re.findall(r'<tr class="clause-row".*?</tr>', page, re.S)
    shown = [v for row in row_cells for v in re.findall(r'data-verdict="(\w+)"', row)]
    assert shown == expected
    counts = {(a["data-party"], a["data-count"]): None for t, a in parsed.tags if t == "td" and "data-count" in a}
    for party, verdict in counts:
        value = re.search(rf'data-party="{party}" data-count="{verdict}">(\d+)<', page).group(1)
        assert int(value) == result.state_counts(party)[verdict]
    # alpha's guarantee requirement falls short on clause 2 (reliable, not strong): that clause's, not missing
    assert result.state_counts("alpha") == {"reject": 3, "concern": 1, "acknowledged": 0, "accept": 0, "silent": 1,
                                            "proposal_level": 0}
    assert result.state_counts("beta") == {"reject": 2, "concern": 1, "acknowledged": 1, "accept": 1, "silent": 0,
                                           "proposal_level": 1}


def test_matrix_cell_shows_symbol_word_and_links_to_the_clause(page):
    assert ('<td class="cell" data-party="beta" data-verdict="reject"><a class="v-reject" '
            'href="#clause-3-option-intl"><span class="sym sym-reject" aria-hidden="true">✗</span> reject</a></td>'
            in page)
    assert ('<a class="v-silent" href="#clause-4"><span class="sym sym-silent" aria-hidden="true">·</span> silent</a>'
            in page)


def test_triggering_terms_are_highlighted(page):
    hits = re.findall(r'<tr class="hit"><td class="term"><code>([^<]*) = ', page)
    assert hits == ["army.cap", "guarantee.kind", "territory.coast", "plant.operator", "plant.operator",
                    "statement.preamble"]
    assert '<tr><td class="term"><code>territory.east = frozen_line</code>' in page


def test_findings_show_evidence_citation_and_rule_location(page):
    assert ('<code class="said">army.cap = 600000</code> <span class="against">against</span> '
            '<code>&lt; 800000</code>') in page
    assert '<code>redlines/alpha.redlines:13</code>' in page
    assert '<span class="locator">p. 3</span>' in page
    assert ('<code>settlement.referendum</code> <span class="against">is absent; needs</span> '
            '<code>== true</code>') in page
    # a rule over two clauses links each to the other
    assert re.search(r'id="clause-1".*?<dt>Together with</dt><dd><a href="#clause-2">clause 2</a>', page, re.S)


def test_option_findings_are_not_repeated(page):
    clause3 = page[page.index('id="clause-3"'):page.index('id="clause-4"')]
    assert clause3.count("A-PLANT-1</code>") == 1
    assert clause3.count("B-PLANT-1</code>") == 1


def test_acknowledged_finding_is_shown_apart(page):
    assert '<li class="finding f-acknowledged" data-party="beta">' in page
    assert "1 finding (counted separately, not in the verdicts)" in page


def test_proposal_level_findings_have_their_section(page):
    section = page[page.index('<section id="proposal-findings"'):page.index('<section id="draft"')]
    assert re.findall(r'id="(missing-[^"]+)"', section) == ["missing-beta-B-REF-1"]


def test_header_facts(page):
    for text in ("Harbour Accord &lt;draft&gt; | &#34;A&amp;B&#34;", "2025-12-01", "v2 (after the harbour talks)",
                 "The mediators&#39; secretariat", "alpha, beta", "accord-v1.peace", "97dc869d8dca", "53cb3a813bef"):
        assert text in page, text
    from peacecheck.checker.reports.check_html import peacecheck_version

    assert f"peacecheck {peacecheck_version()}" in page


def test_paragraphs_keep_paragraphs_and_list_lines():
    from peacecheck.checker.reports.check_html import paragraphs

    text = "One wrapped\nline.\n\nTwo:\n- a\n- b\n1. c\n  \n\n(d) e"
    assert paragraphs(text) == [["One wrapped line."], ["Two:", "- a", "- b", "1. c"], ["(d) e"]]
    assert paragraphs("") == []


def test_renderers_do_not_import_jinja_at_start_up():
    code = ("import sys, peacecheck.checker.cli, peacecheck.checker.reports.check_html, peacecheck.checker.reports.check_markdown; "
            "print('jinja2' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.strip() == "False"


# ------------------------------------------------------------------ the CLI
def _peacecheck(*args: str, cwd: Path = FIXTURE) -> subprocess.CompletedProcess:
    command = [sys.executable, "-c", "import sys; from peacecheck.checker.cli import run; sys.argv[0] = 'peacecheck'; run()"]
    return subprocess.run([*command, *args], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, "PYTHONPATH": str(REPO)})


@pytest.mark.parametrize("fmt", ["html", "markdown"])
def test_cli_writes_the_report_atomically(tmp_path, fmt):
    target = tmp_path / "report.out"
    target.write_text("old report")
    before = target.stat().st_ino
    done = _peacecheck(regen.PROPOSAL, "--format", fmt, "-o", str(target), "--today", regen.TODAY)
    assert (done.returncode, done.stdout, done.stderr) == (1, "", "")  # 1: the fixture has a hard rejection
    assert target.read_bytes() == regen.GOLDEN[fmt].read_bytes()
    assert target.stat().st_ino != before, "replaced by rename, not rewritten in place"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.out"], "no temporary file left behind"


@pytest.mark.parametrize("victim", ["proposals/accord.peace", "redlines/beta.redlines", "vocab/fixture.vocab"])
def test_cli_refuses_to_overwrite_an_input(victim):
    original = (FIXTURE / victim).read_bytes()
    done = _peacecheck(regen.PROPOSAL, "--format", "html", "-o", victim)
    assert done.returncode == 2
    assert "PC119" in done.stderr and "Traceback" not in done.stderr
    assert (FIXTURE / victim).read_bytes() == original


# ------------------------------------------------------------------ sparse input
SPARSE = {
    "v.vocab": 'vocabulary "v"\nterm a.b : bool\nterm a.c : number\n',
    "p.peace": 'proposal "Bare"\nvocabulary "v.vocab"\nclause 1 "Only" {\n  a.b = true\n}\nclause 2 "Empty" {\n}\n',
    "x.redlines": 'party x "X"\nvocabulary "v.vocab"\nsource s { title "T" }\n'
                  'rule X-1 "No b" {\n  severity hard\n  when a.b == true\n  cite s\n}\n',
}


@pytest.mark.parametrize("fmt", ["html", "markdown"])
def test_sparse_proposal_renders(dict_loader, fmt):
    from peacecheck.checker.reports.formats import RENDERERS, load_object
    from peacecheck.checker.evaluation.evaluate import check
    from peacecheck.dsl.api import load_proposal, load_redlines

    loader = dict_loader(SPARSE)
    proposal, vocabulary = load_proposal("p.peace", loader)
    redlines, _ = load_redlines("x.redlines", loader, vocabulary)
    result = check(proposal, vocabulary, [redlines])
    text = load_object(RENDERERS[fmt])(result)
    assert "Bare" in text and "X-1" in text and "n/a" in text  # no digest without file bytes
    assert ("Nothing: every party" in text) and ("About this draft" not in text)
