"""The terminal report: readable without colour, coloured when asked to."""
from __future__ import annotations

from peacecheck.checker.evaluation.results import CheckResult, Finding, summarize
from peacecheck.checker.reports import wording
from peacecheck.checker.reports.escape import _UNSAFE, terminal_safe  # noqa: F401  (re-exported)
from peacecheck.checker.reports.width import cut, display_width, pad
from peacecheck.checker.reports.wording import STATES

SYMBOL = {state: label.text for state, label in STATES.items()}
COLOUR = {state: label.colour for state, label in STATES.items()}


# ANSI Select Graphic Rendition codes: the only terminal control peacecheck writes (no click in renderers).
_SGR = {"black": 30, "red": 31, "green": 32, "yellow": 33, "blue": 34, "magenta": 35, "cyan": 36, "white": 37}


class Styler:
    def __init__(self, colour: bool):
        self.colour = colour

    def __call__(self, text: str, fg: str | None = None, bold: bool = False) -> str:
        if not self.colour or (fg is None and not bold):
            return text
        codes = ([f"\x1b[{_SGR[fg]}m"] if fg else []) + (["\x1b[1m"] if bold else [])
        return "".join(codes) + text + "\x1b[0m"


def render(result: CheckResult, colour: bool = False, parties: list[str] | None = None) -> str:
    """The report; input text never reaches the terminal with its control characters (see terminal_safe)."""
    plain = _compose(result, Styler(False))
    if not colour:
        return terminal_safe(plain)  # uncoloured, every control character in it came from the input
    if _UNSAFE.search(plain):
        result = _inert(result)
    return _compose(result, Styler(True))




