"""Which clause became which: clause profiles, similarities, and the alignment (pairs, splits, merges)."""
from __future__ import annotations

import math
from collections import Counter, defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import chain, filterfalse, repeat
from operator import attrgetter, mul, neg

from peacecheck.dsl import models as m

from .model import (
    ATTACH_FAMILY_MIN,
    ATTACH_MIN,
    ATTACH_WORDS_MIN,
    CANDIDATES,
    CONTAIN_TERM,
    CONTENT_MIN,
    ID_BONUS,
    ID_MIN,
    ID_SAME,
    SIM_TERM,
    STRONG,
    WEIGHTS,
    Method,
    TermValue,
    _family,
    cached_property,
)
from .redline import PARAGRAPH
from .text import STEM, STOPWORDS, Stems, content_counts, content_words  # noqa: F401 (STEM, STOPWORDS: public API)


# ------------------------------------------------------------------ clause profiles
def words(text: str, stems: Stems | None = None) -> list[str]:
    """Content words of any script, lower-cased and crudely stemmed, for similarity (see text.py)."""
    return content_words(text, Stems() if stems is None else stems)


def prose(clause: m.Clause) -> str:
    """A clause's text and its options' texts, as paragraphs."""
    if not clause.options:  # most clauses: the join below of the one stripped text is that text
        return clause.text.strip()
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
    """A clause (or a point with its sub-points) reduced to weighted features, one vector per component.

    `short` holds the features of the short components (terms, title, tags) in one vector, each scaled
    by sqrt(component weight) / component norm: the dot product of two such vectors is the sum of their
    weighted cosines, in one C-level key intersection instead of three. The text, the long component,
    is left as it is (`sim["text"]`): scaling a copy of it costs more than dividing one dot product.
    `present` has a bit per component that has features (which weights the similarity divides by).
    """

    id: str
    members: tuple[int, ...]  # positions in its draft
    sim: dict[str, Vector]
    norm: dict[str, float]
    short: Vector
    present: int
    raw: Features = field(repr=False)
    profiler: Profiler = field(repr=False)
    position: int = field(init=False)  # its first member's (read often: a field, not a property)

    def __post_init__(self) -> None:
        self.position = self.members[0]

    @cached_property
    def contain(self) -> dict[str, Vector]:
        """The vectors containment compares (made when first asked: only splits and merges ask)."""
        return self.profiler.contain(self.raw, self.sim)

    @cached_property
    def contain_total(self) -> dict[str, float]:
        """Per component that has features, the sum of `contain`."""
        return {component: sum(vector.values()) for component, vector in self.contain.items() if vector}

    @property
    def family(self) -> str:
        return _family(self.id)


def _raw_features(clause: m.Clause, stems: Stems) -> Features:
    terms: Vector = {}
    for path, values in term_values(clause).items():
        terms["p:" + path] = 1.0
        for v in values:
            terms[f"v:{path}={v.value}"] = 1.0
        if "." in path:
            terms["f:" + path.rsplit(".", 1)[0]] = 1.0
    text = content_counts(prose(clause), stems)
    return {"terms": terms, "title": dict.fromkeys(words(clause.title, stems), 1.0), "text": text,
            "tags": dict.fromkeys(clause.tags, 1.0)}


def _union(features: list[Features]) -> Features:
    out: Features = {c: defaultdict(float) for c in WEIGHTS}
    for f in features:
        for component, vector in f.items():
            for key, count in vector.items():
                out[component][key] = count + out[component][key] if component == "text" else 1.0
    return {c: dict(v) for c, v in out.items()}


NUMBER_FEATURE = "#"  # every number of a title or text, for containment: a changed amount is the same slot
# A short component's keys in Profile.short, led by a character no term path, word or tag holds.
_LEAD = {"terms": "", "title": "\x1f1", "tags": "\x1f3"}  # terms' keys already start "p:", "v:" or "f:"
_TEXT_WEIGHT = WEIGHTS["text"]
_ROOT_TEXT_WEIGHT = math.sqrt(_TEXT_WEIGHT)
_ROOT_WEIGHT = {component: math.sqrt(w) for component, w in WEIGHTS.items()}


