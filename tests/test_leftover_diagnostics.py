"""Diagnostics a review left behind: an error hidden behind another in the same block, carets inside a test
file's escaped proposal string, a test file that is not UTF-8, clause ids in other scripts' digits, and
numbers in scientific notation. Each test asserts (code, line, column) and, where it is the point, the words."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from test_errors import HEAD, NORTH, PARTY, VOCAB, codes, parse_error

from peacecheck import dsl
from peacecheck.checker.cli import main
from peacecheck.checker.redline_tests import check_rule_names, parse_test_file
from peacecheck.dsl.api import load_proposal, load_redlines


def redline_error(text: str, dict_loader) -> dsl.PeaceError:
    with pytest.raises(dsl.PeaceError) as info:
        load_redlines("p.redlines", dict_loader({"p.redlines": PARTY + text, "v.vocab": VOCAB}))
    return info.value


def proposal_error(body: str, dict_loader) -> dsl.PeaceError:
    with pytest.raises(dsl.PeaceError) as info:
        load_proposal("p.peace", dict_loader({"p.peace": HEAD + body, "v.vocab": VOCAB}))
    return info.value


# ------------------------------------------------------------------ 1. a bad statement hides nothing else of its block
def test_a_bad_severity_does_not_hide_the_other_errors_of_its_rule(dict_loader):
    rule = 'rule R "t" {\n  severity medium\n  when army.capp > 1 and alliance == renouncedd\n  cite s\n}\n'
    error = redline_error(rule, dict_loader)
    # the severity, the unknown term and the bad value; no PC111 "has no severity" that follows from the first
    assert codes(error) == [("PC001", 5, 12), ("PC100", 6, 8), ("PC101", 6, 38)]
    assert [d.hint for d in error.diagnostics[1:]] == ["did you mean 'army.cap'?", "did you mean 'renounced'?"]


@pytest.mark.parametrize("statement, expected", [
    ("severity medium", [("PC001", 5, 12)]),            # not also "rule 'R' has no severity"
    ("cite 42", [("PC001", 5, 8)]),                     # not also "rule 'R' cites no source"
    ("weight heavy", [("PC001", 5, 10)]),
])
def test_a_bad_statement_is_one_error_not_also_a_missing_field(statement, expected, dict_loader):
    keep = {"severity medium": "", "cite 42": "  severity hard\n", "weight heavy": "  severity hard\n"}[statement]
    cite = "" if statement.startswith("cite") else "  cite s\n"
    rule = 'rule R "t" {\n  ' + statement + "\n" + keep + "  when army.cap > 1\n" + cite + "}\n"
    assert codes(redline_error(rule, dict_loader)) == expected


def test_a_misspelt_keyword_hides_nothing_else_of_its_block(dict_loader):
    text = ('source t {\n  titel "T"\n}\n'
            'rule R "t" {\n  sevrity soft\n  when army.capp > 1\n  cite t\n}\n')
    error = redline_error(text, dict_loader)
    # no PC111 for the title or the severity the misspelt lines meant, no PC108 for the source kept
    assert codes(error) == [("PC001", 5, 3), ("PC001", 8, 3), ("PC100", 9, 8)]
    assert [d.hint for d in error.diagnostics] == ["did you mean 'title'?", "did you mean 'severity'?",
                                                   "did you mean 'army.cap'?"]


def test_a_misspelt_header_line_is_one_error_and_the_header_goes_on(dict_loader):
    text = 'proposal "P"\nvocabluary "v.vocab"\nverson "1"\nclause 1 "A" {\n  army.cap = 1\n}\n'
    with pytest.raises(dsl.PeaceError) as info:
        load_proposal("p.peace", dict_loader({"p.peace": text, "v.vocab": VOCAB}))
    assert codes(info.value) == [("PC001", 2, 1), ("PC001", 3, 1)]  # no PC113: the vocabulary line is there


def test_a_bad_condition_start_still_drops_its_whole_condition(dict_loader):
    """`when 5` continued on the next line: blanking one line would leave `and ...` behind, a second syntax
    error from the same cause, so the block is skipped as before."""
    rule = 'rule R "t" {\n  severity hard\n  when 5\n       and army.cap > 1\n  cite s\n}\n'
    assert codes(redline_error(rule, dict_loader)) == [("PC001", 6, 8)]


def test_other_rules_keep_their_missing_fields(dict_loader):
    """A statement dropped in one rule does not excuse another rule's missing severity."""
    text = ('rule A "t" {\n  severity medium\n  when army.cap > 1\n  cite s\n}\n'
            'rule B "t" {\n  when army.cap > 2\n  cite s\n}\n')
    assert codes(redline_error(text, dict_loader)) == [("PC001", 5, 12), ("PC111", 9, 6)]


