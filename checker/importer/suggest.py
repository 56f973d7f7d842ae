"""Term suggestions for a point, from the vocabulary: the words of each term (its path, description and
values) found in the point's title and text, weighted by how rare they are across the vocabulary, and
numbers, dates and set members in the text for the value.

A suggestion is only ever written as a comment (`# suggest: path = value  (matched ...)`): the drafter
confirms it. See docs/word.md for how well this does on the shipped drafts.
"""
from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass

from peacecheck.checker.diff.align import words
from peacecheck.dsl import models as m

MIN_SCORE = 0.34  # the least share of a term's (idf-weighted) words the point must contain
MIN_WORDS = 2  # ... and at least this many of its distinct words (one shared word is chance)
TOP = 3  # at most this many suggestions per point
_NUMBER = re.compile(r"(?<![\w.])[$€£]?(\d{1,3}(?:[,\s]\d{3})+|\d+(?:\.\d+)?)\s*(%|bn|billion|million|m\b|k\b)?", re.I)
_SCALE = {"bn": 1e9, "billion": 1e9, "million": 1e6, "m": 1e6, "k": 1e3}
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_GENERIC = frozenset(words("term the text says whether a an of whose how which what"))


@dataclass(frozen=True)
class Suggestion:
    path: str
    value: str  # in the language's syntax, "" when no value could be read from the text
    score: float
    matched: tuple[str, ...]  # the words (as written in the point) that matched

    def comment(self, choices: tuple[str, ...] = ()) -> str:
        shown = self.value or "?"
        hint = f"  (one of: {', '.join(choices)})" if not self.value and choices else ""
        said = ", ".join(f'"{w}"' for w in self.matched)
        return f"# suggest: {self.path} = {shown}  (matched {said}){hint}"


def suggest(title: str, text: str, vocabulary: m.Vocabulary) -> list[Suggestion]:
    """The most likely terms a point states, best first (at most TOP)."""
    profiles = _profiles(vocabulary)
    idf = _idf(profiles)
    source = f"{title}\n{text}"
    found = _surface(source)
    out = []
    for path, profile in profiles.items():
        shared = set(profile) & set(found)
        if len(shared) < MIN_WORDS:
            continue
        score = sum(idf[w] for w in shared) / sum(idf[w] for w in profile)
        if score < MIN_SCORE:
            continue
        value = _value(vocabulary.terms[path].type, source, found)
        out.append(Suggestion(path, value, round(score, 3), tuple(sorted({found[w] for w in shared}))))
    out.sort(key=lambda s: (-s.score, s.path))
    return out[:TOP]


def _profiles(vocabulary: m.Vocabulary) -> dict[str, set[str]]:
    """A term's words: its path segments and its description (values are used to pick the value)."""
    out = {}
    for path, term in vocabulary.terms.items():
        text = path.replace(".", " ").replace("_", " ") + " " + term.doc
        out[path] = set(words(text)) - _GENERIC
    return out


def _idf(profiles: dict[str, set[str]]) -> dict[str, float]:
    df: dict[str, int] = defaultdict(int)
    for profile in profiles.values():
        for w in profile:
            df[w] += 1
    return {w: math.log(1 + len(profiles) / n) for w, n in df.items()}


def _surface(text: str) -> dict[str, str]:
    """Stemmed word -> the first word in the text it came from (to show what matched)."""
    out: dict[str, str] = {}
    for raw in re.findall(r"[A-Za-z][A-Za-z'’-]*", text):
        for part in raw.split("-"):
            for stem in words(part):
                out.setdefault(stem, part)
    return out


def _value(term_type: m.TermType, text: str, found: dict[str, str]) -> str:
    kind = term_type.kind
    if kind == "bool":
        return "true"
    if kind == "number":
        numbers = _numbers(text)
        return numbers[0] if numbers else ""
    if kind == "date":
        dates = _ISO_DATE.findall(text)
        return dates[0] if dates else ""
    if kind in ("enum", "scale"):
        return _best_value(term_type.values, found)
    if kind == "set":
        members = [v for v in term_type.values if set(words(v.replace("_", " "))) <= set(found)]
        return "[" + ", ".join(members) + "]" if members else ""
    return ""


def _best_value(values: tuple[str, ...], found: dict[str, str]) -> str:
    """The value with the largest share of its words in the text; none when no value word is there."""
    best, best_share = "", 0.0
    for value in values:
        parts = set(words(value.replace("_", " ")))
        share = len(parts & set(found)) / len(parts) if parts else 0.0
        if share > best_share:
            best, best_share = value, share
    return best


def _numbers(text: str) -> list[str]:
    """Numbers in the text in the language's syntax: '600,000' -> 600000, '$100bn' -> 100000000000."""
    out = []
    for digits, suffix in _NUMBER.findall(text):
        value = float(re.sub(r"[,\s]", "", digits)) * _SCALE.get((suffix or "").lower(), 1)
        out.append(m.format_number(int(value) if value.is_integer() else value))
    return out
