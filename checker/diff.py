"""Diffs between two drafts: which clause became which, what changed in its words and
terms, and what the change did to each party's objections.

Pure: two CheckResults in (both drafts checked against the same red lines), a
DiffResult out. Every renderer (text, JSON, Markdown, HTML) consumes a DiffResult.

Clauses are aligned by id only when the two clauses are plausibly the same
(published drafts reuse point numbers for different topics), then by content:
shared term paths weigh most, then title, text and tags. One old clause whose
content went into several new ones is a split; several old ones folded into one
new clause are a merge. See docs/diff.md for the thresholds and their reasons.
"""
from __future__ import annotations

import heapq
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Literal

from peacecheck.dsl import models as m

from .results import CheckResult, ClauseResult, Finding, PartyInfo, Verdict

DIFF_SCHEMA_VERSION = 1

Method = Literal["id", "id+content", "content", "split", "merged", "added", "dropped"]
Op = Literal["equal", "delete", "insert"]
RuleChange = Literal["new", "resolved", "unchanged"]

# Alignment thresholds (similarities are in [0, 1]).
ID_MIN = 0.2  # a same-id pair below this is two different clauses that share a number
ID_SAME = 0.8  # a same-id pair at or above this is "the same clause" (method `id`)
ID_BONUS = 0.15  # an id agreement outweighs a slightly better content match elsewhere
CONTENT_MIN = 0.3  # the least similarity for pairing clauses with different ids
STRONG = 0.5  # pairings scoring this (with any id bonus) are made before splits and merges are looked for
ATTACH_MIN = 0.5  # the least containment for a split or merge
ATTACH_WORDS_MIN = 0.5  # ... and at least this share of its text (or title) words, unless it is family
ATTACH_FAMILY_MIN = 0.25  # ... when it is a sub-point (or the parent) of a clause already in the pair
CANDIDATES = 10  # content candidates scored exactly per clause
WEIGHTS = {"terms": 0.4, "title": 0.25, "text": 0.25, "tags": 0.1}
# How much each kind of term feature counts: for similarity the path matters most,
# for containment (is this clause's content inside that one?) the exact value does.
SIM_TERM = {"p": 1.0, "v": 0.5, "f": 1.0}
CONTAIN_TERM = {"p": 1.0, "v": 1.0, "f": 0.3}
VERDICT_RANK = {"reject": 3, "concern": 2, "accept": 1, "silent": 0}


# ------------------------------------------------------------------ the model
@dataclass(frozen=True)
class Segment:
    """A run of a redline. `text` keeps the whitespace before its first token."""

    op: Op
    text: str
    old_text: str | None = None  # an equal run whose spacing differs in the old text: the old spacing


@dataclass(frozen=True)
class TermValue:
    value: str  # in the language's syntax
    clause: str
    option: str | None = None


@dataclass(frozen=True)
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

    @property
    def label(self) -> str:
        """'objection new', 'objection resolved', 'concern added', 'concern removed', ... ."""
        if self.severity == "hard":
            return "objection " + self.change
        return "concern " + {"new": "added", "resolved": "removed", "unchanged": "unchanged"}[self.change]


