"""The diff core: tokens and redlines, alignment, term changes, verdict deltas, renderers' data."""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peacecheck.checker.diff import (
    PARAGRAPH,
    Segment,
    align,
    anchor,
    diff,
    diff_drafts,
    ids_label,
    redline,
    side,
    tokenize,
)
from peacecheck.checker.evaluation.evaluate import check
from peacecheck.checker.files import DiskLoader, load_inputs
from peacecheck.checker.reports.diff_text import render_json, render_markdown, render_text
from peacecheck.checker.reports.wording import rule_change  # a rule's move, in words

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "diff"
REAL = ROOT / "proposals"


@cache
def inputs(path: Path, redlines: Path):
    return load_inputs(path, [redlines], DiskLoader(path.parent.parent))


def fixture(name: str):
    return inputs(FIXTURES / "proposals" / f"{name}.peace", FIXTURES / "redlines")


@cache
def checked(name: str):
    i = fixture(name)
    return check(i.proposal, i.vocabulary, i.redlines)


@cache
def fixture_diff(old: str, new: str):
    return diff(checked(old), checked(new))


def pairs_by_ids(result) -> dict[tuple[tuple[str, ...], tuple[str, ...]], object]:
    return {(d.old_ids, d.new_ids): d for d in result.pairs}


def id_map(old: str, new: str) -> list[tuple[list[str], list[str], str]]:
    a, b = fixture(old).proposal, fixture(new).proposal
    out = []
    for mt in align(a, b).matches:
        out.append(([a.clauses[i].id for i in mt.old], [b.clauses[j].id for j in mt.new], mt.method))
    return out


# ------------------------------------------------------------------ tokens
def texts(tokens):
    return [t for _, t in tokens]


def test_tokenize_keeps_numbers_amounts_and_ids_whole():
    tokens = texts(tokenize("Capped at 600,000 (not 800,000); $100bn and 50% by 2025-12-23, see 21.a and 28/6."))
    for whole in ("600,000", "800,000", "$100bn", "50%", "2025-12-23", "21.a", "28/6"):
        assert whole in tokens
    assert tokens[-1] == "." and tokens[-2] == "28/6"
    assert "(" in tokens and ";" in tokens


def test_tokenize_words_keep_inner_apostrophes_and_hyphens():
    assert texts(tokenize("Ukraine's Article-5-like US-Ukrainian guarantee")) == [
        "Ukraine's", "Article-5-like", "US-Ukrainian", "guarantee"]


def test_tokenize_soft_line_breaks_are_spaces_and_blank_lines_are_tokens():
    tokens = tokenize("one\ntwo\n\n  three")
    assert texts(tokens) == ["one", "two", PARAGRAPH, "three"]
    assert tokens[1] == (" ", "two")


def test_redline_of_a_number_change_touches_only_the_number():
    assert redline("capped at 600,000 personnel", "capped at 800,000 personnel") == (
        Segment("equal", "capped at"), Segment("delete", " 600,000"), Segment("insert", " 800,000"),
        Segment("equal", " personnel"))


def test_redline_of_equal_and_empty_texts():
    assert redline("same words", "same  words") == (Segment("equal", "same words"),)
    assert redline("", "") == ()
    assert redline("", "new") == (Segment("insert", "new"),)
    assert redline("old", "") == (Segment("delete", "old"),)


def test_redline_keeps_paragraph_breaks_as_tokens():
    segments = redline("first part\n\nsecond part", "first part\n\nsecond piece")
    assert [s.op for s in segments] == ["equal", "delete", "insert"]
    assert segments[0].text == "first part\n\nsecond"


def test_redline_folds_a_lone_common_word_into_the_change():
    segments = redline("the cat sat on the mat", "a dog sat by the rug")
    ops = [s.op for s in segments]
    assert ops.count("equal") <= 2
    assert "".join(s.text for s in side(segments, "new")) == "a dog sat by the rug"


def test_redline_of_unrelated_texts_is_one_replacement():
    assert [s.op for s in redline("alpha beta gamma delta", "one two three four")] == ["delete", "insert"]


def normalised(text: str) -> str:
    return "".join(lead + token for lead, token in tokenize(text))