def _present_weight(a: int, b: int) -> float:
    """What a similarity divides by: the weights of the components both sides have, half of those only one has."""
    total = 0.0
    for bit, w in enumerate(WEIGHTS.values()):
        both, either = a & b & (1 << bit), (a | b) & (1 << bit)
        total += w if both else (w / 2 if either else 0.0)
    return total


_WEIGHT_OF = [[_present_weight(a, b) for b in range(1 << len(WEIGHTS))] for a in range(1 << len(WEIGHTS))]


# A word of the text in more than half of the clauses compared (when there are at least COMMON_FROM of them)
# is a stop word of this draft ("parties", "agreement", "days"): it says little about which clause is which
# (its weight is under log 3, a rare word's log N), yet it is most of every clause's words and of every
# comparison's work. Left out of the text vectors. Fewer clauses than that: too few to tell.
COMMON_SHARE = 0.5
COMMON_FROM = 100


class Profiler:
    """Weighs features by inverse document frequency over a set of clauses (the ones alignment compares)."""

    def __init__(self, raw: list[Features], numbers: set[str] | frozenset[str] = frozenset()):
        self.numbers = numbers  # the words that are numbers (Stems.numbers)
        self.idf: dict[str, dict[str, float]] = {}
        self.rare = math.log(1 + max(1, len(raw)))  # a feature none of them has: as rare as can be
        self.common: frozenset[str] = frozenset()  # the draft's stop words (COMMON_SHARE)
        for component in WEIGHTS:
            # one count per clause that has the feature (iterating a dict gives its keys), counted in C
            df = Counter(chain.from_iterable(features[component] for features in raw))
            if component in ("title", "text"):
                with_numbers = sum(1 for features in raw if not numbers.isdisjoint(features[component]))
                if with_numbers:
                    df[NUMBER_FEATURE] += with_numbers
            by_count = {n: math.log(1 + len(raw) / n) for n in set(df.values())}  # few distinct counts
            self.idf[component] = dict(zip(df, map(by_count.__getitem__, df.values())))
            if component == "text" and len(raw) >= COMMON_FROM:
                self.common = frozenset(w for w, n in df.items() if n > COMMON_SHARE * len(raw))
        for features in raw:
            self.trim(features)

    def trim(self, features: Features) -> Features:
        """`features` without the draft's stop words (in place: raw features are made for this alignment)."""
        if self.common:
            text = features["text"]  # (a Counter, whose own __delitem__ is Python: dict's, mapped in C)
            deque(map(dict.__delitem__, repeat(text), self.common & text.keys()), maxlen=0)
        return features

    def profile(self, clause_id: str, members: tuple[int, ...], raw: Features) -> Profile:
        sim, norm, short = {}, {}, {}
        present, rare = 0, self.rare
        for bit, component in enumerate(WEIGHTS):
            vector, idf = raw[component], self.idf[component]
            if component == "terms":
                weighted = {k: c * idf.get(k, rare) * SIM_TERM[k[0]] for k, c in vector.items()}
            else:
                weighted = _log_weighted(vector, idf, rare)
            sim[component] = weighted
            values = weighted.values()
            norm[component] = length = math.sqrt(sum(map(mul, values, values)))
            if weighted:
                present |= 1 << bit
                lead = _LEAD.get(component)
                if lead is not None:
                    scaled = map(_ROOT_WEIGHT[component].__truediv__(length).__mul__, values)
                    short.update(zip(map(lead.__add__, weighted) if lead else weighted, scaled))
        return Profile(clause_id, members, sim, norm, short, present, raw, self)

    def contain(self, raw: Features, sim: dict[str, Vector]) -> dict[str, Vector]:
        """Containment's vectors: terms without their values, all numbers of a title or text as one word."""
        rare, out = self.rare, {}
        for component in WEIGHTS:
            idf = self.idf[component]
            if component == "terms":
                out[component] = _value_free(raw[component], idf, rare)
            else:
                out[component] = _numbers_as_one(sim[component], raw[component], idf.get(NUMBER_FEATURE, rare),
                                                 self.numbers)
        return out


def _log_weighted(counts: Vector, idf: dict[str, float], rare: float) -> Vector:
    """(1 + log count) x idf per feature, computed in C: idf looked up by map, 1 + log count from a table."""
    weights = map(idf.get, counts, repeat(rare))
    if len(counts) == sum(counts.values()):  # every count is 1, and 1 + log 1 is exactly 1: the idf itself
        return dict(zip(counts, weights))
    return dict(zip(counts, map(mul, map(_ONE_PLUS_LOG.__getitem__, counts.values()), weights)))