@dataclass(frozen=True)
class PartyVerdict:
    """One party's view of one clause diff: its verdict before and after, and which rules moved."""

    party: str
    before: Verdict | None  # None: the clause did not exist on that side
    after: Verdict | None
    rules: tuple[RuleDelta, ...]

    @property
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

    @property
    def label(self) -> str:
        """'6 -> 4', '21.a..21.d -> 14', 'dropped 7', 'added 9'."""
        if self.method == "added":
            return f"added {ids_label(self.new_ids)}"
        if self.method == "dropped":
            return f"dropped {ids_label(self.old_ids)}"
        return f"{ids_label(self.old_ids)} -> {ids_label(self.new_ids)}"

    @property
    def renumbered(self) -> bool:
        return bool(self.old_ids and self.new_ids) and self.old_ids != self.new_ids

    @property
    def title_changed(self) -> bool:
        return any(s.op != "equal" for s in self.title_redline)

    @property
    def text_changed(self) -> bool:
        return any(s.op != "equal" for s in self.redline)

    @property
    def verdict_changed(self) -> bool:
        return any(v.changed for v in self.verdicts)

    @property
    def changed(self) -> bool:
        return (self.method in ("added", "dropped", "split", "merged") or self.renumbered or self.title_changed
                or self.text_changed or bool(self.terms) or self.old_status != self.new_status
                or bool(self.tags_added or self.tags_removed) or self.verdict_changed)

    def badges(self) -> tuple[str, ...]:
        """Short words for what changed, in a fixed order."""
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

    def weight(self, side: Literal["before", "after"]) -> tuple[int, int]:
        """(hard, soft) objections on one side: clause verdicts plus what the party finds missing."""
        counts = self.before if side == "before" else self.after
        present = ("resolved", "unchanged") if side == "before" else ("new", "unchanged")
        level = [r for r in self.proposal_level if r.change in present]
        return (counts["reject"] + sum(r.severity == "hard" for r in level),
                counts["concern"] + sum(r.severity == "soft" for r in level))

    @property
    def trend(self) -> Literal["better", "worse", "unchanged"]:
        """Better or worse for this party: hard objections decide, concerns break a tie."""
        before, after = self.weight("before"), self.weight("after")
        return "unchanged" if before == after else ("better" if after < before else "worse")

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

    @property
    def changed_pairs(self) -> list[ClauseDiff]:
        return [p for p in self.pairs if p.changed]

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.dropped or self.changed_pairs
                    or any(r.change != "unchanged" for r in self.proposal_level))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def ids_label(ids: tuple[str, ...]) -> str:
    """'6', '10, 10.a', '21.a..21.d' or '10..10.d': three or more clauses of one point as a range."""
    groups: dict[str, list[str]] = {}
    for clause_id in ids:
        groups.setdefault(_family(clause_id), []).append(clause_id)
    return ", ".join(f"{g[0]}..{g[-1]}" if len(g) >= 3 else ", ".join(g) for g in groups.values())


# ------------------------------------------------------------------ tokens and redlines
_TOKEN = re.compile(
    r"(?P<para>[ \t]*\n[ \t]*(?:\n[ \t]*)+)"  # a blank line: a paragraph break, kept as a token
    r"|(?P<space>\s+)"  # other whitespace (including a soft line break) separates tokens
    r"|(?P<tok>[$€£]?\d+(?:[.,_:/-]\d+)*(?:\.[A-Za-z0-9]+)*(?:%|[A-Za-z]+)?"  # 600,000  $100bn  21.a  50:50
    r"|\w+(?:['’-]\w+)*"  # words, with inner apostrophes and hyphens: Ukraine's, Article-5-like
    r"|\S)")  # any other character on its own
PARAGRAPH = "\n\n"


def tokenize(text: str) -> list[tuple[str, str]]:
    """(whitespace before, token) pairs; numbers, ids and amounts stay whole; paragraph breaks are tokens."""
    out: list[tuple[str, str]] = []
    lead = ""
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "space":
            lead = " " if out else ""
        elif kind == "para":
            if out:
                out.append(("", PARAGRAPH))
            lead = ""
        else:
            out.append((lead, match.group()))
            lead = ""
    while out and out[-1][1] == PARAGRAPH:
        out.pop()
    return out


def redline(old: str, new: str) -> tuple[Segment, ...]:
    """A word-level redline: equal, deleted and inserted runs, in reading order."""
    if old == new:
        b = tokenize(new)
        return (Segment("equal", _join(b)),) if b else ()
    a, b = tokenize(old), tokenize(new)
    if [t for _, t in a] == [t for _, t in b]:
        return (Segment("equal", _join(b), _join(a) if _join(a) != _join(b) else None),) if b else ()
    matcher = SequenceMatcher(None, [t for _, t in a], [t for _, t in b], autojunk=False)
    if matcher.ratio() < 0.2:  # hardly anything in common: a clean replacement reads better than confetti
        codes = [("replace", 0, len(a), 0, len(b))]
    else:
        codes = _absorb_short_equals(matcher.get_opcodes(), a)
    segments: list[Segment] = []
    for tag, i1, i2, j1, j2 in codes:
        if tag == "equal":
            text, before = _join(b[j1:j2]), _join(a[i1:i2])
            segments.append(Segment("equal", text, before if before != text else None))
            continue
        if i2 > i1:
            segments.append(Segment("delete", _join(a[i1:i2])))
        if j2 > j1:
            segments.append(Segment("insert", _join(b[j1:j2])))
    return tuple(_merge_segments(segments))


def _join(tokens: list[tuple[str, str]]) -> str:
    return "".join(lead + token for lead, token in tokens)


