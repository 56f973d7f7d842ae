"""A History as one self-contained page: a step chart per party and a topic x draft heat map, in inline SVG.

Every mark is also text: each point and cell carries a <title> and a printed letter or number, and tables
below repeat the data. Colours differ in lightness too, so the page reads in greyscale. Geometry is
computed here; the template only places it (autoescaped, nothing from the input is marked safe).
"""
from __future__ import annotations

from dataclasses import dataclass

from peacecheck.checker.history import History, Row
from peacecheck.checker.reports import wording
from peacecheck.checker.reports.history_text import (
    ABSENT,
    CHANGE_WORDS,
    GRID_NOTE,
    TALLY_NOTE,
    VERDICT_LETTER,
    draft_label,
    movement_line,
    step_counts,
)
from peacecheck.checker.reports.html import inline_assets, jinja_environment, peacecheck_version, static
from peacecheck.checker.reports.wording import state_label

# Chart geometry (SVG user units).
CHART_W, CHART_H, PAD_L, PAD_R, PAD_T, PAD_B = 360, 170, 34, 14, 18, 34
# Heat map geometry: one square per party inside each draft's column group.
SQ, GAP, LABEL_W, HEAD_H = 17, 10, 330, 40


@dataclass(frozen=True)
class Point:
    party: str
    draft: int
    kind: str  # hard or soft
    value: int
    x: float
    y: float
    title: str


@dataclass(frozen=True)
class Chart:
    party: str
    name: str
    points: tuple[Point, ...]
    paths: dict[str, str]  # kind -> step path
    ticks: tuple[tuple[int, float], ...]  # y ticks: value, y
    xs: tuple[tuple[int, float], ...]  # draft index, x


@dataclass(frozen=True)
class Square:
    row: str
    draft: int
    party: str
    verdict: str  # a verdict, or "absent"
    letter: str
    x: float
    y: float
    title: str


def render(result: History) -> str:
    top = max([max(t.hard, t.soft) for ts in result.tallies.values() for t in ts] + [1])
    context = {
        "h": result, "version": peacecheck_version(),
        "notes": [*(wording.set_aside_sentence(s, result.table) for s in result.set_aside), wording.today_sentence(result)], "charts": [_chart(result, p.id, p.name, top) for p in result.parties],
        "heat": _heat(result), "chart_w": CHART_W, "chart_h": CHART_H, "sq": SQ,
        "tally_note": TALLY_NOTE, "grid_note": GRID_NOTE, "change_words": CHANGE_WORDS,
        "draft_label": lambda i: draft_label(result, i), "movement_line": movement_line,
        "step_counts": step_counts, "letters": _letters, "party_ids": [p.id for p in result.parties],
        **inline_assets(static("history.css")),
    }
    return jinja_environment().get_template("history.html.j2").render(context)


def _x(draft: int, count: int) -> float:
    span = CHART_W - PAD_L - PAD_R
    return round(PAD_L + (span * draft / (count - 1) if count > 1 else span / 2), 1)


def _y(value: int, top: int) -> float:
    return round(PAD_T + (CHART_H - PAD_T - PAD_B) * (1 - value / top), 1)


def _chart(result: History, party: str, name: str, top: int) -> Chart:
    count = len(result.drafts)
    points, paths = [], {}
    for kind in ("hard", "soft"):
        coords = []
        for k, tally in enumerate(result.tallies[party]):
            value = getattr(tally, kind)
            x, y = _x(k, count), _y(value, top)
            coords.append((x, y))
            word = "hard objections" if kind == "hard" else "soft concerns"
            points.append(Point(party, k, kind, value, x, y, f"{name}, draft {draft_label(result, k)}: {value} {word}"))
        paths[kind] = _step_path(coords)
    step = max(1, -(-top // 4))
    ticks = tuple((v, _y(v, top)) for v in range(0, top + 1, step))
    return Chart(party, name, tuple(points), paths, ticks, tuple((k, _x(k, count)) for k in range(count)))


def _step_path(coords: list[tuple[float, float]]) -> str:
    """A step line: level until the next draft, then up or down (counts change at a draft, not between)."""
    if not coords:
        return ""
    out = [f"M{coords[0][0]} {coords[0][1]}"]
    for (x0, y0), (x1, y1) in zip(coords, coords[1:]):
        out.append(f"H{x1} V{y1}")
    return " ".join(out)


def _heat(result: History) -> dict:
    parties = [p.id for p in result.parties]
    names = {p.id: p.name for p in result.parties}
    group = len(parties) * SQ + GAP
    squares = []
    for r, row in enumerate(result.rows):
        y = HEAD_H + r * SQ
        for d in result.drafts:
            cell = row.cells[d.index]
            for n, party in enumerate(parties):
                x = LABEL_W + d.index * group + n * SQ
                verdict = cell.verdicts[party] if cell is not None else "absent"
                squares.append(Square(row.key, d.index, party, verdict, _letter(verdict), x, y,
                                      _cell_title(result, row, d.index, names[party], verdict)))
    columns = [(d.index, LABEL_W + d.index * group, f"{d.index + 1} · {d.date[5:] or '?'}", draft_label(result, d.index))
               for d in result.drafts]  # the short head (number, month-day) fits the group; the title has the file
    return {"squares": squares, "columns": columns, "parties": parties, "group": group,
            "width": LABEL_W + len(result.drafts) * group, "height": HEAD_H + len(result.rows) * SQ + 4,
            "rows": [(HEAD_H + r * SQ, row) for r, row in enumerate(result.rows)], "label_w": LABEL_W}


def _letter(verdict: str) -> str:
    return ABSENT if verdict == "absent" else VERDICT_LETTER[verdict]


def _cell_title(result: History, row: Row, draft: int, party: str, verdict: str) -> str:
    cell = row.cells[draft]
    if cell is None:
        return f"{row.title}: draft {draft_label(result, draft)} has no clause on this topic"
    return f"{row.title}: draft {draft_label(result, draft)}, clause {', '.join(cell.clauses)}: {party} {state_label(verdict).word}"


def _letters(row: Row, draft: int, parties: list[str]) -> list[tuple[str, str]]:
    cell = row.cells[draft]
    if cell is None:
        return []
    return [(p, cell.verdicts[p]) for p in parties]
