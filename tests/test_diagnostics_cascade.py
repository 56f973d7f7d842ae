"""Diagnostics point at the cause (issue 11, part 5): no error that only follows from an earlier one, the bad
value named with the allowed ones, and the caret on the offending word rather than the statement's start."""
from __future__ import annotations

from pathlib import Path

import pytest

from peacecheck import dsl
from peacecheck.checker.files import DiskLoader, load_inputs
from peacecheck.dsl.api import load_proposal, load_redlines

from test_errors import DRAFT, ERRORS, HEAD, NORTH, PARTY, VOCAB, codes, parse_error, project


def inputs_error(root: Path) -> list[tuple[str, str, int, int, str]]:
    with pytest.raises(dsl.PeaceError) as info:
        load_inputs(root / "proposals/draft.peace", [root / "redlines"], DiskLoader(root))
    return [(Path(d.span.file).name, d.code, d.span.line, d.span.column, d.hint) for d in info.value.diagnostics]


# ------------------------------------------------------------------ errors that follow from an earlier one
def test_a_syntax_error_in_a_rule_does_not_make_its_acknowledgements_unknown(tmp_path, monkeypatch):
    root = project(tmp_path, redlines__north_redlines=NORTH.replace("  severity soft", "  sevrity soft"))
    monkeypatch.chdir(root)
    assert [t[:4] for t in inputs_error(root)] == [("north.redlines", "PC001", 17, 3)]  # no PC115 on draft.peace:14


def test_a_rule_left_unclosed_does_not_make_its_acknowledgements_unknown(tmp_path, monkeypatch):
    north = NORTH.replace("  cite paper\n}\n\nrequire", "  cite paper\n\nrequire")
    root = project(tmp_path, redlines__north_redlines=north)
    monkeypatch.chdir(root)
    assert [t[1] for t in inputs_error(root)] == ["PC500"]


def test_an_acknowledgement_of_a_rule_that_never_existed_is_still_reported(tmp_path, monkeypatch):
    north = NORTH.replace("  severity soft", "  sevrity soft")
    draft = DRAFT.replace("acknowledge north N-ARMY", "acknowledge north N-LANDS")
    root = project(tmp_path, redlines__north_redlines=north, proposals__draft_peace=draft)
    monkeypatch.chdir(root)
    assert [t[:4] for t in inputs_error(root)] == [("draft.peace", "PC115", 14, 21), ("north.redlines", "PC001", 17, 3)]


def test_a_broken_source_does_not_make_its_citations_unknown(dict_loader):
    text = PARTY + 'source t { titel "T" }\nrule R "t" {\n  severity hard\n  when army.cap > 1\n  cite t\n}\n'
    with pytest.raises(dsl.PeaceError) as info:
        load_redlines("p.redlines", dict_loader({"p.redlines": text, "v.vocab": VOCAB}))
    assert codes(info.value) == [("PC001", 4, 12)]  # and no PC108 at `cite t`


def test_a_broken_vocabulary_line_is_not_also_a_missing_vocabulary(dict_loader):
    text = 'proposal "P"\nvocabulary v.vocab\nclause 1 "A" { }\n'
    with pytest.raises(dsl.PeaceError) as info:
        load_proposal("p.peace", dict_loader({"p.peace": text, "v.vocab": VOCAB}))
    assert [d.code for d in info.value.diagnostics] == ["PC001"]  # no PC113


def test_the_wrong_vocabulary_is_one_error_at_its_path_not_one_per_term(tmp_path, monkeypatch):
    other = 'vocabulary "Other"\nterm x.y : bool\n'
    draft = DRAFT.replace("../vocab/small.vocab", "../vocab/other.vocab")
    root = project(tmp_path, vocab__other_vocab=other, proposals__draft_peace=draft)
    monkeypatch.chdir(root)
    found = inputs_error(root)
    assert [t[:4] for t in found] == [("draft.peace", "PC100", 2, 12), ("north.redlines", "PC116", 2, 12)]
    assert "is this the right vocabulary" in found[0][4]


def test_a_red_line_file_under_the_wrong_vocabulary_is_one_error(dict_loader):
    text = PARTY + "".join(f'rule R{i} "t" {{\n  severity hard\n  when nothing.here{i} > 1\n  cite s\n}}\n'
                           for i in range(4))
    with pytest.raises(dsl.PeaceError) as info:
        load_redlines("p.redlines", dict_loader({"p.redlines": text, "v.vocab": VOCAB}))
    assert codes(info.value) == [("PC100", 2, 12)]