def _absorb_short_equals(codes: list[tuple], a: list[tuple[str, str]]) -> list[tuple]:
    """Fold a one-token equal run between two changes into the change ('the', ',' alone read as noise)."""
    out: list[list] = []
    for index, code in enumerate(codes):
        tag, i1, i2, j1, j2 = code
        between = 0 < index < len(codes) - 1 and tag == "equal" and i2 - i1 == 1
        if between and a[i1][1] != PARAGRAPH and out and out[-1][0] != "equal":
            out[-1] = ["replace", out[-1][1], i2, out[-1][3], j2]
            continue
        if out and tag != "equal" and out[-1][0] != "equal":
            out[-1] = ["replace", out[-1][1], i2, out[-1][3], j2]
            continue
        out.append([tag, i1, i2, j1, j2])
    return [tuple(c) for c in out]


def _merge_segments(segments: list[Segment]) -> list[Segment]:
    out: list[Segment] = []
    for s in segments:
        if out and out[-1].op == s.op and s.op != "equal":
            out[-1] = Segment(s.op, out[-1].text + s.text)
        elif s.text:
            out.append(s)
    return out


def side(segments: Iterable[Segment], which: Literal["old", "new"]) -> list[Segment]:
    """The segments one side of a side-by-side view shows."""
    hide = "insert" if which == "old" else "delete"
    out: list[Segment] = []
    for s in segments:
        if s.op == hide:
            continue
        if which == "old" and s.old_text is not None:
            s = Segment("equal", s.old_text)
        elif s.old_text is not None:
            s = Segment("equal", s.text)
        out.append(s)
    return out


# ------------------------------------------------------------------ clause profiles
_WORD = re.compile(r"[$€£]?\d+(?:[.,_:/-]\d+)*(?:\.[A-Za-z0-9]+)*(?:%|[A-Za-z]+)?|[A-Za-z][A-Za-z'’]*")
STOPWORDS = frozenset([
    "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "for", "from", "has", "have", "in",
    "into", "is", "it", "its", "of", "on", "or", "so", "such", "than", "that", "the", "their", "them",
    "then", "there", "these", "this", "those", "to", "was", "were", "which", "while", "who", "will", "with",
    "would", "shall", "should", "may", "must", "not", "no", "any", "all", "each", "every", "other", "both",
    "also", "once", "until", "after", "before",
])
STEM = 6  # words are cut to this many letters: recognised/recognized/recognition, Ukraine/Ukrainian


def words(text: str, stems: dict[str, str] | None = None) -> list[str]:
    """Content words, lower-cased and crudely stemmed (plural s off, cut to 6 letters), for similarity.

    `stems` memoises the stemming within one diff (long drafts repeat their words).
    """
    stems = {} if stems is None else stems
    out = []
    for raw in _WORD.findall(text.lower()):
        word = stems.get(raw)
        if word is None:
            word = stems[raw] = _stem(raw)
        if word:
            out.append(word)
    return out


def _stem(raw: str) -> str:
    word = raw.replace("’", "'").removesuffix("'s").strip("'")
    if word in STOPWORDS or not word:
        return ""
    if word[0].isalpha():
        if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        word = word[:STEM]
    return word


def _family(clause_id: str) -> str:
    return clause_id.split(".", 1)[0]


def prose(clause: m.Clause) -> str:
    """A clause's text and its options' texts, as paragraphs."""
    parts = [clause.text] if clause.text else []
    for option in clause.options:
        body = f"Option {option.id}: {option.title}."
        parts.append(body + (" " + option.text if option.text else ""))
    return PARAGRAPH.join(p.strip() for p in parts)


def term_values(clause: m.Clause) -> dict[str, list[TermValue]]:
    values: dict[str, list[TermValue]] = defaultdict(list)
    for a in clause.terms:
        values[a.path].append(TermValue(a.value.show(), clause.id))
    for option in clause.options:
        for a in option.terms:
            values[a.path].append(TermValue(a.value.show(), clause.id, option.id))
    return values


Vector = dict[str, float]
Features = dict[str, Vector]  # component -> feature -> count, before weighting


@dataclass
class Profile:
    """A clause (or a point with its sub-points) reduced to weighted features, one vector per component."""

    id: str
    members: tuple[int, ...]  # positions in its draft
    sim: dict[str, Vector]
    contain: dict[str, Vector]
    norm: dict[str, float]

    @property
    def position(self) -> int:
        return self.members[0]

    @property
    def family(self) -> str:
        return _family(self.id)