class _OnePlusLog(dict):
    """1 + log(count), each count's computed once (the same float as computing it each time)."""

    def __missing__(self, count: float) -> float:
        value = self[count] = 1 + math.log(count)
        return value


_ONE_PLUS_LOG = _OnePlusLog()


def _value_free(vector: Vector, idf: dict[str, float], rare: float) -> Vector:
    """Containment's term features: a term whose value changed (12,000 -> 9,000) is still the same term,
    so a clause merged into another with its numbers changed still counts as inside it."""
    out: Vector = {}
    for k, c in vector.items():
        if k[0] == "v":
            path = k[2:k.index("=")]
            out["v:" + path] = c * idf.get("p:" + path, rare) * CONTAIN_TERM["v"]
        else:
            out[k] = c * idf.get(k, rare) * CONTAIN_TERM[k[0]]
    return out


def _numbers_as_one(weighted: Vector, counts: Vector, idf: float, numbers: set[str] | frozenset[str]) -> Vector:
    """Containment's words: all numbers are one feature, so a changed amount does not count as missing."""
    found = weighted.keys() & numbers
    if not found:
        return weighted
    out = dict(weighted)  # copied and thinned in C: the words keep their order
    for k in found:
        del out[k]
    out[NUMBER_FEATURE] = (1 + math.log(sum(counts[k] for k in found))) * idf
    return out


class Profiles:
    """Clause profiles of both drafts, built on first use, plus one per point with sub-points (21 = 21.a..21.d).

    The inverse document frequencies come from the clauses alignment compares (those not already
    paired as unchanged), so a long revision that changes a few clauses profiles only those few.
    """

    def __init__(self, old: m.Proposal, new: m.Proposal, free_old: list[int] | None = None,
                 free_new: list[int] | None = None):
        self.drafts = (old, new)
        self.stems = Stems()
        self.free = (list(range(len(old.clauses))) if free_old is None else free_old,
                     list(range(len(new.clauses))) if free_new is None else free_new)
        self.raw: tuple[dict[int, Features], dict[int, Features]] = (
            {i: _raw_features(old.clauses[i], self.stems) for i in self.free[0]},
            {j: _raw_features(new.clauses[j], self.stems) for j in self.free[1]})
        self.profiler = Profiler([*self.raw[0].values(), *self.raw[1].values()], self.stems.numbers)
        self.old, self.new = Side(self, 0), Side(self, 1)
        # _attach's containment scores: (part's position, whole's position, same point?) -> score, per direction
        self.offered: dict[str, dict[tuple[int, int, bool], float]] = {"merged": {}, "split": {}}
        self.old_units, self.new_units = self._units(0), self._units(1)

    def features(self, side: int, i: int) -> Features:
        raw = self.raw[side].get(i)
        if raw is None:  # a clause paired as unchanged, asked for by the split/merge search
            raw = self.raw[side][i] = self.profiler.trim(_raw_features(self.drafts[side].clauses[i], self.stems))
        return raw

    def _units(self, side: int) -> list[Profile]:
        """A profile per point whose clauses (two or more) are all still to be aligned."""
        families: dict[str, list[int]] = defaultdict(list)
        for i, clause in enumerate(self.drafts[side].clauses):
            families[_family(clause.id)].append(i)
        free = set(self.free[side])
        return [self.profiler.profile(name, tuple(members), _union([self.features(side, i) for i in members]))
                for name, members in families.items() if len(members) > 1 and free.issuperset(members)]


class Side:
    """One draft's clause profiles by position, each made when first asked for."""

    def __init__(self, profiles: Profiles, side: int):
        self.profiles, self.side = profiles, side
        self.clauses = profiles.drafts[side].clauses
        self._made: dict[int, Profile] = {}
        self._families: list[str] | None = None

    def __getitem__(self, i: int) -> Profile:
        found = self._made.get(i)
        if found is None:
            raw = self.profiles.features(self.side, i)
            found = self._made[i] = self.profiles.profiler.profile(self.clauses[i].id, (i,), raw)
        return found

    def __len__(self) -> int:
        return len(self.clauses)

    def family(self, i: int) -> str:
        return self.families()[i]

    def families(self) -> list[str]:
        """Each clause's point (its id's first part), by position."""
        if self._families is None:
            self._families = [_family(c.id) for c in self.clauses]
        return self._families

    def free(self) -> list[Profile]:
        return [self[i] for i in self.profiles.free[self.side]]