def test_a_few_unknown_terms_are_still_reported_one_by_one(dict_loader):
    body = 'clause 1 "A" {\n  army.kap = 1\n  land.nort = low\n  land.south = low\n  alliance = open\n}\n'
    with pytest.raises(dsl.PeaceError) as info:
        load_proposal("p.peace", dict_loader({"p.peace": HEAD + body, "v.vocab": VOCAB}))
    assert codes(info.value) == [("PC100", 4, 3), ("PC100", 5, 3)]


# ------------------------------------------------------------------ the bad value, and what is allowed
def test_a_bad_severity_names_the_value_and_the_allowed_ones():
    error = parse_error(PARTY + 'rule R "t" {\n  severity medium\n  when army.cap > 1\n  cite s\n}\n', "p.redlines")
    assert codes(error) == [("PC001", 5, 12)]
    assert "'medium'" in error.diagnostics[0].message and "'hard' or 'soft'" in error.diagnostics[0].message
    misspelt = parse_error(PARTY + 'rule R "t" {\n  severity hrad\n  when army.cap > 1\n  cite s\n}\n', "p.redlines")
    assert misspelt.diagnostics[0].hint == "did you mean 'hard'?"


def test_a_missing_severity_reads_as_english(dict_loader):
    text = PARTY + 'rule R "t" {\n  when army.cap > 1\n  cite s\n}\n'
    with pytest.raises(dsl.PeaceError) as info:
        load_redlines("p.redlines", dict_loader({"p.redlines": text, "v.vocab": VOCAB}))
    assert codes(info.value) == [("PC111", 4, 6)]
    assert info.value.diagnostics[0].message.startswith("rule 'R' has no severity (")


@pytest.mark.parametrize("value, hint", [("150,000", "write 150000 or 150_000"),
                                         ("1,500,000.5", "write 1500000.5 or 1_500_000.5")])
def test_a_number_with_commas_gets_a_hint(value, hint):
    error = parse_error(HEAD + 'clause 1 "A" {\n  army.cap = ' + value + "\n}\n")
    assert [(d.code, d.span.line, d.hint) for d in error.diagnostics] == [("PC001", 4, hint)]


@pytest.mark.parametrize("after", ['\n  note "x"\n}\n', "\n}\n"])
def test_a_word_after_a_value_is_reported_on_its_own_line(after):
    error = parse_error(HEAD + 'clause 1 "A" {\n  army.cap = 60000 t' + after)
    assert codes(error) == [("PC001", 4, 20)]


@pytest.mark.parametrize("word, hint", [("yes", "did you mean 'true'?"), ("True", "did you mean 'true'?"),
                                        ("no", "did you mean 'false'?"), ('"false"', "did you mean 'false'?")])
def test_yes_and_true_get_did_you_mean(dict_loader, word, hint):
    body = 'clause 1 "A" {\n  guarantee.binding = ' + word + "\n}\n"
    with pytest.raises(dsl.PeaceError) as info:
        load_proposal("p.peace", dict_loader({"p.peace": HEAD + body, "v.vocab": VOCAB}))
    assert codes(info.value) == [("PC102", 4, 23)]
    assert info.value.diagnostics[0].hint == hint


def test_an_option_without_its_brace_is_one_error_naming_the_option():
    body = ('clause 3 "G" {\n  guarantee.binding = true\n  option a "With a truce" { truce.start = 2025-07-01\n'
            '  option b "Alliance open" { alliance = open }\n}\n')
    error = parse_error(HEAD + body)
    assert codes(error) == [("PC500", 6, 3)]
    assert "opened at line 5" in error.diagnostics[0].message


# ------------------------------------------------------------------ carets on the offending word
def test_a_quoted_date_is_pointed_at_the_value():
    assert codes(parse_error('proposal "P"\ndate "2025-01-01"\n')) == [("PC117", 2, 6)]


def test_a_repeated_scale_member_is_pointed_at_the_repeat(dict_loader):
    with pytest.raises(dsl.PeaceError) as info:
        load_proposal("p.peace", dict_loader({"p.peace": HEAD, "v.vocab": VOCAB + "type t = scale(a < b < a)\n"}))
    assert codes(info.value) == [("PC109", 13, 24)]


def test_an_acknowledgement_keeps_where_its_party_and_rule_are(dict_loader):
    files = {"p.peace": DRAFT.replace("../vocab/small.vocab", "v.vocab"),
             "v.vocab": (ERRORS / "vocab" / "small.vocab").read_text()}
    proposal, _ = load_proposal("p.peace", dict_loader(files))
    assert proposal.clauses[1].acknowledgements[0].rule_span.column == 21