# ------------------------------------------------------------------ 2. carets inside a test file's proposal string
def case_errors(proposal: str, dict_loader) -> dsl.PeaceError:
    """The errors of one test case whose `proposal = ...` (on line 5) is written as given."""
    loader = dict_loader({"redlines/north.redlines": NORTH, "vocab/small.vocab": VOCAB})
    north, vocabulary = load_redlines("redlines/north.redlines", loader)
    text = 'party = "north"\n\n[[case]]\nname = "c"\nproposal = ' + proposal + '\nexpect = "accept"\n'
    with pytest.raises(dsl.PeaceError) as info:
        check_rule_names(parse_test_file(text, "t.toml"), [north], vocabulary)
    return info.value


def written_at(proposal: str, word: str) -> tuple[int, int]:
    """(line, column) of `word` in the test file of case_errors: where the caret belongs."""
    lines = ("proposal = " + proposal).split("\n")
    number = next(i for i, line in enumerate(lines) if word in line)
    return 5 + number, lines[number].index(word) + 1


@pytest.mark.parametrize("proposal", [
    r'"clause 1 \"A\" {\n  army.capp = 1\n}\n"',                    # \" and \n: a later line of the file's one
    r'"clause 1 \"A\" { army.capp = 1 }"',                          # \" before it on the same line
    r'"clause 1 \"\u00e9\u00e9\" {\n\tarmy.capp = 1 }"',             # \uXXXX and \t
    '"""\nclause 1 "A" { note "\\u00e9\\t" army.capp = 1 }\n"""',   # escapes in a multi-line string
    '"""\\\n  clause 1 "A" { \\\n  army.capp = 1 }"""',              # line-ending backslashes
    '"""clause 1 "A" { army.capp = 1 }"""',                        # on the opening quotes' line
    "'clause 1 \"A\" { army.capp = 1 }'",                           # a literal string: no escapes
    '"""\nclause 1 "A" {\n  army.capp = 1\n}\n"""',                # the common layout, as before
])
def test_a_caret_inside_a_test_case_proposal_follows_the_toml_escapes(proposal, dict_loader):
    error = case_errors(proposal, dict_loader)
    assert codes(error) == [("PC100", *written_at(proposal, "army.capp"))]
    assert error.diagnostics[0].message == "in case 'c': unknown term 'army.capp'"


def test_a_syntax_error_after_an_escape_is_found_where_it_is_written(dict_loader):
    proposal = r'"clause 1 \"A\" {\n  army.cap = = 1\n}"'
    second = len("proposal = ") + proposal.index("= =") + 2  # the second '=', 0-based in line 5
    assert codes(case_errors(proposal, dict_loader)) == [("PC001", 5, second + 1)]