def profiles(old: m.Proposal, new: m.Proposal) -> Profiles:
    """Profiles of every clause of both drafts (alignment itself profiles only what it compares)."""
    return Profiles(old, new)


def similarity(a: Profile, b: Profile) -> float:
    """Weighted cosine similarity of two clauses; a component only one side has counts half, as a mismatch.

    The sum over the short components of weight x cosine is one dot product (see Profile); the text's is added.
    """
    weight = _WEIGHT_OF[a.present][b.present]
    return _similarity(a, b, _short_dot(a, b), weight) if weight else 0.0


def _short_dot(a: Profile, b: Profile) -> float:
    x, y = a.short, b.short
    return sum([x[f] * y[f] for f in x.keys() & y.keys()])  # the intersection is taken in C


def _similarity(a: Profile, b: Profile, short: float, weight: float) -> float:
    """similarity() with the short components' dot product and the weight already worked out."""
    x, y = a.sim["text"], b.sim["text"]
    if x and y:
        short += _TEXT_WEIGHT * sum([x[f] * y[f] for f in x.keys() & y.keys()]) / (a.norm["text"] * b.norm["text"])
    return min(1.0, short / weight)


def contained(part: Profile, whole: Profile) -> dict[str, float]:
    """Per component, the share of `part`'s features (idf-weighted) that `whole` has too."""
    return {component: _share(part, whole, component) for component in part.contain_total}


def _share(part: Profile, whole: Profile, component: str) -> float:
    x = part.contain[component]
    if component == "terms":
        shared = x.keys() & whole.contain[component].keys()
    else:  # whole's containment vector is its words with the numbers as one: not made, read off its words
        y = whole.sim[component]
        shared = x.keys() & y.keys()  # (x holds no number: its numbers are NUMBER_FEATURE)
        if NUMBER_FEATURE in x and not part.profiler.numbers.isdisjoint(y):
            shared.add(NUMBER_FEATURE)
    return sum([x[f] for f in shared]) / part.contain_total[component]


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
    if not family:  # its words decide first (cheap, and most offers fail there): the other components only if they pass
        words = max([_share(part, whole, c) for c in ("text", "title") if c in part.contain_total], default=0.0)
        if words < ATTACH_WORDS_MIN:
            return 0.0
    shares = contained(part, whole)
    weight = sum(WEIGHTS[c] for c in shares)
    score = sum(WEIGHTS[c] * share for c, share in shares.items()) / weight if weight else 0.0
    return score if score >= (ATTACH_FAMILY_MIN if family else ATTACH_MIN) else 0.0


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
    identical: bool = False  # the same clause on both sides (perhaps renumbered): nothing within it changed


@dataclass
class Alignment:
    matches: list[Match]
    added: list[int]  # positions in the new draft
    dropped: list[int]  # positions in the old draft


@dataclass(slots=True)
class Edge:
    """A candidate pairing; sorted by `order`, the most convincing first. (Not frozen: a frozen dataclass
    sets each field through object.__setattr__, and a long draft makes thousands of edges.)"""

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
    matches = _identical(old, new)
    done_old = {i for mt in matches for i in mt.old}
    done_new = {j for mt in matches for j in mt.new}
    p = Profiles(old, new, [i for i in range(len(old.clauses)) if i not in done_old],
                 [j for j in range(len(new.clauses)) if j not in done_new])
    free_old, free_new = p.old.free(), p.new.free()
    sizes = (len(old.clauses), len(new.clauses))
    into_new, into_old = Index(free_new, len(free_old)), Index(free_old, len(free_new))  # built once, used 3 times
    edges = _edges(free_old, into_new, sizes)
    edges += _edges(p.old_units, into_new, sizes)
    edges += [_flip(e) for e in _edges(p.new_units, into_old, sizes[::-1])]
    edges.sort(key=Edge.order)
    # Convincing pairings first, then splits and merges, and only then the weak pairings: a clause that
    # is plainly part of another's split should not be taken by a chance likeness elsewhere.
    _greedy([e for e in edges if -e.key >= STRONG], p, matches)
    _attach(p.old, p.new, matches, "merged", into_new)
    _attach(p.new, p.old, matches, "split", into_old)
    _greedy([e for e in edges if -e.key < STRONG], p, matches)
    _attach(p.old, p.new, matches, "merged", into_new)
    _attach(p.new, p.old, matches, "split", into_old)
    for mt in matches:
        if not mt.identical:  # (an identical pair's confidence is 1.0 from the start)
            _finish(mt)
    matches.sort(key=lambda mt: (min(mt.new), min(mt.old)))
    taken_old = {i for mt in matches for i in mt.old}
    taken_new = {j for mt in matches for j in mt.new}
    return Alignment(matches, [j for j in range(len(new.clauses)) if j not in taken_new],
                     [i for i in range(len(old.clauses)) if i not in taken_old])


