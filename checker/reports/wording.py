"""The one room for user-facing words about verdicts, findings, evidence, citations and acknowledgements.

Text, JSON `message`, SARIF, JUnit, GitHub, Markdown and HTML all word a verdict and a finding from
here, so a soft finding is a concern everywhere, a hard one a rejection everywhere, and an
acknowledged crossing is `acknowledged` everywhere. Functions return plain text; each format
escapes it for its target.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class StateLabel:
    symbol: str  # for HTML and Markdown
    word: str
    meaning: str
    text: str  # the terminal's cell: readable without colour
    colour: str | None


# What a cell of the matrix shows, in the order reports list them.
STATES: dict[str, StateLabel] = {
    "reject": StateLabel("✗", "reject", "a hard red line is crossed", "REJECT", "red"),
    "concern": StateLabel("!", "concern", "only soft red lines are crossed", "concern", "yellow"),
    "acknowledged": StateLabel("†", "acknowledged", "a red line is crossed, and the clause acknowledges it",
                               "ack", "cyan"),
    "accept": StateLabel("✓", "accept", "the party's rules bear on it, and none of its findings touch it",
                         "accept", "green"),
    "silent": StateLabel("·", "silent", "no rule of the party bears on it", "-", None),
}
VERDICTS = STATES  # the renderers' older name
# A clause that is not in a draft at all (a diff's or a history's other side).
ABSENT = StateLabel("–", "absent", "the clause is not in this draft", "absent", None)


def state_label(verdict: str | None) -> StateLabel:
    """The label of a verdict, or of a clause's absence (None)."""
    return ABSENT if verdict is None else STATES[verdict]


def verdict_word(verdict: str | None) -> str:
    """A verdict as one word in running text; a rejection in capitals, so it stands out as in the matrix."""
    return "REJECT" if verdict == "reject" else state_label(verdict).word

# A clause's verdict for one party, as a verb.
VERDICT_LABELS = {"reject": "rejects", "concern": "has a concern with", "acknowledged": "acknowledges a crossing of",
                  "accept": "accepts", "silent": "is silent on"}

NO_RED_LINES = "no red lines"
PROPOSAL_LEVEL = "the proposal as a whole"
MISSING_HEADING = "the proposal as a whole (missing what a party requires)"


def count(n: int, noun: str) -> str:
    """`1 clause`, `2 clauses`: a number of things, in words every report shares."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def finding_verb(kind: str, severity: str) -> str:
    """What a party does in a finding: a requirement it requires, a hard line it rejects, a soft one concerns it."""
    if kind == "require":
        return "requires"
    return "rejects" if severity == "hard" else "has a concern"


def finding_state(finding: Any) -> str:
    """A finding's state: acknowledged, or reject (hard) / concern (soft)."""
    if finding.acknowledged:
        return "acknowledged"
    return "reject" if finding.severity == "hard" else "concern"


def finding_message(party_name: str, kind: str, severity: str, title: str, rule_id: str, evidence: str) -> str:
    """`Ukraine rejects: No ceded territory (UA-TERR-1); territory.donetsk = ceded`."""
    return f"{party_name} {finding_verb(kind, severity)}: {title} ({rule_id}); {evidence}"


def message(finding: Any, party_name: str) -> str:
    """The one-line message of a finding (JSON `message`, SARIF, JUnit, GitHub)."""
    return finding_message(party_name, finding.kind, finding.severity, finding.rule_title, finding.rule,
                           evidence_summary(finding))


def where(finding: Any) -> str:
    return f"clause {finding.clause}" if finding.clause else PROPOSAL_LEVEL


def evidence_summary(finding: Any) -> str:
    """All of a finding's evidence on one line: `a = 1 (clause 3) against < 2; b is absent (needs == true)`."""
    parts = []
    for e in finding.evidence:
        if not e.value:
            parts.append(f"{e.path} is absent" + ("" if e.test == "absent" else f" (needs {e.test})"))
        else:
            at = f" (clause {e.clause})" if e.clause else ""
            parts.append(f"{e.path} = {e.value}{at} against {e.test}")
    prefix = "nothing satisfies it: " if finding.kind == "require" else ""
    return prefix + "; ".join(parts)


def evidence_parts(e: Any) -> tuple[str, str, str]:
    """(what the draft says, a joining word, what it was tested against):
    ('army.cap = 600000', 'against', '< 800000') or ('settlement.referendum', 'is absent; needs', '== true')."""
    if not e.value:
        return (e.path, "is absent", "") if e.test == "absent" else (e.path, "is absent; needs", e.test)
    return f"{e.path} = {e.value}", "against", e.test


def evidence_line(e: Any, own_clause: str | None) -> str:
    """One evidence line of the terminal report (the clause named only when it is another one)."""
    if not e.value:
        return f"{e.path} is absent" + ("" if e.test == "absent" else f"  (needs {e.test})")
    at = f" (clause {e.clause})" if e.clause and e.clause != own_clause else ""
    return f"{e.path} = {e.value}{at}  against  {e.test}"


