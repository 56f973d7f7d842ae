"""A History as Markdown: the same content as the text form, as tables and lists (input text escaped)."""
from __future__ import annotations

from peacecheck.checker.history import History
from peacecheck.checker.reports import wording
from peacecheck.checker.reports.escape import md_cell, md_code, md_text
from peacecheck.checker.reports.history_text import (
    BASE_WORDS,
    CHANGE_WORDS,
    GRID_NOTE,
    TALLY_NOTE,
    cell_letters,
    draft_label,
    movement_line,
    step_counts,
)


def render(result: History) -> str:
    blocks = [_header(result), _tallies(result), _steps(result), _grid(result)]
    return "\n\n".join(blocks) + "\n"


def _header(result: History) -> str:
    lines = [f"# History of {wording.count(len(result.drafts), 'draft')}", ""]
    for d in result.drafts:
        base = "" if d.base is None else f" ({md_text(BASE_WORDS[d.base_reason].replace('`', ''))} {d.base + 1})"
        lines.append(f"{d.index + 1}. {md_text(d.date or '(no date)')} **{md_text(d.title)}** {md_code(d.file)}, "
                     f"{wording.count(d.clauses, 'clause')}{base}")
    rules = ", ".join(f"{md_code(p.id)} ({wording.count(p.rule_count, 'rule')})" for p in result.parties)
    lines += ["", f"Red lines, the same for every draft: {rules}."]
    lines += ["", *(md_text(wording.set_aside_sentence(s, result.table)) for s in result.set_aside),
              md_text(wording.today_sentence(result))]
    return "\n".join(lines)


def _tallies(result: History) -> str:
    head = " | ".join(str(d.index + 1) for d in result.drafts)
    lines = ["## Objections per draft", "", md_text(TALLY_NOTE) + ".", "",
             f"| party | count | {head} |", "|---|---|" + "---:|" * len(result.drafts)]
    for p in result.parties:
        for kind in ("hard", "soft"):
            values = " | ".join(str(getattr(t, kind)) for t in result.tallies[p.id])
            lines.append(f"| {md_cell(p.name)} | {kind} | {values} |")
    return "\n".join(lines)


def _steps(result: History) -> str:
    lines = ["## How the objections moved"]
    for step in result.steps:
        lines += ["", f"### {md_text(draft_label(result, step.draft))} against {md_text(draft_label(result, step.base))}", ""]
        for p in result.parties:
            counts = step_counts(step, p.id)
            if not any(counts.values()):
                lines.append(f"- **{md_text(p.name)}**: no red line fires in either draft")
                continue
            summary = "; ".join(f"{n} {CHANGE_WORDS[c].split(' (')[0]}" for c, n in counts.items() if n)
            lines.append(f"- **{md_text(p.name)}**: {md_text(summary)}")
            lines += [f"  - {md_text(movement_line(mv))}" for mv in step.movements
                      if mv.party == p.id and mv.change != "stayed"]
    return "\n".join(lines)


def _grid(result: History) -> str:
    parties = [p.id for p in result.parties]
    head = " | ".join(str(d.index + 1) for d in result.drafts)
    lines = ["## Topics across the drafts", "",
             md_text(f"Each cell: the draft's clauses on the topic and the worst verdict per party, in the order "
                     f"{'/'.join(parties)} ({GRID_NOTE})."), "",
             f"| topic | {head} |", "|---|" + "---|" * len(result.drafts)]
    for row in result.rows:
        cells = []
        for d in result.drafts:
            cell = row.cells[d.index]
            cells.append("-" if cell is None else md_code(f"{', '.join(cell.clauses)}: {cell_letters(row, d.index, parties)}", True))
        lines.append(f"| {md_cell(row.title)} | {' | '.join(cells)} |")
    return "\n".join(lines)
