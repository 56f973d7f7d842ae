"""A numbered draft's structure: its title and date, and its points with ids, titles and text.

Recognised numbering, at the start of a line (after any Markdown heading marks `#` or bold `**`):
`1.` or `1)`; `21(a)`, `21 (a)`, `21.a`, `21a)`; `(a)` or `a)` under a numbered point; `Point 12 -`,
`Point 12:`, `Article 5.`, `Section 3 -` (the id may also be a word: `Point ceasefire -`).
A numbered line followed by body lines, or a Markdown heading, gives the title. A numbered line alone is
the point's text, and the title is made from its first words.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_LEAD = r"^(?:#{1,6}\s+)?(?:\*\*)?\s*"
_NAMED = re.compile(_LEAD + r"(?:point|article|section|clause)\s+([A-Za-z0-9][A-Za-z0-9_.]*?)\s*(?:\*\*)?\s*[-–—:.)]\s*(.*)$", re.I)
_SUB = re.compile(_LEAD + r"(\d{1,3})\s*(?:\(([a-z])\)|\.([a-z])[.)]?|([a-z])\))(?:\*\*)?\s+(.*)$")
_NUMBER = re.compile(_LEAD + r"(\d{1,3})[.)](?:\*\*)?\s+(.*)$")
_LETTER = re.compile(_LEAD + r"\(?([a-z])\)(?:\*\*)?\s+(.*)$")
_HEADING = re.compile(r"^#{1,6}\s+(.*)$")
_MONTHS = {m: i + 1 for i, m in enumerate(["january", "february", "march", "april", "may", "june", "july",
                                             "august", "september", "october", "november", "december"])}
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_DMY = re.compile(r"\b(\d{1,2})\s+([A-Za-z]+)\s+(\d{4})\b")
_MDY = re.compile(r"\b([A-Za-z]+)\s+(\d{1,2}),\s*(\d{4})\b")
TITLE_WORDS = 8  # a title made from a point's text: its first words


@dataclass(frozen=True)
class Point:
    id: str
    title: str
    text: str  # verbatim: lines kept, paragraphs separated by a blank line
    line: int  # where the point starts in the draft (1-based)
    title_from_text: bool = False


@dataclass(frozen=True)
class Outline:
    title: str
    date: dt.date | None
    points: tuple[Point, ...]


def outline(text: str) -> Outline:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    starts = _starts(lines)
    head = lines[: starts[0][0]] if starts else lines
    points = []
    for n, (at, point_id, rest) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        heading = bool(_HEADING.match(lines[at].strip()))
        points.append(_point(point_id, rest, lines[at + 1:end], at + 1, heading))
    return Outline(_title(head), _date(head), tuple(_unique(points)))


def _starts(lines: list[str]) -> list[tuple[int, str, str]]:
    """(line index, clause id, rest of the line) for every numbered line."""
    found, current = [], ""
    for i, raw in enumerate(lines):
        line = raw.strip()
        if i and _continues(lines[i - 1].strip()) and not _HEADING.match(line):
            continue  # "... modelled on\nArticle 5. If Russia ...": a wrapped sentence, not a new point
        hit = _match(line, current)
        if hit:
            point_id, rest = hit
            current = point_id.split(".")[0] if point_id[0].isdigit() else current
            found.append((i, point_id, rest))
    return found


def _continues(previous: str) -> bool:
    """Whether a line runs on into the next: it has words and no closing punctuation."""
    return bool(previous) and not _HEADING.match(previous) and previous[-1] not in ".!?:;)\"”'’*"


def _match(line: str, current: str) -> tuple[str, str] | None:
    m = _NAMED.match(line)
    if m:
        return m.group(1).rstrip("."), m.group(2)
    m = _SUB.match(line)
    if m:
        return f"{m.group(1)}.{m.group(2) or m.group(3) or m.group(4)}", m.group(5)
    m = _NUMBER.match(line)
    if m:
        return m.group(1), m.group(2)
    m = _LETTER.match(line)
    if m and current:
        return f"{current}.{m.group(1)}", m.group(2)
    return None


def _point(point_id: str, rest: str, body: list[str], line: int, heading: bool) -> Point:
    """A heading's words are the title (its text may be empty); a lone numbered line is text."""
    rest = _strip_marks(rest)
    text = _body(body)
    if text or heading:
        return Point(point_id, rest, text, line)
    words = rest.split()
    title = " ".join(words[:TITLE_WORDS]).rstrip(".,;:") + ("…" if len(words) > TITLE_WORDS else "")
    return Point(point_id, title, rest, line, title_from_text=True)


def _body(lines: list[str]) -> str:
    """The lines under a point, verbatim but for surrounding blank lines and outer indentation."""
    kept = [_strip_heading(line).rstrip() for line in lines]
    while kept and not kept[0].strip():
        kept.pop(0)
    while kept and not kept[-1].strip():
        kept.pop()
    indent = min((len(k) - len(k.lstrip()) for k in kept if k.strip()), default=0)
    out, blank = [], False
    for k in kept:
        if not k.strip():
            blank = True
            continue
        if blank and out:
            out.append("")
        blank = False
        out.append(k[indent:])
    return "\n".join(out)


def _strip_heading(line: str) -> str:
    m = _HEADING.match(line.strip())
    return m.group(1) if m else line


def _strip_marks(text: str) -> str:
    return text.strip().removeprefix("**").removesuffix("**").strip()


def _unique(points: list[Point]) -> list[Point]:
    """A repeated id (two lists numbered from 1) gets a suffix, so every clause id is unique."""
    seen: dict[str, int] = {}
    out = []
    for p in points:
        n = seen.get(p.id, 0)
        seen[p.id] = n + 1
        out.append(p if n == 0 else Point(f"{p.id}_{n + 1}", p.title, p.text, p.line, p.title_from_text))
    return out


def _title(head: list[str]) -> str:
    for raw in head:
        line = _strip_marks(_strip_heading(raw.strip()))
        if line and not _only_date(line):
            return line
    return "Imported draft"


def _only_date(line: str) -> bool:
    return _find_date(line) is not None and len(line.split()) <= 5


def _date(head: list[str]) -> dt.date | None:
    for line in head:
        found = _find_date(line)
        if found:
            return found
    return None


def _find_date(line: str) -> dt.date | None:
    for pattern, order in ((_ISO, "ymd"), (_DMY, "dmy"), (_MDY, "mdy")):
        m = pattern.search(line)
        if not m:
            continue
        parts = dict(zip(order, m.groups()))
        month = _MONTHS.get(parts["m"].lower()) if not parts["m"].isdigit() else int(parts["m"])
        try:
            return dt.date(int(parts["y"]), month or 0, int(parts["d"]))
        except (TypeError, ValueError):
            continue
    return None
