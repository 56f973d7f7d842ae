"""The redline's matcher finds what difflib finds, to the token, and the redline is what difflib's made.

checker/diff/matcher.py re-implements SequenceMatcher(None, a, b, autojunk=False)'s matching blocks to be
faster; the redline must not change by a byte. So: the two on random token lists over small alphabets
(many repeats, many equally long runs: the tie-breaks matter), and redline() against the difflib-based
redline it replaced, on the clauses of the real drafts mutated at random.
"""
from __future__ import annotations

import importlib
import random
import sys
from difflib import SequenceMatcher
from functools import cache
from itertools import chain, pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peacecheck.checker.diff.align import prose
from peacecheck.checker.diff.matcher import LONG, coded, matching_blocks, ratio
from peacecheck.checker.diff.model import Segment
from peacecheck.checker.diff.redline import PARAGRAPH, normalise, parts, redline, tokenize
from peacecheck.checker.files import DiskLoader, load_inputs

ROOT = Path(__file__).resolve().parent.parent


def difflib_says(a: list[str], b: list[str]) -> tuple[list[tuple], float]:
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return [tuple(block) for block in matcher.get_matching_blocks()], matcher.ratio()


def matcher_says(a: list[str], b: list[str]) -> tuple[list[tuple], float]:
    blocks = matching_blocks(*coded(a, b))
    return blocks, ratio(blocks, len(a) + len(b))


# ------------------------------------------------------------------ the matcher against difflib
TOKENS = st.lists(st.sampled_from("abc"), max_size=60) | st.lists(st.sampled_from("abcdefgh"), max_size=120)


