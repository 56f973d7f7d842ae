"""Positions: the dsl's 1-based line/column (in characters) to LSP's 0-based line/character (UTF-16).

A diagnostic's range runs from the CLI's `file:line:col` to the end of the offending word: the
span's own end when it has one on that line, else the word that starts at the column.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from peacecheck.dsl.diagnostics import Span

# A word as the language writes it: a term path (or wildcard), an id with dashes, a number, a date.
WORD = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_\-]*(?:\.(?:[A-Za-z0-9_][A-Za-z0-9_\-]*|\*))*")


@dataclass(frozen=True)
class Place:
    """0-based line and UTF-16 character, as LSP counts them."""

    line: int
    character: int


def lines_of(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def utf16(line: str, column: int) -> int:
    """The UTF-16 offset of a 0-based character index in `line`."""
    head = line[:column]
    return column + sum(1 for c in head if ord(c) > 0xFFFF)


def from_utf16(line: str, character: int) -> int:
    """The 0-based character index of a UTF-16 offset in `line`."""
    count = 0
    for index, c in enumerate(line):
        if count >= character:
            return index
        count += 2 if ord(c) > 0xFFFF else 1
    return len(line)


def span_range(span: Span, lines: list[str]) -> tuple[Place, Place]:
    """The range of a span in a document's lines: start at its column, end at its end or its word's end."""
    line = max(span.line, 1) - 1
    text = lines[line] if line < len(lines) else ""
    start = max(span.column, 1) - 1
    if span.end_line == span.line and span.end_column > span.column:
        end = span.end_column - 1
    else:
        found = WORD.match(text, start)
        end = found.end() if found else min(start + 1, len(text))
    return Place(line, utf16(text, start)), Place(line, utf16(text, max(end, start)))


def word_at(lines: list[str], line: int, character: int) -> tuple[str, int, int] | None:
    """The word under an LSP position, with its 0-based start and end characters (in the line's indices)."""
    if not 0 <= line < len(lines):
        return None
    text = lines[line]
    index = from_utf16(text, character)
    for found in WORD.finditer(text):
        if found.start() <= index <= found.end():
            return found.group(), found.start(), found.end()
    return None


# `PATH = `, `PATH >= `, `PATH in [a, `, `PATH has any [`: the term whose value comes next.
_LEFT_PATH = re.compile(r"([A-Za-z_][\w.]*(?:\.\*)?)\s*(?:==|!=|<=|>=|<|>|=|\s+in\s*\[[^\]]*|\s+has(?:\s+(?:any|all)\s*"
                        r"\[[^\]]*)?|=\s*\[[^\]]*)\s*(?:,\s*)?$")


def path_on_left(before: str) -> str:
    """The term path a value being typed after `before` belongs to, or ''."""
    found = _LEFT_PATH.search(before)
    return found.group(1) if found else ""


def blank_strings(text: str) -> str:
    """The line with strings (closed or not) and comments blanked, same length: only code is left."""
    return re.sub(r'"(?:[^"\\]|\\.)*(?:"|$)|#.*$', lambda found: " " * len(found.group()), text)