# ------------------------------------------------------------------ 3. a test file that is not UTF-8
def test_a_test_file_that_is_not_utf8_is_a_located_encoding_error():
    data = b'party = "north"\n\n[[case]]\nname = "caf\xe9"\nexpect = "accept"\n'
    with pytest.raises(dsl.PeaceError) as info:
        parse_test_file(data, "t.toml")
    assert codes(info.value) == [("PC011", 4, 12)]  # the code and wording proposals and red-line files get
    assert info.value.diagnostics[0].message == "invalid UTF-8 byte 0xe9"
    assert parse_test_file(data.replace(b"\xe9", "é".encode()), "t.toml").cases[0].name == "café"


# ------------------------------------------------------------------ 4. clause ids in other scripts' digits
@pytest.mark.parametrize("clause_id, ascii_id, script", [
    ("٢", "2", "Arabic-Indic"), ("١٢.a", "12.a", "Arabic-Indic"), ("1٢", "12", "Arabic-Indic"),
    ("२", "2", "Devanagari"), ("２", "2", "Fullwidth"), ("٢a", "2a", "Arabic-Indic"),
])
def test_a_clause_id_in_non_ascii_digits_says_what_an_id_is_made_of(clause_id, ascii_id, script, dict_loader):
    error = proposal_error(f'clause {clause_id} "x" {{\n  army.cap = 1\n}}\n', dict_loader)
    assert codes(error) == [("PC001", 3, 8)]
    (diagnostic,) = error.diagnostics
    assert f"'{clause_id}' is written with {script} digits" in diagnostic.message
    assert "ASCII letters and digits 0-9" in diagnostic.message
    assert diagnostic.hint == f"did you mean '{ascii_id}'?"


def test_the_clause_with_a_non_ascii_id_is_still_read(dict_loader):
    """The id is read as its ASCII digits, so the clause's own errors are reported in the same run."""
    body = 'clause ٢ "x" {\n  army.capp = 1\n}\nclause 3 "y" {\n  alliance = opn\n}\n'
    assert codes(proposal_error(body, dict_loader)) == [("PC001", 3, 8), ("PC100", 4, 3), ("PC101", 7, 14)]


def test_a_non_ascii_id_is_not_also_a_duplicate_of_the_ascii_one(dict_loader):
    body = 'clause 2 "x" {\n  army.cap = 1\n}\nclause ٢ "y" {\n  army.capp = 2\n}\n'
    assert codes(proposal_error(body, dict_loader)) == [("PC001", 6, 8), ("PC100", 7, 3)]  # no PC103
    rules = ('rule R-2 "a" {\n  severity hard\n  when army.cap > 1\n  cite s\n}\n'
             'require R-٢ "b" {\n  severity hard\n  that army.cap > 1\n  cite s\n}\n')
    assert codes(redline_error(rules, dict_loader)) == [("PC001", 9, 9)]  # no PC104


def test_an_editor_offers_the_ascii_id_as_a_quick_fix():
    pytest.importorskip("lsprotocol")
    from types import SimpleNamespace

    from peacecheck.checker.lsp.actions import _did_you_mean
    from peacecheck.checker.lsp.diagnostics import _input_diagnostic
    from peacecheck.checker.lsp.positions import lines_of

    text = HEAD + 'clause ١٢.a "x" {\n  army.cap = 1\n}\n'
    diagnostic = parse_error(text).diagnostics[0]
    lines = lines_of(text)
    shown = _input_diagnostic(None, SimpleNamespace(key="p.peace"), diagnostic, lines)
    (fix,) = _did_you_mean("file:///p.peace", lines, shown)
    (edit,) = fix.edit.changes["file:///p.peace"]
    assert (edit.range.start.character, edit.range.end.character, edit.new_text) == (7, 11, "12.a")  # the whole id


def test_a_rule_id_in_non_ascii_digits_gets_its_ascii_spelling(dict_loader):
    error = redline_error('rule R-٢ "t" {\n  severity hard\n  when army.cap > 1\n  cite s\n}\n', dict_loader)
    assert codes(error) == [("PC001", 4, 6)]
    assert error.diagnostics[0].hint == "did you mean 'R-2'?"


