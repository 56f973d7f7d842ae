"""The diff's data: what a DiffResult holds, and the alignment thresholds (see docs/diff.md)."""
from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Generic, Literal, TypeVar

from peacecheck.checker.evaluation.results import PartyInfo, Verdict

from .text import normalise

DIFF_SCHEMA_VERSION = 1

Method = Literal["id", "id+content", "content", "split", "merged", "added", "dropped"]
Op = Literal["equal", "delete", "insert"]
RuleChange = Literal["new", "resolved", "acknowledged", "unchanged"]  # acknowledged: crossed still, and the new draft says so

# Alignment thresholds (similarities are in [0, 1]).
ID_MIN = 0.2  # a same-id pair below this is two different clauses that share a number
ID_SAME = 0.8  # a same-id pair at or above this is "the same clause" (method `id`)
ID_BONUS = 0.15  # an id agreement outweighs a slightly better content match elsewhere
CONTENT_MIN = 0.3  # the least similarity for pairing clauses with different ids
STRONG = 0.5  # pairings scoring this (with any id bonus) are made before splits and merges are looked for
ATTACH_MIN = 0.5  # the least containment for a split or merge
ATTACH_WORDS_MIN = 0.5  # ... and at least this share of its text (or title) words, unless it is family
ATTACH_FAMILY_MIN = 0.25  # ... when it is a sub-point (or the parent) of a clause already in the pair
CANDIDATES = 10  # content candidates scored exactly per clause (6 was ~5% faster with the same pairings on the
# benchmark, but where many clauses look alike (empty texts, shared titles) the right partner, nearest in position,
# fell outside the six: precision 0.89 -> 0.62 on such a draft)
WEIGHTS = {"terms": 0.4, "title": 0.25, "text": 0.25, "tags": 0.1}
# How much each kind of term feature counts: for similarity the path matters most,
# for containment (is this clause's content inside that one?) the exact value does.
SIM_TERM = {"p": 1.0, "v": 0.5, "f": 1.0}
CONTAIN_TERM = {"p": 1.0, "v": 1.0, "f": 0.3}
# Worst first when a clause's parts are folded into one verdict; an acknowledged crossing is shown as such.
VERDICT_RANK = {"reject": 4, "concern": 3, "acknowledged": 2, "accept": 1, "silent": 0}


T = TypeVar("T")


class cached_property(Generic[T]):  # named as the functools one it replaces
    """functools.cached_property without its lock (Python 3.11 takes one on every first read, which cost
    more than the facts themselves on a long diff): computed once, then read from the instance's
    __dict__ (frozen dataclasses keep one; writing it directly bypasses their __setattr__)."""

    def __init__(self, function: Callable[..., T]):
        self.function = function
        self.name = function.__name__
        self.__doc__ = function.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.function(instance)
        return value



@contextmanager
def paused_collector() -> Iterator[None]:
    """No cyclic garbage collection inside (diff() and the page): they make many small objects and no
    cycles, and with two parsed drafts alive each collector pass walks them all (a tenth of a long
    diff's time). Restored after.

    The objects made inside (the result) would still be walked once by the first young-generation pass
    after it, which then finds every one of them young (5 ms a pass at 2,000 clauses): they are moved to
    the oldest generation instead, as gc.freeze() then gc.unfreeze() do in two list splices, no walk.
    (Where something froze objects already, as the CLI does at start-up, they join the frozen ones.)"""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            _age_young_objects()
            gc.enable()


def _age_young_objects() -> None:
    frozen_before = gc.get_freeze_count()
    gc.freeze()
    if not frozen_before:
        gc.unfreeze()

# ------------------------------------------------------------------ the model
# The small values a diff holds thousands of have slots: no dict per instance to fill and free (Segment,
# TermValue, TermChange: none has a cached property, which would need one).
@dataclass(frozen=True, slots=True)
class Segment:
    """A run of a redline. `text` keeps the whitespace before its first token."""

    op: Op
    text: str
    old_text: str | None = None  # an equal run whose spacing differs in the old text: the old spacing

    def __init__(self, op: Op, text: str, old_text: str | None = None) -> None:
        # The slots set through their own descriptors: the generated frozen __init__ (object.__setattr__ per
        # field) costs ~60% more, and a long diff's redlines make thousands of segments.
        _segment_op(self, op)
        _segment_text(self, text)
        _segment_old_text(self, old_text)


_segment_op = Segment.op.__set__  # type: ignore[attr-defined]  (a slot's member descriptor)
_segment_text = Segment.text.__set__  # type: ignore[attr-defined]
_segment_old_text = Segment.old_text.__set__  # type: ignore[attr-defined]

@dataclass(frozen=True, slots=True)
class TermValue:
    value: str  # in the language's syntax
    clause: str
    option: str | None = None


