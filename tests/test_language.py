"""The language: every construct parses into the model it should, every error has its code and position."""
from __future__ import annotations

import datetime as dt

import pytest

from peacecheck import dsl
from peacecheck.dsl import models as m
from peacecheck.dsl.api import load_proposal, load_redlines, load_vocabulary
from peacecheck.dsl.transform import VocabularyFile

VOCAB = '''vocabulary "V"
type status = scale(held < frozen < ceded)
term land.north : status "North"
term land.south : status
term army.cap : number unit personnel
term alliance : enum(open, renounced)
term g.binding : bool
term g.who : set(us, eu, un)
term c.start : date
term c.note : text
'''


def codes(error: dsl.PeaceError) -> list[tuple[str, int, int]]:
    return [(d.code, d.span.line, d.span.column) for d in error.diagnostics]


def proposal_of(body: str) -> str:
    return 'proposal "P"\nvocabulary "v.vocab"\n' + body


def load(dict_loader, files: dict[str, str], key: str = "p.peace"):
    files = {"v.vocab": VOCAB, **files}
    return load_proposal(key, dict_loader(files))


# ------------------------------------------------------------------ constructs
def test_header_fields_in_any_order(dict_loader):
    text = proposal_of('parties a, b\nnote "n1"\nversion "v2"\ndate 2025-12-24\ndrafted_by "US"\n'
                       'revises "old.peace"\nsource "S1"\nnote "n2"\n')
    proposal, _ = load(dict_loader, {"p.peace": text})
    assert proposal.parties == ("a", "b")
    assert proposal.notes == ("n1", "n2")
    assert proposal.version == "v2" and proposal.date == dt.date(2025, 12, 24)
    assert proposal.drafted_by == "US" and proposal.revises == "old.peace" and proposal.sources == ("S1",)


def test_clause_with_every_statement(dict_loader):
    text = proposal_of('''
clause 21.a "Title" {
  tags land, army
  status disputed "no consensus"
  note "a note"
  text """
    First line.
      Indented line, Unicode: Київ ✓.
  """
  land.north = ceded
  army.cap = 600_000
  g.binding = true
  g.who = [us, eu]
  c.start = 2025-01-01
  c.note = "escaped \\"quote\\" and \\u00e9"
}
''')
    proposal, _ = load(dict_loader, {"p.peace": text})
    clause = proposal.clauses[0]
    assert clause.id == "21.a" and clause.title == "Title"
    assert clause.tags == ("land", "army") and clause.status == "disputed" and clause.status_note == "no consensus"
    assert clause.text == "First line.\n  Indented line, Unicode: Київ ✓."
    values = {a.path: (a.value.kind, a.value.raw) for a in clause.terms}
    assert values == {
        "land.north": ("name", "ceded"), "army.cap": ("number", 600000), "g.binding": ("bool", True),
        "g.who": ("set", ("eu", "us")), "c.start": ("date", dt.date(2025, 1, 1)),
        "c.note": ("text", 'escaped "quote" and é'),
    }


def test_options_and_acknowledgements(dict_loader):
    text = proposal_of('''
clause 5 "Army" {
  acknowledge north N-1 "accepted trade-off" until 2026-01-01
  option low "Low" { text "t" army.cap = 1 }
  option high "High" { army.cap = 2 note "n" }
}
''')
    proposal, _ = load(dict_loader, {"p.peace": text})
    clause = proposal.clauses[0]
    assert [o.id for o in clause.options] == ["low", "high"]
    assert clause.options[1].notes == ("n",)
    ack = clause.acknowledgements[0]
    assert (ack.party, ack.rule, ack.reason, ack.until) == ("north", "N-1", "accepted trade-off", dt.date(2026, 1, 1))


def test_vocabulary_types_and_includes(dict_loader):
    files = {"v.vocab": 'vocabulary "V"\ninclude "sub/w.vocab"\nterm a.x : number\n',
             "sub/w.vocab": 'vocabulary "W"\ntype s = scale(lo < hi)\nterm b.y : s "doc"\nterm b.z : set(p, q)\n'}
    vocabulary = load_vocabulary("v.vocab", dict_loader(files))
    assert sorted(vocabulary.terms) == ["a.x", "b.y", "b.z"]
    assert vocabulary.terms["b.y"].type.kind == "scale" and vocabulary.terms["b.y"].type.values == ("lo", "hi")
    assert vocabulary.terms["b.y"].doc == "doc"
    assert vocabulary.matching("b.*") == ["b.y", "b.z"]