def _raw_features(clause: m.Clause, stems: dict[str, str]) -> Features:
    terms: Vector = {}
    for path, values in term_values(clause).items():
        terms["p:" + path] = 1.0
        for v in values:
            terms[f"v:{path}={v.value}"] = 1.0
        if "." in path:
            terms["f:" + path.rsplit(".", 1)[0]] = 1.0
    text: Vector = defaultdict(float)
    for w in words(prose(clause), stems):
        text[w] += 1.0
    return {"terms": terms, "title": dict.fromkeys(words(clause.title, stems), 1.0), "text": dict(text),
            "tags": dict.fromkeys(clause.tags, 1.0)}


def _union(features: list[Features]) -> Features:
    out: Features = {c: defaultdict(float) for c in WEIGHTS}
    for f in features:
        for component, vector in f.items():
            for key, count in vector.items():
                out[component][key] = count + out[component][key] if component == "text" else 1.0
    return {c: dict(v) for c, v in out.items()}


class Profiler:
    """Weighs features by inverse document frequency over the clauses of both drafts."""

    def __init__(self, raw: list[Features]):
        self.idf: dict[str, dict[str, float]] = {}
        for component in WEIGHTS:
            df: dict[str, int] = defaultdict(int)
            for features in raw:
                for key in features[component]:
                    df[key] += 1
            self.idf[component] = {k: math.log(1 + len(raw) / n) for k, n in df.items()}

    def profile(self, clause_id: str, members: tuple[int, ...], raw: Features) -> Profile:
        sim, contain, norm = {}, {}, {}
        for component, vector in raw.items():
            idf = self.idf[component]
            if component == "terms":
                sim[component] = {k: c * idf[k] * SIM_TERM[k[0]] for k, c in vector.items()}
                contain[component] = {k: c * idf[k] * CONTAIN_TERM[k[0]] for k, c in vector.items()}
            else:
                sim[component] = contain[component] = {k: (1 + math.log(c)) * idf[k] for k, c in vector.items()}
            norm[component] = math.sqrt(sum(w * w for w in sim[component].values()))
        return Profile(clause_id, members, sim, contain, norm)


@dataclass
class Profiles:
    """Clause profiles of both drafts, plus one per point that has sub-points (21 = 21.a..21.d)."""

    old: list[Profile]
    new: list[Profile]
    old_units: list[Profile]
    new_units: list[Profile]


def profiles(old: m.Proposal, new: m.Proposal) -> Profiles:
    stems: dict[str, str] = {}
    raw_old = [_raw_features(c, stems) for c in old.clauses]
    raw_new = [_raw_features(c, stems) for c in new.clauses]
    profiler = Profiler(raw_old + raw_new)
    return Profiles([profiler.profile(c.id, (i,), raw_old[i]) for i, c in enumerate(old.clauses)],
                    [profiler.profile(c.id, (j,), raw_new[j]) for j, c in enumerate(new.clauses)],
                    _units(old, raw_old, profiler), _units(new, raw_new, profiler))


def _units(proposal: m.Proposal, raw: list[Features], profiler: Profiler) -> list[Profile]:
    families: dict[str, list[int]] = defaultdict(list)
    for i, clause in enumerate(proposal.clauses):
        families[_family(clause.id)].append(i)
    return [profiler.profile(name, tuple(members), _union([raw[i] for i in members]))
            for name, members in families.items() if len(members) > 1]


def similarity(a: Profile, b: Profile) -> float:
    """Weighted cosine similarity of two clauses; a component only one side has counts half, as a mismatch."""
    total = weight = 0.0
    for component, w in WEIGHTS.items():
        x, y = a.sim[component], b.sim[component]
        if not x and not y:
            continue
        if not x or not y:
            weight += w / 2
            continue
        if len(x) > len(y):
            x, y = y, x
        dot = sum(v * y[f] for f, v in x.items() if f in y)
        total += w * dot / (a.norm[component] * b.norm[component])
        weight += w
    return min(1.0, total / weight) if weight else 0.0


def contained(part: Profile, whole: Profile) -> dict[str, float]:
    """Per component, the share of `part`'s features (idf-weighted) that `whole` has too."""
    out = {}
    for component in WEIGHTS:
        x, y = part.contain[component], whole.contain[component]
        if x:
            out[component] = sum(v for f, v in x.items() if f in y) / sum(x.values())
    return out