@dataclass(frozen=True, slots=True)
class TermChange:
    path: str
    kind: Literal["changed", "added", "removed"]
    before: tuple[TermValue, ...]
    after: tuple[TermValue, ...]


@dataclass(frozen=True)
class RuleDelta:
    party: str
    rule: str
    title: str
    severity: Literal["hard", "soft"]
    change: RuleChange


@dataclass(frozen=True)
class PartyVerdict:
    """One party's view of one clause diff: its verdict before and after, and which rules moved."""

    party: str
    before: Verdict | None  # None: the clause did not exist on that side
    after: Verdict | None
    rules: tuple[RuleDelta, ...]

    @cached_property
    def changed(self) -> bool:
        return self.before != self.after or any(r.change != "unchanged" for r in self.rules)

    def of(self, change: RuleChange, severity: str) -> tuple[RuleDelta, ...]:
        return tuple(r for r in self.rules if r.change == change and r.severity == severity)


@dataclass(frozen=True)
class ClauseDiff:
    """A pairing of old and new clauses, or one added or dropped clause."""

    key: str  # a stable, sanitised anchor: pair-21_a-14, added-9, dropped-3
    method: Method
    confidence: float
    old_ids: tuple[str, ...]
    new_ids: tuple[str, ...]
    old_title: str
    new_title: str
    old_text: str
    new_text: str
    title_redline: tuple[Segment, ...]
    redline: tuple[Segment, ...]
    terms: tuple[TermChange, ...]
    unchanged_terms: int
    old_status: str
    new_status: str
    tags_added: tuple[str, ...]
    tags_removed: tuple[str, ...]
    verdicts: tuple[PartyVerdict, ...]

    @cached_property
    def label(self) -> str:
        """'6 -> 4', '21.a..21.d -> 14', 'dropped 7', 'added 9'."""
        if self.method == "added":
            return f"added {ids_label(self.new_ids)}"
        if self.method == "dropped":
            return f"dropped {ids_label(self.old_ids)}"
        return f"{ids_label(self.old_ids)} -> {ids_label(self.new_ids)}"

    @cached_property
    def renumbered(self) -> bool:
        return bool(self.old_ids and self.new_ids) and self.old_ids != self.new_ids

    @cached_property
    def title_changed(self) -> bool:
        return any(s.op != "equal" for s in self.title_redline)

    @cached_property
    def text_changed(self) -> bool:
        return any(s.op != "equal" for s in self.redline)

    @cached_property
    def verdict_changed(self) -> bool:
        return any(v.changed for v in self.verdicts)

    @cached_property
    def changed(self) -> bool:
        return (self.method in ("added", "dropped", "split", "merged") or self.renumbered or self.title_changed
                or self.text_changed or bool(self.terms) or self.old_status != self.new_status
                or bool(self.tags_added or self.tags_removed) or self.verdict_changed)

    def badges(self) -> tuple[str, ...]:
        """Short words for what changed, in a fixed order."""
        return self._badges

    @cached_property
    def _badges(self) -> tuple[str, ...]:
        if self.method in ("added", "dropped"):
            return (self.method,)
        found = [("renumbered", self.renumbered), (self.method, self.method in ("split", "merged")),
                 ("title", self.title_changed), ("text", self.text_changed), ("terms", bool(self.terms)),
                 ("status", self.old_status != self.new_status),
                 ("tags", bool(self.tags_added or self.tags_removed)), ("verdict", self.verdict_changed)]
        shown = tuple(name for name, on in found if on)
        return shown or ("unchanged",)


@dataclass(frozen=True)
class Mover:
    """A clause diff that changed one party's verdict."""

    key: str
    label: str
    title: str  # the new clause's title, or the old one's for a dropped clause
    before: Verdict | None
    after: Verdict | None


@dataclass(frozen=True)
class PartyDelta:
    """One party's summary: clause-level verdict counts before and after, and what moved them."""

    party: str
    name: str
    before: dict[str, int]  # reject, concern, accept, silent, proposal_level
    after: dict[str, int]
    movers: tuple[Mover, ...]
    proposal_level: tuple[RuleDelta, ...]
    shifted: tuple[Mover, ...] = ()  # same verdict, other red lines behind it (one objection replaced another)

    def weight(self, side: Literal["before", "after"]) -> tuple[int, int]:
        """(hard, soft) objections on one side: clause verdicts plus what the party finds missing."""
        counts = self.before if side == "before" else self.after
        present = ("resolved", "acknowledged", "unchanged") if side == "before" else ("new", "unchanged")
        level = [r for r in self.proposal_level if r.change in present]
        return (counts["reject"] + sum(r.severity == "hard" for r in level),
                counts["concern"] + sum(r.severity == "soft" for r in level))

    @property
    def trend(self) -> Literal["better", "worse", "changed", "unchanged"]:
        """Better or worse for this party: hard objections decide, concerns break a tie.

        `changed` when the counts are level but something moved (one objection replaced another, or a
        rejection here offsets a resolved one there): never `unchanged` unless nothing moved at all.
        """
        before, after = self.weight("before"), self.weight("after")
        if before != after:
            return "better" if after < before else "worse"
        moved = self.movers or self.shifted or any(r.change != "unchanged" for r in self.proposal_level)
        return "changed" if moved else "unchanged"

    def line(self) -> str:
        b, a = self.before, self.after
        return (f"{self.name}: {_plural(b['reject'], 'rejection')} -> {a['reject']}; "
                f"{_plural(b['concern'], 'concern')} -> {a['concern']}")


