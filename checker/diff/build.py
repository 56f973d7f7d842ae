"""The diff itself: term changes, verdict deltas, and `diff(old, new)` putting them together."""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from peacecheck.checker.evaluation.results import (
    CheckResult,
    ClauseResult,
    Finding,
    PartyInfo,
    State,
    Verdict,
)
from peacecheck.dsl import models as m

from .align import align, prose
from .model import (
    VERDICT_RANK,
    ClauseDiff,
    DiffResult,
    DraftInfo,
    Method,
    Mover,
    PartyDelta,
    PartyVerdict,
    RuleChange,
    RuleDelta,
    TermChange,
    TermValue,
    _shown,
    new_clause_diff,
    new_party_verdict,
    new_rule_delta,
    paused_collector,
)
from .redline import PARAGRAPH, redline


# ------------------------------------------------------------------ term changes
def term_changes(old: list[m.Clause], new: list[m.Clause]) -> tuple[tuple[TermChange, ...], int]:
    """Terms changed, added and removed between two groups of clauses; and how many stayed the same."""
    before, after = _placed_terms(old), _placed_terms(new)
    changes, same = [], 0
    for path in sorted(before.keys() | after.keys()):
        b, a = before.get(path, ()), after.get(path, ())
        if _same_raw(b, a):  # most paths of a reworded clause: the same values, no need to show them
            same += 1
            continue
        shown_b, shown_a = _term_values(b), _term_values(a)
        if _shown(shown_b) == _shown(shown_a):
            same += 1
            continue
        kind = "changed" if a and b else ("added" if a else "removed")
        changes.append(TermChange(path, kind, shown_b, shown_a))
    return tuple(changes), same


Placed = tuple[m.Value, str, str | None]  # a term's value, its clause and its option (term_values, unshown)


def _placed_terms(clauses: list[m.Clause]) -> dict[str, list[Placed]]:
    """term_values of the clauses, gathered by path in the same order, before their values are shown."""
    out: dict[str, list[Placed]] = defaultdict(list)
    for clause in clauses:
        for a in clause.terms:
            out[a.path].append((a.value, clause.id, None))
        for option in clause.options:
            for a in option.terms:
                out[a.path].append((a.value, clause.id, option.id))
    return out


def _same_raw(before: list[Placed] | tuple, after: list[Placed] | tuple) -> bool:
    """The same values (kind, type and raw value: what `show` reads) under the same options, in the same order."""
    if len(before) != len(after):
        return False
    for (v, _, option), (w, _, other) in zip(before, after):
        if v.kind != w.kind or v.raw != w.raw or type(v.raw) is not type(w.raw) or option != other:
            return False
    return True


def _term_values(placed: list[Placed] | tuple) -> tuple[TermValue, ...]:
    return tuple(TermValue(value.show(), clause, option) for value, clause, option in placed)


def show_values(values: tuple[TermValue, ...]) -> str:
    """'600000', or 'under_discussion [option us] | mirrored_pullback [option ukraine]'; '' when absent."""
    return " | ".join(v.value + (f" [option {v.option}]" if v.option else "") for v in values)


# ------------------------------------------------------------------ verdict deltas
def _worst(verdicts: list[Verdict]) -> Verdict | None:
    return max(verdicts, key=VERDICT_RANK.__getitem__) if verdicts else None


def _active_rules(findings: Iterable[Finding], party: str) -> dict[str, Finding]:
    return {f.rule: f for f in findings if f.party == party and not f.acknowledged}


def rule_deltas(before: Iterable[Finding], after: Iterable[Finding], party: str) -> tuple[RuleDelta, ...]:
    """Per rule: newly crossed, no longer crossed, or crossed on both sides (acknowledged findings excluded)."""
    b, a = _active_rules(before, party), _active_rules(after, party)
    out = []
    for rule in sorted(set(b) | set(a)):
        f = a.get(rule) or b[rule]
        change: RuleChange = "unchanged" if rule in a and rule in b else ("new" if rule in a else "resolved")
        out.append(RuleDelta(party, rule, f.rule_title, f.severity, change))
    return tuple(sorted(out, key=_delta_order))


_NONE: dict = {}  # a clause's (or party's) findings when it has none; shared, never written