def containment(part: Profile, whole: Profile) -> float:
    """How much of `part`'s content (terms with their values, words, tags) is also in `whole`."""
    shares = contained(part, whole)
    weight = sum(WEIGHTS[c] for c in shares)
    return sum(WEIGHTS[c] * share for c, share in shares.items()) / weight if weight else 0.0


def _attachable(part: Profile, whole: Profile, family: bool) -> float:
    """The containment score if `part` may join the pairing of `whole`, else 0.

    A sub-point joins its point's pairing on a lower score. Any other clause also needs its words to be
    there: sharing a term or two is common between unrelated clauses of a long draft.
    """
    shares = contained(part, whole)
    weight = sum(WEIGHTS[c] for c in shares)
    score = sum(WEIGHTS[c] * share for c, share in shares.items()) / weight if weight else 0.0
    if family:
        return score if score >= ATTACH_FAMILY_MIN else 0.0
    words = max(shares.get("text", 0.0), shares.get("title", 0.0))
    return score if score >= ATTACH_MIN and words >= ATTACH_WORDS_MIN else 0.0


# ------------------------------------------------------------------ alignment
@dataclass
class Match:
    """Old and new clause positions that correspond, how they were matched, and how sure we are."""

    old: list[int]
    new: list[int]
    method: Method
    confidence: float = 0.0
    core_similarity: float = 0.0
    attached: list[float] = field(default_factory=list)


@dataclass
class Alignment:
    matches: list[Match]
    added: list[int]  # positions in the new draft
    dropped: list[int]  # positions in the old draft


@dataclass(frozen=True)
class Edge:
    """A candidate pairing; sorted by `order`, the most convincing first."""

    key: float  # minus (similarity + id bonus)
    drift: float  # how far apart the two are in their drafts, as a tie-breaker
    old: tuple[int, ...]
    new: tuple[int, ...]
    similarity: float
    same_id: bool

    def order(self) -> tuple:
        return self.key, self.drift, self.old, self.new


def align(old: m.Proposal, new: m.Proposal) -> Alignment:
    """Which old clauses became which new ones (never by list position)."""
    p = profiles(old, new)
    matches = _identical(old, new)
    done_old = {i for mt in matches for i in mt.old}
    done_new = {j for mt in matches for j in mt.new}
    free_old = [q for q in p.old if q.position not in done_old]
    free_new = [t for t in p.new if t.position not in done_new]
    sizes = (len(p.old), len(p.new))
    edges = _edges(free_old, free_new, sizes)
    edges += _edges([u for u in p.old_units if done_old.isdisjoint(u.members)], free_new, sizes)
    edges += [_flip(e) for e in _edges([u for u in p.new_units if done_new.isdisjoint(u.members)], free_old,
                                       sizes[::-1])]
    edges.sort(key=Edge.order)
    # Convincing pairings first, then splits and merges, and only then the weak pairings: a clause that
    # is plainly part of another's split should not be taken by a chance likeness elsewhere.
    _greedy([e for e in edges if -e.key >= STRONG], p, matches)
    _attach(p.old, p.new, matches, "merged")
    _attach(p.new, p.old, matches, "split")
    _greedy([e for e in edges if -e.key < STRONG], p, matches)
    _attach(p.old, p.new, matches, "merged")
    _attach(p.new, p.old, matches, "split")
    for mt in matches:
        _finish(mt)
    matches.sort(key=lambda mt: (min(mt.new), min(mt.old)))
    taken_old = {i for mt in matches for i in mt.old}
    taken_new = {j for mt in matches for j in mt.new}
    return Alignment(matches, [j for j in range(len(new.clauses)) if j not in taken_new],
                     [i for i in range(len(old.clauses)) if i not in taken_old])


def _identical(old: m.Proposal, new: m.Proposal) -> list[Match]:
    """Clauses whose title, prose, terms, tags and status are the same on both sides (and unique there).

    Matched first and for certain: most clauses of a revision are unchanged, and this spares them the
    candidate search.
    """
    def signatures(proposal: m.Proposal) -> dict[tuple, list[int]]:
        found: dict[tuple, list[int]] = defaultdict(list)
        for i, c in enumerate(proposal.clauses):
            terms = tuple(sorted((p, tuple(_shown(tuple(v)))) for p, v in term_values(c).items()))
            found[(c.title, " ".join(prose(c).split()), terms, tuple(sorted(c.tags)), c.status)].append(i)
        return found

    before, after = signatures(old), signatures(new)
    matches = []
    for signature, positions in before.items():
        if len(positions) == 1 and len(after.get(signature, ())) == 1:
            i, j = positions[0], after[signature][0]
            same_id = old.clauses[i].id == new.clauses[j].id
            matches.append(Match([i], [j], "id" if same_id else "content", core_similarity=1.0))
    return matches


