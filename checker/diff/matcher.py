"""Exactly what `difflib.SequenceMatcher(None, a, b, autojunk=False)` finds in two token lists, in less time.

difflib finds its matching blocks greedily: the longest common run of the whole range (ties: the one
that starts first in `a`, then first in `b`), then the same on the ranges left and right of it. Each
search walks every pair of equal tokens in its range, and the pairs of common words ('the', ',') are
most of them. Two revisions of a clause share a few long runs, and those decide the greedy choice:

1. Every common run of at least LONG tokens is found once, from a sample of `a`: a run that long
   contains a GRAM-token stretch starting at a multiple of STEP, and `str.find` (in C, on the tokens
   coded one character each) finds where that stretch occurs in `b`.
2. A range's longest run is then the longest of those runs cut to the range, if that is LONG or more:
   every run of that length lies inside one of them.
3. Otherwise the range's runs are all shorter than LONG (the words between two long runs, mostly): the
   first stretch of one token found in b's range, then of two from there, and so on (see `_short_longest`).

The result is difflib's to the token (tests/test_redline_matcher.py compares the two on random input).
"""
from __future__ import annotations

import sys
from collections.abc import Hashable, Iterable, Sequence
from itertools import count, repeat
from operator import itemgetter

# Measured on the bench's drafts: fewer samples cost more short searches; 4 and 6 balance the two.
GRAM = 4  # tokens looked up per sample: enough to make chance hits rare
STEP = 6  # a sample every STEP tokens of `a`
LONG = STEP + GRAM - 1  # the shortest run the samples are sure to hit

ONLY_B = "\x00"  # the code of the tokens only b has
Block = tuple[int, int, int]  # (start in a, start in b, length)


def matching_blocks(a: str, b: str) -> list[Block]:
    """difflib's get_matching_blocks() on two coded token lists (see `coded`): increasing, adjacent
    blocks merged, ending with (len(a), len(b), 0)."""
    search = _Search(a, b)
    found: list[Block] = []
    queue = [(0, len(a), 0, len(b))]
    while queue:
        alo, ahi, blo, bhi = queue.pop()
        if ahi - alo == 1 or bhi - blo == 1:  # one token (as between two runs, often): one find, no range left
            _one_token(a, b, alo, ahi, blo, bhi, found)
            continue
        i, j, k = block = search.longest(alo, ahi, blo, bhi)
        if k:
            found.append(block)
            if alo < i and blo < j:
                queue.append((alo, i, blo, j))
            if i + k < ahi and j + k < bhi:
                queue.append((i + k, ahi, j + k, bhi))
    found.sort()
    return _merge_adjacent(found, len(a), len(b))


def _one_token(a: str, b: str, alo: int, ahi: int, blo: int, bhi: int, found: list[Block]) -> None:
    """A range one side of which is one token: its first occurrence in the other side, as difflib picks it."""
    if ahi - alo == 1:
        j = b.find(a[alo], blo, bhi)
        if j >= 0:
            found.append((alo, j, 1))
    else:
        i = a.find(b[blo], alo, ahi)
        if i >= 0:
            found.append((i, blo, 1))


def ratio(blocks: list[Block], length: int) -> float:
    """difflib's ratio(): twice the matched tokens over all tokens (the same float, computed the same way)."""
    matches = sum(size for _, _, size in blocks)
    return 2.0 * matches / length if length else 1.0


def coded(a: Sequence[Hashable], b: Iterable[Hashable]) -> tuple[str, str] | None:
    """a and b a character per token, so that C-level string search can look for runs of tokens (None past
    the characters there are: a million distinct tokens in a).

    Each distinct token of a has a code of its own; the tokens only b has share ONLY_B, which a never
    holds, so they match nothing. Equal codes, equal lists.
    """
    distinct = dict.fromkeys(a)
    if len(distinct) > sys.maxunicode:
        return None
    code = dict(zip(distinct, map(chr, count(1))))
    # itemgetter looks all of a up in one C call (with one token it gives the code, not a tuple)
    coded_a = "".join(itemgetter(*a)(code)) if len(a) > 1 else "".join(map(code.__getitem__, a))
    return coded_a, "".join(map(code.get, b, repeat(ONLY_B)))