@st.composite
def edited(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    """A list and an edit of it: runs deleted, inserted, moved, repeated, as revisions do."""
    a = draw(TOKENS)
    b = list(a)
    for _ in range(draw(st.integers(0, 8))):
        at = draw(st.integers(0, len(b)))
        size = draw(st.integers(1, 12))
        match draw(st.sampled_from(["insert", "delete", "copy"])):
            case "insert":
                b[at:at] = draw(st.lists(st.sampled_from("abcxyz"), min_size=1, max_size=size))
            case "delete":
                del b[at:at + size]
            case "copy":  # a stretch of the list again elsewhere: equally long runs on several diagonals
                source = draw(st.integers(0, len(a)))
                b[at:at] = a[source:source + size * 2]
    return (b, a) if draw(st.booleans()) else (a, b)


@settings(max_examples=1500, deadline=None)
@given(edited())
def test_the_matcher_finds_what_difflib_finds_in_an_edit(pair):
    assert matcher_says(*pair) == difflib_says(*pair)


@settings(max_examples=1000, deadline=None)
@given(TOKENS, TOKENS)
def test_the_matcher_finds_what_difflib_finds_in_unrelated_lists(a, b):
    assert matcher_says(a, b) == difflib_says(a, b)


@pytest.mark.parametrize("a, b", [([], []), ([], ["a"]), (["a"], []), (["a"] * 30, ["a"] * 30),
                                  (["a"] * 30, ["a"] * 29), (list("ab" * 20), list("ba" * 20)),
                                  (list("abcdefgh" * 3), list("abcdefgh" * 3)[::-1])])
def test_the_matcher_finds_what_difflib_finds_at_the_edges(a, b):
    assert matcher_says(a, b) == difflib_says(a, b)


def test_long_runs_tie_on_length_and_the_first_in_a_then_in_b_wins():
    run = list("abcdefghij")
    assert len(run) >= LONG  # found by the samples, not by the short search
    a = run + ["x"] + run
    b = ["y"] + run + ["z"] + run
    assert matcher_says(a, b)[0] == difflib_says(a, b)[0] == [(0, 1, 10), (11, 12, 10), (21, 22, 0)]


# ------------------------------------------------------------------ the redline against difflib's
def redline_reference(old: str, new: str) -> tuple[Segment, ...]:
    """The redline as it was made with difflib (before the matcher), kept here to compare with."""
    if old == new:
        text = "".join(chain.from_iterable(tokenize(new)))
        return (Segment("equal", text),) if text else ()
    a, b = tokenize(old), tokenize(new)
    join = lambda tokens: "".join(chain.from_iterable(tokens))
    words_a, words_b = [t for _, t in a], [t for _, t in b]
    if words_a == words_b:
        return (Segment("equal", join(b), join(a) if join(a) != join(b) else None),) if b else ()
    matcher = SequenceMatcher(None, words_a, words_b, autojunk=False)
    if matcher.ratio() < 0.2:
        codes = [("replace", 0, len(a), 0, len(b))]
    else:
        codes = _absorb(matcher.get_opcodes(), a)
    segments: list[Segment] = []
    for tag, i1, i2, j1, j2 in codes:
        if tag == "equal":
            text, before = join(b[j1:j2]), join(a[i1:i2])
            segments.append(Segment("equal", text, before if before != text else None))
            continue
        if i2 > i1:
            segments.append(Segment("delete", join(a[i1:i2])))
        if j2 > j1:
            segments.append(Segment("insert", join(b[j1:j2])))
    merged: list[Segment] = []
    for s in segments:
        if merged and merged[-1].op == s.op and s.op != "equal":
            merged[-1] = Segment(s.op, merged[-1].text + s.text)
        elif s.text:
            merged.append(s)
    return tuple(merged)


def _absorb(codes: list[tuple], a: list[tuple[str, str]]) -> list[tuple]:
    out: list[list] = []
    for index, (tag, i1, i2, j1, j2) in enumerate(codes):
        between = 0 < index < len(codes) - 1 and tag == "equal" and i2 - i1 == 1
        if (between and a[i1][1] != PARAGRAPH and out and out[-1][0] != "equal") or (
                out and tag != "equal" and out[-1][0] != "equal"):
            out[-1] = ["replace", out[-1][1], i2, out[-1][3], j2]
            continue
        out.append([tag, i1, i2, j1, j2])
    return [tuple(c) for c in out]


@cache
def real_clauses() -> list[str]:
    texts: list[str] = []
    for draft in sorted((ROOT / "proposals").glob("*.peace")):
        loaded = load_inputs(draft, [ROOT / "redlines"], DiskLoader(ROOT))
        texts += [text for c in loaded.proposal.clauses for text in (c.title, prose(c)) if text]
    return texts


def mutated(text: str, rng: random.Random, words: list[str]) -> str:
    """The text with words dropped, swapped in, repeated, moved; spacing and paragraphs changed."""
    pieces = text.split(" ")
    for _ in range(rng.randint(1, 6)):
        at = rng.randrange(len(pieces) + 1)
        kind = rng.random()
        if kind < 0.3:
            del pieces[at:at + rng.randint(1, 4)]
        elif kind < 0.6:
            pieces[at:at] = rng.sample(words, rng.randint(1, 4))
        elif kind < 0.8:
            pieces[at:at] = pieces[rng.randrange(len(pieces) + 1):][:rng.randint(1, 8)]
        else:
            pieces[at:at] = [rng.choice(["\n\n", "\n", "\t", "  ", "\u00a0", " \n \n ", "."])]
    return " ".join(pieces)


def test_the_redline_is_difflibs_on_mutated_real_clauses():
    texts = real_clauses()
    assert len(texts) > 100
    words = sorted({w for t in texts for w in t.split()})
    rng = random.Random(12)
    for text in texts:
        for _ in range(3):
            other = mutated(text, rng, words)
            assert redline(text, other) == redline_reference(text, other)
            assert redline(other, text) == redline_reference(other, text)
    for old, new in pairwise(texts):  # unrelated clauses: mostly clean replacements
        assert redline(old, new) == redline_reference(old, new)


def test_past_a_million_distinct_words_difflib_itself_matches(monkeypatch):
    module = importlib.import_module("peacecheck.checker.diff.redline")  # the module: the package exports the function
    monkeypatch.setattr(module, "coded", lambda a, b: None)  # as `coded` says when it runs out of characters
    rng = random.Random(5)
    texts = real_clauses()[:40]
    words = sorted({w for t in texts for w in t.split()})
    for text in texts:
        other = mutated(text, rng, words)
        assert redline(text, other) == redline_reference(text, other)
    assert redline("a  b", "a b") == redline_reference("a  b", "a b")


SPACED = st.lists(st.sampled_from(["word", "war", "слово", "كلمة", "字", ".", ",", " ", "\t", "\n", "\n\n", " \n \n",
                                   "\n\t\n", "\r\n", "\r", "\u00a0", "\u2003", "\x1c", "600,000", "e\u0301"]),
                  max_size=40).map("".join)


# ASCII as drafts are written: words with apostrophes and hyphens, numbers, amounts, ids, odd spacing.
ASCII = st.text(alphabet="ab_1$.,:/%'- \n\t\r\x0b\x0c\x1c\x1f\x7f", max_size=40) | st.lists(
    st.sampled_from(["word", "Ukraine's", "US-led", "600,000", "$100bn", "50%", "21.a", "2025-12-23", "x_1", " ", "\n",
                     "  ", "\n\n", "'", "-", "."]), max_size=30).map("".join)


@settings(max_examples=1000, deadline=None)
@given(SPACED | ASCII, SPACED | ASCII)
def test_the_redline_is_difflibs_whatever_the_spacing_and_script(old, new):
    assert redline(old, new) == redline_reference(old, new)


def test_the_space_is_the_only_printable_whitespace():
    """normalise() relies on it: printable text without two spaces in a row is already normalised."""
    assert [c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace() and c.isprintable()] == [" "]


@settings(max_examples=1000, deadline=None)
@given(SPACED | ASCII)
def test_parts_are_the_tokens_with_their_spaces(text):
    assert parts(text) == [lead + token for lead, token in tokenize(text)]
    assert normalise(text) == "".join(parts(text))
