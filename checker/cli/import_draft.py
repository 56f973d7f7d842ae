"""`peacecheck import DRAFT.docx|.md|.txt`: a numbered draft as mediators write it -> a `.peace` skeleton.

This module reads the draft's bytes (Word paragraphs, or UTF-8 text); the importer core turns the text
into the skeleton. The skeleton is written atomically, next to the draft unless -o says where, and never
over an existing file.
"""
from __future__ import annotations

import os
from pathlib import Path

import click

from peacecheck.checker.cli.shell import EXIT_OK, fail, run_guarded
from peacecheck.checker.files import read_input

TEXT_SUFFIXES = (".md", ".markdown", ".txt")


@click.command("import")
@click.argument("draft", type=click.Path(dir_okay=False), metavar="DRAFT")
@click.option("-o", "--output", metavar="FILE.peace", help="Where to write (default: DRAFT with .peace, same folder).")
@click.option("--vocabulary", "vocabulary_path", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="The vocabulary to suggest terms from (default: the only .vocab in a vocab/ folder above the draft).")
def import_draft(draft: str, output: str | None, vocabulary_path: str | None) -> None:
    """Turn a numbered draft (.docx, .md or .txt) into a .peace skeleton: clause ids from the numbering
    ("1.", "21(a)", "Point 12 -", numbered headings), titles, the text verbatim, the title and date
    in the header, and suggested terms as `# suggest:` comments to confirm.

    Exit codes: 0 written, 2 usage or input error (nothing written).
    """
    def body() -> int:
        from peacecheck.checker.importer import outline, skeleton

        target = Path(output) if output else Path(draft).with_suffix(".peace")
        if target.exists() or target.is_symlink():
            fail("PC642", f"refusing to overwrite '{target}': import never overwrites", str(target))
        found = outline(_draft_text(draft))
        if not found.points:
            fail("PC641", f"no numbered points found in '{draft}'", draft)
        vocabulary_file = Path(vocabulary_path) if vocabulary_path else _find_vocabulary(Path(draft))
        vocabulary = _load_vocabulary(vocabulary_file) if vocabulary_file else None
        relative = os.path.relpath(vocabulary_file, target.parent.resolve()) if vocabulary_file else "CHANGE-ME.vocab"
        text = skeleton(found, vocabulary, relative.replace(os.sep, "/"), Path(draft).name)
        _write_new(target, text)
        click.echo(f"wrote {target}: {len(found.points)} clauses" + ("" if vocabulary else
                   "; no vocabulary found, so no term suggestions (use --vocabulary FILE)"), err=True)
        return EXIT_OK

    run_guarded(body)


def _draft_text(path: str) -> str:
    suffix = Path(path).suffix.lower()
    data = read_input(path)
    if suffix == ".docx":
        return docx_text(data, path)
    if suffix not in TEXT_SUFFIXES:
        fail("PC640", f"cannot import '{path}': not a .docx, .md or .txt file", path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        fail("PC640", f"cannot import '{path}': not valid UTF-8 text", path)


def docx_text(data: bytes, path: str) -> str:
    """A Word document as numbered text: headings as Markdown headings, Word's automatic list numbers
    (not stored in the text) counted the way Word shows them: 1, 2, 3 at the top level, a, b, c below."""
    import io
    import zipfile

    try:
        import docx
    except ImportError:
        fail("PC608", "reading .docx needs python-docx: pip install 'peacecheck[docx]'", path)
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        fail("PC640", f"cannot import '{path}': not a readable Word document ({exc})", path)
    lines, counters = [], {}
    for paragraph in document.paragraphs:
        lines.append(_paragraph_line(paragraph, counters))
        lines.append("")
    return "\n".join(lines)


def _paragraph_line(paragraph, counters: dict[int, int]) -> str:
    text = paragraph.text
    style = (paragraph.style.name or "") if paragraph.style is not None else ""
    level = _list_level(paragraph)
    if level is not None and text.strip():
        counters[level] = counters.get(level, 0) + 1
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]
        mark = f"{counters[level]}." if level == 0 else f"({chr(ord('a') + (counters[level] - 1) % 26)})"
        text = f"{mark} {text}"
    if style == "Title" or style.startswith("Heading"):
        depth = 1 if style == "Title" else min(6, 1 + int(style.split()[-1]) if style.split()[-1].isdigit() else 2)
        return "#" * depth + " " + text
    return text


def _list_level(paragraph) -> int | None:
    """The list level of an automatically numbered paragraph (w:numPr, or a List Number style), else None."""
    ppr = paragraph._p.pPr
    if ppr is not None and ppr.numPr is not None and ppr.numPr.ilvl is not None:
        return int(ppr.numPr.ilvl.val)
    name = paragraph.style.name if paragraph.style is not None else ""
    if name.startswith("List Number"):
        tail = name.removeprefix("List Number").strip()
        return int(tail) - 1 if tail.isdigit() else 0
    return None


def _find_vocabulary(draft: Path) -> Path | None:
    for folder in draft.resolve().parents:
        candidates = sorted((folder / "vocab").glob("*.vocab")) if (folder / "vocab").is_dir() else []
        if len(candidates) == 1:
            return candidates[0]
        if (folder / ".git").exists():
            return None
    return None


def _load_vocabulary(path: Path):
    from peacecheck.checker.files import DiskLoader, display_path, project_root
    from peacecheck.dsl.api import load_vocabulary

    if not path.is_file():
        fail("PC020", f"cannot read '{path}': no such file", str(path))
    return load_vocabulary(display_path(path), DiskLoader(project_root(path.parent)))


def _write_new(target: Path, text: str) -> None:
    from peacecheck.checker.files import write_atomic

    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():  # created meanwhile: still never overwrite
        fail("PC642", f"refusing to overwrite '{target}': import never overwrites", str(target))
    try:
        write_atomic(target, text.encode("utf-8"))
    except OSError as exc:
        fail("PC120", f"cannot write '{target}': {exc.strerror or exc}", str(target))