# ------------------------------------------------------------------ 5. numbers in scientific notation
@pytest.mark.parametrize("written, hint", [
    ("1e5", "write 100000 or 100_000"), ("2.5e3", "write 2500 or 2_500"), ("1E+6", "write 1000000 or 1_000_000"),
    ("1e2", "write 100"), ("-3e3", "write -3000 or -3_000"), ("1E-2", "write 0.01"),
])
def test_scientific_notation_says_how_numbers_are_written(written, hint, dict_loader):
    error = proposal_error(f'clause 1 "A" {{\n  army.cap = {written}\n}}\n', dict_loader)
    assert codes(error) == [("PC001", 4, 14)]  # at the number, not at the '.' or the exponent the lexer stopped at
    (diagnostic,) = error.diagnostics
    assert "clause id" not in diagnostic.message
    assert f"'{written}'" in diagnostic.message and "100000 or 100_000" in diagnostic.message
    assert diagnostic.hint == hint


def test_scientific_notation_hides_nothing_else_in_its_block(dict_loader):
    body = 'clause 1 "A" {\n  army.cap = 1e5\n  land.nort = low\n}\n'
    assert codes(proposal_error(body, dict_loader)) == [("PC001", 4, 14), ("PC100", 5, 3)]
    rule = ('rule R "t" {\n  severity hard\n  weight 1e3\n  when army.cap < 1e5\n       and alliance == opn\n'
            '  cite s\n}\n')
    error = redline_error(rule, dict_loader)
    assert codes(error) == [("PC001", 6, 10), ("PC001", 7, 19), ("PC101", 8, 24)]
    assert [d.hint for d in error.diagnostics[:2]] == ["write 1000 or 1_000", "write 100000 or 100_000"]


def test_scientific_notation_on_a_term_of_another_type_is_one_error(dict_loader):
    """The term is left out, not read as some other number and reported again ('takes a date, not 0')."""
    body = 'clause 1 "A" {\n  truce.start = 1e5  # a comment\n  alliance = 2.5e3\n  land.nort = low\n}\n'
    assert codes(proposal_error(body, dict_loader)) == [("PC001", 4, 17), ("PC001", 5, 14), ("PC100", 6, 3)]


def test_scientific_notation_where_no_number_may_stand_is_the_usual_error(dict_loader):
    error = proposal_error('clause 1 "A" {\n  tags 1e5\n  army.capp = 1\n}\n', dict_loader)
    assert codes(error) == [("PC001", 4, 8), ("PC100", 5, 3)]  # the line alone is dropped, as for `severity x`
    message = error.diagnostics[0].message
    assert message.startswith("`tags` takes") and message.endswith("not '1e5'")


def test_the_command_reports_them_all_with_exit_2_and_no_traceback(tmp_path, monkeypatch):
    (tmp_path / "v.vocab").write_text(VOCAB)
    (tmp_path / "p.redlines").write_text(PARTY + 'rule R "t" {\n  severity medium\n  when army.kap > 1\n  cite s\n}\n')
    (tmp_path / "p.peace").write_text(HEAD + 'clause ٢ "x" {\n  army.cap = 1e5\n}\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "p.peace", "--redlines", "p.redlines"])
    assert result.exit_code == 2 and result.exception.__class__ is SystemExit
    assert [line.split(" ", 2)[:2] for line in result.output.splitlines() if ": PC" in line] == [
        ["p.peace:3:8:", "PC001"], ["p.peace:4:14:", "PC001"],
        ["p.redlines:5:12:", "PC001"], ["p.redlines:6:8:", "PC100"]]
    assert "p.peace:3:8: PC001 clause id '٢'" in result.output
    assert "hint: did you mean '2'?" in result.output
    assert "p.peace:4:14: PC001 '1e5' is not a number: numbers are written in digits (100000 or 100_000)" \
        in result.output
    assert "hint: write 100000 or 100_000" in result.output
