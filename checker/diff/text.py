"""Words in any script: the character classes the redline tokeniser and the clause profiles share.

Python's `\\w` knows the letters of every script, but not their combining marks (Arabic harakat,
Hebrew niqqud, Devanagari vowel signs): `\\w+` would cut كَتَبَ or हिन्दी into pieces. A word here
is a run of word characters *and* combining marks. Scripts written without spaces between words
(Chinese, Japanese) have no word boundary a regular expression can find: each ideograph or kana is
a token of its own, and the clause profiles use pairs of neighbouring characters (bigrams), as
search engines do without a dictionary. Thai, Lao, Khmer and Burmese runs between spaces stay one
token each (splitting them needs a dictionary; see docs/diff.md).
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from functools import cache
from itertools import chain


def _marks() -> str:
    """A character class body of the combining marks `\\w` misses (in the blocks where scripts keep them)."""
    spans: list[tuple[int, int]] = []
    for cp in [*range(0x0300, 0x2000), *range(0x20D0, 0x2100), *range(0xFE20, 0xFE30)]:
        ch = chr(cp)
        if unicodedata.category(ch)[0] == "M" and not ch.isalnum():
            if spans and spans[-1][1] == cp - 1:
                spans[-1] = (spans[-1][0], cp)
            else:
                spans.append((cp, cp))
    return "".join(f"\\u{a:04x}-\\u{b:04x}" if a != b else f"\\u{a:04x}" for a, b in spans)


MARKS = _marks()
# Written without spaces: Han ideographs (and their extensions), Hiragana, Katakana.
SOLID = "\\u3040-\\u30ff\\u31f0-\\u31ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\U00020000-\\U0003134f"
LETTER = f"(?:[^\\W\\d_{SOLID}]|[{MARKS}])"
LETTER_RUN = f"[^\\W\\d_{SOLID}](?:[^\\W\\d_{SOLID}]+|[{MARKS}]+|['’])*"  # a word for similarity: letters first
IDEOGRAPH = f"[{SOLID}]"
# 600,000  $100bn  21.a  50:50  2025-12-23  ١٢٬٠٠٠  100млрд
NUMBER = f"[$€£₴₽]?\\d+(?:[.,_:/٫٬-]\\d+)*(?:\\.[A-Za-z0-9]+)*(?:%|{LETTER}+)?"
_WORD_RUN = f"[^\\W{SOLID}](?:[^\\W{SOLID}]+|[{MARKS}]+)*"  # runs, not a choice per character: 2x faster
WORD = f"{_WORD_RUN}(?:['’-]{_WORD_RUN})*"  # inner apostrophes and hyphens: Ukraine's, Article-5-like
IDEOGRAPH_RE = re.compile(IDEOGRAPH)
# The same patterns for ASCII text (most drafts), with their classes cut to what ASCII can match: they
# find the same tokens in it, match it twice as fast, and compile in a fraction of a millisecond where
# the Unicode ones (hundreds of mark ranges) take 10-15 ms each, so those are compiled only when a
# text needs them. \s and \w keep their Unicode meaning (no re.ASCII): on ASCII input they are the same.
ASCII_NUMBER = r"\$?\d+(?:[.,_:/-]\d+)*(?:\.[A-Za-z0-9]+)*(?:%|[A-Za-z]+)?"
ASCII_WORD = r"\w+(?:['-]\w+)*"
# Words first (most matches are words; a word and a number never start with the same character, so the
# order changes no match) and one character class for the rest of a word: 1.6x faster than
# `NUMBER|[A-Za-z](?:[A-Za-z]+|')*`, which matches the same.
_ASCII_CONTENT = re.compile(f"[A-Za-z][A-Za-z']*|{ASCII_NUMBER}")


@cache
def unicode_pattern(pattern: str) -> re.Pattern[str]:
    """A pattern compiled on first use (see above)."""
    return re.compile(pattern)


def content_pattern(text: str) -> re.Pattern[str]:
    """The content-word pattern for `text`: numbers, ideograph runs, words (no groups: findall gives whole matches)."""
    if text.isascii():
        return _ASCII_CONTENT
    return unicode_pattern(f"{NUMBER}|{IDEOGRAPH}+|{LETTER_RUN}")

STOPWORDS = frozenset([
    "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "for", "from", "has", "have", "in",
    "into", "is", "it", "its", "of", "on", "or", "so", "such", "than", "that", "the", "their", "them",
    "then", "there", "these", "this", "those", "to", "was", "were", "which", "while", "who", "will", "with",
    "would", "shall", "should", "may", "must", "not", "no", "any", "all", "each", "every", "other", "both",
    "also", "once", "until", "after", "before",
])  # English only: in other languages the inverse document frequency alone keeps common words light
STEM = 6  # words are cut to this many letters: recognised/recognized/recognition, Україна/України

# Marks that writers of Latin, Greek, Cyrillic, Hebrew and Arabic text may or may not write:
# accents (café/cafe), niqqud and cantillation, harakat. Indic vowel signs are letters of the word: kept.
_OPTIONAL_MARKS = re.compile("[\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_ARABIC_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ـ": None})
_ARABIC_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال")  # 'and the', 'with the', ...: light stemming
_ARABIC_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ية", "ه", "ي")
_HEBREW_FINALS = str.maketrans("ךםןףץ", "כמנפצ")


class Stems(dict):
    """Raw token -> its content words (a tuple: an ideograph run gives several), filled on first sight.

    One per diff: long drafts repeat their words, so most tokens are a dictionary hit in C.
    """

    def __init__(self) -> None:
        super().__init__()
        self.numbers: set[str] = set()  # the content words that are numbers (12,000, $100bn, 50%)
        self.chunks = _Chunks(self)

    def __missing__(self, raw: str) -> tuple[str, ...]:
        if IDEOGRAPH_RE.match(raw):
            found = (raw,) if len(raw) == 1 else tuple(raw[i:i + 2] for i in range(len(raw) - 1))
        elif raw[0].isdigit() or raw[0] in "$€£₴₽":
            found = (raw.lower(),)
            self.numbers.add(found[0])
        else:
            word = stem(raw)
            found = (word,) if word else ()
        self[raw] = found
        return found


class _Chunks(dict):
    """A run of text between whitespace -> its content words, filled on first sight.

    No content word holds whitespace, so a text's content words are its chunks' in order: `str.split`
    finds the chunks in C, and a long draft's chunks ("the", "parties", "agreement.") repeat, so most
    are a dictionary hit instead of a regular-expression scan.
    """

    def __init__(self, stems: Stems):
        super().__init__()
        self.stems = stems

    def __missing__(self, chunk: str) -> tuple[str, ...]:
        found = self[chunk] = tuple(chain.from_iterable(map(self.stems.__getitem__,
                                                            content_pattern(chunk).findall(chunk))))
        return found


def content_words(text: str, stems: Stems) -> list[str]:
    """Content words for similarity: numbers whole, words stemmed, ideograph runs as bigrams."""
    return list(_content_stream(text, stems))


def content_counts(text: str, stems: Stems) -> Counter[str]:
    """content_words(text) with how often each occurs, counted in C (no list in between)."""
    return Counter(_content_stream(text, stems))


def _content_stream(text: str, stems: Stems) -> Iterator[str]:
    return chain.from_iterable(map(stems.chunks.__getitem__, text.split()))


def stem(raw: str) -> str:
    """A crude, script-aware stem ('' for a stop word): good enough to compare clauses, not a linguist.

    Case folded, optional marks dropped (accents; Cyrillic letters such as ї stay), English 's and plural s off, Arabic letter variants unified
    and its article and commonest suffixes off, Hebrew final letters unified, then cut to STEM letters.
    Not handled: Hebrew prefixes (ו, ה, ב, ...), Slavic and Arabic vowel changes inside the stem,
    irregular plurals, compounds.
    """
    word = raw.casefold().replace("’", "'")
    if not word.isascii():
        # Cyrillic й, ї, ё are letters of their own: only separate marks (stress) go. Elsewhere accents go too.
        cyrillic = "\u0400" <= word[0] <= "\u052f"
        word = unicodedata.normalize("NFC" if cyrillic else "NFD", word)
        word = unicodedata.normalize("NFC", _OPTIONAL_MARKS.sub("", word))
        word = word.translate(_ARABIC_LETTERS).translate(_HEBREW_FINALS)
    word = word.removesuffix("'s").strip("'")
    if not word or word in STOPWORDS:
        return ""
    if word[-1] == "s" and len(word) > 4 and word[-2] != "s" and word.isascii():
        word = word[:-1]
    elif "\u0620" <= word[0] <= "\u064a":
        word = _arabic(word)
    return word[:STEM]


def _arabic(word: str) -> str:
    for prefix in _ARABIC_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            word = word[len(prefix):]
            break
    for suffix in _ARABIC_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


# ------------------------------------------------------------------ spacing
# What joining a text's tokens gives, without tokenising: the redline's equal runs and the diff's
# unchanged clauses need only this (here, not in redline.py: the diff's model reads it too).
PARAGRAPH = "\n\n"
_PARA = re.compile(r"[ \t]*\n[ \t]*(?:\n[ \t]*)+")
_BLANK = re.compile(r"\n[ \t]*\n")  # found where _PARA is, and fast to look for (it starts with a literal)
_BREAKS = re.compile(r"\n\s*\n\s*")  # two line breaks in a whitespace run, maybe a blank line (a literal first: fast)


def normalise(text: str) -> str:
    """What joining the tokens of `text` gives, without tokenising (most clauses of a revision are unchanged).

    Inside the text a whitespace run becomes one space, or a paragraph break per blank-line group
    (a space before a break is dropped, one after it is kept, as `tokenize` does); the ends go.
    """
    spaced = text.replace("\n", " ")
    # The space is the only whitespace character str.isprintable() accepts (checked over all of Unicode in
    # tests/test_redline_matcher.py): printable and without two spaces in a row, every run is one space.
    single = spaced.isprintable() and "  " not in spaced
    if single and not spaced.startswith(" ") and not spaced.endswith(" "):
        return spaced  # single spaces and line breaks only (most drafts): what split and join give, in fewer C passes
    if _BLANK.search(text) is None:  # no blank line: every run is a space (str.split splits where \s matches)
        return " ".join(text.split())
    # Only a run with two line breaks can hold a blank line: cut the text there, collapse the rest in C.
    text = text.strip()
    pieces: list[str] = []
    position = 0
    for run in _BREAKS.finditer(text):  # from the run's first line break to its end
        start = run.start()
        while text[start - 1].isspace():  # and back to its start (the stripped text starts with no space)
            start -= 1
        pieces += (" ".join(text[position:start].split()), _spacing(text[start:run.end()]))
        position = run.end()
    pieces.append(" ".join(text[position:].split()))
    return "".join(pieces)


def _spacing(spaces: str) -> str:
    """What a whitespace run with two line breaks or more gives: a paragraph break per blank-line group, then
    a space if `\\s+` takes the rest (as in `tokenize`)."""
    breaks, position = 0, 0
    while position < len(spaces):
        found = _PARA.match(spaces, position)
        if found is None:
            return PARAGRAPH * breaks + " "  # `\s+` takes the rest of the run: a space
        breaks, position = breaks + 1, found.end()
    return PARAGRAPH * breaks
