"""The history itself: each draft against its base (diff's alignment and rule deltas), folded into rows."""
from __future__ import annotations

import re
from dataclasses import dataclass

from peacecheck.checker.diff import VERDICT_RANK, ClauseDiff, DiffResult, diff
from peacecheck.checker.evaluation.results import CheckResult, PartyInfo, Verdict

from .model import Cell, Change, DraftEntry, History, Movement, Row, Step, Tally
from .order import order_drafts

# An acknowledged crossing is still a crossing: across the round it stayed (the draft only says so now).
_CHANGE: dict[str, Change] = {"new": "appeared", "resolved": "resolved", "acknowledged": "stayed", "unchanged": "stayed"}
Homes = dict[str, list[int]]  # one draft's clause id -> the rows (topics) it belongs to


@dataclass(frozen=True)
class _Topic:
    first: int
    clause_id: str
    title: str


def history(results: list[CheckResult]) -> History:
    """Order checked drafts (all checked against the same red lines) and follow each party through them."""
    ordered = order_drafts([r.proposal for r in results])
    checked = [results[i] for i in ordered.order]
    drafts = [_entry(k, r, ordered.base[k], ordered.reason[k]) for k, r in enumerate(checked)]
    parties = _parties(checked)
    ids = [p.id for p in parties]
    topics: list[_Topic] = []
    homes: list[Homes] = []
    steps = []
    for k, result in enumerate(checked):
        base = ordered.base[k]
        if base is None:
            homes.append({c.id: [_new_topic(topics, k, c.id, c.title)] for c in result.proposal.clauses})
            continue
        compared = diff(checked[base], result)
        homes.append(_place(compared, homes[base], topics, k, result))
        steps.append(Step(k, base, _movements(compared, ids)))
    rows = [_row(n, t, checked, homes, ids) for n, t in enumerate(topics)]
    return History(drafts, parties, {p: [_tally(r, p) for r in checked] for p in ids}, rows, steps,
                   results[0].today, any(r.dated_acknowledgements for r in results), tuple(results[0].set_aside),
                   tuple(results[0].proposal.parties))


def _entry(k: int, result: CheckResult, base: int | None, reason) -> DraftEntry:
    p = result.proposal
    return DraftEntry(k, p.title, p.file, p.date.isoformat() if p.date else "", p.version, p.drafted_by,
                      p.revises, base, reason, len(p.clauses))


def _parties(checked: list[CheckResult]) -> list[PartyInfo]:
    known: dict[str, PartyInfo] = {}
    for r in checked:
        known.update({p.id: p for p in r.parties})
    return [known[k] for k in sorted(known)]


def _new_topic(topics: list[_Topic], draft: int, clause_id: str, title: str) -> int:
    topics.append(_Topic(draft, clause_id, title))
    return len(topics) - 1


def _place(compared: DiffResult, base_homes: Homes, topics: list[_Topic], k: int, result: CheckResult) -> Homes:
    """A draft's clauses join the rows of the base clauses they were paired with; added ones start rows.

    A split puts several clauses in one row; a merge puts one clause in several rows (21.a..21.d -> 14)."""
    homes: Homes = {}
    for d in compared.pairs:
        rows = sorted({t for old in d.old_ids for t in base_homes.get(old, [])})
        for new in d.new_ids:
            homes[new] = rows
    titles = {c.id: c.title for c in result.proposal.clauses}
    for d in compared.added:
        for new in d.new_ids:
            homes[new] = [_new_topic(topics, k, new, titles[new])]
    return homes


def _row(n: int, topic: _Topic, checked: list[CheckResult], homes: list[Homes], parties: list[str]) -> Row:
    cells = []
    for result, home in zip(checked, homes):
        clauses = [c for c in result.clauses if n in home.get(c.id, ())]
        cells.append(Cell(tuple(c.id for c in clauses),
                          {p: _worst([c.verdicts[p] for c in clauses if p in c.verdicts]) for p in parties})
                     if clauses else None)
    key = f"row-{topic.first}-" + re.sub(r"[^A-Za-z0-9_-]", "-", topic.clause_id.replace(".", "_"))
    return Row(key, topic.title, topic.first, tuple(cells))


def _worst(verdicts: list[Verdict]) -> Verdict:
    return max(verdicts, key=VERDICT_RANK.__getitem__) if verdicts else "silent"


def _tally(result: CheckResult, party: str) -> Tally:
    counts = result.counts(party)
    missing = [f for f in result.proposal_findings if f.party == party and not f.acknowledged]
    return Tally(counts["reject"], counts["concern"], counts["accept"], counts["silent"],
                 sum(f.severity == "hard" for f in missing), sum(f.severity == "soft" for f in missing))


def _movements(compared: DiffResult, parties: list[str]) -> tuple[Movement, ...]:
    """Every red line that fired on either side, per party: resolved, appeared, stayed, or gone with its clause."""
    out = []
    for d in compared.pairs + compared.dropped + compared.added:
        out += _clause_movements(d)
    for r in compared.proposal_level:
        out.append(Movement(r.party, r.rule, r.title, r.severity, _CHANGE[r.change], (), (), "proposal"))
    order = {p: i for i, p in enumerate(parties)}
    return tuple(sorted(out, key=lambda mv: (order.get(mv.party, len(order)), mv.change, mv.severity != "hard",
                                             mv.level, mv.rule, mv.before, mv.after)))


def _clause_movements(d: ClauseDiff) -> list[Movement]:
    out = []
    for v in d.verdicts:
        for r in v.rules:
            change: Change = "dropped" if d.method == "dropped" else _CHANGE[r.change]
            out.append(Movement(r.party, r.rule, r.title, r.severity, change, d.old_ids, d.new_ids, "clause"))
    return out