def signature(clause: m.Clause) -> tuple:
    """What must agree for two clauses to be the same clause: title, prose (spacing aside), terms, tags, status."""
    title, *rest = _without_text(clause)
    return title, _squashed(clause.text), *rest


def _squashed(text: str) -> str:
    return " ".join(text.split()) if text else ""


def _without_text(clause: m.Clause) -> tuple:
    """The signature but the clause's own prose: cheap to build, and it already tells most clauses apart."""
    options = (tuple([(o.id, o.title, _squashed(o.text), _terms(o.terms)) for o in clause.options])
               if clause.options else ())
    tags = clause.tags
    return (clause.title, _terms(clause.terms), options, tuple(sorted(tags)) if len(tags) > 1 else tuple(tags),
            clause.status)


def _terms(assignments) -> tuple:
    if len(assignments) == 1:  # most clauses state a term or two: no sorting
        a = assignments[0]
        return ((a.path, a.value.kind, repr(a.value.raw)),)
    return tuple(sorted([(a.path, a.value.kind, repr(a.value.raw)) for a in assignments]))


def _identical(old: m.Proposal, new: m.Proposal) -> list[Match]:
    """Clauses whose title, prose, terms, tags and status are the same on both sides (and unique there).

    Matched first and for certain: most clauses of a revision are unchanged, and this spares them the
    candidate search and even their profiles. The signature includes the title, so a clause's signature
    is unique on its side when it is unique among the clauses of the same title: clauses are grouped by
    title first (a string at hand), and a title held by one clause on each side (the usual case) needs
    only those two compared, field by field, equal prose needing no re-spacing.
    """
    def by_title(proposal: m.Proposal) -> dict[str, list[int]]:
        found: dict[str, list[int]] = defaultdict(list)
        for i, c in enumerate(proposal.clauses):
            found[c.title].append(i)
        return found

    before, after = by_title(old), by_title(new)
    pairs = []
    for title, olds in before.items():
        news = after.get(title)
        if not news:
            continue
        if len(olds) == 1 and len(news) == 1:
            if _same_clause(old.clauses[olds[0]], new.clauses[news[0]]):
                pairs.append((olds[0], news[0]))
            continue
        pairs += _unique_signatures(old.clauses, olds, new.clauses, news)
    matches = []
    for i, j in sorted(pairs):  # in old-draft order, as before
        same_id = old.clauses[i].id == new.clauses[j].id
        matches.append(Match([i], [j], "id" if same_id else "content", 1.0, 1.0, identical=True))  # _finish's 1.0
    return matches


def _same_clause(a: m.Clause, b: m.Clause) -> bool:
    """signature(a) == signature(b), the cheap differences first."""
    return (a.status == b.status and len(a.terms) == len(b.terms) and len(a.options) == len(b.options)
            and (a.text == b.text or _squashed(a.text) == _squashed(b.text))
            and (a.tags == b.tags or sorted(a.tags) == sorted(b.tags)) and _terms(a.terms) == _terms(b.terms)
            and (not a.options or _without_text(a)[2] == _without_text(b)[2]))


