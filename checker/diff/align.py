"""Which clause became which: clause profiles, similarities, and the alignment (pairs, splits, merges)."""
from __future__ import annotations

import heapq
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field

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
    _shown,
)
from .redline import PARAGRAPH

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