WORDS = st.lists(st.sampled_from(["600,000", "the", "army", "$100bn", "21.a", ",", ".", "\n", "\n\n", "cap", "of"]),
                 max_size=25).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(WORDS, WORDS)
def test_redline_sides_give_back_both_texts(old, new):
    segments = redline(old, new)
    assert "".join(s.text for s in side(segments, "old")) == normalised(old)
    assert "".join(s.text for s in side(segments, "new")) == normalised(new)


# ------------------------------------------------------------------ alignment
@pytest.mark.parametrize("name", ["base", "edited", "renumbered", "moved", "split"])
def test_diff_of_a_draft_with_itself_is_empty(name):
    result = fixture_diff(name, name)
    assert not result.has_changes
    assert not result.added and not result.dropped
    assert {d.method for d in result.pairs} == {"id"}
    assert {d.confidence for d in result.pairs} == {1.0}
    assert all(d.old_ids == d.new_ids and not d.changed and d.badges() == ("unchanged",) for d in result.pairs)
    assert all(s.before == s.after and not s.movers and s.trend == "unchanged" for s in result.summary)


def test_renumbered_clauses_match_by_content_never_by_position_or_reused_id():
    expected = {("9",): ("1",), ("1",): ("2",), ("4",): ("3",), ("2",): ("4",), ("3.a",): ("5.a",),
                ("3.b",): ("5.b",), ("3.c",): ("5.c",), ("8",): ("6",), ("6",): ("7",), ("5",): ("8",),
                ("7",): ("9",)}
    result = fixture_diff("base", "renumbered")
    assert {d.old_ids: d.new_ids for d in result.pairs} == expected
    assert {d.method for d in result.pairs} == {"content"}
    assert {d.confidence for d in result.pairs} == {1.0}
    assert all(d.badges() == ("renumbered",) for d in result.pairs)
    assert not result.added and not result.dropped


def test_moved_clauses_keep_their_ids():
    assert all(old == new and method == "id" for old, new, method in id_map("base", "moved"))


def test_split_into_sub_points():
    matches = id_map("base", "split")
    assert (["9"], ["9.a", "9.b"], "split") in matches
    result = fixture_diff("base", "split")
    d = pairs_by_ids(result)[(("9",), ("9.a", "9.b"))]
    assert d.key == "pair-9-9_a" and d.confidence == 1.0 and not d.terms


def test_sub_points_merged_back():
    assert (["9.a", "9.b"], ["9"], "merged") in id_map("split", "base")


def test_edited_draft_alignment():
    assert id_map("base", "edited") == [
        (["1"], ["1"], "id+content"),
        (["4"], ["2"], "content"),  # id 2 was reused for another topic: not matched by id
        (["3.a", "3.b", "3.c"], ["3"], "merged"),
        (["5"], ["4"], "content"),
        (["2"], ["5"], "content"),
        (["6"], ["6"], "id+content"),
        (["8"], ["7"], "content"),
        (["9"], ["8", "9"], "split"),
    ]
    result = fixture_diff("base", "edited")
    assert [d.new_ids for d in result.added] == [("10",)]
    assert [d.old_ids for d in result.dropped] == [("7",)]
    assert all(0 < d.confidence <= 1 for d in result.pairs)


def test_same_id_with_a_different_topic_is_not_matched_by_id():
    result = fixture_diff("base", "edited")
    by_old = {d.old_ids: d for d in result.pairs}
    assert by_old[("2",)].new_ids == ("5",)
    assert by_old[("4",)].new_ids == ("2",)


# ------------------------------------------------------------------ changes within a pair
def test_term_changes_of_the_army_clause():
    d = pairs_by_ids(fixture_diff("base", "edited"))[(("4",), ("2",))]
    changes = {t.path: (t.kind, [v.value for v in t.before], [v.value for v in t.after]) for t in d.terms}
    assert changes == {"army.cap": ("removed", ["600000"], []), "army.scope": ("removed", ["always"], []),
                       "army.peacetime_level": ("added", [], ["800000"])}
    assert d.badges() == ("renumbered", "title", "text", "terms", "verdict")
    assert Segment("delete", " capped at 600,000") in d.title_redline