def citation_parts(c: Any) -> list[tuple[str, str]]:
    """A citation as (kind, text) pieces: name, title, date, seed, url; the locator is apart (citation_locator)."""
    parts = [("name", c.publication or c.title or c.source)]
    if c.title and c.publication:
        parts.append(("title", c.title))
    if c.date:
        parts.append(("date", c.date))
    if c.seed:
        parts.append(("seed", c.seed))
    if c.url:
        parts.append(("url", c.url))
    return parts


def citation_text(c: Any) -> str:
    """`Anadolu Agency, "FACTBOX ...", 2025-12-22, seed 001_x.txt, https://... - locator`."""
    shown = {"title": lambda t: f'"{t}"', "seed": lambda t: f"seed {t}"}
    text = ", ".join(shown.get(kind, lambda t: t)(value) for kind, value in citation_parts(c))
    return text + (f" - {c.locator}" if c.locator else "")


def acknowledged_line(reason: str) -> str:
    return f"acknowledged: {reason}"


def acknowledgement_issue(issue: Any) -> str:
    """`clause 4 acknowledges north N-LAND, but the acknowledgement is expired`."""
    return f"clause {issue.clause} acknowledges {issue.party} {issue.rule}, but the acknowledgement is {issue.problem}"


def acknowledgement_issue_title(issue: Any) -> str:
    return f"acknowledgement {issue.problem}: {issue.party} {issue.rule}"


def today_sentence(result: Any) -> str:
    """Which day acknowledgement expiry was judged against (every report says it)."""
    if not result.dated_acknowledgements:
        return "Acknowledgement expiry: no acknowledgement has an until date."
    if result.today is None:
        return "Acknowledgement expiry: not judged (no date given); every acknowledgement counts."
    return f"Acknowledgement expiry judged against {_day(result.today)}."


def _day(day: dt.date) -> str:
    return day.isoformat()


def set_aside_sentence(item: Any, at_table: tuple[str, ...]) -> str:
    """`redlines/us.redlines (us) set aside: us is not at the table (parties: ukraine, russia)`."""
    table = ", ".join(at_table)
    return (f"{item.file} ({item.party}) set aside: {item.party} is not at the table (parties {table}); "
            f"name it with --party to apply it")


def party_label(party: Any) -> str:
    """`ukraine (19 rules)`, or `us (no red lines)` for a party at the table without any."""
    if not party.has_red_lines or party.rule_count == 0:
        return f"{party.id} ({NO_RED_LINES})"
    return f"{party.id} ({count(party.rule_count, 'rule')})"


def outcome(result: Any) -> tuple[str, str]:
    """(state, sentence) for the whole check."""
    if result.has_hard_rejection():
        return "reject", "At least one party's hard red line is crossed."
    if result.has_concern():
        return "concern", "No hard red line is crossed; some parties have concerns."
    return "accept", "No party's red line is crossed."


def legend_text() -> str:
    """The terminal matrix's legend."""
    return "Legend: " + ", ".join(f"{label.text} = {label.meaning}" for label in STATES.values())


# ------------------------------------------------------------------ diff
def rule_change(delta: Any) -> str:
    """How a red line moved between two drafts: 'objection new', 'objection resolved', 'concern added', ..."""
    if delta.severity == "hard":
        return "objection " + delta.change
    return "concern " + {"new": "added", "resolved": "removed", "acknowledged": "acknowledged",
                         "unchanged": "unchanged"}[delta.change]


# ------------------------------------------------------------------ solve
def rule_ref_words(ref: Any) -> str:
    """`Russia RU-TERR-1 'Donbas is Russian'`."""
    return f"{ref.party_name} {ref.rule} '{ref.title}'"


def conflict_sentence(conflict: Any) -> str:
    """One sentence for a conflict set: who is against whom, on which clauses."""
    return conflict_words(conflict.rules, conflict.contested or conflict.clauses)


def conflict_words(refs: tuple[Any, ...], clauses: tuple[Any, ...]) -> str:
    """'Russia RU-TERR-1 'Donbas ...' vs Ukraine UA-TERR-1 '...' on clause 14 (Territory)'."""
    by_party: dict[str, list[Any]] = {}
    for ref in refs:
        by_party.setdefault(ref.party, []).append(ref)
    sides = [f"{group[0].party_name} " + " and ".join(f"{r.rule} '{r.title}'" for r in group)
             for group in by_party.values()]
    if len(refs) == 1:
        if not clauses:
            return f"{sides[0]} is crossed whatever the options: no clause states what it needs"
        return f"{sides[0]} is crossed whatever the options, on {clause_words(clauses)}"
    joined = " vs ".join(sides) if len(sides) > 1 else sides[0] + " cannot all be met"
    return joined + (f" on {clause_words(clauses)}" if clauses else "")


def clause_words(clauses: tuple[Any, ...]) -> str:
    if len(clauses) == 1:
        return f"clause {clauses[0].id} ({clauses[0].title})"
    return "clauses " + ", ".join(c.id for c in clauses)
