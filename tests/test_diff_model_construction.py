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


def test_every_redline_is_redlines_own(result):
    """An identical pair's redlines are made when first read (checker.diff.model._SameRedline): the same
    as every other pairing's, redline() of its two sides."""
    from peacecheck.checker.diff import redline

    for d in [*result.pairs, *result.added, *result.dropped]:
        assert d.title_redline == redline(d.old_title, d.new_title), d.key
        assert d.redline == redline(d.old_text, d.new_text), d.key


def test_the_results_stay_immutable_and_pickle(result):
    d = (result.pairs or result.added or result.dropped)[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.key = "x"  # type: ignore[misc]
    if d.verdicts:
        with pytest.raises(dataclasses.FrozenInstanceError):
            d.verdicts[0].party = "x"  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(result)) == result



def test_an_unchanged_clause_spaced_anew_is_redlined_and_described_as_such(tmp_path):
    """A pair matched as unchanged whose prose was only re-spaced (here a paragraph break added): its redline
    is redline()'s and its facts the properties' (the shortcuts for equal prose must not take it)."""
    import shutil

    from peacecheck.checker.diff import redline
    from peacecheck.checker.evaluation.evaluate import check
    from test_diff import FIXTURES, inputs

    shutil.copytree(FIXTURES, tmp_path / "diff")
    base = (tmp_path / "diff/proposals/base.peace").read_text(encoding="utf-8")
    respaced = base.replace("confirms that Northland", "confirms that\n\n    Northland")  # a paragraph break
    assert respaced != base
    (tmp_path / "diff/proposals/respaced.peace").write_text(respaced, encoding="utf-8")
    loaded = [inputs(tmp_path / "diff/proposals" / f"{n}.peace", tmp_path / "diff/redlines") for n in ("base", "respaced")]
    old, new = (check(i.proposal, i.vocabulary, i.redlines) for i in loaded)
    pair = next(d for d in diff(old, new).pairs if d.old_ids == ("1",))
    assert pair.method == "id" and pair.old_text != pair.new_text  # paired as unchanged; each keeps its prose
    assert pair.redline == redline(pair.old_text, pair.new_text)
    fresh = dataclasses.replace(pair)  # the facts as the properties work them out
    assert (pair.text_changed, pair.changed, pair.badges()) == (fresh.text_changed, fresh.changed, fresh.badges())
    assert pair.text_changed  # (the paragraph break is an insertion)