def _edges(queries: list[Profile], targets: list[Profile], sizes: tuple[int, int]) -> list[Edge]:
    """Scored candidate pairings: same-id pairs, and each query's best content candidates."""
    by_id = {t.id: t for t in targets}
    n_query, n_target = max(1, sizes[0]), max(1, sizes[1])
    index = Index(targets, len(queries))
    out = []
    for q in queries:
        found = {targets[k].position: targets[k] for k in index.candidates(q)}
        if q.id in by_id:
            found[by_id[q.id].position] = by_id[q.id]
        for t in found.values():
            s, same_id = similarity(q, t), q.id == t.id
            if (same_id and s >= ID_MIN) or s >= CONTENT_MIN:
                drift = abs(q.position / n_query - t.position / n_target)
                out.append(Edge(-(s + ID_BONUS * same_id), drift, q.members, t.members, s, same_id))
    return out


def _flip(e: Edge) -> Edge:
    return Edge(e.key, e.drift, e.new, e.old, e.similarity, e.same_id)


class Index:
    """An inverted index of one side's features, for finding the likely partners of a clause fast.

    Features that many clauses share are left out of the index: they cannot single out a candidate
    (they still count in the exact similarity afterwards).
    This keeps the search near linear in the size of the drafts.
    """

    def __init__(self, targets: list[Profile], other_side: int):
        self.limit = max(24, int(math.sqrt(len(targets) + other_side)))
        postings: dict[str, dict[str, list[tuple[int, float]]]] = {c: defaultdict(list) for c in WEIGHTS}
        for k, t in enumerate(targets):
            for component in WEIGHTS:
                norm, into = t.norm[component], postings[component]
                for f, v in t.sim[component].items():
                    into[f].append((k, v / norm))
        self.postings = {c: {f: p for f, p in found.items() if len(p) <= self.limit}
                         for c, found in postings.items()}

    def candidates(self, q: Profile) -> list[int]:
        acc: dict[int, float] = defaultdict(float)
        for component, w in WEIGHTS.items():
            index = self.postings[component]
            scale = w / q.norm[component] if q.norm[component] else 0.0
            for f, v in q.sim[component].items():
                for k, u in index.get(f, ()):
                    acc[k] += scale * v * u
        return [k for k, _ in heapq.nlargest(CANDIDATES, acc.items(), key=_by_score)]


def _by_score(item: tuple[int, float]) -> tuple[float, int]:
    return item[1], -item[0]


def _greedy(edges: list[Edge], p: Profiles, matches: list[Match]) -> None:
    """Take the best remaining pairing whose clauses are all still free (a fast, stable assignment)."""
    used_old = {i for mt in matches for i in mt.old}
    used_new = {j for mt in matches for j in mt.new}
    for e in edges:
        if used_old.intersection(e.old) or used_new.intersection(e.new):
            continue
        mt = _match(e, p)
        used_old.update(mt.old)
        used_new.update(mt.new)
        matches.append(mt)


def _match(e: Edge, p: Profiles) -> Match:
    """A pairing from an edge; a point's sub-points that share nothing with the other side are left out."""
    if len(e.old) == 1 and len(e.new) == 1:
        method: Method = ("id" if e.similarity >= ID_SAME else "id+content") if e.same_id else "content"
        return Match([e.old[0]], [e.new[0]], method, core_similarity=e.similarity)
    if len(e.old) > 1:
        whole = p.new[e.new[0]]
        kept = [(i, containment(p.old[i], whole)) for i in e.old]
        kept = [(i, c) for i, c in kept if c >= ATTACH_FAMILY_MIN] or [max(kept, key=lambda ic: ic[1])]
        return Match([i for i, _ in kept], [e.new[0]], "merged" if len(kept) > 1 else "content",
                      core_similarity=e.similarity, attached=[c for _, c in kept][1:])
    whole = p.old[e.old[0]]
    kept = [(j, containment(p.new[j], whole)) for j in e.new]
    kept = [(j, c) for j, c in kept if c >= ATTACH_FAMILY_MIN] or [max(kept, key=lambda jc: jc[1])]
    return Match([e.old[0]], [j for j, _ in kept], "split" if len(kept) > 1 else "content",
                 core_similarity=e.similarity, attached=[c for _, c in kept][1:])