class Rules:
    """Each clause's active findings by party and rule, gathered once per side (not once per pairing and party)."""

    def __init__(self, result: CheckResult):
        self.clauses = result.clauses
        self._by_clause: dict[int, dict[str, dict[str, Finding]]] = {}
        self._acknowledged: dict[int, dict[str, set[str]]] = {}

    def acknowledged(self, position: int) -> dict[str, set[str]]:
        """The rules each party's crossings of which the clause acknowledges."""
        found = self._acknowledged.get(position)
        if found is None:
            found = {}
            for f in self.clauses[position].findings:
                if f.acknowledged:
                    found.setdefault(f.party, set()).add(f.rule)
            self._acknowledged[position] = found
        return found

    def of(self, position: int) -> dict[str, dict[str, Finding]]:
        found = self._by_clause.get(position)
        if found is None:
            findings = self.clauses[position].findings
            if not findings:  # most clauses: nothing to gather (and read once, so not worth remembering)
                return _NONE
            found = {}
            for f in findings:
                if not f.acknowledged:
                    found.setdefault(f.party, {})[f.rule] = f
            self._by_clause[position] = found
        return found


class Verdicts:
    """The parties' verdicts of one diff() call's pairings.

    Most pairings of a revision are a clause and its unchanged copy: their verdicts depend only on the
    two clauses' cells and on which rules their findings cross (with what title and severity, and whether
    acknowledged), and a few dozen such combinations cover thousands of pairings. Those share one tuple
    of PartyVerdicts (immutable, so sharing is safe); the memo lives as long as this object, i.e. one
    diff() call.
    """

    def __init__(self, old: CheckResult, new: CheckResult, parties: list[str]):
        self.old, self.new, self.parties = old, new, parties
        self.rules = (Rules(old), Rules(new))
        self._absent: tuple[State | None, ...] = (None,) * len(parties)
        self._shared: dict[tuple, tuple[tuple[PartyVerdict, ...], bool]] = {}
        self._plain: dict[tuple, PartyVerdict] = {}

    def _side(self, result: CheckResult, position: int | None) -> tuple[tuple[State | None, ...], tuple[Finding, ...]]:
        """One side of a pairing: each party's cell and the clause's findings (none for an added or dropped clause)."""
        if position is None:
            return self._absent, ()
        clause = result.clauses[position]
        return self.states(clause), clause.findings

    def states(self, clause: ClauseResult) -> tuple[State | None, ...]:
        """Each party's cell for the clause, None where it has no verdict."""
        verdicts = clause.verdicts
        if clause.raw_verdicts == verdicts:  # nothing acknowledged made a difference: the cells are the verdicts
            return tuple(map(verdicts.get, self.parties))
        return tuple(clause.state(p) if p in verdicts else None for p in self.parties)

    def of(self, old_pos: list[int], new_pos: list[int]) -> tuple[tuple[PartyVerdict, ...], bool]:
        """The pairing's verdicts, and whether any of them changed (ClauseDiff.verdict_changed)."""
        if len(old_pos) > 1 or len(new_pos) > 1:
            return _with_changed(self._grouped(old_pos, new_pos))
        return self.pair(old_pos[0] if old_pos else None, new_pos[0] if new_pos else None)

    def pair(self, i: int | None, j: int | None) -> tuple[tuple[PartyVerdict, ...], bool]:
        """`of` for at most one clause a side (None: added or dropped): no worst-of, no merging of findings."""
        before, b_findings = self._side(self.old, i)
        after, a_findings = self._side(self.new, j)
        key = ((before, after, _crossed(b_findings), _crossed(a_findings)) if b_findings or a_findings
               else (before, after))
        found = self._shared.get(key)
        if found is None:
            found = self._shared[key] = self._pair(i, j, before, after)
        return found

    def _pair(self, i: int | None, j: int | None, before: tuple[State | None, ...],
              after: tuple[State | None, ...]) -> tuple[tuple[PartyVerdict, ...], bool]:
        b_rules = self.rules[0].of(i) if i is not None else _NONE
        a_rules = self.rules[1].of(j) if j is not None else _NONE
        a_ack = self.rules[1].acknowledged(j) if j is not None else _NONE
        return _with_changed(tuple(self._verdict(party, b, a, b_rules.get(party, _NONE), a_rules.get(party, _NONE),
                                                 a_ack.get(party, frozenset()))
                                   for party, b, a in zip(self.parties, before, after)))

    def _verdict(self, party: str, before: State | None, after: State | None, b: dict[str, Finding],
                 a: dict[str, Finding], acknowledged: set[str] | frozenset[str]) -> PartyVerdict:
        if b or a:
            return new_party_verdict(party, before, after, _deltas(b, a, party, acknowledged))
        key = (party, before, after)  # no findings for this party: shared like the quiet pairings' verdicts
        found = self._plain.get(key)
        if found is None:
            found = self._plain[key] = new_party_verdict(party, before, after, ())
        return found

    def _grouped(self, old_pos: list[int], new_pos: list[int]) -> tuple[PartyVerdict, ...]:
        """A split or merge: each side's worst verdict, and its clauses' findings merged."""
        old, new, rules = self.old, self.new, self.rules
        before_states = [self.states(old.clauses[i]) for i in old_pos]
        after_states = [self.states(new.clauses[j]) for j in new_pos]
        before_rules = [rules[0].of(i) for i in old_pos]
        after_rules = [rules[1].of(j) for j in new_pos]
        out = []
        for k, party in enumerate(self.parties):
            before = _worst([s[k] for s in before_states if s[k] is not None])
            after = _worst([s[k] for s in after_states if s[k] is not None])
            b = _merged([r.get(party) for r in before_rules])
            a = _merged([r.get(party) for r in after_rules])
            a_ack = {rule for j in new_pos for rule in rules[1].acknowledged(j).get(party, ())}
            out.append(new_party_verdict(party, before, after, _deltas(b, a, party, a_ack)))
        return tuple(out)


