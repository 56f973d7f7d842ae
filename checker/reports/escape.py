"""The last line of defence for every report written as text: no terminal control, no CI command.

Renderers escape what they take from input files; this runs once more on the finished report, so a
renderer that forgets cannot let a proposal's title clear the screen, set the window title, reverse
the text direction, or print a line that a CI runner reads as a workflow command (`::add-mask::`).
"""
from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls (the one-byte CSI 0x9b among them), bidi overrides.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# The colour codes peacecheck itself writes (Select Graphic Rendition only).
_OWN_COLOUR = re.compile(r"\x1b\[[0-9;]*m")
# A line that a CI runner (GitHub Actions, and others copying it) would read as a command.
_WORKFLOW_COMMAND = re.compile(r"^([ \t]*):(?=:)", re.MULTILINE)
ZERO_WIDTH_SPACE = "\u200b"


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: str, keep_width: bool = False) -> str:
    """`text` with its terminal control characters shown as escapes (\\x1b), or as U+FFFD to keep columns."""
    if not _UNSAFE.search(text):
        return text
    if keep_width:
        return _UNSAFE.sub("\ufffd", text)
    return _UNSAFE.sub(_escape, text)


def terminal_text(text: str, colour: bool = False) -> str:
    """Control characters shown as escapes (keeping peacecheck's own colour codes when `colour`),
    and line-initial `::` broken by a zero-width space."""
    if colour:
        parts = _OWN_COLOUR.split(text)
        codes = _OWN_COLOUR.findall(text)
        cleaned = [_UNSAFE.sub(_escape, part) for part in parts]
        text = "".join(piece for pair in zip(cleaned, [*codes, ""]) for piece in pair)
    else:
        text = _UNSAFE.sub(_escape, text)
    return _WORKFLOW_COMMAND.sub(lambda m: m.group(1) + ":" + ZERO_WIDTH_SPACE, text)


# What HTML's parser flags besides: the noncharacters (U+FDD0-U+FDEF, and the last two of every plane).
_NONCHARACTER = "\ufdd0-\ufdef" + "".join(f"{chr(plane * 0x10000 + 0xfffe)}-{chr(plane * 0x10000 + 0xffff)}"
                                          for plane in range(17))
_NOT_MARKUP = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069{_NONCHARACTER}]")


# The same class within the Basic Multilingual Plane only: a short class the regex engine scans ten times
# faster; the full one runs only on text that has characters beyond the BMP at all.
_NOT_MARKUP_BMP = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufdd0-\ufdef\ufffe\uffff]")
_BEYOND_BMP = re.compile("[\U00010000-\U0010ffff]")


def markup_text(text: str) -> str:
    """For HTML and XML pages: raw control characters and noncharacters (never valid there) become U+FFFD."""
    if _BEYOND_BMP.search(text):
        return _NOT_MARKUP.sub("\ufffd", text)
    return _NOT_MARKUP_BMP.sub("\ufffd", text)


def safe_report(text: str, fmt: str, colour: bool = False) -> str:
    """A finished report made safe for where it goes, by format."""
    if fmt in ("html", "junit", "docx"):
        return markup_text(text)
    if fmt in ("json", "sarif", "github"):  # JSON escapes controls itself; `github` output *is* commands
        return text
    return terminal_text(text, colour)


# ------------------------------------------------------------------ Markdown
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>#+!|~&$])")
_LINE_START = re.compile(r"^([-=]|\d+(?=[.)](?:\s|$)))")


def md_text(text: str) -> str:
    """Input text as inert Markdown inline content (one line)."""
    flat = " ".join(text.split())
    escaped = _INLINE_SPECIAL.sub(r"\\\1", flat)
    # A line may not start a list, a setext underline or an ordered item: `- a`, `===`, `1. a`, `1) a`.
    return _LINE_START.sub(lambda match: match.group() + "\\" if match.group()[0].isdigit() else "\\" + match.group(),
                           escaped)


def md_cell(text: str) -> str:
    """Text for a table cell: as md_text (pipes are escaped there too)."""
    return md_text(text)


def md_code(text: str, in_table: bool = False) -> str:
    """A code span that holds `text` literally, whatever backticks it contains."""
    flat = " ".join(text.split("\n"))
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") or (flat.startswith(" ") and flat.strip()) else ""
    body = flat.replace("|", "\\|") if in_table else flat
    return f"{fence}{pad}{body}{pad}{fence}"


def md_link(label: str, target: str) -> str:
    """A link to an anchor of this document (`target` is already URL-safe)."""
    return f"[{label}](#{target})"


def md_words(text: str) -> str:
    """As md_text, for a piece of a line: a space at either end of the piece is kept, not trimmed."""
    if not text.strip():
        return " " if text else ""
    lead = " " if text[0].isspace() else ""
    trail = " " if text[-1].isspace() else ""
    return lead + md_text(text) + trail


def md_paragraphs(text: str) -> str:
    """Input text of several paragraphs (or a piece of them) as one inert Markdown line: each paragraph
    break becomes `<br><br>`, other whitespace one space, edge spaces kept."""
    return "<br><br>".join(md_words(piece) for piece in text.split("\n\n"))