def _merge_adjacent(blocks: list[Block], la: int, lb: int) -> list[Block]:
    i1 = j1 = k1 = 0
    out: list[Block] = []
    for i2, j2, k2 in blocks:
        if i1 + k1 == i2 and j1 + k1 == j2:
            k1 += k2
        else:
            if k1:
                out.append((i1, j1, k1))
            i1, j1, k1 = i2, j2, k2
    if k1:
        out.append((i1, j1, k1))
    out.append((la, lb, 0))
    return out


class _Search:
    """The longest common run of any sub-range of a and b, as difflib's find_longest_match() picks it."""

    def __init__(self, a: str, b: str) -> None:
        self.a, self.b = a, b
        self.long_runs = _long_runs(a, b)

    def longest(self, alo: int, ahi: int, blo: int, bhi: int) -> Block:
        if ahi - alo < LONG or bhi - blo < LONG:  # no room for a long run (most ranges between two)
            return self._short_longest(alo, ahi, blo, bhi)
        best_i, best_j, best_k = alo, blo, LONG - 1  # only runs of LONG tokens or more count here
        for i0, j0, size in self.long_runs:  # longest first
            if size < best_k:
                break  # neither this run nor a later one can be longer, or as long and earlier
            shift = j0 - i0
            # The run cut to the range: conditionals, not min() and max(), in this hot loop.
            lo = i0 if i0 > alo else alo  # noqa: FURB136
            if lo + shift < blo:
                lo = blo - shift
            hi = i0 + size if i0 + size < ahi else ahi  # noqa: FURB136
            if hi + shift > bhi:
                hi = bhi - shift
            k = hi - lo
            if k > best_k or (k == best_k and (lo < best_i or (lo == best_i and lo + shift < best_j))):
                best_i, best_j, best_k = lo, lo + shift, k
        if best_k >= LONG:
            return best_i, best_j, best_k
        return self._short_longest(alo, ahi, blo, bhi)

    def _short_longest(self, alo: int, ahi: int, blo: int, bhi: int) -> Block:
        """The longest run of a range that has none of LONG tokens: the first stretch of a's range found in
        b's (`str.find`: the scanning in C, and the first j), one token longer each time until none is.

        A stretch one longer starts no earlier than the first one found: the scan never goes back, so a
        range costs about one find per token, however long its longest run.
        """
        a, find = self.a, self.b.find
        best = (alo, blo, 0)
        i = alo
        for size in range(1, min(ahi - alo, bhi - blo, LONG - 1) + 1):
            while i + size <= ahi:
                j = find(a[i:i + size], blo, bhi)
                if j >= 0:
                    best = (i, j, size)
                    break
                i += 1
            else:
                break  # no stretch of this size: the last one found is the longest
        return best


def _long_runs(coded_a: str, coded_b: str) -> list[Block]:
    """Every maximal common run of LONG tokens or more, longest first."""
    runs: list[Block] = []
    run_end: dict[int, int] = {}  # diagonal (j - i) -> end in a of the last run found on it
    la, lb = len(coded_a), len(coded_b)
    find, found_end = coded_b.find, run_end.get  # (bound once: this loop is hot)
    for p in range(0, la - GRAM + 1, STEP):
        gram = coded_a[p:p + GRAM]
        j = find(gram)
        while j >= 0:
            shift = j - p
            if found_end(shift, -1) <= p:  # not inside a run already found (samples go left to right)
                start, end = p, p + GRAM
                while start > 0 and start + shift > 0 and coded_a[start - 1] == coded_b[start + shift - 1]:
                    start -= 1
                while end < la and end + shift < lb and coded_a[end] == coded_b[end + shift]:
                    end += 1
                run_end[shift] = end
                if end - start >= LONG:
                    runs.append((start, start + shift, end - start))
            j = find(gram, j + 1)
    runs.sort(key=itemgetter(2), reverse=True)  # (among runs as long, `longest` breaks the tie itself)
    return runs

