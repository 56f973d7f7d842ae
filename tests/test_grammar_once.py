"""The grammar is written once (issue 10, item 6): keywords come from peace.lark, the tree-to-model step has one
method per grammar rule, and one printer and one quoting rule serve messages, reports and the formatter."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pygments.token import Keyword, Operator

from peacecheck.checker.lexer import PeacecheckLexer
from peacecheck.dsl import models as m
from peacecheck.dsl.conditions import show
from peacecheck.dsl.format import format_text, quote_line
from peacecheck.dsl.keywords import keywords
from peacecheck.dsl.parser import grammar_parser
from peacecheck.dsl.transform import Builder, token_only_rules

REPO = Path(__file__).resolve().parent.parent


def grammar_names() -> set[str]:
    """Every rule and alias the grammar names, except lark's repetition helpers."""
    return {name for r in grammar_parser().rules for name in (r.origin.name, r.alias) if name and not name.startswith("_")}


def tree_names(tree) -> set[str]:
    """The node names in a tree; and the nodes the walk takes as token-only do hold tokens only."""
    from lark import Tree

    leaves = token_only_rules()
    for node in tree.iter_subtrees():
        assert node.data not in leaves or not any(isinstance(c, Tree) for c in node.children), node.data
    return {t.data for t in tree.iter_subtrees()}


def test_the_builder_has_one_method_per_node_the_grammar_makes():
    files = [*REPO.glob("proposals/*.peace"), *REPO.glob("redlines/*.redlines"), *REPO.glob("vocab/*.vocab"),
             *(REPO / "tests" / "fixtures").rglob("*.peace"), *(REPO / "tests" / "fixtures").rglob("*.redlines"),
             *(REPO / "tests" / "fixtures").rglob("*.vocab")]
    seen = set()
    for path in files:
        try:
            tree = grammar_parser().parse(path.read_text(encoding="utf-8"))
        except Exception:  # the broken fixtures
            continue
        seen |= tree_names(tree)
    assert set(Builder._rules) <= grammar_names()  # no method for a rule that does not exist
    assert seen <= set(Builder._rules)  # and every node the files make has its method
    assert len(seen) > 45
    for name in token_only_rules():  # the walk hands these their tokens unbuilt: they must hold no subtree
        assert name in grammar_names()


def test_keyword_sets_are_read_off_the_grammar():
    k = keywords()
    grammar = (REPO / "dsl" / "peace.lark").read_text(encoding="utf-8")
    written = set(re.findall(r'"([a-z_]+)"', grammar))
    assert k.all == written  # every quoted word of peace.lark, and nothing else
    assert {"clause", "rule", "require", "source", "option", "term", "type", "include"} == k.blocks
    assert {"severity", "when", "that", "acknowledge", "vocabulary"} <= k.statements
    assert not k.statements & {"and", "or", "not", "true", "until"}
    assert k.values["SEVERITY"] == ("hard", "soft") and set(k.operators) == {"==", "!=", "<", "<=", ">", ">="}


def _lexed_as_keyword(word: str) -> bool:
    """Whether the lexer marks `word` as a keyword (or a word operator), alone or before what it takes."""
    values = [v for words in keywords().values.values() for v in words]
    for text in [word, f"{word} a b", f"{word} a = b", *(f"{word} {v}" for v in values)]:
        kind = next(t for t, v in PeacecheckLexer().get_tokens(text + "\n") if v == word)
        if kind in Keyword or kind in Operator.Word:
            return True
    return False


@pytest.mark.parametrize("word", sorted(keywords().terminals.values()))
def test_every_keyword_is_known_to_the_pygments_lexer(word):
    assert _lexed_as_keyword(word), word


def test_keyword_values_are_highlighted_after_their_keyword():
    k = keywords()
    for terminal, words in k.values.items():
        head = next(h for name, h in k.heads.items()
                    if any(terminal in [s.name for s in r.expansion] for r in grammar_parser().rules
                           if r.origin.name == name))
        for word in words:
            tokens = dict((v, t) for t, v in PeacecheckLexer().get_tokens(f"{head} {word}\n"))
            assert tokens[head] in Keyword and tokens[word] not in (Keyword.Reserved,) and str(tokens[word]) != "Token.Name"


def test_every_keyword_is_known_to_the_textmate_grammar():
    grammar = json.loads((REPO / "editors" / "peacecheck.tmLanguage.json").read_text(encoding="utf-8"))
    patterns: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            patterns.extend(node[key] for key in ("match", "begin", "end") if key in node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(grammar)
    words = set(re.findall(r"[a-z_]+", " ".join(patterns)))
    assert sorted(keywords().all - words) == []


# ------------------------------------------------------------------ one printer, one quoting rule
REDLINES = '''party p "P"
vocabulary "v.vocab"
source s { title "T" }
rule R "t" {
  severity hard
  when not c == 2 and (a > 1 or (b < 2 or not (d == x and e != "q\\u200b"))) and f in [800_000, 2]
  cite s
}
'''


def test_messages_and_the_formatter_print_conditions_alike():
    from peacecheck.dsl.api import parse

    condition = parse(REDLINES, "p.redlines").rules[0].condition
    formatted = format_text(REDLINES)
    when = next(line.strip() for line in formatted.splitlines() if line.strip().startswith("when "))
    assert when == "when " + show(condition, written=True)
    assert show(condition) == ('not (c == 2) and (a > 1 or (b < 2 or not (d == x and e != "q\\u200b"))) '
                               'and f in [800000, 2]')  # numbers canonical in messages, as written in the file


def test_one_quoting_rule():
    for text in ("plain", 'a "quote" and \\ back', "tab\tline\nzero\u200bwidth\x07", "astral \U000d8000 é"):
        assert quote_line(text) == m.quote(text) == m.Value(kind="text", raw=text).show()
    assert m.quote("z\u200bw") == '"z\\u200bw"'