def _unique_signatures(old: list[m.Clause], olds: list[int], new: list[m.Clause], news: list[int]
                       ) -> list[tuple[int, int]]:
    """Pairs of clauses among these (of one title) whose signature is the same and held by no other of them."""
    def groups(clauses: list[m.Clause], positions: list[int]) -> dict[tuple, list[int]]:
        found: dict[tuple, list[int]] = defaultdict(list)
        for i in positions:
            found[_without_text(clauses[i])].append(i)
        return found

    def by_prose(clauses: list[m.Clause], positions: list[int]) -> dict[str, list[int]]:
        found: dict[str, list[int]] = defaultdict(list)
        for i in positions:
            found[_squashed(clauses[i].text)].append(i)
        return found

    pairs = []
    theirs_by_key = groups(new, news)
    for key, mine_all in groups(old, olds).items():
        theirs_all = theirs_by_key.get(key)
        if not theirs_all:
            continue
        theirs = by_prose(new, theirs_all)
        for text, mine in by_prose(old, mine_all).items():
            if len(mine) == 1 and len(theirs.get(text, ())) == 1:
                pairs.append((mine[0], theirs[text][0]))
    return pairs


def _edges(queries: list[Profile], index: Index, sizes: tuple[int, int]) -> list[Edge]:
    """Scored candidate pairings: same-id pairs, and each query's best content candidates.

    A content candidate whose similarity cannot reach CONTENT_MIN is dropped before its text is compared
    (see Index.ceiling): most of the ten are unrelated clauses that share a rare word or a term.
    """
    by_id = {t.id: t for t in index.targets}
    n_query, n_target = max(1, sizes[0]), max(1, sizes[1])
    out = []
    for q in queries:
        found = {t.position: t for t in index.candidates(q)}
        same = by_id.get(q.id)
        if same is not None:
            found[same.position] = same
        ceiling = index.ceiling(q)
        weights = _WEIGHT_OF[q.present]
        for t in found.values():
            same_id, weight = t is same, weights[t.present]
            if not weight:
                s = 0.0
            else:
                short = _short_dot(q, t)
                if not same_id and short + ceiling(t) < CONTENT_MIN * weight - _SLACK:
                    continue
                s = _similarity(q, t, short, weight)
            if (same_id and s >= ID_MIN) or s >= CONTENT_MIN:
                drift = abs(q.position / n_query - t.position / n_target)
                out.append(Edge(-(s + ID_BONUS * same_id), drift, q.members, t.members, s, same_id))
    return out


def _flip(e: Edge) -> Edge:
    return Edge(e.key, e.drift, e.new, e.old, e.similarity, e.same_id)


_SLACK = 1e-9  # rounding: a ceiling this close to the threshold is checked exactly


