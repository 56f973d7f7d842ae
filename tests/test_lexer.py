"""The Pygments lexer and the TextMate grammar tokenise the real files."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pygments.token import Comment, Error, Keyword, Literal, Name, Number, Operator, String

from peacecheck.checker.lexer import PeacecheckLexer
from conftest import FIXTURES, REPO

FILES = sorted([*REPO.glob("proposals/*.peace"), *REPO.glob("redlines/*.redlines"), *REPO.glob("vocab/*.vocab"),
                *FIXTURES.rglob("*.peace"), *FIXTURES.rglob("*.redlines"), *FIXTURES.rglob("*.vocab")])


def tokens(text: str) -> list[tuple[object, str]]:
    return [(t, v) for t, v in PeacecheckLexer().get_tokens(text) if v.strip()]


@pytest.mark.parametrize("path", [p for p in FILES if "broken" not in p.name and "bad" not in p.name],
                         ids=lambda p: str(p.relative_to(REPO)))
def test_real_files_tokenise_without_error_tokens(path: Path):
    text = path.read_text(encoding="utf-8")
    found = list(PeacecheckLexer().get_tokens(text))
    assert [v for t, v in found if t is Error] == []
    assert "".join(v for _, v in found) == text if text.endswith("\n") else text + "\n"


def test_token_kinds():
    got = tokens('rule UA-1 "t" {\n  severity hard\n  when territory.* >= x and not a.b in [1, 2025-01-01] # c\n'
                 '  cite src "p. \\"2\\""\n}\nclause 21.a "T" { acknowledge ukraine UA-1 """\n  r\n""" }\n')
    assert got[:4] == [(Keyword.Declaration, "rule"), (Name.Label, "UA-1"), (String.Double, '"'), (String.Double, "t")]
    kinds = dict((v, t) for t, v in got)
    assert kinds["hard"] is Name.Constant and kinds["territory.*"] is Name.Variable and kinds[">="] is Operator
    assert kinds["and"] is Operator.Word and kinds["1"] is Number and kinds["2025-01-01"] is Literal.Date
    assert kinds["# c"] is Comment.Single and kinds['\\"'] is String.Escape
    assert kinds["21.a"] is Name.Label and kinds["acknowledge"] is Keyword and kinds["ukraine"] is Name.Constant
    assert (String.Doc, '"""') in got


def test_lexer_metadata_and_content_sniffing():
    assert PeacecheckLexer.filenames == ["*.peace", "*.redlines", "*.vocab"]
    assert PeacecheckLexer.aliases[0] == "peacecheck"
    assert PeacecheckLexer.analyse_text('# x\nproposal "T"\n') == 0.8
    assert PeacecheckLexer.analyse_text('party north "North"\n') == 0.8
    assert PeacecheckLexer.analyse_text("def f(): pass\n") == 0.0


def test_textmate_grammar_is_valid_and_its_patterns_compile():
    grammar = json.loads((REPO / "editors" / "peacecheck.tmLanguage.json").read_text(encoding="utf-8"))
    assert grammar["scopeName"] == "source.peacecheck" and grammar["fileTypes"] == ["peace", "redlines", "vocab"]
    patterns = []

    def walk(node):
        if isinstance(node, dict):
            patterns.extend(node[k] for k in ("match", "begin", "end") if k in node)
            for k, v in node.items():
                if k == "include":
                    assert v.startswith("#") and v[1:] in grammar["repository"], v
                walk(v)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(grammar)
    assert len(patterns) > 20
    for pattern in patterns:
        re.compile(pattern)  # Python's re and Oniguruma agree on the constructs used here
    miami = (REPO / "proposals" / "miami.peace").read_text(encoding="utf-8")
    paths = re.compile(grammar["repository"]["paths"]["match"])
    assert "guarantee.kind" in paths.findall(miami)


def test_pre_commit_hooks():
    text = (REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    ids = re.findall(r"^- id: (\S+)$", text, re.MULTILINE)
    entries = re.findall(r"^  entry: (.+)$", text, re.MULTILINE)
    assert list(zip(ids, entries)) == [("peacecheck-fmt", "peacecheck fmt --check"), ("peacecheck-check", "peacecheck check --format text -o -")]