def test_term_change_kinds_and_unchanged_count():
    d = pairs_by_ids(fixture_diff("base", "edited"))[(("3.a", "3.b", "3.c"), ("3",))]
    kinds = {t.path: t.kind for t in d.terms}
    assert kinds == {"territory.north": "changed", "withdrawal.east": "removed", "zones.buffer": "changed"}
    assert d.unchanged_terms == 1  # territory.south stays frozen
    assert (d.old_status, d.new_status) == ("", "disputed")
    assert d.tags_removed == ("recognition", "withdrawal")
    assert d.old_title.startswith("3.a The north recognised")
    assert d.old_text.startswith("(3.a) The northern region")


# ------------------------------------------------------------------ verdict deltas
def verdict(d, party):
    return next(v for v in d.verdicts if v.party == party)


def test_verdict_deltas_of_the_merged_territory_clause():
    d = pairs_by_ids(fixture_diff("base", "edited"))[(("3.a", "3.b", "3.c"), ("3",))]
    north, south = verdict(d, "north"), verdict(d, "south")
    assert (north.before, north.after) == ("reject", "accept")
    assert [(r.rule, r.change, rule_change(r)) for r in north.rules] == [
        ("N-TERR-1", "resolved", "objection resolved"), ("N-TERR-2", "resolved", "objection resolved")]
    assert (south.before, south.after) == ("accept", "reject")
    assert [(r.rule, rule_change(r)) for r in south.rules] == [("S-TERR-1", "objection new"),
                                                        ("S-ZONE-1", "concern added")]


def test_unchanged_and_removed_concerns():
    result = fixture_diff("base", "edited")
    elections = verdict(pairs_by_ids(result)[(("6",), ("6",))], "north")
    assert (elections.before, elections.after) == ("concern", "silent")
    assert [(r.rule, rule_change(r)) for r in elections.rules] == [("N-ELEC-1", "concern removed")]
    amnesty = verdict(result.dropped[0], "north")
    assert (amnesty.before, amnesty.after) == ("concern", None)
    assert [rule_change(r) for r in amnesty.rules] == ["concern removed"]
    same = fixture_diff("base", "base").pairs[0]
    assert all(r.change == "unchanged" for v in same.verdicts for r in v.rules)


def test_summary_counts_movers_and_proposal_level():
    result = fixture_diff("base", "edited")
    north, south = result.summary
    # A failing requirement is the finding of the clause that states its term (issue 11.2): N-GUAR-1 rejects
    # the paid-guarantee clause 5 (-> 4), not the proposal as a whole.
    assert (north.party, north.before["reject"], north.after["reject"]) == ("north", 3, 0)
    assert (north.before["concern"], north.after["concern"]) == (3, 0)
    assert north.proposal_level == ()
    assert north.trend == "better"
    assert north.line() == "Northland: 3 rejections -> 0; 3 concerns -> 0"
    assert [(m.label, m.before, m.after) for m in north.movers] == [
        ("4 -> 2", "concern", "silent"), ("3.a..3.c -> 3", "reject", "accept"), ("5 -> 4", "reject", "accept"),
        ("6 -> 6", "concern", "silent"), ("dropped 7", "concern", None)]
    assert (south.before["reject"], south.after["reject"], south.trend) == (0, 1, "worse")
    assert south.proposal_level == ()


def test_diff_drafts_checks_both_against_the_same_red_lines():
    old, new = fixture("base"), fixture("edited")
    result = diff_drafts(old.proposal, new.proposal, new.vocabulary, new.redlines)
    assert render_json(result) == render_json(fixture_diff("base", "edited"))


# ------------------------------------------------------------------ anchors and labels
def test_anchors_are_sanitised_and_labels_compact():
    assert anchor("content", ("21",), ("14",)) == "pair-21-14"
    assert anchor("merged", ("21.a", "21.b"), ("14",)) == "pair-21_a-14"
    assert anchor("added", (), ("9",)) == "added-9"
    assert anchor("dropped", ("A.1",), ()) == "dropped-A_1"
    assert ids_label(("21.a", "21.b", "21.c", "21.d")) == "21.a..21.d"
    assert ids_label(("10", "10.a", "10.b")) == "10..10.b"
    assert ids_label(("20", "20.a")) == "20, 20.a"
    keys = [d.key for d in fixture_diff("base", "edited").pairs]
    assert len(keys) == len(set(keys))


