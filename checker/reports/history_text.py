"""A History as text: the drafts in order, each party's objections per draft, how they moved, and the topics.

The shared wording of the history formats lives here too (Markdown and HTML import it).
"""
from __future__ import annotations

from peacecheck.checker.history import History, Movement, Row, Step
from peacecheck.checker.reports import wording
from peacecheck.checker.reports.check_text import Styler
from peacecheck.checker.reports.escape import terminal_safe

# One letter per verdict in the topic grid; a topic a draft does not address is '-'.
VERDICT_LETTER = {"reject": "R", "concern": "C", "accept": "A", "silent": "."}
ABSENT = "-"
CHANGE_WORDS = {"resolved": "resolved", "appeared": "appeared", "stayed": "stayed",
                "dropped": "gone with its clause (not in this draft)"}
BASE_WORDS = {"revises": "revises", "previous": "after (its `revises` is not in this round)", "first": ""}
TALLY_NOTE = ("hard = clauses rejected + hard requirements missing; "
              "soft = clauses with a concern + soft requirements missing")
GRID_NOTE = "R reject, C concern, A accept, . silent, - the draft has no clause on this topic"


def draft_label(result: History, index: int) -> str:
    """'2 (e3-counter.peace)': a draft's number in reading order (from 1) and its file name."""
    return f"{index + 1} ({result.drafts[index].file.rsplit('/', 1)[-1]})"


def where(mv: Movement) -> str:
    """'6 -> 4', 'in 5', or 'proposal as a whole'."""
    if mv.level == "proposal":
        return "proposal as a whole"
    if mv.change in ("dropped", "resolved") and not mv.after:
        return "in " + ", ".join(mv.before)
    if not mv.before:
        return "in " + ", ".join(mv.after)
    return f"{', '.join(mv.before)} -> {', '.join(mv.after)}"


def movement_line(mv: Movement) -> str:
    kind = "objection" if mv.severity == "hard" else "concern"
    return f"{kind} {CHANGE_WORDS[mv.change]}: {mv.rule} {mv.title} ({where(mv)})"


def cell_letters(row: Row, draft: int, parties: list[str]) -> str:
    cell = row.cells[draft]
    if cell is None:
        return ABSENT * len(parties)
    return "".join(VERDICT_LETTER[cell.verdicts[p]] for p in parties)


def step_counts(step: Step, party: str) -> dict[str, int]:
    return {change: len(step.of(party, change)) for change in CHANGE_WORDS}


def render(result: History, colour: bool = False) -> str:
    style = Styler(colour)
    parts = [_header(result, style), _tallies(result, style), _steps(result, style), _grid(result, style)]
    return terminal_safe("\n".join(parts))


def _header(result: History, style: Styler) -> str:
    lines = [style(f"History of {wording.count(len(result.drafts), 'draft')}", bold=True)]
    for d in result.drafts:
        base = "" if d.base is None else f"  {BASE_WORDS[d.base_reason]} {d.base + 1}"
        lines.append(f"  {d.index + 1}. {d.date or '(no date)'}  {d.title}  [{d.file}, {wording.count(d.clauses, 'clause')}]{base}")
    rules = ", ".join(f"{p.id} ({wording.count(p.rule_count, 'rule')})" for p in result.parties)
    lines.append(f"  red lines (the same for every draft): {rules}")
    lines += [f"  {wording.set_aside_sentence(s, result.table)}" for s in result.set_aside]
    lines.append(f"  {wording.today_sentence(result)}")
    return "\n".join(lines) + "\n"


def _tallies(result: History, style: Styler) -> str:
    numbers = [str(d.index + 1) for d in result.drafts]
    width = max(len(p.name) for p in result.parties) if result.parties else 5
    lines = [style("Objections per draft", bold=True), f"  ({TALLY_NOTE})",
             "  " + " " * (width + 6) + " ".join(n.rjust(4) for n in numbers)]
    for p in result.parties:
        for kind in ("hard", "soft"):
            values = [getattr(t, kind) for t in result.tallies[p.id]]
            name = p.name if kind == "hard" else ""
            lines.append(f"  {name.ljust(width)}  {kind}  " + " ".join(str(v).rjust(4) for v in values))
    return "\n".join(lines) + "\n"


def _steps(result: History, style: Styler) -> str:
    lines = [style("How the objections moved", bold=True)]
    for step in result.steps:
        lines.append(f"  {draft_label(result, step.draft)} against {draft_label(result, step.base)}")
        for p in result.parties:
            counts = step_counts(step, p.id)
            if not any(counts.values()):
                lines.append(f"    {p.name}: no red line fires in either draft")
                continue
            summary = "; ".join(f"{n} {CHANGE_WORDS[c].split(' (')[0]}" for c, n in counts.items() if n)
            lines.append(f"    {p.name}: {summary}")
            for mv in step.movements:
                if mv.party == p.id and mv.change != "stayed":
                    lines.append(f"      {movement_line(mv)}")
    return "\n".join(lines) + "\n"


def _grid(result: History, style: Styler) -> str:
    parties = [p.id for p in result.parties]
    heading = "/".join(parties)
    lines = [style("Topics across the drafts", bold=True),
             f"  (each cell: the worst verdict per party, in the order {heading}; {GRID_NOTE})"]
    cols = len(parties) + 1
    lines.append("  " + " ".join(str(d.index + 1).ljust(cols) for d in result.drafts) + " topic")
    for row in result.rows:
        cells = " ".join(cell_letters(row, d.index, parties).ljust(cols) for d in result.drafts)
        ids = next((c.clauses for c in row.cells if c is not None), ())
        lines.append(f"  {cells} {', '.join(ids)} {row.title}")
    return "\n".join(lines) + "\n"