@dataclass(frozen=True)
class DraftInfo:
    title: str
    file: str
    version: str
    date: str
    clauses: int


@dataclass
class DiffResult:
    old: DraftInfo
    new: DraftInfo
    parties: list[PartyInfo]
    pairs: list[ClauseDiff]
    added: list[ClauseDiff]
    dropped: list[ClauseDiff]
    summary: list[PartyDelta]
    proposal_level: list[RuleDelta] = field(default_factory=list)
    today: dt.date | None = None  # the day both drafts' acknowledgement expiry was judged against
    dated_acknowledgements: bool = False  # whether either draft has an acknowledgement `until` a date
    set_aside: tuple = ()  # red-line files loaded but not applied (their party is not at NEW's table)
    table: tuple[str, ...] = ()  # NEW's `parties` line

    @property
    def changed_pairs(self) -> list[ClauseDiff]:
        return [p for p in self.pairs if p.changed]

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.dropped or self.changed_pairs
                    or any(r.change != "unchanged" for r in self.proposal_level))


# ------------------------------------------------------------------ diff()'s constructors
# A frozen dataclass's __init__ sets each field through object.__setattr__ (18 of them for a ClauseDiff,
# about twice what handing it a dict costs). diff() builds its values through these instead: the same
# frozen classes, every field given, their state set in one step. Nothing else needs them.
_new = object.__new__
_set = object.__setattr__


class _SameRedline:
    """An identical pair's redline (one equal run of its text, respaced), made when first read.

    diff() leaves it out of the state of a pair whose prose is the same on both sides: the page never
    shows it (an unchanged clause is a link), JSON and the text reports read it here. The state's own
    entry, when there is one (every other clause diff, or one built through __init__), comes first."""

    def __init__(self, text_field: str):
        self.text_field = text_field

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: ClauseDiff | None, owner: type | None = None):
        if instance is None:
            return self
        spaced = normalise(instance.__dict__[self.text_field])
        value = instance.__dict__[self.name] = (Segment("equal", spaced),) if spaced else ()
        return value


ClauseDiff.title_redline = _SameRedline("new_title")  # type: ignore[assignment]
ClauseDiff.title_redline.__set_name__(ClauseDiff, "title_redline")
ClauseDiff.redline = _SameRedline("new_text")  # type: ignore[assignment]
ClauseDiff.redline.__set_name__(ClauseDiff, "redline")


def new_clause_diff(fields: dict) -> ClauseDiff:
    """A ClauseDiff whose state is `fields` (the dict becomes its own): every field by name, and
    `verdict_changed`, its cached property, which diff() knows already (a tuple of verdicts shared by many
    pairings is looked at once)."""
    diff = _new(ClauseDiff)
    _set(diff, "__dict__", fields)  # a frozen class refuses `diff.__dict__ = fields`; object's setter does not
    return diff


def new_party_verdict(party: str, before: Verdict | None, after: Verdict | None,
                      rules: tuple[RuleDelta, ...]) -> PartyVerdict:
    verdict = _new(PartyVerdict)
    verdict.__dict__.update(party=party, before=before, after=after, rules=rules)
    return verdict


def new_rule_delta(party: str, rule: str, title: str, severity: Literal["hard", "soft"],
                   change: RuleChange) -> RuleDelta:
    delta = _new(RuleDelta)
    delta.__dict__.update(party=party, rule=rule, title=title, severity=severity, change=change)
    return delta


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def ids_label(ids: tuple[str, ...]) -> str:
    """'6', '10, 10.a', '21.a..21.d' or '10..10.d': three or more clauses of one point as a range."""
    if len(ids) == 1:  # most labels
        return ids[0]
    groups: dict[str, list[str]] = {}
    for clause_id in ids:
        groups.setdefault(_family(clause_id), []).append(clause_id)
    return ", ".join(f"{g[0]}..{g[-1]}" if len(g) >= 3 else ", ".join(g) for g in groups.values())


def _family(clause_id: str) -> str:
    return clause_id.split(".", 1)[0]


def _shown(values: tuple[TermValue, ...]) -> list[tuple[str, str]]:
    return sorted((v.value, v.option or "") for v in values)
