"""Display width in a terminal: CJK ideographs and most emoji take two columns, combining marks none.

For tables in text reports (check, diff, solve): `str.ljust` pads by characters, so a Chinese or
emoji title pushed every later column out of line. No dependency: unicodedata's East Asian Width.
"""
from __future__ import annotations

import unicodedata


def char_width(ch: str) -> int:
    if ch.isascii():
        return 1 if ch.isprintable() else 0
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0  # accents, zero-width joiners and marks ride on the character before them
    if ch == "\ufe0f":
        return 1  # emoji presentation selector: the symbol before it turns two columns wide
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def display_width(text: str) -> int:
    """Columns `text` takes in a monospace terminal."""
    if text.isascii() and text.isprintable():
        return len(text)
    return sum(map(char_width, text))


def pad(text: str, width: int) -> str:
    """`text` followed by spaces up to `width` columns (like str.ljust, by display width)."""
    return text + " " * max(0, width - display_width(text))


def cut(text: str, width: int) -> str:
    """`text` shortened to at most `width` columns, ending with '…' when cut."""
    if display_width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = char_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"
