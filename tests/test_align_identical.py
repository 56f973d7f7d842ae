"""The alignment's first step, identical clauses, against its definition (docs/diff.md): a clause pairs
with one of the other draft when their signatures (title, prose spacing aside, terms, tags, status,
options) are equal and held by no other clause on either side. The fast path groups by title first;
this checks it against the definition on drafts full of near-duplicates."""
from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from peacecheck.checker.diff.align import _identical, signature
from peacecheck.dsl import models as m

_TITLES = st.sampled_from(["Army", "Army ", "NATO", "Guarantees"])
_TEXTS = st.sampled_from(["", "Ukraine keeps its army.", "Ukraine  keeps\nits army.", "Ukraine keeps its army!",
                          "A b\n\nc", "A b \n\n c"])
_TERMS = st.lists(st.tuples(st.sampled_from(["army.cap", "nato.membership"]),
                            st.sampled_from([("number", 600000), ("number", 600000.0), ("bool", True),
                                             ("enum", "renounced")])), max_size=2)
_TAGS = st.lists(st.sampled_from(["army", "nato", "security"]), max_size=2, unique=True)
_OPTIONS = st.lists(st.sampled_from(["a", "b"]), max_size=1)


@st.composite
def clauses(draw) -> list[m.Clause]:
    out = []
    for n in range(draw(st.integers(0, 7))):
        terms = tuple(m.Assignment(path=p, value=m.Value(kind=k, raw=r)) for p, (k, r) in draw(_TERMS))
        options = tuple(m.Option(id=o, title=f"Option {o}") for o in draw(_OPTIONS))
        out.append(m.Clause(id=str(n + 1), title=draw(_TITLES), text=draw(_TEXTS), tags=tuple(draw(_TAGS)),
                            status=draw(st.sampled_from(["", "agreed"])), terms=terms, options=options))
    return out


def by_definition(old: list[m.Clause], new: list[m.Clause]) -> list[tuple[int, int]]:
    mine, theirs = [signature(c) for c in old], [signature(c) for c in new]
    count_old, count_new = Counter(mine), Counter(theirs)
    return sorted((i, j) for i, a in enumerate(mine) for j, b in enumerate(theirs)
                  if a == b and count_old[a] == 1 and count_new[b] == 1)


_CHANGES = ["same", "same", "status", "respaced", "tags reordered", "terms reordered", "title", "text", "value",
            "option"]


@st.composite
def revision(draw, old: list[m.Clause]) -> list[m.Clause]:
    """The old clauses, each kept, dropped or changed in one field (some changes keep the signature), some
    new ones, shuffled."""
    from dataclasses import replace

    out = []
    for c in old:
        change = draw(st.sampled_from([*_CHANGES, "dropped"]))
        if change == "status":
            c = replace(c, status="agreed" if not c.status else "")
        elif change == "respaced":
            c = replace(c, text=c.text.replace(" ", "  \n", 1))
        elif change == "tags reordered":
            c = replace(c, tags=tuple(reversed(c.tags)))
        elif change == "terms reordered":
            c = replace(c, terms=tuple(reversed(c.terms)))
        elif change == "title":
            c = replace(c, title=c.title + " (revised)")
        elif change == "text":
            c = replace(c, text=c.text + " Revised.")
        elif change == "value":
            c = replace(c, terms=(m.Assignment(path="army.cap", value=m.Value(kind="number", raw=1)),))
        elif change == "option":
            c = replace(c, options=(m.Option(id="z", title="Option z"),))
        if change != "dropped":
            out.append(c)
    out += draw(clauses())
    return draw(st.permutations(out))


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_identical_pairs_are_the_definitions(data):
    old = data.draw(clauses())
    new = data.draw(revision(old))
    found = _identical(m.Proposal(title="old", clauses=tuple(old)), m.Proposal(title="new", clauses=tuple(new)))
    assert sorted((mt.old[0], mt.new[0]) for mt in found) == by_definition(old, new)
    assert all(mt.identical and mt.confidence == 1.0 for mt in found)
