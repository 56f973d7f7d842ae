"""Word out: check and diff as .docx, read back (comments, insertions, deletions), opened by LibreOffice
headless, and the PDF pages rendered with pdftoppm."""
from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def peacecheck(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "peacecheck.checker", *args], capture_output=True, cwd=REPO,
                          env={**os.environ, "NO_COLOR": "1"}, check=False)


@pytest.fixture(scope="module")
def check_result():
    from peacecheck.checker import check, load_project

    return check(load_project(REPO / "proposals" / "miami.peace", today=dt.date(2026, 1, 1), use_config=False))


@pytest.fixture(scope="module")
def diff_result():
    from peacecheck.checker import diff_drafts

    return diff_drafts(REPO / "proposals" / "us-28-point.peace", REPO / "proposals" / "e3-counter.peace",
                       today=dt.date(2026, 1, 1), use_config=False)


def part(data: bytes, name: str):
    from lxml import etree

    return etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read(name))


def expected_comments(result) -> list[tuple[str, str]]:
    """(party name, rule) of every finding the document must carry: clause findings, option findings, proposal-level."""
    names = {p.id: p.name for p in result.parties}
    seen = {}
    for c in result.clauses:
        for f in [*c.findings, *(f for o in c.options for f in o.findings)]:
            seen[(c.id, f.party, f.rule, f.option)] = (names[f.party], f.rule)
    for f in result.proposal_findings:
        seen[(None, f.party, f.rule, None)] = (names[f.party], f.rule)
    return sorted(seen.values())


def test_check_docx_has_one_comment_per_finding_by_its_party(check_result):
    from peacecheck.checker.reports.docx_check import render

    data = render(check_result)
    comments = part(data, "word/comments.xml").findall(f"{W}comment")
    found = sorted((c.get(f"{W}author"), re.match(r"\w+ (\S+)", "".join(c.itertext())).group(1)) for c in comments)
    assert found == expected_comments(check_result)
    body = part(data, "word/document.xml")
    assert len(body.findall(f".//{W}commentRangeStart")) == len(comments)
    # The verdict matrix comes first: a row per clause and a column per party.
    table = body.find(f".//{W}tbl")
    assert len(table.findall(f"{W}tr")) == 1 + len(check_result.clauses)
    assert len(table.find(f"{W}tr").findall(f"{W}tc")) == 2 + len(check_result.parties)


def test_check_docx_comment_says_values_and_citation(check_result):
    from peacecheck.checker.reports.docx_check import render

    comments = part(render(check_result), "word/comments.xml").findall(f"{W}comment")
    finding = next(f for c in check_result.clauses for f in c.findings if f.evidence and f.citations)
    text = next("\n".join("".join(p.itertext()) for p in c.findall(f"{W}p")) for c in comments
                if finding.rule in "".join(c.itertext()))
    assert finding.evidence[0].path in text
    assert "source: " in text and finding.citations[0].publication in text


def test_diff_docx_has_real_tracked_changes(diff_result):
    from peacecheck.checker.reports.docx_diff import render

    body = part(render(diff_result), "word/document.xml")
    inserted = ["".join(e.itertext()) for e in body.iter(f"{W}ins")]
    deleted = ["".join(e.itertext()) for e in body.iter(f"{W}del")]
    want_ins = [s.text for d in diff_result.pairs + diff_result.added for r in (d.title_redline, d.redline)
                for s in r if s.op == "insert"]
    assert len(inserted) >= len(want_ins) > 0 and any("800,000" in t for t in inserted)
    assert any("600,000" in t for t in deleted)
    assert all(e.find(f"{W}r/{W}delText") is not None for e in body.iter(f"{W}del"))
    ids = [e.get(f"{W}id") for e in [*body.iter(f"{W}ins"), *body.iter(f"{W}del")]]
    assert len(ids) == len(set(ids))  # every revision has its own id
    assert {e.get(f"{W}author") for e in body.iter(f"{W}ins")} == {"peacecheck diff"}


def test_docx_bytes_are_deterministic(check_result, diff_result):
    from peacecheck.checker.reports import docx_check, docx_diff

    assert docx_check.render(check_result) == docx_check.render(check_result)
    assert docx_diff.render(diff_result) == docx_diff.render(diff_result)


def test_cli_picks_docx_by_extension_and_refuses_nothing_else(tmp_path):
    out = tmp_path / "report.docx"
    done = peacecheck("check", "proposals/miami.peace", "-o", str(out), "--fail-on", "never")
    assert done.returncode == 0, done.stderr
    assert zipfile.is_zipfile(out) and "word/comments.xml" in zipfile.ZipFile(out).namelist()
    piped = peacecheck("diff", "proposals/us-28-point.peace", "proposals/miami.peace", "--format", "docx")
    assert piped.returncode == 0 and piped.stdout[:2] == b"PK"  # a pipe is no terminal: the bytes go through


def test_libreoffice_opens_both_and_pages_show_comments_and_changes(tmp_path, check_result, diff_result):
    from peacecheck.checker.reports import docx_check, docx_diff

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice and shutil.which("pdftoppm"), "install libreoffice-writer and poppler-utils (.ci/run does)"
    (tmp_path / "check.docx").write_bytes(docx_check.render(check_result))
    (tmp_path / "diff.docx").write_bytes(docx_diff.render(diff_result))
    notes = 'pdf:writer_pdf_Export:{"ExportNotes":{"type":"boolean","value":"true"}}'
    done = subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", notes,
                           "--outdir", str(tmp_path), str(tmp_path / "check.docx"), str(tmp_path / "diff.docx")],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    check_pdf, diff_pdf = (tmp_path / "check.pdf").read_bytes(), (tmp_path / "diff.pdf").read_bytes()
    comments = len(part(docx_check.render(check_result), "word/comments.xml"))
    assert len(re.findall(rb"/Subtype\s*/Text", check_pdf)) == comments  # each comment a PDF note
    text = subprocess.run(["pdftotext", str(tmp_path / "diff.pdf"), "-"], capture_output=True, text=True).stdout
    assert "800,000 in peacetime" in text and "600,000" in text  # inserted and deleted text both shown
    for name in ("check", "diff"):
        subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(tmp_path / f"{name}.pdf"),
                        str(tmp_path / name)], check=True, timeout=60)
        pages = sorted(tmp_path.glob(f"{name}*.png"))
        assert pages
        artifacts = REPO / "tests" / "artifacts"
        artifacts.mkdir(exist_ok=True)
        shutil.copy(pages[0], artifacts / f"docx-{name}-page1.png")  # what a Word user sees, to look at
    assert diff_pdf.startswith(b"%PDF")