def _crossed(findings: tuple[Finding, ...]) -> tuple:
    """All that a clause's findings bring to its pairing's verdicts, the key they are shared by: each one's
    party, rule, title, severity and whether it is acknowledged, in order (of a rule crossed twice, the last
    finding's title is shown)."""
    return tuple((f.party, f.rule, f.rule_title, f.severity, not f.acknowledged) for f in findings)


def _with_changed(verdicts: tuple[PartyVerdict, ...]) -> tuple[tuple[PartyVerdict, ...], bool]:
    return verdicts, any(v.changed for v in verdicts)


def _deltas(b: dict[str, Finding], a: dict[str, Finding], party: str,
            acknowledged: set[str] | frozenset[str] = frozenset()) -> tuple[RuleDelta, ...]:
    """rule_deltas on findings already gathered by rule; a crossing the new side acknowledges is `acknowledged`."""
    if not a and not b:
        return ()
    out = []
    for rule in b.keys() | a.keys():  # no need to sort them first: _delta_order ends with the rule
        f = a.get(rule) or b[rule]
        change: RuleChange = "unchanged" if rule in a and rule in b else ("new" if rule in a else
                                                                          "acknowledged" if rule in acknowledged
                                                                          else "resolved")
        out.append(new_rule_delta(party, rule, f.rule_title, f.severity, change))
    if len(out) > 1:
        out.sort(key=_delta_order)
    return tuple(out)


def _delta_order(r: RuleDelta) -> tuple[bool, bool, bool, str]:
    """Hard first; new, then resolved, then the rest; by rule."""
    return r.severity != "hard", r.change != "new", r.change != "resolved", r.rule


def _merged(groups: list[dict[str, Finding] | None]) -> dict[str, Finding]:
    """One side's findings by rule over its clauses; the last clause's finding wins, as in rule_deltas."""
    present = [g for g in groups if g]
    if len(present) <= 1:
        return present[0] if present else {}
    out: dict[str, Finding] = {}
    for g in present:
        out.update(g)
    return out


# ------------------------------------------------------------------ the diff
def diff(old: CheckResult, new: CheckResult) -> DiffResult:
    """Compare two checked drafts (checked against the same red lines)."""
    with paused_collector():
        return _diff(old, new)


