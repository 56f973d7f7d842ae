"""diff() builds its clause diffs, party verdicts and rule deltas in one step each (checker.diff.model's
new_* constructors) and fills in the facts it already knows (whether verdicts changed; an identical
pair's label, badges and 'changed'). These must be what the classes' own __init__ and properties give."""
from __future__ import annotations

import dataclasses
import pickle

import pytest
from test_diff import checked

from peacecheck.checker.diff import diff

FACTS = ("label", "renumbered", "title_changed", "text_changed", "verdict_changed", "changed", "_badges")


@pytest.fixture(params=[("base", "edited"), ("base", "renumbered"), ("base", "split"), ("base", "moved"),
                        ("edited", "base"), ("base", "base")])
def result(request):
    old, new = request.param
    return diff(checked(old), checked(new))


def test_every_clause_diff_is_what_its_init_would_make(result):
    for d in [*result.pairs, *result.added, *result.dropped]:
        fresh = dataclasses.replace(d)  # through __init__: no fact filled in
        assert fresh == d
        for fact in FACTS:
            assert getattr(d, fact) == getattr(fresh, fact), (d.key, fact)
        assert d.badges() == fresh.badges()
        for v in d.verdicts:
            assert dataclasses.replace(v) == v
            for r in v.rules:
                assert dataclasses.replace(r) == r


def test_the_results_stay_immutable_and_pickle(result):
    d = (result.pairs or result.added or result.dropped)[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.key = "x"  # type: ignore[misc]
    if d.verdicts:
        with pytest.raises(dataclasses.FrozenInstanceError):
            d.verdicts[0].party = "x"  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(result)) == result

