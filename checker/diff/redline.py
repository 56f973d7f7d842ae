"""Words and their redlines: tokenising clause text and marking what was inserted and deleted."""
from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

from .matcher import Block, coded, matching_blocks, ratio
from .model import Segment
from .text import (  # noqa: F401 (PARAGRAPH, normalise: this module's public names since before text.py had them)
    _BLANK,
    _PARA,
    ASCII_NUMBER,
    ASCII_WORD,
    IDEOGRAPH,
    NUMBER,
    PARAGRAPH,
    WORD,
    normalise,
    unicode_pattern,
)

# ------------------------------------------------------------------ tokens and redlines
_TOKEN = (
    r"(?P<para>[ \t]*\n[ \t]*(?:\n[ \t]*)+)"  # a blank line: a paragraph break, kept as a token
    r"|(?P<space>\s+)"  # other whitespace (including a soft line break) separates tokens
    r"|(?P<tok>{token}"  # numbers whole, each ideograph alone, words of any script
    r"|\S)")  # any other character on its own
_UNICODE_TOKEN = f"{NUMBER}|{IDEOGRAPH}|{WORD}"
_ASCII_TOKEN = f"{ASCII_NUMBER}|{ASCII_WORD}"  # the same tokens in ASCII text (see text.py)
_ASCII_LEAD_TOKEN = re.compile(f"(\\s*)({_ASCII_TOKEN}|\\S)")
# A paragraph break, or a token with the space before it if any, in normalised text (see `parts`):
# one string per match (no groups, so no tuple per token), and joined they give the text back.
# In ASCII text a word is tried first, from its first character (a digit always starts a number, so
# a word there was never reached), and it never gives back what it matched (++, *+: nothing after it
# could match the letters, apostrophes or hyphens it holds): the same tokens as _ASCII_TOKEN, a quarter faster.
_ASCII_PART = re.compile(f" ?(?:[A-Za-z_]\\w*+(?:['-]\\w++)*+|{ASCII_NUMBER}|\\S)|\n\n")
_UNICODE_PART = f"\n\n| ?(?:{_UNICODE_TOKEN}|\\S)"


def tokenize(text: str) -> list[tuple[str, str]]:
    """(whitespace before, token) pairs; numbers, ids and amounts stay whole; paragraph breaks are tokens."""
    ascii_text = text.isascii()
    if _BLANK.search(text) is None:  # no blank line (most clauses): one pass in C
        lead_token = _ASCII_LEAD_TOKEN if ascii_text else unicode_pattern(f"(\\s*)({_UNICODE_TOKEN}|\\S)")
        found = lead_token.findall(text)
        out = [(" " if space else "", token) for space, token in found]
        if out and out[0][0]:
            out[0] = ("", out[0][1])
        return out
    out: list[tuple[str, str]] = []
    lead = ""
    pattern = unicode_pattern(_TOKEN.format(token=_ASCII_TOKEN if ascii_text else _UNICODE_TOKEN))
    for match in pattern.finditer(text):
        kind = match.lastgroup
        if kind == "space":
            lead = " " if out else ""
        elif kind == "para":
            if out:
                out.append(("", PARAGRAPH))
            lead = ""
        else:
            out.append((lead, match.group()))
            lead = ""
    while out and out[-1][1] == PARAGRAPH:
        out.pop()
    return out


def parts(text: str) -> list[str]:
    """What `tokenize` finds, each token with its space before it: [lead + token for lead, token in tokenize(text)].

    Tokens never hold whitespace, and what a run of it gives (a space, paragraph breaks, both, nothing at
    the ends) is what `normalise` writes for it: the tokens are those of the normalised text, and one
    pass of `findall` over it gives them with their spaces, the breaks as tokens of their own.
    """
    part = _ASCII_PART if text.isascii() else unicode_pattern(_UNICODE_PART)
    return part.findall(normalise(text))


def redline(old: str, new: str) -> tuple[Segment, ...]:
    """A word-level redline: equal, deleted and inserted runs, in reading order."""
    if old == new:
        text = normalise(new)
        return (Segment("equal", text),) if text else ()
    a, b = parts(old), parts(new)
    blocks = _matching_blocks(a, b)
    if blocks is None:  # the same words, spaced differently
        text, before = "".join(b), "".join(a)
        return (Segment("equal", text, before if before != text else None),) if b else ()
    if ratio(blocks, len(a) + len(b)) < 0.2:  # hardly anything in common: a clean replacement reads better than confetti
        blocks = [(len(a), len(b), 0)]
    return tuple(_segments(blocks, a, b))


def _segments(blocks: list[Block], a: list[str], b: list[str]) -> list[Segment]:
    """The runs of the matching blocks: equal where one is, deleted then inserted between two.

    A one-token equal run between two changes is folded into them ('the', ',' alone read as noise), not
    a paragraph break. Blocks are never adjacent: between two there is a change, so folding joins it to the next.
    """
    out: list[Segment] = []
    change_i = change_j = 0  # where the change being gathered starts (the end of the last equal run)
    end_i = end_j = 0  # the end of the last block
    for i, j, size in blocks:
        after_change = i > end_i or j > end_j
        end_i, end_j = i + size, j + size
        last = end_i == len(a) and end_j == len(b)  # nothing after it: no change to fold it into
        if size == 1 and after_change and not last and a[i] != PARAGRAPH:
            continue
        if i > change_i:
            out.append(Segment("delete", "".join(a[change_i:i])))
        if j > change_j:
            out.append(Segment("insert", "".join(b[change_j:j])))
        if size:
            text, before = "".join(b[j:end_j]), "".join(a[i:end_i])
            out.append(Segment("equal", text, before if before != text else None))
        change_i, change_j = end_i, end_j
    return out


def _matching_blocks(a: list[str], b: list[str]) -> list[Block] | None:
    """difflib's matching blocks of the words of two lists of parts (None when the words are the same)."""
    if not a or not b:  # an added or dropped clause: no block but the end marker
        return [(len(a), len(b), 0)] if a or b else None
    words_a = list(map(str.lstrip, a))  # a break strips to '': no word does
    both = coded(words_a, map(str.lstrip, b))
    if both is None:  # more distinct words than there are characters: difflib itself
        words_b = list(map(str.lstrip, b))
        if words_a == words_b:
            return None
        from difflib import SequenceMatcher  # (only here: difflib stays off the diff's import path)

        return [tuple(block) for block in SequenceMatcher(None, words_a, words_b, autojunk=False).get_matching_blocks()]
    if both[0] == both[1]:
        return None
    return matching_blocks(*both)


def side(segments: Iterable[Segment], which: Literal["old", "new"]) -> list[Segment]:
    """The segments one side of a side-by-side view shows."""
    hide = "insert" if which == "old" else "delete"
    out: list[Segment] = []
    for s in segments:
        if s.op == hide:
            continue
        if which == "old" and s.old_text is not None:
            s = Segment("equal", s.old_text)
        elif s.old_text is not None:
            s = Segment("equal", s.text)
        out.append(s)
    return out