def test_every_condition_form(dict_loader):
    rules = '''party north "North"
vocabulary "v.vocab"
source s { title "T" }
rule R1 "all forms" {
  severity soft
  weight 2.5
  when (land.* >= frozen or army.cap < 100) and not alliance in [open] and g.who has us
       or g.who has any [eu, un] or g.who has all [us, eu] or present c.start or absent c.note
       or c.start <= 2025-01-01 or g.binding != true
  because "b"
  cite s "loc"
}
require R2 "required" {
  severity hard
  that g.binding == true
  cite s
}
'''
    redlines, _ = load_redlines("north.redlines", dict_loader({"v.vocab": VOCAB, "north.redlines": rules}))
    r1, r2 = redlines.rules
    assert r1.kind == "rule" and r1.severity == "soft" and r1.weight == 2.5
    assert r1.citations[0].locator == "loc"
    assert isinstance(r1.condition, m.AnyOf) and isinstance(r1.condition.items[0], m.AllOf)
    from peacecheck.dsl.conditions import show

    assert show(r1.condition) == ("(land.* >= frozen or army.cap < 100) and not (alliance in [open]) and g.who has us"
                                  " or g.who has any [eu, un] or g.who has all [us, eu] or present c.start"
                                  " or absent c.note or c.start <= 2025-01-01 or g.binding != true")
    assert r2.kind == "require" and isinstance(r2.condition, m.Compare)


def test_comments_are_ignored_everywhere(dict_loader):
    text = proposal_of('# top\nclause 1 "A" { # after brace\n  army.cap = 1 # trailing\n}\n# end\n')
    proposal, _ = load(dict_loader, {"p.peace": text})
    assert proposal.clauses[0].terms[0].value.raw == 1


def test_crlf_and_bom_parse_like_lf():
    text = 'proposal "P"\nvocabulary "v"\nclause 1 "A" {\n  x.y = 1\n}\n'
    plain = dsl.parse(text, "p.peace")
    crlf = dsl.parse(("\ufeff" + text.replace("\n", "\r\n")).encode("utf-8"), "p.peace")
    assert crlf.model_dump() == plain.model_dump()
    assert crlf.clauses[0].terms[0].span.line == 4


def test_file_kinds():
    assert isinstance(dsl.parse('vocabulary "V"\n', "v"), VocabularyFile)
    assert isinstance(dsl.parse('party p "P"\n', "r"), m.RedLines)
    assert isinstance(dsl.parse('proposal "P"\n', "p"), m.Proposal)


def test_grammar_builds_strictly():
    from importlib import resources

    from lark import Lark

    grammar = resources.files("peacecheck.dsl").joinpath("peace.lark").read_text(encoding="utf-8")
    Lark(grammar, parser="lalr", strict=True)


# ------------------------------------------------------------------ errors: codes and positions
@pytest.mark.parametrize("body, expected", [
    ('clause 1 "A" {\n  army.kap = 1\n}\n', [("PC100", 4, 3)]),
    ('clause 1 "A" {\n  land.north = cede\n}\n', [("PC101", 4, 16)]),
    ('clause 1 "A" {\n  army.cap = "many"\n}\n', [("PC102", 4, 14)]),
    ('clause 1 "A" {\n  g.who = us\n}\n', [("PC102", 4, 11)]),
    ('clause 1 "A" {\n  g.who = [us, xx]\n}\n', [("PC101", 4, 11)]),
    ('clause 1 "A" { }\nclause 1 "B" { }\n', [("PC103", 4, 8)]),
    ('clause 1 "A" {\n  army.cap = 1\n  army.cap = 2\n}\n', [("PC105", 5, 3)]),
    ('clause 1 "A" {\n  c.start = 2025-13-40\n}\n', [("PC117", 4, 13)]),
    ('clause 1 "A" {\n  text "a"\n  text "b"\n}\n', [("PC112", 5, 3)]),
])
def test_validation_errors(dict_loader, body, expected):
    with pytest.raises(dsl.PeaceError) as info:
        load(dict_loader, {"p.peace": proposal_of(body)})
    assert codes(info.value) == expected


def test_did_you_mean_for_terms_and_values(dict_loader):
    with pytest.raises(dsl.PeaceError) as info:
        load(dict_loader, {"p.peace": proposal_of('clause 1 "A" {\n  army.kap = 1\n  land.north = cede\n}\n')})
    hints = [d.hint for d in info.value.diagnostics]
    assert hints == ["did you mean 'army.cap'?", "did you mean 'ceded'?"]


@pytest.mark.parametrize("rule_body, expected", [
    ("severity hard\n  when army.cap has us\n  cite s", [("PC110", 7, 8)]),
    ("severity hard\n  when alliance < open\n  cite s", [("PC110", 7, 8)]),
    ("severity hard\n  when nothing.* == 1\n  cite s", [("PC114", 7, 8)]),
    ("severity hard\n  when army.cap == 1\n  cite t", [("PC108", 8, 8)]),
    ("when army.cap == 1\n  cite s", [("PC111", 5, 6)]),
    ("severity hard\n  cite s", [("PC111", 5, 6)]),
    ("severity hard\n  when army.cap == 1", [("PC111", 5, 6)]),
    ("severity hard\n  that army.cap == 1\n  cite s", [("PC001", 7, 3)]),
])
def test_redline_errors(dict_loader, rule_body, expected):
    text = f'party p "P"\nvocabulary "v.vocab"\nsource s {{ title "T" }}\n\nrule R-1 "t" {{\n  {rule_body}\n}}\n'
    with pytest.raises(dsl.PeaceError) as info:
        load_redlines("p.redlines", dict_loader({"v.vocab": VOCAB, "p.redlines": text}))
    assert codes(info.value) == expected