def _diff(old: CheckResult, new: CheckResult) -> DiffResult:
    alignment = align(old.proposal, new.proposal)
    parties = _parties(old, new)
    ids = [p.id for p in parties]
    keys: set[str] = set()
    verdicts = Verdicts(old, new, ids)
    pairs = _with_redlines([
        _same_clause_fields(old, new, mt.old[0], mt.new[0], mt.method, mt.confidence, keys, verdicts)
        if mt.identical else _clause_fields(old, new, mt.old, mt.new, mt.method, mt.confidence, keys, verdicts)
        for mt in alignment.matches])
    added = _with_redlines([_clause_fields(old, new, [], [j], "added", 1.0, keys, verdicts) for j in alignment.added])
    dropped = _with_redlines([_clause_fields(old, new, [i], [], "dropped", 1.0, keys, verdicts)
                              for i in alignment.dropped])
    before, after = old.proposal_findings, new.proposal_findings  # a property that filters all findings
    proposal_level = [d for p in ids for d in rule_deltas(before, after, p)]
    moved = [d for d in pairs + dropped + added if d.verdict_changed]  # the rest move no party
    summary = [_party_delta(info, k, old, new, moved, proposal_level) for k, info in enumerate(parties)]
    return DiffResult(_draft(old), _draft(new), parties, pairs, added, dropped, summary, proposal_level,
                      new.today, old.dated_acknowledgements or new.dated_acknowledgements, tuple(new.set_aside),
                      tuple(new.proposal.parties))


def diff_drafts(old: m.Proposal, new: m.Proposal, vocabulary: m.Vocabulary, redlines: list[m.RedLines],
                digests: dict[str, bytes] | None = None) -> DiffResult:
    """Check both drafts against the same red lines and compare them."""
    from peacecheck.checker.evaluation.evaluate import check

    return diff(check(old, vocabulary, redlines, digests), check(new, vocabulary, redlines, digests))


def _parties(old: CheckResult, new: CheckResult) -> list[PartyInfo]:
    known = {p.id: p for p in old.parties}
    known.update({p.id: p for p in new.parties})
    return [known[k] for k in sorted(known)]


def _draft(result: CheckResult) -> DraftInfo:
    p = result.proposal
    return DraftInfo(p.title, p.file, p.version, p.date.isoformat() if p.date else "", len(p.clauses))


def _with_redlines(clauses: list[dict]) -> list[ClauseDiff]:
    """The clause diffs of these fields, their redlines made in one run once everything else is known.

    A redline's matcher churns through memory; interleaved with the rest of each clause diff, both ran
    slower (the diff less its alignment: ~95 ms -> ~90 ms at 2,000 clauses).
    """
    out = []
    for fields in clauses:
        if "text_changed" not in fields:  # (an identical pair of the same prose: made when read, see model)
            fields["title_redline"] = redline(fields["old_title"], fields["new_title"])
            fields["redline"] = redline(fields["old_text"], fields["new_text"])
        out.append(new_clause_diff(fields))
    return out


def _clause_fields(old: CheckResult, new: CheckResult, old_pos: list[int], new_pos: list[int], method: Method,
                   confidence: float, keys: set[str], verdicts: Verdicts) -> dict:
    """A ClauseDiff's fields but its redlines (see _with_redlines)."""
    a = [old.proposal.clauses[i] for i in old_pos]
    b = [new.proposal.clauses[j] for j in new_pos]
    old_ids, new_ids = tuple([c.id for c in a]), tuple([c.id for c in b])
    terms, same = term_changes(a, b)
    old_tags = {t for c in a for t in c.tags}
    new_tags = {t for c in b for t in c.tags}
    party_verdicts, changed = verdicts.of(old_pos, new_pos)
    return {
        "key": _unique(anchor(method, old_ids, new_ids), keys), "method": method, "confidence": confidence,
        "old_ids": old_ids, "new_ids": new_ids, "old_title": _group_title(a), "new_title": _group_title(b),
        "old_text": _group_prose(a), "new_text": _group_prose(b), "title_redline": (), "redline": (),
        "terms": terms, "unchanged_terms": same, "old_status": _status(a), "new_status": _status(b),
        "tags_added": tuple(sorted(new_tags - old_tags)) if a else (),
        "tags_removed": tuple(sorted(old_tags - new_tags)) if b else (),
        "verdicts": party_verdicts, "verdict_changed": changed}


