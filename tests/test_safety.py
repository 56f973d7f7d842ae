"""No output can attack its reader: hostile text in the input stays inert in every format.

The input carries terminal escapes (raw and as \\u escapes), C1 controls, bidirectional overrides,
HTML and Markdown markup, `javascript:` URLs and GitHub workflow commands, in every place a string
can go: proposal and clause titles and text, options, acknowledgements, party names, rule titles,
explanations, sources and their URLs.
"""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from click.testing import CliRunner

from peacecheck.checker.cli import main
from peacecheck.checker.reports.formats import RENDERERS, load_object
from peacecheck.checker.evaluation.evaluate import check
from peacecheck.checker.files import DiskLoader, load_inputs

# Raw ESC and BEL in the file, and the same again through the language's own \u escapes.
EVIL = ('\x1b[2J\x1b]0;owned\x07 \\u001b[31mred\\u001b[0m \\u009b6n \\u202egnp.exe\\u202c \\u0000 '
        '<script>alert(1)</script> <img src=x onerror=alert(1)> [click](javascript:alert(1)) '
        '\\n::error::injected\\n# heading\\n| a | b |')
EVIL_URL = "javascript:alert(document.cookie)"
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
SGR = re.compile("\x1b\\[[0-9;]*m")  # the colours the text report itself uses
NONCHARACTER = re.compile("[\ufdd0-\ufdef\ufffe\uffff\U0010fffe\U0010ffff]")  # html5lib flags these too


@pytest.fixture
def hostile(tmp_path, monkeypatch) -> Path:
    for sub in ("vocab", "redlines", "proposals"):
        (tmp_path / sub).mkdir()
    (tmp_path / "vocab" / "v.vocab").write_text(
        f'vocabulary "{EVIL}"\ntype level = scale(none < low < high)\n'
        f'term land.north : level "{EVIL}"\nterm free.remark : text "{EVIL}"\nterm army.cap : number\n')
    (tmp_path / "redlines" / "evil.redlines").write_text(
        f'party evil "{EVIL}"\nvocabulary "../vocab/v.vocab"\nnote "{EVIL}"\n'
        f'source s {{ title "{EVIL}" publication "{EVIL}" url "{EVIL_URL}" date "{EVIL}" seed "{EVIL}" }}\n'
        f'rule E-1 "{EVIL}" {{\n  severity hard\n  when land.north >= low\n  because "{EVIL}"\n  cite s "{EVIL}"\n}}\n'
        f'rule E-2 "{EVIL}" {{\n  severity soft\n  when free.remark == "{EVIL}"\n  because "{EVIL}"\n  cite s\n}}\n'
        f'require E-3 "{EVIL}" {{\n  severity hard\n  that army.cap > 5\n  because "{EVIL}"\n  cite s\n}}\n')
    (tmp_path / "proposals" / "evil.peace").write_text(
        f'proposal "{EVIL}"\nvocabulary "../vocab/v.vocab"\nversion "{EVIL}"\ndrafted_by "{EVIL}"\n'
        f'note "{EVIL}"\nsource "{EVIL}"\nrevises "{EVIL}"\nparties evil\n\n'
        f'clause 1 "{EVIL}" {{\n  text """\n    {EVIL}\n  """\n  note "{EVIL}"\n  land.north = high\n'
        f'  free.remark = "{EVIL}"\n  acknowledge evil E-2 "{EVIL}"\n'
        f'  option a "{EVIL}" {{ text "{EVIL}" }}\n  option b "{EVIL}" {{ land.north = none }}\n}}\n'
        f'clause 2 "{EVIL}" {{\n  status open "{EVIL}"\n  land.north = low\n}}\n')
    monkeypatch.chdir(tmp_path)
    return tmp_path


def result_of(project: Path):
    inputs = load_inputs(project / "proposals" / "evil.peace", [project / "redlines"], DiskLoader(project))
    return check(inputs.proposal, inputs.vocabulary, inputs.redlines, inputs.digests)


def render(result, fmt: str, **options) -> str:
    return load_object(RENDERERS[fmt])(result, **options)


def test_the_hostile_input_really_carries_its_payload(hostile):
    result = result_of(hostile)
    assert "\x1b[2J" in result.proposal.title and "\x1b[31m" in result.proposal.title
    assert "\x00" in result.proposal.title and "\u202e" in result.proposal.title
    assert result.has_hard_rejection() and result.findings[0].citations[0].url == EVIL_URL


@pytest.mark.parametrize("colour", [False, True])
def test_text_report_passes_no_control_character_to_the_terminal(hostile, colour):
    text = render(result_of(hostile), "text", colour=colour)
    own_colours = SGR.findall(text)
    assert bool(own_colours) == colour
    remaining = SGR.sub("", text)
    assert UNSAFE.findall(remaining) == []
    assert "\\x1b[2J" in remaining and "\\u202e" in remaining, "the payload is shown, escaped"