def _attach(parts: list[Profile], wholes: list[Profile], matches: list[Match], how: Method) -> None:
    """Fold unmatched clauses of one side into the pair holding the clause that contains them."""
    mine, theirs = ("old", "new") if how == "merged" else ("new", "old")
    taken = {i for mt in matches for i in getattr(mt, mine)}
    home = {getattr(mt, theirs)[0]: mt for mt in matches if len(getattr(mt, theirs)) == 1}
    by_family: dict[str, set[int]] = defaultdict(set)
    for j, mt in home.items():
        for i in getattr(mt, mine):
            by_family[parts[i].family].add(j)
    loose = [p for p in parts if p.position not in taken]
    index = Index(wholes, len(parts)) if loose else None
    offers = []
    for p in loose:
        for j in sorted((set(index.candidates(p)) & set(home)) | by_family.get(p.family, set())):
            families = {parts[i].family for i in getattr(home[j], mine)}
            score = _attachable(p, wholes[j], p.family in families)
            if score:
                offers.append((-score, p.position, j, score))
    offers.sort()
    for _, position, j, score in offers:
        if position in taken:
            continue
        taken.add(position)
        group = getattr(home[j], mine)
        group.append(position)
        group.sort()
        home[j].method = how
        home[j].attached.append(score)


def _finish(mt: Match) -> None:
    s = mt.core_similarity
    confidence = 1 - (1 - s) * 0.6 if mt.method in ("id", "id+content") else s  # a shared id is evidence too
    if mt.attached:
        confidence = (confidence + sum(mt.attached)) / (1 + len(mt.attached))
    mt.confidence = round(min(1.0, max(0.0, confidence)), 3)


# ------------------------------------------------------------------ term changes
def term_changes(old: list[m.Clause], new: list[m.Clause]) -> tuple[tuple[TermChange, ...], int]:
    """Terms changed, added and removed between two groups of clauses; and how many stayed the same."""
    before, after = _group_terms(old), _group_terms(new)
    changes, same = [], 0
    for path in sorted(set(before) | set(after)):
        b, a = tuple(before.get(path, ())), tuple(after.get(path, ()))
        if _shown(b) == _shown(a):
            same += 1
            continue
        kind = "changed" if a and b else ("added" if a else "removed")
        changes.append(TermChange(path, kind, b, a))
    return tuple(changes), same


def _group_terms(clauses: list[m.Clause]) -> dict[str, list[TermValue]]:
    out: dict[str, list[TermValue]] = defaultdict(list)
    for clause in clauses:
        for path, values in term_values(clause).items():
            out[path].extend(values)
    return out


def _shown(values: tuple[TermValue, ...]) -> list[tuple[str, str]]:
    return sorted((v.value, v.option or "") for v in values)


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
    return tuple(sorted(out, key=lambda r: (r.severity != "hard", r.change != "new", r.change != "resolved", r.rule)))


def _party_verdicts(parties: list[str], old: list[ClauseResult], new: list[ClauseResult]) -> tuple[PartyVerdict, ...]:
    out = []
    for party in parties:
        before = _worst([c.verdicts[party] for c in old if party in c.verdicts])
        after = _worst([c.verdicts[party] for c in new if party in c.verdicts])
        rules = rule_deltas((f for c in old for f in c.findings), (f for c in new for f in c.findings), party)
        out.append(PartyVerdict(party, before, after, rules))
    return tuple(out)


# ------------------------------------------------------------------ the diff
def diff(old: CheckResult, new: CheckResult) -> DiffResult:
    """Compare two checked drafts (checked against the same red lines)."""
    alignment = align(old.proposal, new.proposal)
    parties = _parties(old, new)
    ids = [p.id for p in parties]
    keys: set[str] = set()
    pairs = [_clause_diff(old, new, mt.old, mt.new, mt.method, mt.confidence, ids, keys)
             for mt in alignment.matches]
    added = [_clause_diff(old, new, [], [j], "added", 1.0, ids, keys) for j in alignment.added]
    dropped = [_clause_diff(old, new, [i], [], "dropped", 1.0, ids, keys) for i in alignment.dropped]
    proposal_level = [d for p in ids for d in rule_deltas(old.proposal_findings, new.proposal_findings, p)]
    summary = [_party_delta(info, old, new, pairs + dropped + added, proposal_level) for info in parties]
    return DiffResult(_draft(old), _draft(new), parties, pairs, added, dropped, summary, proposal_level)


