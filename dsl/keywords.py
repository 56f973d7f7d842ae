"""The language's keywords, read off the built grammar: `peace.lark` is the only place they are written.

The formatter, the syntax-error messages, the Pygments lexer and the TextMate grammar take their
keywords from here or are tested against it, so that a keyword added to the grammar cannot be
missed by one of them. Everything is computed once, from the parser the dsl already builds.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_WORD = re.compile(r"[a-z_]+")
# A terminal written as an alternation of words, like `SEVERITY: "hard" | "soft"`.
_ALTERNATION = re.compile(r"\(\?:([a-z_]+(?:\|[a-z_]+)*)\)")
_SYMBOLS = re.compile(r"\(\?:((?:[^|()\w]+)(?:\|[^|()\w]+)*)\)")


@dataclass(frozen=True)
class Keywords:
    terminals: dict[str, str]  # terminal name -> the keyword it matches (`CLAUSE` -> "clause")
    values: dict[str, tuple[str, ...]]  # terminal name -> the words it stands for (`SEVERITY` -> hard, soft)
    operators: tuple[str, ...]  # symbols of the comparison terminal(s): ==, !=, <=, ...
    statements: frozenset[str]  # keywords that begin a statement (`text`, `severity`, `rule`, ...)
    blocks: frozenset[str]  # keywords that begin a unit of syntax recovery: a block, or a vocabulary declaration
    heads: dict[str, str]  # rule name -> the keyword every one of its forms begins with (`use_vocab` -> vocabulary)

    @property
    def all(self) -> frozenset[str]:
        """Every word the grammar reserves somewhere: keywords and keyword-like values (hard, soft)."""
        return frozenset(self.terminals.values()) | {w for words in self.values.values() for w in words}


@lru_cache(maxsize=1)
def keywords() -> Keywords:
    from .tables import build_parser

    parser = build_parser()
    terminals, values, operators = _terminals(parser.terminals)
    rules: dict[str, list[list[str]]] = {}
    for rule in parser.rules:
        rules.setdefault(rule.origin.name, []).append([s.name for s in rule.expansion])
    heads = {name: first for name, forms in rules.items()
             if (first := _head(forms, terminals)) is not None}
    statements = _statement_rules(rules)
    return Keywords(
        terminals=terminals, values=values, operators=operators,
        statements=frozenset(_keywords_of(statements, rules, heads, terminals)),
        blocks=frozenset(_keywords_of(_block_rules(rules), rules, heads, terminals)),
        heads=heads,
    )


def _terminals(defs) -> tuple[dict[str, str], dict[str, tuple[str, ...]], tuple[str, ...]]:
    terminals: dict[str, str] = {}
    values: dict[str, tuple[str, ...]] = {}
    operators: list[str] = []
    for t in defs:
        pattern = t.pattern
        if pattern.type == "str" and _WORD.fullmatch(pattern.value):
            terminals[t.name] = pattern.value
        elif pattern.type == "re" and (words := _ALTERNATION.fullmatch(pattern.value)):
            values[t.name] = tuple(words.group(1).split("|"))
        elif pattern.type == "re" and (symbols := _SYMBOLS.fullmatch(pattern.value)):
            operators += symbols.group(1).split("|")
    return terminals, values, tuple(operators)


def _head(forms: list[list[str]], terminals: dict[str, str]) -> str | None:
    firsts = {form[0] for form in forms if form}
    if len(firsts) == 1 and (first := firsts.pop()) in terminals:
        return terminals[first]
    return None


def _block_rules(rules: dict[str, list[list[str]]]) -> set[str]:
    """Rules with a `{ ... }` body, and the declarations of a vocabulary (which has no blocks: each
    declaration is recovered from on its own)."""
    braced = {name for name, forms in rules.items() if any("LBRACE" in form for form in forms)}
    return braced | _items_of("vocab_file", rules)


def _statement_rules(rules: dict[str, list[list[str]]]) -> set[str]:
    """The file rules and everything that stands as an item in a file or a block."""
    files = {form[0] for form in rules["start"]}
    found = set(files)
    for owner in files | {n for n, forms in rules.items() if any("LBRACE" in f for f in forms)}:
        found |= _items_of(owner, rules)
    return found


def _items_of(owner: str, rules: dict[str, list[list[str]]]) -> set[str]:
    """The concrete rules that may stand as items of `owner`: through repetition helpers (`__x_star_1`)
    and pass-through rules (`?clause_item: text | tags | ...`) to the rules that build something."""
    found: set[str] = set()
    stack = [s for form in rules[owner] for s in form if s in rules]
    while stack:
        name = stack.pop()
        if name in found:
            continue
        found.add(name)
        if name.startswith("__") or all(len(form) == 1 and form[0] in rules for form in rules[name]):
            stack += [s for form in rules[name] for s in form if s in rules]
    return {n for n in found if not n.startswith("__")}


def _keywords_of(names: set[str], rules, heads: dict[str, str], terminals: dict[str, str]) -> set[str]:
    """The keywords the given rules begin with; `meta: meta_key meta_value` begins with each of meta_key's."""
    out: set[str] = set()
    for name in names:
        if name in heads:
            out.add(heads[name])
            continue
        for form in rules[name]:
            first = form[0] if form else ""
            if first in rules and all(len(f) == 1 and f[0] in terminals for f in rules[first]):
                out |= {terminals[f[0]] for f in rules[first]}
    return out
