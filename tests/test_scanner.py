"""The fast front end (dsl/scanner.py) against lark's path: same models, same spans, same diagnostics.

Differential: every shipped and fixture file, generated files (the formatter's generators) and
mutated real files are read both ways through `parse_into`; the results must be identical, spans
included. The fast path must also really be taken on valid files (not silently fall back).
"""
from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO
from peacecheck.dsl import api
from peacecheck.dsl.diagnostics import DiagnosticSink, PeaceError
from peacecheck.dsl.parser import normalise
from peacecheck.dsl import tables
from peacecheck.dsl.parser import grammar_parser
from peacecheck.dsl.scanner import FrontEnd, front_end, front_end_data, parse_models
from peacecheck.dsl.transform import Builder
from test_format import proposals, redlines, vocabularies
from test_fuzz import mutated

EXAMPLES = int(os.environ.get("PEACECHECK_SCANNER_EXAMPLES", "150"))
SOURCES = sorted(p for folder in ("proposals", "redlines", "vocab", "tests") for p in (REPO / folder).rglob("*")
                 if p.suffix in (".peace", ".redlines", ".vocab") and p.is_file())
SHIPPED = [p for p in SOURCES if not p.is_relative_to(REPO / "tests")]


def deep(value):
    """A model as plain data, spans included (model_dump leaves spans out)."""
    if dataclasses.is_dataclass(value):
        return type(value).__name__, {f.name: deep(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [deep(item) for item in value]
    if isinstance(value, dict):
        return {key: deep(item) for key, item in value.items()}
    return value


def outcome(data: bytes | str, name: str, fast: bool) -> tuple:
    """(model as data or None, the sink's diagnostics, the raised diagnostics or None) of one path."""
    with pytest.MonkeyPatch.context() as patch:
        if not fast:
            patch.setattr(api, "parse_models", lambda text, filename, sink: None)
        sink = DiagnosticSink()
        try:
            model = api.parse_into(data, name, sink)
        except PeaceError as exc:
            return None, sink.items, exc.diagnostics
        return deep(model), sink.items, None


def assert_same(data: bytes | str, name: str) -> tuple:
    fast = outcome(data, name, True)
    assert fast == outcome(data, name, False)
    return fast


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_shipped_and_fixture_file_reads_the_same(path: Path):
    assert_same(path.read_bytes(), str(path.relative_to(REPO)))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(REPO)))
def test_the_fast_path_reads_the_shipped_files_itself(path: Path):
    text = normalise(path.read_text(encoding="utf-8"), path.name)
    assert front_end() is not None
    assert parse_models(text, path.name, DiagnosticSink()) is not None


# Where lark's contextual lexer decides between overlapping terminals: the fast path must decide alike.
CONTEXTUAL = [
    'proposal "P"\nvocabulary "v.vocab"\nclause 21.a "T" { text "x" }\nclause 3 "U" { }\n',
    'proposal "P"\nclause 1 "T" {\n  acknowledge ukraine UA-ARMY-1 "why" until 2026-01-02\n}\n',
    'proposal "P"\nclause 1 "T" {\n  text.status = text\n  note.date = 2026-01-02\n  a.b = [text, note,]\n}\n',
    'proposal "P"\nclause 1 "T" { a = -12_000.5 b = 12abc c = 2026-01-02x }\n',
    'vocabulary "V"\ntype lvl = scale(low < mid < high)\nterm a.b : lvl "doc"\nterm c : number unit t\n',
    'party p "P"\nsource s { title "T" date "d" }\nrule R-1 "x" {\n severity hard\n'
    ' when a.* >= mid and not (b < 3 or c in [x, 2, "s"]) or d has any [u, v] or present e\n cite s\n}\n',
    'party p "P"\nrequire R-2 "x" { severity soft weight 2 that absent a.b cite s "p. 3" }\n',
    'proposal "P"\ndate 2025-12-01\nparties a, b\nversion "1"\nnote """\n  two\n  lines\n"""\n',
    'proposal "P"\nclause 1 "T" { option a "A" { x.y = 1 note "n" } status agreed "s" tags a, b }\n',
    'proposal "P"\nclause clause "T" { }\n',
    'proposal "P"\nclause 1 "T" { text "\\u00e9\\"q\\\\" }  # comment\n# end\n',
]


@pytest.mark.parametrize("text", CONTEXTUAL)
def test_contextual_lexing_decides_as_lark_does(text: str):
    assert_same(text, "snippet")


@pytest.mark.parametrize("text", [t for t in CONTEXTUAL if "12abc" not in t and "clause clause" not in t])
def test_valid_snippets_take_the_fast_path(text: str):
    assert parse_models(text, "snippet", DiagnosticSink()) is not None


@pytest.mark.parametrize("levels, wrap", [(55, "not {}"), (55, "({})"), (400, "({})"), (20, "not ({})")])
def test_deep_conditions_report_the_same_depth_error(levels: int, wrap: str):
    condition = "a == 1"
    for _ in range(levels):
        condition = wrap.format(condition)
    text = f'party p "P"\nsource s {{ title "T" }}\nrule R-1 "x" {{ severity hard when {condition} cite s }}\n'
    model, _, errors = assert_same(text, "deep")
    if levels * wrap.count("{}") * (2 if "not (" in wrap else 1) > 50:
        assert model is None and [d.code for d in errors] == ["PC015"]
    else:
        assert model is not None


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(proposals(), redlines(), vocabularies()))
def test_generated_files_read_the_same(text: str):
    model, _, _ = assert_same(text, "gen")
    assert model is not None


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutant=mutated([str(p.relative_to(REPO)) for p in SHIPPED]))
def test_mutated_files_read_the_same_or_fail_the_same(mutant: tuple[str, bytes]):
    name, data = mutant
    assert_same(data, name)


def test_the_shipped_scanner_tables_match_the_grammar():
    shipped = json.loads((REPO / "dsl" / tables.SCANNER_FILE).read_text(encoding="utf-8"))
    assert shipped["grammar_sha256"] == tables.grammar_digest(tables.grammar_text()), \
        "peace.lark changed: regenerate with python -m peacecheck.dsl.tables"
    assert shipped["format"] == tables.SCANNER_FORMAT
    assert front_end_data() == shipped["tables"]


@pytest.mark.parametrize("path", SHIPPED[:4], ids=lambda p: p.name)
def test_tables_built_by_lark_read_like_the_shipped_ones(path: Path):
    """The path taken when the shipped tables are stale: lark builds them from the grammar (its own state numbers)."""
    text = normalise(path.read_text(encoding="utf-8"), path.name)
    rebuilt = FrontEnd(tables.scanner_data(grammar_parser()), Builder._rules)
    ours, theirs = DiagnosticSink(), DiagnosticSink()
    model, conditions = rebuilt.parse(text, Builder(path.name, ours, []))
    shipped, shipped_conditions = front_end().parse(text, Builder(path.name, theirs, []))
    assert (deep(model), conditions, ours.items) == (deep(shipped), shipped_conditions, theirs.items)


def test_a_stale_table_file_is_not_used(monkeypatch):
    built = []
    monkeypatch.setattr(tables, "grammar_digest", lambda text: "not the shipped digest")
    monkeypatch.setattr(tables, "scanner_data", lambda parser: built.append(parser) or {"from": "lark"})
    assert front_end_data() == {"from": "lark"} and built == [grammar_parser()]
