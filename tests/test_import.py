"""peacecheck import: numbering styles, the round trip through a plain rendering of every shipped draft,
term suggestions measured on the shipped drafts, .docx input, and never overwriting."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from peacecheck.checker.importer import outline, skeleton, suggest

REPO = Path(__file__).resolve().parents[1]
SHIPPED = ["us-28-point", "e3-counter", "europe-24", "geneva-19", "miami"]


def peacecheck(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "peacecheck.checker", *args], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, "NO_COLOR": "1"}, check=False)


def rendering(proposal, markdown: bool = True) -> str:
    """A plain rendering of a draft as a mediator would write it: '1.', '21(a)', 'Point army -'."""
    lines = [("# " if markdown else "") + proposal.title, proposal.date.strftime("%d %B %Y"), ""]
    for c in proposal.clauses:
        if re.fullmatch(r"\d+", c.id):
            head = f"{c.id}. {c.title}"
        elif re.fullmatch(r"\d+\.[a-z]", c.id):
            head = "{}({}) {}".format(*c.id.split("."), c.title)
        else:
            head = f"Point {c.id} - {c.title}"
        lines += [("## " if markdown else "") + head, "", c.text, ""]
    return "\n".join(lines)


def load(name: str):
    from peacecheck.checker.project import read_proposal

    return read_proposal(REPO / "proposals" / f"{name}.peace")


@pytest.mark.parametrize("line, clause_id, rest", [
    ("1. Sovereignty", "1", "Sovereignty"), ("12) Elections", "12", "Elections"),
    ("21(a) Crimea", "21.a", "Crimea"), ("21 (b) Kherson", "21.b", "Kherson"), ("21.c Others", "21.c", "Others"),
    ("Point 12 - The plant", "12", "The plant"), ("Article 5: Guarantees", "5", "Guarantees"),
    ("## 7. NATO", "7", "NATO"), ("**3.** Bold", "3", "Bold"), ("Point ceasefire - First", "ceasefire", "First"),
])
def test_numbering_styles(line, clause_id, rest):
    points = outline(f"Title\n\n{line}\nBody text.\n").points
    assert [(p.id, p.title, p.text) for p in points] == [(clause_id, rest, "Body text.")]


def test_letters_belong_to_the_point_above_and_wrapped_lines_are_not_points():
    draft = "T\n\n10. Guarantee\nThe US guarantees.\n(a) Paid.\nb) Void on attack.\n5. Models\nguarantees modelled on\nArticle 5. If Russia invades.\n"
    points = outline(draft).points
    assert [p.id for p in points] == ["10", "10.a", "10.b", "5"]
    assert points[-1].text == "guarantees modelled on\nArticle 5. If Russia invades."


@pytest.mark.parametrize("name", SHIPPED)
def test_round_trip_keeps_ids_titles_and_text(name, dict_loader):
    from peacecheck.dsl.api import load_proposal

    proposal, vocabulary, _ = load(name)
    draft = outline(rendering(proposal))
    assert (draft.title, draft.date) == (proposal.title, proposal.date)
    text = skeleton(draft, vocabulary, "v.vocab", f"{name}.md")
    vocab_text = (REPO / vocabulary.file).read_text(encoding="utf-8")
    back, _ = load_proposal("p/x.peace", dict_loader({"p/x.peace": text, "p/v.vocab": vocab_text}))
    assert [(c.id, c.title, c.text) for c in back.clauses] == [(c.id, c.title, c.text) for c in proposal.clauses]
    assert all(not c.terms for c in back.clauses)  # suggestions are comments, never live terms


def test_plain_text_round_trip_of_the_28_points():
    proposal, _, _ = load("us-28-point")
    points = outline(rendering(proposal, markdown=False)).points
    assert [(p.id, p.title, p.text) for p in points] == [(c.id, c.title, c.text) for c in proposal.clauses]


def measure() -> dict[str, float]:
    """Strip the terms of every shipped draft, import its rendering, and compare the suggestions."""
    stated_n = suggested_n = exact = path_hits = 0
    for name in SHIPPED:
        proposal, vocabulary, _ = load(name)
        for clause, point in zip(proposal.clauses, outline(rendering(proposal)).points):
            stated = {(a.path, a.value.show()) for a in [*clause.terms, *(a for o in clause.options for a in o.terms)]}
            found = suggest(point.title, point.text, vocabulary)
            stated_n, suggested_n = stated_n + len(stated), suggested_n + len(found)
            exact += sum((s.path, s.value) in stated for s in found)
            path_hits += len({p for p, _ in stated} & {s.path for s in found})
    return {"precision": exact / suggested_n, "recall": exact / stated_n,
            "path_precision": path_hits / suggested_n, "path_recall": path_hits / stated_n}


def test_suggestions_measured_on_the_shipped_drafts():
    """The figures docs/word.md reports (a floor: a change that makes them worse should be noticed)."""
    scores = measure()
    assert scores["precision"] >= 0.55 and scores["recall"] >= 0.50
    assert scores["path_precision"] >= 0.65 and scores["path_recall"] >= 0.60


def test_suggestion_reads_numbers_and_shows_what_matched():
    _, vocabulary, _ = load("us-28-point")
    found = suggest("Army capped", "The Ukrainian armed forces may number no more than 600,000.", vocabulary)
    best = next(s for s in found if s.path == "ukraine.army.personnel_cap")
    assert best.value == "600000"
    assert best.comment().startswith("# suggest: ukraine.army.personnel_cap = 600000  (matched ")


def test_cli_writes_once_and_never_overwrites(tmp_path):
    proposal, _, _ = load("e3-counter")
    draft = tmp_path / "e3.md"
    draft.write_text(rendering(proposal), encoding="utf-8")
    vocab = REPO / "vocab" / "russia-ukraine.vocab"
    done = peacecheck("import", str(draft), "--vocabulary", str(vocab), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    written = (tmp_path / "e3.peace").read_text(encoding="utf-8")
    assert written.count("\nclause ") == len(proposal.clauses) and "# suggest: " in written
    again = peacecheck("import", str(draft), "--vocabulary", str(vocab), cwd=tmp_path)
    assert again.returncode == 2 and "PC642" in again.stderr
    assert (tmp_path / "e3.peace").read_text(encoding="utf-8") == written


def test_cli_errors(tmp_path):
    (tmp_path / "none.txt").write_text("Just prose, no numbers.\n", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"1. \xff\xfe")
    (tmp_path / "x.pdf").write_bytes(b"%PDF")
    codes = [peacecheck("import", name, cwd=tmp_path) for name in ("none.txt", "bad.txt", "x.pdf")]
    assert [c.returncode for c in codes] == [2, 2, 2]
    assert ["PC641" in codes[0].stderr, "PC640" in codes[1].stderr, "PC640" in codes[2].stderr] == [True] * 3
    assert not list(tmp_path.glob("*.peace"))


def test_docx_draft_with_word_numbering(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("Peace framework", style="Title")
    document.add_paragraph("23 December 2025")
    document.add_paragraph("Sovereignty is reaffirmed.", style="List Number")
    document.add_paragraph("Ukraine's army stays at a peacetime level of 800,000.", style="List Number")
    document.add_heading("Point 12 - Zaporizhzhia plant", level=2)
    document.add_paragraph("The plant is run jointly.")
    document.save(tmp_path / "draft.docx")
    done = peacecheck("import", "draft.docx", "-o", "out/draft.peace", "--vocabulary",
                      str(REPO / "vocab" / "russia-ukraine.vocab"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "out" / "draft.peace").read_text(encoding="utf-8")
    assert re.findall(r"^clause (\S+)", text, re.M) == ["1", "2", "12"]
    assert 'proposal "Peace framework"' in text and "date 2025-12-23" in text
    assert "# suggest: ukraine.army.peacetime_level = 800000" in text