def test_duplicate_rule_ids(dict_loader):
    text = ('party p "P"\nvocabulary "v.vocab"\nsource s { title "T" }\n'
            'rule R "a" { severity hard when army.cap == 1 cite s }\n'
            'rule R "b" { severity hard when army.cap == 2 cite s }\n')
    with pytest.raises(dsl.PeaceError) as info:
        load_redlines("p.redlines", dict_loader({"v.vocab": VOCAB, "p.redlines": text}))
    assert codes(info.value) == [("PC104", 5, 6)]


def test_syntax_errors_are_all_reported_in_one_run():
    text = ('proposal "P"\nvocabulary "v"\n'
            'clause 1 "A" {\n  x.y = \n}\n'
            'clause 2 "B" {\n  x.y = 1\n}\n'
            'clause 3 "C" {\n  x.y 3\n}\n')
    with pytest.raises(dsl.PeaceError) as info:
        dsl.parse(text, "p.peace")
    assert codes(info.value) == [("PC001", 5, 1), ("PC001", 10, 7)]


def test_unexpected_end_of_file():
    with pytest.raises(dsl.PeaceError) as info:
        dsl.parse('proposal "P"\nclause 1 "A" {\n  x.y = 1\n', "p.peace")
    assert [d.code for d in info.value.diagnostics] == ["PC003"]


def test_empty_file_and_comment_only_file():
    for text in ("", "   \n", "# only a comment\n"):
        with pytest.raises(dsl.PeaceError) as info:
            dsl.parse(text, "p.peace")
        assert codes(info.value) == [("PC010", 1, 1)]


def test_unknown_type_and_include_cycle(dict_loader):
    files = {"a.vocab": 'vocabulary "A"\ninclude "b.vocab"\nterm x.y : colour\n',
             "b.vocab": 'vocabulary "B"\ninclude "a.vocab"\n'}
    with pytest.raises(dsl.PeaceError) as info:
        load_vocabulary("a.vocab", dict_loader(files))
    assert [d.code for d in info.value.diagnostics] == ["PC022"]
    files["b.vocab"] = 'vocabulary "B"\n'
    with pytest.raises(dsl.PeaceError) as info:
        load_vocabulary("a.vocab", dict_loader(files))
    assert codes(info.value) == [("PC106", 3, 12)]


def test_missing_vocabulary_declaration_and_file(dict_loader):
    with pytest.raises(dsl.PeaceError) as info:
        load_proposal("p.peace", dict_loader({"p.peace": 'proposal "P"\nclause 1 "A" { }\n'}))
    assert [d.code for d in info.value.diagnostics] == ["PC113"]
    with pytest.raises(dsl.PeaceError) as info:
        load_proposal("p.peace", dict_loader({"p.peace": 'proposal "P"\nvocabulary "none.vocab"\n'}))
    assert codes(info.value) == [("PC020", 2, 12)]


def test_syntax_and_validation_errors_are_reported_together(dict_loader):
    body = ('clause 1 "A" {\n  army.kap = 1\n}\n'
            'clause 2 "B" {\n  txt "x"\n}\n'
            'clause 3 "C" {\n  land.north = cede\n')
    with pytest.raises(dsl.PeaceError) as info:
        load(dict_loader, {"p.peace": proposal_of(body)})
    assert [(code, line) for code, line, _ in codes(info.value)] == [("PC100", 4), ("PC001", 7), ("PC003", 11)]


def test_keywords_can_name_terms_and_values(dict_loader):
    files = {"v.vocab": ('vocabulary "V"\nterm ceasefire.date : date\nterm guarantee.type : enum(text, note, all)\n'
                         'term tags.clause : number\n'),
             "p.peace": proposal_of('clause 1 "A" {\n  tags x\n  ceasefire.date = 2026-01-01\n'
                                    '  guarantee.type = text\n  tags.clause = 3\n  text "prose"\n}\n')}
    proposal, _ = load_proposal("p.peace", dict_loader(files))
    clause = proposal.clauses[0]
    assert clause.tags == ("x",) and clause.text == "prose"
    assert [(a.path, a.value.raw) for a in clause.terms] == [
        ("ceasefire.date", dt.date(2026, 1, 1)), ("guarantee.type", "text"), ("tags.clause", 3)]