# ------------------------------------------------------------------ renderers' output
def test_json_shape_and_determinism():
    result = fixture_diff("base", "edited")
    text = render_json(result)
    assert text == render_json(fixture_diff("base", "edited"))
    data = json.loads(text)
    assert data["schema_version"] == 1 and data["kind"] == "peacecheck-diff"
    assert set(data) == {"schema_version", "kind", "old", "new", "parties", "summary", "totals", "has_changes",
                         "pairs", "added", "dropped", "proposal_level", "acknowledgements_judged_on", "set_aside"}
    assert data["totals"] == {"pairs": 8, "changed": 8, "unchanged": 0, "added": 1, "dropped": 1}
    pair = data["pairs"][1]
    assert set(pair) == {"key", "method", "confidence", "label", "old_ids", "new_ids", "old_title", "new_title",
                         "old_text", "new_text", "changed", "badges", "title_redline", "redline", "terms",
                         "unchanged_terms", "status", "tags", "verdicts"}
    assert (pair["old_ids"], pair["new_ids"], pair["method"]) == (["4"], ["2"], "content")
    assert pair["terms"][0] == {"path": "army.cap", "kind": "removed", "before": [
        {"value": "600000", "clause": "4", "option": None}], "after": []}
    assert pair["verdicts"]["north"]["rules"][0]["label"] == "concern removed"
    assert data["summary"][0]["before"] == {"reject": 3, "concern": 3, "accept": 1, "silent": 4,
                                            "proposal_level": 0}


def test_text_and_markdown_renderings():
    result = fixture_diff("base", "edited")
    text = render_text(result)
    assert "Northland: 3 rejections -> 0; 3 concerns -> 0" in text
    assert "Army [-capped at 600,000-] {+at 800,000 in peacetime+}" in text
    assert "term removed: army.cap: 600000 -> (none)" in text
    markdown = render_markdown(result)
    assert "~~capped at 600,000~~ **at 800,000 in peacetime**" in markdown
    assert '<a id="pair-4-2"></a>' in markdown
    assert "no changes" in render_text(fixture_diff("base", "base"))


def test_markdown_escapes_markup_in_input():
    from peacecheck.checker.reports.diff_text import md

    assert md("<script>*x*</script>") == "\\<script\\>\\*x\\*\\</script\\>"


# ------------------------------------------------------------------ the real drafts
def test_real_28_point_to_20_point_alignment():
    """The reference's 'Change vs the 28-point draft' column (shared/reference/drafts.md, 2b)."""
    old = inputs(REAL / "us-28-point.peace", ROOT / "redlines")
    new = inputs(REAL / "miami.peace", ROOT / "redlines")
    result = diff(check(old.proposal, new.vocabulary, new.redlines), check(new.proposal, new.vocabulary,
                                                                               new.redlines))
    new_of = {o: d.new_ids for d in result.pairs for o in d.old_ids}
    for before, after in [("21.a", "14"), ("21.d", "14"), ("10", "5"), ("6", "4"), ("19", "12"), ("25", "18"),
                          ("27", "19"), ("28", "20"), ("1", "1"), ("2", "2"), ("16", "6"), ("22", "15")]:
        assert new_of[before] == (after,), before
    dropped = {d.old_ids[0] for d in result.dropped}
    assert {"3", "4", "7", "8", "9", "13", "14", "15", "17", "26"} <= dropped
    assert dropped <= {"3", "4", "7", "8", "9", "13", "14", "15", "17", "26", "20.b", "20.c", "24.c"}
    pair = next(d for d in result.pairs if d.old_ids == ("6",))
    assert pair.method == "content"
    assert "6" not in {o for d in result.pairs if d.new_ids == ("6",) for o in d.old_ids}
    territory = next(d for d in result.pairs if d.new_ids == ("14",))
    assert territory.method == "merged" and territory.key == "pair-21_a-14"