def _same_clause_fields(old: CheckResult, new: CheckResult, i: int, j: int, method: Method, confidence: float,
                        keys: set[str], verdicts: Verdicts) -> dict:
    """_clause_fields of an identical pair (most of a revision): title, terms, tags and status are the same
    on both sides, the prose too but for spacing; only verdicts may move (rules read other clauses)."""
    a, b = old.proposal.clauses[i], new.proposal.clauses[j]
    title, status = b.title, b.status
    new_text = prose(b)
    old_text = new_text if a.text == b.text and not a.options and not b.options else prose(a)
    party_verdicts, changed = verdicts.pair(i, j)
    old_id, new_id = a.id, b.id
    key = f"pair-{_clean_id(old_id)}-{_clean_id(new_id)}"  # anchor() of a pair
    renumbered = old_id != new_id
    fields = {
        "key": _unique(key, keys), "method": method, "confidence": confidence,
        "old_ids": (old_id,), "new_ids": (new_id,), "old_title": title, "new_title": title,
        "old_text": old_text, "new_text": new_text, "title_redline": (), "redline": (),
        "terms": (), "unchanged_terms": _term_paths(b), "old_status": status, "new_status": status,
        "tags_added": (), "tags_removed": (), "verdicts": party_verdicts, "verdict_changed": changed,
        # ClauseDiff's cached facts, known here: the page reads them all
        "label": f"{old_id} -> {new_id}", "renumbered": renumbered, "title_changed": False}
    if old_text == new_text:  # the same prose (not only re-spaced, where a paragraph break may come or go)
        fields.update(text_changed=False, changed=renumbered or changed, _badges=_IDENTICAL_BADGES[renumbered, changed])
        del fields["title_redline"], fields["redline"]  # one equal run each, made when read (model._SameRedline)
    return fields


# ClauseDiff._badges of an identical pair, by (renumbered, verdict changed)
_IDENTICAL_BADGES = {(True, True): ("renumbered", "verdict"), (True, False): ("renumbered",),
                     (False, True): ("verdict",), (False, False): ("unchanged",)}


def _term_paths(clause: m.Clause) -> int:
    """How many term paths the clause sets (term_values' keys, without showing the values)."""
    paths = {a.path for a in clause.terms}
    if not clause.options:
        return len(paths)
    for option in clause.options:
        paths.update(a.path for a in option.terms)
    return len(paths)


def _group_title(clauses: list[m.Clause]) -> str:
    if len(clauses) == 1:
        return clauses[0].title
    return "; ".join(f"{c.id} {c.title}" for c in clauses)


def _group_prose(clauses: list[m.Clause]) -> str:
    """The prose of one clause, or of several, each paragraph led by its clause id: (21.a) ..."""
    if len(clauses) == 1:
        return prose(clauses[0])
    texts = [(c.id, prose(c)) for c in clauses]
    return PARAGRAPH.join(f"({clause_id}) {text}" for clause_id, text in texts if text)


def _status(clauses: list[m.Clause]) -> str:
    if len(clauses) == 1:  # most groups
        return clauses[0].status
    return ", ".join(dict.fromkeys(c.status for c in clauses if c.status))


_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def anchor(method: Method, old_ids: tuple[str, ...], new_ids: tuple[str, ...]) -> str:
    """pair-21-14 style: the first id of each side, '.' as '_', anything else unusual as '-'."""
    if method == "added":
        return "added-" + _clean_id(new_ids[0])
    if method == "dropped":
        return "dropped-" + _clean_id(old_ids[0])
    return f"pair-{_clean_id(old_ids[0])}-{_clean_id(new_ids[0])}"


def _clean_id(clause_id: str) -> str:
    cleaned = clause_id.replace(".", "_")
    if cleaned.isascii() and cleaned.replace("_", "").replace("-", "").isalnum():  # most ids: nothing to replace
        return cleaned
    return _UNSAFE.sub("-", cleaned)


def _unique(key: str, keys: set[str]) -> str:
    candidate, n = key, 1
    while candidate in keys:
        n += 1
        candidate = f"{key}-{n}"
    keys.add(candidate)
    return candidate


def _party_delta(info: PartyInfo, k: int, old: CheckResult, new: CheckResult, moved: list[ClauseDiff],
                 proposal_level: list[RuleDelta]) -> PartyDelta:
    """Party `k` of the diff: its verdict is each clause diff's k-th (they follow the same order). `moved`:
    the clause diffs whose verdicts changed for some party, in the diff's order."""
    movers, shifted = [], []
    for d in moved:
        v = d.verdicts[k]
        if v.before != v.after and {v.before, v.after} & {"reject", "concern"}:
            movers.append(Mover(d.key, d.label, d.new_title or d.old_title, v.before, v.after))
        elif v.before == v.after and any(r.change != "unchanged" for r in v.rules):
            shifted.append(Mover(d.key, d.label, d.new_title or d.old_title, v.before, v.after))
    return PartyDelta(info.id, info.name, old.counts(info.id), new.counts(info.id), tuple(movers),
                      tuple(r for r in proposal_level if r.party == info.id), tuple(shifted))