def diff_drafts(old: m.Proposal, new: m.Proposal, vocabulary: m.Vocabulary, redlines: list[m.RedLines],
                digests: dict[str, bytes] | None = None) -> DiffResult:
    """Check both drafts against the same red lines and compare them."""
    from .evaluate import check

    return diff(check(old, vocabulary, redlines, digests), check(new, vocabulary, redlines, digests))


def _parties(old: CheckResult, new: CheckResult) -> list[PartyInfo]:
    known = {p.id: p for p in old.parties}
    known.update({p.id: p for p in new.parties})
    return [known[k] for k in sorted(known)]


def _draft(result: CheckResult) -> DraftInfo:
    p = result.proposal
    return DraftInfo(p.title, p.file, p.version, p.date.isoformat() if p.date else "", len(p.clauses))


def _clause_diff(old: CheckResult, new: CheckResult, old_pos: list[int], new_pos: list[int], method: Method,
                 confidence: float, parties: list[str], keys: set[str]) -> ClauseDiff:
    a = [old.proposal.clauses[i] for i in old_pos]
    b = [new.proposal.clauses[j] for j in new_pos]
    old_title, new_title = _group_title(a), _group_title(b)
    old_text, new_text = _group_prose(a), _group_prose(b)
    terms, same = term_changes(a, b)
    old_tags = {t for c in a for t in c.tags}
    new_tags = {t for c in b for t in c.tags}
    verdicts = _party_verdicts(parties, [old.clauses[i] for i in old_pos], [new.clauses[j] for j in new_pos])
    key = _unique(anchor(method, tuple(c.id for c in a), tuple(c.id for c in b)), keys)
    return ClauseDiff(key=key, method=method, confidence=confidence,
                      old_ids=tuple(c.id for c in a), new_ids=tuple(c.id for c in b),
                      old_title=old_title, new_title=new_title, old_text=old_text, new_text=new_text,
                      title_redline=redline(old_title, new_title), redline=redline(old_text, new_text),
                      terms=terms, unchanged_terms=same,
                      old_status=_status(a), new_status=_status(b),
                      tags_added=tuple(sorted(new_tags - old_tags)) if a else (),
                      tags_removed=tuple(sorted(old_tags - new_tags)) if b else (), verdicts=verdicts)


def _group_title(clauses: list[m.Clause]) -> str:
    if len(clauses) == 1:
        return clauses[0].title
    return "; ".join(f"{c.id} {c.title}" for c in clauses)


def _group_prose(clauses: list[m.Clause]) -> str:
    """The prose of one clause, or of several, each paragraph led by its clause id: (21.a) ..."""
    if len(clauses) == 1:
        return prose(clauses[0])
    return PARAGRAPH.join(f"({c.id}) {prose(c)}" for c in clauses if prose(c))


def _status(clauses: list[m.Clause]) -> str:
    return ", ".join(dict.fromkeys(c.status for c in clauses if c.status))


def anchor(method: Method, old_ids: tuple[str, ...], new_ids: tuple[str, ...]) -> str:
    """pair-21-14 style: the first id of each side, '.' as '_', anything else unusual as '-'."""
    def clean(clause_id: str) -> str:
        return re.sub(r"[^A-Za-z0-9_-]", "-", clause_id.replace(".", "_"))

    if method == "added":
        return "added-" + clean(new_ids[0])
    if method == "dropped":
        return "dropped-" + clean(old_ids[0])
    return f"pair-{clean(old_ids[0])}-{clean(new_ids[0])}"


def _unique(key: str, keys: set[str]) -> str:
    candidate, n = key, 1
    while candidate in keys:
        n += 1
        candidate = f"{key}-{n}"
    keys.add(candidate)
    return candidate


def _party_delta(info: PartyInfo, old: CheckResult, new: CheckResult, diffs: list[ClauseDiff],
                 proposal_level: list[RuleDelta]) -> PartyDelta:
    movers = []
    for d in diffs:
        v = next(v for v in d.verdicts if v.party == info.id)
        if v.before != v.after and {v.before, v.after} & {"reject", "concern"}:
            movers.append(Mover(d.key, d.label, d.new_title or d.old_title, v.before, v.after))
    return PartyDelta(info.id, info.name, old.counts(info.id), new.counts(info.id), tuple(movers),
                      tuple(r for r in proposal_level if r.party == info.id))
