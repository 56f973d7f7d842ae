"""The Markdown report: golden bytes, determinism, and escaping checked by rendering it as GitHub does (cmark-gfm)."""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import REPORT_REGEN as regen

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def result(report_result):
    return report_result


@pytest.fixture(scope="module")
def markdown(result) -> str:
    from peacecheck.checker.reports.check_markdown import render

    return render(result)


def to_html(text: str) -> str:
    """The Markdown as cmark-gfm renders it with raw HTML let through (so anything raw would show)."""
    import cmarkgfm
    from cmarkgfm.cmark import Options

    return cmarkgfm.markdown_to_html_with_extensions(text, options=Options.CMARK_OPT_UNSAFE,
                                                     extensions=["table", "autolink", "strikethrough"])


class Tree(HTMLParser):
    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        if tag == "tr":
            self.rows.append([])
        if tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


@pytest.fixture(scope="module")
def rendered(markdown) -> Tree:
    return Tree(to_html(markdown))


# ------------------------------------------------------------------ golden and determinism
def test_markdown_matches_golden_bytes(markdown):
    golden = regen.GOLDEN["markdown"].read_bytes()
    assert markdown.encode("utf-8") == golden, "rerun `python tests/golden/report/regen.py` if the change is intended"


def test_markdown_is_deterministic(result, markdown):
    from peacecheck.checker.reports.check_markdown import render

    assert render(result) == markdown == render(regen.fixture_result())


# ------------------------------------------------------------------ escaping, as a code host renders it
ALLOWED_TAGS = {"h1", "h2", "h3", "h4", "p", "ul", "li", "strong", "em", "code", "a", "table", "thead", "tbody",
                "tr", "th", "td", "br", "blockquote", "hr"}


def test_no_markup_from_input_reaches_the_rendered_page(rendered):
    tags = {tag for tag, _ in rendered.tags}
    assert tags <= ALLOWED_TAGS, tags - ALLOWED_TAGS
    for tag, attrs in rendered.tags:
        assert not any(name.startswith("on") for name in attrs)
        if tag == "a" and "id" in attrs:  # our anchors: <a id="clause-2.1"></a>
            assert re.fullmatch(r"(clause|missing|proposal)-[A-Za-z0-9._-]+", attrs["id"]), attrs
    assert len([t for t, _ in rendered.tags if t == "h1"]) == 1, "`# Not a heading` in a clause stays text"


def test_only_http_links_and_document_anchors(rendered):
    hrefs = [attrs["href"] for tag, attrs in rendered.tags if tag == "a" and "href" in attrs]
    assert hrefs
    for href in hrefs:
        assert href.startswith("#") or href.startswith("https://"), href
    assert "https://example.org/minutes?a=1&b=2" in hrefs


def test_hostile_text_is_shown_literally(rendered):
    text = "".join(rendered.text)
    for literal in ("<script>alert(1)</script> preamble <img src=x onerror=alert(1)>",
                    "# Not a heading <script>alert(1)</script> and <img src=x onerror=alert(1)> must show as text.",
                    "A pipe | a backtick ` and [a link](javascript:alert(1)) & an entity &amp; stay literal.",
                    "<b>bold?</b> [click](javascript:alert(1))",
                    'statement.preamble = "<script>alert(1)</script><img src=x onerror=alert(1)> `tick` |pipe|"',
                    "javascript:alert(document.domain)",
                    "The preamble <i>must</i> be agreed; see [here](javascript:alert(2)).",
                    "§ 2 | line `7`",
                    'Harbour Accord <draft> | "A&B"'):
        assert literal in text, literal


