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


# ------------------------------------------------------------------ `peacecheck test`: every error at once, at its key
def test_file_errors(text: str, with_vocabulary: bool = True) -> list[tuple[str, int, int]]:
    from peacecheck.checker.redline_tests import check_rule_names, parse_test_file
    from test_redline_tests import loaded

    vocabulary, redlines = loaded()
    with pytest.raises(dsl.PeaceError) as info:
        check_rule_names(parse_test_file(text, "t.toml"), redlines, vocabulary if with_vocabulary else None)
    return [(d.code, d.span.line, d.span.column) for d in info.value.diagnostics]


test_file_errors.__test__ = False  # a helper, not a test


def test_a_test_files_errors_come_in_one_run_at_each_keys_position():
    text = ('[[case]]\nname = "bad key"\n  fire = ["N-LAND"]\nfires = ["N-LAND"]\n\n'
            '[[case]]\nname = "unknown rule"\nparty = "north"\nexpect = "reject"\n  not_fires = ["N-LANDS"]\n\n'
            '[[case]]\nname = "bad term"\nparty = "north"\nexpect = "reject"\nterms = { "land.nort" = "ceded" }\n')
    assert test_file_errors(text) == [("PC611", 3, 3), ("PC613", 10, 3), ("PC100", 16, 1)]


def test_a_misspelt_file_party_is_reported_once_where_it_is_written():
    text = 'party = "nort"\n' + '[[case]]\nterms = {}\nexpect = "accept"\n' * 3
    assert test_file_errors(text) == [("PC614", 1, 1)]
    own = '[[case]]\nterms = {}\n  party = "nort"\nexpect = "accept"\n' * 2
    assert test_file_errors(own) == [("PC614", 3, 3), ("PC614", 7, 3)]


def test_keys_inside_a_snippet_are_not_mistaken_for_the_cases_keys():
    text = ('party = "north"\n[[case]]\nproposal = """\nclause 1 "L" {\n  land.north = ceded\n}\n'
            'fires = 1\n"""\nfires = ["N-LANDS"]\n')
    assert test_file_errors(text, with_vocabulary=False) == [("PC613", 9, 1)]


def test_a_redlines_path_with_a_nul_byte_is_a_located_error():
    text = 'party = "north"\nredlines = ["../north\\u0000.redlines"]\n[[case]]\nterms = {}\nexpect = "accept"\n'
    assert test_file_errors(text) == [("PC611", 2, 1)]


def test_a_nul_byte_in_a_cases_proposal_exits_2_with_a_position(tmp_path):
    import os
    import subprocess
    import sys

    from test_outputs import FILES

    for name, content in FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(content, encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / "redlines/tests").mkdir()
    (tmp_path / "redlines/tests/nul.toml").write_text(
        'party = "north"\n[[case]]\nexpect = "accept"\nproposal = """\nclause 1 "A\\u0000" {\n}\n"""\n')
    done = subprocess.run([sys.executable, "-m", "peacecheck.checker", "test"], cwd=tmp_path, capture_output=True,
                          text=True, env={**os.environ, "NO_COLOR": "1"})
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith("redlines/tests/nul.toml:5:12: PC012 ")