def _inert(value):
    """A copy of a result (dataclasses, the dsl's models among them, containers) with every string made terminal_safe."""
    import dataclasses

    if isinstance(value, str):
        return terminal_safe(value)
    if isinstance(value, (tuple, list, frozenset)):
        return type(value)(_inert(v) for v in value)
    if isinstance(value, dict):
        return {_inert(k): _inert(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(value, **{f.name: _inert(getattr(value, f.name))
                                             for f in dataclasses.fields(value) if f.init})
    return value


def _compose(result: CheckResult, style: Styler) -> str:
    lines: list[str] = []
    if result.what_if:  # a what-if says so before anything else
        from peacecheck.checker.reports.cli_lines import what_if_lines

        lines += [*what_if_lines(result.what_if), ""]
    lines += _header(result, style)
    lines += _matrix(result, style)
    lines += _findings(result, style)
    lines += _summary(result, style)
    return "\n".join(lines).rstrip() + "\n"


def _header(result: CheckResult, style: Styler) -> list[str]:
    p = result.proposal
    facts = [f"date {p.date.isoformat()}" if p.date else "", f"version {p.version}" if p.version else "",
             f"drafted by {p.drafted_by}" if p.drafted_by else "",
             f"parties at the table: {', '.join(p.parties)}" if p.parties else ""]
    red = ", ".join(wording.party_label(i) for i in result.parties)
    lines = [style(p.title, bold=True) + f"  [{p.file}]", " · ".join(f for f in facts if f), f"Red lines: {red}"]
    lines += [wording.set_aside_sentence(s, p.parties) for s in result.set_aside]
    return lines + [wording.today_sentence(result), ""]


def _matrix(result: CheckResult, style: Styler) -> list[str]:
    ids = [p.id for p in result.parties]
    id_width = max([len(c.id) for c in result.clauses] + [6])
    labels = [c.title for c in result.clauses] + [_option_label(o) for c in result.clauses for o in c.options]
    title_width = min(48, max([display_width(t) for t in labels] + [5])) + 2
    col = max([len(i) for i in ids] + [7]) + 2
    head = "Clause".ljust(id_width) + "  " + "Title".ljust(title_width) + "".join(i.ljust(col) for i in ids)
    lines = [style(head.rstrip(), bold=True)]
    for clause in result.clauses:
        cells = "".join(_cell(clause.state(i), col, style) for i in ids)
        lines.append((clause.id.ljust(id_width) + "  " + pad(_cut(clause.title, title_width - 2), title_width) + cells).rstrip())
        for option in clause.options:
            label = pad(_cut(_option_label(option), title_width - 2), title_width)
            cells = "".join(_cell(option.state(i), col, style) for i in ids)
            lines.append((" " * id_width + "  " + label + cells).rstrip())
    lines.append(wording.legend_text())
    return lines + [""]


def _cell(state: str, width: int, style: Styler) -> str:
    return style(SYMBOL[state].ljust(width), COLOUR[state])


def _option_label(option) -> str:
    return f"  option {option.id}" + (" (default)" if option.default else "")


def _cut(text: str, width: int) -> str:
    return cut(text, width)  # by display width: CJK and emoji titles keep the columns aligned


def _findings(result: CheckResult, style: Styler) -> list[str]:
    lines = [style("Findings", bold=True)]
    if not result.findings and not any(o.findings for c in result.clauses for o in c.options if not o.default):
        return lines + ["  none: no party's red line is crossed", ""]
    names = {p.id: p.name for p in result.parties}
    for clause in result.clauses:
        # Findings that come from the clause's own terms repeat under every option: show them once.
        shown = {(f.party, f.rule) for f in clause.findings}
        extra = [f for o in clause.options if not o.default for f in o.findings if (f.party, f.rule) not in shown]
        if not clause.findings and not extra:
            continue
        lines.append(style(f"clause {clause.id}: {clause.title}", bold=True))
        lines += [line for f in [*clause.findings, *extra] for line in _finding(f, style, names)]
    proposal_level = result.proposal_findings
    if proposal_level:
        lines.append(style(wording.MISSING_HEADING, bold=True))
        lines += [line for f in proposal_level for line in _finding(f, style, names)]
    return lines + [""]


def _finding(f: Finding, style: Styler, names: dict[str, str]) -> list[str]:
    state = wording.finding_state(f)
    label = STATES[state].word if state == "acknowledged" else SYMBOL[state]
    colour = None if state == "acknowledged" else COLOUR[state]
    option = f" [option {f.option}]" if f.option else ""
    out = [f"  {style(label, colour, bold=True)} {f.party} {f.rule} ({f.severity}){option}: {f.rule_title}"]
    out += [f"      {wording.evidence_line(e, f.clause)}" for e in f.evidence]
    if f.related_clauses:
        out.append(f"      together with clause {', '.join(f.related_clauses)}")
    if f.explanation:
        out.append(f"      why: {f.explanation}")
    if f.acknowledged:
        out.append(f"      {wording.acknowledged_line(f.acknowledged)}")
    for c in f.citations:
        out.append(f"      source: {wording.citation_text(c)}")
    out.append(f"      rule at {f.rule_file}:{f.rule_line}")
    return out


def _summary(result: CheckResult, style: Styler) -> list[str]:
    lines = [style("Summary", bold=True)]
    for s in summarize(result):
        if not s.party.has_red_lines:
            lines.append(f"  {s.party.name} ({s.party.id}): {wording.NO_RED_LINES}")
            continue
        bits = [f"rejects {_ids(s.rejects)}", f"concerns {_ids(s.concerns)}", f"accepts {_ids(s.accepts)}"]
        if s.proposal_level:
            bits.append("finds missing: " + "; ".join(f"{f.rule} {f.rule_title}" for f in s.proposal_level))
        if s.acknowledged:
            bits.append(f"{s.acknowledged} acknowledged" + (f" (clauses {_ids(s.acknowledged_clauses)})"
                                                           if s.acknowledged_clauses else ""))
        lines.append(f"  {s.party.name} ({s.party.id}): " + "; ".join(bits))
    for issue in result.acknowledgement_issues:
        lines.append(f"  warning: {wording.acknowledgement_issue(issue)} (line {issue.line})")
    verdict = "at least one hard rejection" if result.has_hard_rejection() else "no hard rejection"
    lines.append(style(f"Result: {verdict}.", bold=True))
    return lines


def _ids(ids: tuple[str, ...]) -> str:
    return ", ".join(ids) if ids else "none"
