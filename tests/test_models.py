"""The dsl's models (frozen dataclasses): the data they dump, equality, immutability, copies, pickling.

The dumps are held to tests/golden/models/dumps.json, captured from the pydantic models these replaced,
with every value's Python type: a coercion pydantic did silently and the dataclasses do not (a list left
a list, an int weight left an int) fails here. Regenerate with `python tests/golden/models/regen.py`.
"""
from __future__ import annotations

import dataclasses
import json
import pickle

import pytest
from conftest import REPO, load_script

from peacecheck.dsl import api
from peacecheck.dsl import models as m
from peacecheck.dsl.diagnostics import DiagnosticSink
from peacecheck.dsl.transform import VocabularyFile

REGEN = load_script(REPO / "tests" / "golden" / "models" / "regen.py", "models_regen")
GOLDEN = json.loads(REGEN.GOLDEN.read_text(encoding="utf-8"))
SOURCES = REGEN.sources()
HERE = m.Span("a.peace", 3, 5, 3, 9)
ELSEWHERE = m.Span("b.peace", 7, 1, 7, 4)


def test_golden_names_every_source_file():
    assert sorted(GOLDEN) == [p.relative_to(REPO).as_posix() for p in SOURCES]


@pytest.mark.parametrize("fast", [True, False], ids=["scanner", "lark"])
@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_dump_matches_the_pydantic_golden(path, fast):
    assert REGEN.parsed(path, fast) == GOLDEN[path.relative_to(REPO).as_posix()]["parsed"]


@pytest.mark.parametrize("path", [p for p in SOURCES if p.suffix == ".vocab"], ids=lambda p: p.name)
def test_merged_vocabulary_matches_the_pydantic_golden(path):
    assert REGEN.merged(path) == GOLDEN[path.relative_to(REPO).as_posix()]["merged"]


def value(raw=3, span=HERE, source="") -> m.Value:
    return m.Value(kind="number", raw=raw, span=span, source=source)


def test_equality_and_hash_ignore_spans_and_hidden_fields():
    assert value() == value(span=ELSEWHERE, source="3")
    assert hash(value()) == hash(value(span=ELSEWHERE, source="3"))
    assert value() != value(raw=4)
    assert value() != m.Value(kind="text", raw=3, span=HERE)
    assert m.Assignment(path="a.b", value=value()) != m.Compare(pattern="a.b", op="==", value=value())
    assert len({m.Assignment(path="a.b", value=value()), m.Assignment(path="a.b", value=value(span=ELSEWHERE))}) == 1


def test_nodes_are_immutable_and_have_no_dict():
    node = m.Clause(id="1", title="Ceasefire", span=HERE)
    with pytest.raises(dataclasses.FrozenInstanceError):
        node.title = "changed"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        node.span = ELSEWHERE  # type: ignore[misc]
    with pytest.raises((AttributeError, TypeError)):
        node.extra = 1  # type: ignore[attr-defined]
    assert not hasattr(node, "__dict__")


def test_fields_are_keywords_only():
    with pytest.raises(TypeError):
        m.Citation("src")  # type: ignore[misc]


def test_model_copy_replaces_fields_and_keeps_the_rest():
    clause = m.Clause(id="1", title="Ceasefire", tags=("a",), span=HERE)
    copy = clause.model_copy(update={"title": "Truce"})
    assert (copy.id, copy.title, copy.tags, copy.span) == ("1", "Truce", ("a",), HERE)
    assert clause.title == "Ceasefire"
    moved = clause.model_copy(update={"span": ELSEWHERE})
    assert moved.span == ELSEWHERE and moved == clause
    assert clause.model_copy() == clause and clause.model_copy() is not clause
    with pytest.raises(TypeError):
        clause.model_copy(update={"no_such_field": 1})


def test_dump_leaves_hidden_fields_out_and_keeps_container_types():
    proposal = m.Proposal(title="T", clauses=(m.Clause(id="1", title="C", terms=(
        m.Assignment(path="a.b", value=value(source="3"), span=HERE),)),), skipped=(("clause", "2"),),
        vocabulary_span=HERE, span=HERE)
    dump = proposal.model_dump()
    assert "span" not in dump and "skipped" not in dump and "vocabulary_span" not in dump
    assert dump["clauses"][0]["terms"] == ({"path": "a.b", "value": {"kind": "number", "raw": 3}},)
    assert type(dump["clauses"]) is tuple and type(dump["parties"]) is tuple


def test_dump_of_a_span_inside_a_field_is_a_dict():
    vocabulary = VocabularyFile(title="V", includes=(("x.vocab", HERE),))
    assert vocabulary.model_dump()["includes"] == (
        ("x.vocab", {"file": "a.peace", "line": 3, "column": 5, "end_line": 3, "end_column": 9}),)


def test_repr_hides_spans():
    text = repr(value(source="3"))
    assert text == "Value(kind='number', raw=3)"


def test_integer_weight_becomes_float():
    rule = m.Rule(id="R1", title="t", weight=2)
    assert rule.weight == 2.0 and type(rule.weight) is float


def test_dict_fields_are_the_nodes_own():
    terms = {"a.b": m.TermDef(path="a.b", type=m.TermType(kind="bool"))}
    vocabulary = m.Vocabulary(title="V", terms=terms)
    terms["c.d"] = m.TermDef(path="c.d", type=m.TermType(kind="bool"))
    assert list(vocabulary.terms) == ["a.b"]
    sources = {"S": m.Source(id="S")}
    redlines = m.RedLines(party="P", name="N", sources=sources)
    sources.clear()
    assert list(redlines.sources) == ["S"]


def test_wildcards_follow_a_copy_with_other_terms():
    def term(path: str) -> m.TermDef:
        return m.TermDef(path=path, type=m.TermType(kind="bool"))

    vocabulary = m.Vocabulary(title="V", terms={p: term(p) for p in ("b.y", "a.x", "a.w", "ab.z")})
    assert vocabulary.matching("a.*") == ["a.w", "a.x"]
    other = vocabulary.model_copy(update={"terms": {"a.v": term("a.v")}})
    assert other.matching("a.*") == ["a.v"]
    assert vocabulary.matching("a.*") == ["a.w", "a.x"]
    assert vocabulary.matching("ab.z") == ["ab.z"] and vocabulary.matching("zz") == []


@pytest.mark.parametrize("path", [p for p in SOURCES if p.parts[len(REPO.parts)] in ("redlines", "vocab")],
                         ids=lambda p: p.name)
def test_pickled_models_come_back_with_their_spans(path):
    model = api.parse_into(path.read_bytes(), path.name, DiagnosticSink())
    back = pickle.loads(pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == model and back.model_dump() == model.model_dump()
    assert back.span == model.span
    inner = [*back.sources.values(), *back.rules] if isinstance(back, m.RedLines) else list(back.terms.values())
    assert [n.span for n in inner] == [n.span for n in (
        [*model.sources.values(), *model.rules] if isinstance(model, m.RedLines) else model.terms.values())]
    assert inner and all(n.span.line > 0 for n in inner)