def test_matrix_table_keeps_its_columns(result, rendered):
    matrix = next(i for i, row in enumerate(rendered.rows) if row[:2] == ["Clause", "Title"])
    body_rows = len(result.clauses) + sum(len(c.options) for c in result.clauses) + 6  # 5 state totals + missing
    rows = rendered.rows[matrix:matrix + 1 + body_rows]
    assert all(len(row) == 2 + len(result.parties) for row in rows), rows
    assert rows[3] == ["2.1", "Territory | the east `and` coast (disputed)", "✗ reject", "† acknowledged"]
    assert rows[5] == ["", "↳ option joint (as drafted): Joint operation (as drafted)", "! concern", "✓ accept"]
    assert rows[7][2:] == ["· silent", "! concern"]
    totals = {row[1]: row[2:] for row in rows[-6:]}
    assert totals == {"✗ reject (clauses)": ["3", "2"], "! concern (clauses)": ["1", "1"],
                      "† acknowledged (clauses)": ["0", "1"], "✓ accept (clauses)": ["0", "1"],
                      "· silent (clauses)": ["1", "0"], "finds missing (proposal-level)": ["0", "1"]}


def test_matrix_cells_link_to_clause_anchors(markdown):
    assert "| [3](#clause-3) | Power plant | [! concern](#clause-3) | [✓ accept](#clause-3) |" in markdown
    assert "[✗ reject](#clause-3-option-intl)" in markdown
    for target in set(re.findall(r"\]\(#([^)]+)\)", markdown)):
        assert f'<a id="{target}"></a>' in markdown, target


def test_findings_are_lists_with_evidence_and_sources(markdown):
    assert ("- **✗ reject** · Republic of Alpha · `A-CAP-1` **No army ceiling below 800,000** (hard)\n"
            "  - Evidence: `army.cap = 600000` against `< 800000`\n") in markdown
    assert "  - Evidence: `settlement.referendum` is absent; needs `== true`\n" in markdown
    assert "  - Rule: `redlines/beta.redlines:12`\n" in markdown
    assert "- **† acknowledged** · Beta Federation · `B-SOFT-1`" in markdown
    assert "- `territory.coast = recognized_de_facto` ⚑ **triggers a finding**" in markdown


def test_prose_keeps_paragraphs_and_list_lines(rendered, markdown):
    assert "The cap is reviewed after five years.\\\n\\- first review: 2030\\\n\\- second review: 2035" in markdown
    text = "".join(rendered.text)
    assert "The cap is reviewed after five years.\n- first review: 2030\n- second review: 2035" in text


# ------------------------------------------------------------------ the escaping functions
@pytest.mark.parametrize("raw, expected", [
    ("plain text", "plain text"),
    ("a | b", "a \\| b"),
    ("<script>", "\\<script\\>"),
    ("[x](javascript:y)", "\\[x\\](javascript:y)"),
    ("# title", "\\# title"),
    ("- item", "\\- item"),
    ("1. item", "1\\. item"),
    ("2) item", "2\\) item"),
    ("=====", "\\====="),
    ("version 0.1.0", "version 0.1.0"),
    ("*bold* _it_ ~s~ `c` $x$", "\\*bold\\* \\_it\\_ \\~s\\~ \\`c\\` \\$x\\$"),
    ("&amp; \\", "\\&amp; \\\\"),
    ("two\nlines", "two lines"),
])
def test_md_text(raw, expected):
    from peacecheck.checker.reports.check_markdown import md_text

    assert md_text(raw) == expected
    assert html.unescape(re.sub(r"</?p>\n?", "", to_html(expected))).strip() == " ".join(raw.split())


@pytest.mark.parametrize("raw, in_table, expected", [
    ("a = 1", False, "`a = 1`"),
    ("say `x`", False, "`` say `x` ``"),
    (" padded ", False, "`  padded  `"),
    ("`edge", False, "`` `edge ``"),
    ("p | q", True, "`p \\| q`"),
])
def test_md_code(raw, in_table, expected):
    from peacecheck.checker.reports.check_markdown import md_code

    assert md_code(raw, in_table) == expected
    if not in_table:
        assert html.unescape(re.search(r"<code>(.*)</code>", to_html(expected)).group(1)) == raw


def test_md_url_links_only_http():
    from peacecheck.checker.reports.check_markdown import md_url

    assert md_url("https://example.org/a_(b)") == "[https://example.org/a\\_(b)](https://example.org/a_%28b%29)"
    assert md_url("javascript:alert(1)") == "javascript:alert(1)"
    assert md_url("data:text/html,<b>") == "data:text/html,\\<b\\>"