class Index:
    """An inverted index of one side's features, for finding the likely partners of a clause fast.

    Features that many clauses share are left out of the index: they cannot single out a candidate
    (they still count in the exact similarity afterwards).
    This keeps the search near linear in the size of the drafts.

    The search also gives each candidate's text dot product over the indexed words, which with the
    Cauchy-Schwarz bound on the words left out (`_loose`: the length of a clause's text vector over
    them) caps the similarity a candidate can reach without comparing the texts word by word.
    """

    def __init__(self, targets: list[Profile], other_side: int):
        self.targets = targets
        self.limit = max(24, int(math.sqrt(len(targets) + other_side)))
        df = Counter(chain.from_iterable(chain.from_iterable((t.short, t.sim["text"]) for t in targets)))
        kept = {f for f, n in df.items() if n <= self.limit}
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for k, t in enumerate(targets):
            short = t.short
            for f in filter(kept.__contains__, short):  # the common features are passed over in C
                postings[f].append((k, short[f]))
            text = t.sim["text"]
            if text:
                scale = _ROOT_TEXT_WEIGHT / t.norm["text"]
                for f in filter(kept.__contains__, text):
                    postings[f].append((k, text[f] * scale))
        self.postings = dict(postings)
        self._asked: dict[int, tuple[Profile, list[Profile]]] = {}
        self._text_found: dict[int, dict[int, float]] = {}  # id of a query -> target k -> the indexed words' dot
        self._k_of = {t.position: k for k, t in enumerate(targets)}
        self._loose_of: dict[int, float] = {}  # id of a target -> _loose, made when a ceiling first needs it

    def _loose(self, p: Profile) -> float:
        """The length of `p`'s scaled text vector over the words this index leaves out."""
        text = p.sim["text"]
        if not text:
            return 0.0
        left_out = list(map(text.__getitem__, filterfalse(self.postings.__contains__, text)))  # all in C
        return _ROOT_TEXT_WEIGHT / p.norm["text"] * math.sqrt(sum(map(mul, left_out, left_out)))

    def ceiling(self, q: Profile) -> Callable[[Profile], float]:
        """For a query asked before: target -> at least weight x the text's share of similarity(q, target):
        the text's dot product over the indexed words, plus at most |q's left-out words| x |target's left-out
        words| for the rest (Cauchy-Schwarz). Add the short components' exact dot product for the whole."""
        found, k_of, loose_of = self._text_found[id(q)], self._k_of, self._loose_of
        loose_q = self._loose(q)

        def text_ceiling(t: Profile) -> float:
            loose_t = loose_of.get(id(t))
            if loose_t is None:
                loose_t = loose_of[id(t)] = self._loose(t)
            return found.get(k_of[t.position], 0.0) + loose_q * loose_t
        return text_ceiling

    def candidates(self, q: Profile) -> list[Profile]:
        """The likely partners of `q` (asked again by _attach for the clauses left over: answered once)."""
        found = self._asked.get(id(q))
        if found is None or found[0] is not q:
            found = self._asked[id(q)] = (q, self._candidates(q))  # q kept: its id is not reused meanwhile
        return found[1]

    def _candidates(self, q: Profile) -> list[Profile]:
        """The CANDIDATES best by the similarity the indexed features give; ties to the earlier target."""
        index = self.postings
        short, text = q.short, q.sim["text"]
        scale = _ROOT_TEXT_WEIGHT / q.norm["text"] if text else 0.0
        found_text: dict[int, float] = defaultdict(float)
        for f in text.keys() & index.keys():  # most of a clause's words are too common to be indexed
            v = text[f] * scale
            for k, u in index[f]:
                found_text[k] += v * u
        self._text_found[id(q)] = found_text
        acc = dict(found_text)
        for f in short.keys() & index.keys():
            v = short[f]
            for k, u in index[f]:
                acc[k] = acc.get(k, 0.0) + v * u
        # (-score, k) pairs sorted in C: the best first, ties to the earlier target
        ranked = sorted(zip(map(neg, acc.values()), acc))[:CANDIDATES]
        targets = self.targets
        return [targets[k] for _, k in ranked]


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


def _attach(parts: Side, wholes: Side, matches: list[Match], how: Method, index: Index) -> None:
    """Fold unmatched clauses of one side into the pair holding the clause that contains them.

    Candidates: the likely partners among the clauses alignment compares (`index`; an unchanged clause
    contains nothing new) that are in a pairing, plus the pairings that already hold a clause of the
    same point.
    """
    mine, theirs = ("old", "new") if how == "merged" else ("new", "old")
    get_mine, get_theirs = attrgetter(mine), attrgetter(theirs)
    taken = set(chain.from_iterable(map(get_mine, matches)))
    loose = [parts[i] for i in parts.profiles.free[parts.side] if i not in taken]
    if not loose:
        return
    home = {side[0]: mt for mt, side in zip(matches, map(get_theirs, matches)) if len(side) == 1}
    families = parts.families()
    wanted = {p.family for p in loose}  # only the points of the loose clauses are looked up
    by_family: dict[str, set[int]] = defaultdict(set)
    for j, mt in home.items():
        for i in get_mine(mt):
            if families[i] in wanted:
                by_family[families[i]].add(j)
    offers = []
    offered = parts.profiles.offered[how]
    for p in loose:
        likely = {t.position for t in index.candidates(p)} & home.keys()
        for j in sorted(likely | by_family.get(p.family, set())):
            family = any(families[i] == p.family for i in get_mine(home[j]))
            key = (p.position, j, family)  # the second round offers most of the first round's again
            score = offered.get(key)
            if score is None:
                score = offered[key] = _attachable(p, wholes[j], family)
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
        home[j].identical = False
        home[j].attached.append(score)


def _finish(mt: Match) -> None:
    s = mt.core_similarity
    confidence = 1 - (1 - s) * 0.6 if mt.method in ("id", "id+content") else s  # a shared id is evidence too
    if mt.attached:
        confidence = (confidence + sum(mt.attached)) / (1 + len(mt.attached))
    mt.confidence = round(min(1.0, max(0.0, confidence)), 3)