def test_cli_text_and_error_output_are_inert(hostile):
    runner = CliRunner()
    report = runner.invoke(main, ["proposals/evil.peace"], catch_exceptions=False)
    assert report.exit_code == 1 and UNSAFE.findall(report.stdout) == []
    draft = hostile / "proposals" / "evil.peace"
    original = draft.read_text()
    for broken in (original.replace("land.north = low", f'land.north = "{EVIL}"'),  # PC102 quotes the value
                   original.replace("land.north = low", "land.north = low\n  \x1b[2J\x9b6n\u202e")):  # PC002
        draft.write_text(broken)
        errors = runner.invoke(main, ["proposals/evil.peace"], catch_exceptions=False)
        assert errors.exit_code == 2 and errors.stderr.count(": PC") == 1
        assert UNSAFE.findall(errors.stderr) == [] and "Traceback" not in errors.output


def test_json_is_valid_escapes_controls_and_keeps_the_text_exactly(hostile):
    result = result_of(hostile)
    text = render(result, "json")
    assert re.findall("[\x00-\x1f]", text.replace("\n", "")) == []
    data = json.loads(text)
    assert data["proposal"]["title"] == result.proposal.title
    assert data["findings"][0]["citations"][0]["url"] == EVIL_URL


def test_html_has_no_markup_or_script_url_from_the_input(hostile):
    html = render(result_of(hostile), "html")
    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    hrefs = re.findall(r"""(?:href|src|action)\s*=\s*["']?\s*([^"' >]*)""", html, re.IGNORECASE)
    assert not [h for h in hrefs if h.lower().lstrip().startswith(("javascript:", "data:", "vbscript:"))]
    assert not re.search(r"<[^>]+\son\w+\s*=", re.sub(r"&lt;.*?&gt;", "", html))


def test_markdown_renders_to_no_markup_or_script_link(hostile):
    import cmarkgfm
    from cmarkgfm.cmark import Options

    markdown = render(result_of(hostile), "markdown")
    html = cmarkgfm.markdown_to_html_with_extensions(markdown, options=Options.CMARK_OPT_UNSAFE,
                                                     extensions=["table", "autolink", "strikethrough"])
    assert "<script>" not in html and "<img" not in html
    assert not re.search(r"""href\s*=\s*["']?\s*javascript:""", html, re.IGNORECASE)


def test_github_annotations_cannot_inject_workflow_commands(hostile):
    lines = render(result_of(hostile), "github").splitlines()
    assert lines and all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)
    assert "\r" not in "".join(lines), "a bare CR would end the command early"


def test_sarif_is_valid_json(hostile):
    data = json.loads(render(result_of(hostile), "sarif"))
    assert data["runs"][0]["results"]


def test_junit_is_well_formed_xml(hostile):
    ElementTree.fromstring(render(result_of(hostile), "junit").encode("utf-8"))


def _html_pages(project: Path) -> dict[str, str]:
    """Every HTML page peacecheck makes, through the library (no CLI pass after the renderer)."""
    from peacecheck.checker import diff_drafts, load_project, solve
    from peacecheck.checker import check as check_project
    from peacecheck.checker import render as render_result
    from peacecheck.checker.reports.formats import FORMATS

    draft = project / "proposals" / "evil.peace"
    draft.write_text(draft.read_text().replace('clause 2 "', 'clause 2 "\\uFDD0\\uFFFF\U0010FFFF ', 1))  # noncharacters
    older = project / "proposals" / "older.peace"
    older.write_text(draft.read_text().replace("land.north = low", "land.north = none"))
    loaded = load_project(draft)
    return {"check": render_result(check_project(loaded), "html"),
            "diff": render_result(diff_drafts(older, draft), "html"),
            "solve": load_object(FORMATS["solve"]["html"])(solve(loaded))}


def test_no_html_page_carries_a_raw_control_character(hostile):
    """html5lib and browsers flag raw C0/C1 controls; each page shows U+FFFD in their place."""
    pages = _html_pages(hostile)
    for name, page in pages.items():
        assert UNSAFE.findall(page) == [], name
        assert NONCHARACTER.findall(page) == [], name
        assert "\ufffd[2J" in page, f"{name}: the payload is shown, its ESC replaced"


@pytest.mark.parametrize("args", [["check", "--format", "html", "proposals/evil.peace"],
                                  ["diff", "--format", "html", "proposals/older.peace", "proposals/evil.peace"],
                                  ["solve", "--format", "html", "proposals/evil.peace"]])
def test_cli_html_pages_carry_no_raw_control_character(hostile, args):
    draft = hostile / "proposals" / "evil.peace"
    (hostile / "proposals" / "older.peace").write_text(draft.read_text().replace("land.north = low", "land.north = none"))
    page = CliRunner().invoke(main, args, catch_exceptions=False)
    assert page.exit_code in (0, 1) and page.stdout.startswith("<!DOCTYPE html>")
    assert UNSAFE.findall(page.stdout) == []
