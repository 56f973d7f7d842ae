"""Every bad input gets exit code 2 and `file:line:col: CODE message`, never a traceback.

Tests assert (code, line, column) tuples, not prose; hints are checked where they are the point.
"""
from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import peacecheck.checker.files as files_module
from peacecheck import dsl
from peacecheck.checker.cli import main
from peacecheck.checker.files import DiskLoader, load_inputs
from peacecheck.dsl.api import load_proposal, load_redlines, load_vocabulary
from peacecheck.checker.codes import ALL_CODES as ERROR_CODES

REPO = Path(__file__).resolve().parent.parent
ERRORS = REPO / "tests" / "fixtures" / "errors"
VOCAB = (ERRORS / "vocab" / "small.vocab").read_text()
NORTH = (ERRORS / "redlines" / "north.redlines").read_text()
DRAFT = (ERRORS / "proposals" / "draft.peace").read_text()
HEAD = 'proposal "P"\nvocabulary "v.vocab"\n'  # two lines: bodies start on line 3
PARTY = 'party p "P"\nvocabulary "v.vocab"\nsource s { title "T" }\n'  # three lines


def codes(error: dsl.PeaceError) -> list[tuple[str, int, int]]:
    return [(d.code, d.span.line, d.span.column) for d in error.diagnostics]


def parse_error(text: str | bytes, name: str = "p.peace") -> dsl.PeaceError:
    with pytest.raises(dsl.PeaceError) as info:
        dsl.parse(text, name)
    return info.value


# ------------------------------------------------------------------ syntax: every kind, one run
@pytest.mark.parametrize("body, expected", [
    # a missing '}' found where the next block starts, and at the end of the file
    ('clause 1 "A" {\n  army.cap = 1\nclause 2 "B" {\n  army.cap = 2\n}\n', [("PC500", 5, 1)]),
    ('clause 1 "A" {\n  army.cap = 1\n', [("PC003", 5, 1)]),
    # a missing string (the clause title), a missing value, a doubled token
    ('clause 1 {\n}\n', [("PC001", 3, 10)]),
    ('clause 1 "A" {\n  army.cap =\n}\n', [("PC001", 5, 1)]),
    ('clause 1 "A" {\n  army.cap = = 1\n}\n', [("PC001", 4, 14)]),
    ('clause 1 "A" {\n  army.cap 1\n}\n', [("PC001", 4, 12)]),
    # stray characters, including a control character and a non-ASCII letter
    ('clause 1 "A" {\n  army.cap = 1 @\n}\n', [("PC002", 4, 16)]),
    ('clause 1 "A" {\n  army.cap = 1\n}\n\x1b[31m\n', [("PC002", 6, 1)]),
    ('clause 1 "A" {\n  армія = 1\n}\n', [("PC002", 4, 3)]),
    # unterminated strings, plain and triple-quoted
    ('clause 1 "A" {\n  text "no end\n}\n', [("PC002", 4, 8)]),
    ('clause 1 "A" {\n  text """no end\n}\nclause 2 "B" { }\n', [("PC002", 4, 8)]),
    ('clause 1 "Unclosed title {\n}\n', [("PC002", 3, 10)]),
    # misspelt keywords at every level
    ('clause 1 "A" {\n  txt "hello"\n}\n', [("PC001", 4, 3)]),
    ('clause 1 "A" {\n  tag land\n}\n', [("PC001", 4, 3)]),
    ('clase 1 "A" {\n}\n', [("PC001", 3, 1)]),
    ('verson "1"\nclause 1 "A" { }\n', [("PC001", 3, 1)]),
    # a keyword where it is not allowed
    ('clause 1 "A" {\n  option a "A" {\n    tags land\n  }\n}\n', [("PC001", 5, 5)]),
])
def test_syntax_errors(body, expected):
    assert codes(parse_error(HEAD + body)) == expected


@pytest.mark.parametrize("body, hint", [
    ('clause 1 "A" {\n  txt "hello"\n}\n', "did you mean 'text'?"),
    ('clause 1 "A" {\n  tag land\n}\n', "did you mean 'tags'?"),
    ('clause 1 "A" {\n  stauts open\n}\n', "did you mean 'status'?"),
    ('clase 1 "A" {\n}\n', "did you mean 'clause'?"),
    ('verson "1"\n', "did you mean 'version'?"),
])
def test_misspelt_keywords_get_did_you_mean(body, hint):
    assert parse_error(HEAD + body).diagnostics[0].hint == hint


def test_misspelt_rule_keyword_gets_did_you_mean():
    error = parse_error(PARTY + 'rule R "t" {\n  sevrity hard\n  when army.cap > 1\n  cite s\n}\n', "p.redlines")
    assert codes(error) == [("PC001", 5, 3)]
    assert error.diagnostics[0].hint == "did you mean 'severity'?"


def test_missing_brace_names_the_unclosed_block_and_recovers():
    text = HEAD + ('clause 1 "A" {\n  army.cap = 1\n'
                   'clause 2 "B" {\n  army.cap = = 2\n}\n'
                   'clause 3 "C" {\n  army.cap = 3\n}\n')
    error = parse_error(text)
    assert codes(error) == [("PC500", 5, 1), ("PC001", 6, 14)]
    assert "opened at line 3" in error.diagnostics[0].message


def test_every_broken_block_is_reported_in_one_run():
    text = HEAD + ('clause 1 "A" {\n  txt "x"\n}\n'
                   'clause 2 "B" {\n  army.cap = 2\n}\n'
                   'clause 3 "C" {\n  army.cap = @\n}\n'
                   'clause 4 "D" {\n  army.cap 4\n}\n'
                   'clause 5 "E" {\n  text "open\n}\n')
    assert codes(parse_error(text)) == [("PC001", 4, 3), ("PC002", 10, 14), ("PC001", 13, 12), ("PC002", 16, 8)]


def test_a_control_character_is_shown_escaped_in_the_message():
    error = parse_error(HEAD + "\x1b[2J\n")
    assert "\x1b" not in error.diagnostics[0].message and "\\x1b" in error.diagnostics[0].message


# ------------------------------------------------------------------ bytes: encodings, sizes, nesting
def test_empty_and_blank_files():
    for text in (b"", b"\n\n", b"  # a comment\n", b"\xef\xbb\xbf"):
        assert codes(parse_error(text)) == [("PC010", 1, 1)]


def test_bom_and_crlf_parse_with_positions_right(dict_loader):
    text = ("\ufeff" + HEAD + 'clause 1 "A" {\n  text "t"\n  army.cap = "many"\n}\n').replace("\n", "\r\n")
    with pytest.raises(dsl.PeaceError) as info:
        load_proposal("p.peace", dict_loader({"p.peace": text, "v.vocab": VOCAB}))
    assert codes(info.value) == [("PC102", 5, 14)]
    ok = text.replace('"many"', "1").encode("utf-8")
    assert dsl.parse(ok, "p.peace").clauses[0].terms[0].span.line == 5


def test_old_mac_line_ends_count_as_lines():
    assert codes(parse_error((HEAD + 'clause 1 "A" {\r  army.cap = =\r}\r').encode())) == [("PC001", 4, 14)]


@pytest.mark.parametrize("data, expected", [
    (b'proposal "P"\nclause 1 "caf\xe9" { }\n', [("PC011", 2, 14)]),
    (b'\xef\xbb\xbfproposal "\xff"\n', [("PC011", 1, 11)]),
    (b'proposal "P"\n\n  note "\xe2\x82"\n', [("PC011", 3, 9)]),
    (b'proposal "P"\nclause 1 "\xd0\x9a\xd0\xb8\xc3" { }\n', [("PC011", 2, 13)]),
])
def test_invalid_utf8_points_at_the_byte(data, expected):
    assert codes(parse_error(data)) == expected


def test_nul_byte():
    assert codes(parse_error(b'proposal "P"\nclause 1 "A\x00" { }\n')) == [("PC012", 2, 12)]


def test_very_long_line():
    error = parse_error(HEAD + 'clause 1 "' + "x" * 150_000 + '" { }\n')
    assert codes(error) == [("PC014", 3, 100_001)]


def test_file_too_large():
    with pytest.raises(dsl.PeaceError) as info:
        dsl.parse(b'proposal "P"\n' + b"#" * 200, "p.peace", max_bytes=100)
    assert codes(info.value) == [("PC013", 1, 1)]
    with pytest.raises(dsl.PeaceError) as info:
        dsl.parse('proposal "P"\n' + "#" * 200, "p.peace", max_bytes=100)
    assert codes(info.value) == [("PC013", 1, 1)]


@pytest.mark.parametrize("condition, column", [
    ("(" * 10_000 + "army.cap > 1" + ")" * 10_000, 58),
    ("not " * 10_000 + "army.cap > 1", 208),
    ("not (" * 10_000 + "army.cap > 1" + ")" * 10_000, 133),
    ("(not " * 10_000 + "army.cap > 1" + ")" * 10_000, 133),
])
def test_deep_nesting_is_refused_quickly(condition, column):
    text = PARTY + 'rule R "t" {\n  severity hard\n  cite s\n  when ' + condition + "\n}\n"
    started = time.perf_counter()
    error = parse_error(text, "p.redlines")
    assert codes(error) == [("PC015", 7, column)]
    assert time.perf_counter() - started < 5


def test_nesting_up_to_the_limit_is_fine(dict_loader):
    for condition in ("(" * 50 + "army.cap > 1" + ")" * 50, "not " * 50 + "army.cap > 1",
                      "not (" * 25 + "army.cap > 1" + ")" * 25,
                      " and ".join(f"not (army.cap > {i} or land.north == low)" for i in range(200))):
        text = PARTY + 'rule R "t" {\n  severity hard\n  cite s\n  when ' + condition + "\n}\n"
        redlines, _ = load_redlines("p.redlines", dict_loader({"p.redlines": text, "v.vocab": VOCAB}))
        assert redlines.rules[0].condition is not None


def test_deep_nesting_in_a_proposal_is_a_plain_syntax_error():
    error = parse_error(HEAD + 'clause 1 "A" {\n  army.cap = ' + "(" * 10_000 + "1\n}\n")
    assert [d.code for d in error.diagnostics] == ["PC001"]


@pytest.mark.parametrize("value", ["9" * 5000, "1" * 101, "1" * 60 + "." + "5" * 60])
def test_numbers_too_long_for_python(dict_loader, value):
    text = HEAD + 'clause 1 "A" {\n  army.cap = ' + value + "\n}\n"
    assert codes(parse_error(text)) == [("PC117", 4, 14)]
    weight = PARTY + 'rule R "t" {\n  severity hard\n  weight ' + value + "\n  when army.cap > 1\n  cite s\n}\n"
    assert codes(parse_error(weight, "p.redlines")) == [("PC117", 6, 10)]


def test_ids_too_long_to_be_ids():
    assert codes(parse_error(HEAD + "clause " + "9" * 5000 + ' "A" {\n  option ' + "o" * 101 + ' "B" { }\n}\n')) == [
        ("PC502", 3, 8), ("PC502", 4, 10)]
    found = codes(parse_error("party " + "p" * 101 + ' "P"\nrule ' + "R" * 200 + ' "t" { }\n', "p.redlines"))
    assert {("PC502", 1, 7), ("PC502", 2, 6)} <= set(found)


def test_surrogate_escape_in_a_string():
    assert codes(parse_error(HEAD + 'clause 1 "bad \\uD83D" { }\n')) == [("PC117", 3, 10)]
    assert dsl.parse(HEAD + 'clause 1 "ok \\\\uD83D \\u00e9" { }\n', "p").clauses[0].title == "ok \\uD83D é"


# ------------------------------------------------------------------ semantics: all errors of all files
@pytest.mark.parametrize("body, expected, hint", [
    ('clause 1 "A" {\n  army.kap = 1\n}\n', [("PC100", 4, 3)], "did you mean 'army.cap'?"),
    ('clause 1 "A" {\n  land.north = hgh\n}\n', [("PC101", 4, 16)], "did you mean 'high'?"),
    ('clause 1 "A" {\n  guarantee.who = [us, euu]\n}\n', [("PC101", 4, 19)], "did you mean 'eu'?"),
    ('clause 1 "A" {\n  army.cap = "many"\n}\n', [("PC102", 4, 14)], ""),
    ('clause 1 "A" {\n  truce.note = 5\n}\n', [("PC102", 4, 16)], ""),
    ('clause 1 "A" {\n  guarantee.who = us\n}\n', [("PC102", 4, 19)], "write a set as [us]"),
    ('clause 1 "A" { }\nclause 1 "B" { }\n', [("PC103", 4, 8)], ""),
    ('clause 1 "A" {\n  option a "x" { }\n  option a "y" { }\n}\n', [("PC105", 5, 10)], ""),
    ('clause 1 "A" {\n  truce.start = 2025-02-30\n}\n', [("PC117", 4, 17)], "dates are YYYY-MM-DD"),
])
def test_semantic_errors(dict_loader, body, expected, hint):
    with pytest.raises(dsl.PeaceError) as info:
        load_proposal("p.peace", dict_loader({"p.peace": HEAD + body, "v.vocab": VOCAB}))
    assert codes(info.value) == expected
    assert info.value.diagnostics[0].hint == hint
    assert {d.span.file for d in info.value.diagnostics} == {"p.peace"}


def test_structural_and_semantic_errors_are_reported_together(dict_loader):
    body = ('clause 1 "A" {\n  text "a"\n  text "b"\n  truce.start = 2025-13-01\n  army.kap = 1\n}\n'
            'clause 1 "B" {\n  land.north = hgh\n}\n')
    with pytest.raises(dsl.PeaceError) as info:
        load_proposal("p.peace", dict_loader({"p.peace": HEAD + body, "v.vocab": VOCAB}))
    assert codes(info.value) == [("PC112", 5, 3), ("PC117", 6, 17), ("PC100", 7, 3), ("PC103", 9, 8),
                                 ("PC101", 10, 16)]


def test_duplicate_rule_ids_and_unknown_source(dict_loader):
    text = PARTY + ('rule R "a" { severity hard when army.cap == 1 cite s }\n'
                    'rule R "b" { severity hard when army.cap == 2 cite t }\n')
    with pytest.raises(dsl.PeaceError) as info:
        load_redlines("p.redlines", dict_loader({"p.redlines": text, "v.vocab": VOCAB}))
    assert codes(info.value) == [("PC104", 5, 6), ("PC108", 5, 52)]


def test_vocabulary_errors_point_into_the_vocabulary(dict_loader):
    files = {"v.vocab": VOCAB + "term army.cap : number\nterm x.y : colour\ntype t = enum(a, a)\n",
             "p.peace": HEAD}
    with pytest.raises(dsl.PeaceError) as info:
        load_proposal("p.peace", dict_loader(files))
    assert [(d.span.file, *t) for d, t in zip(info.value.diagnostics, codes(info.value), strict=True)] == [
        ("v.vocab", "PC105", 13, 6), ("v.vocab", "PC106", 14, 12), ("v.vocab", "PC109", 15, 18)]


def test_include_cycle_points_at_the_include(dict_loader):
    files = {"a.vocab": 'vocabulary "A"\ninclude "b.vocab"\n', "b.vocab": 'vocabulary "B"\n\ninclude "a.vocab"\n'}
    with pytest.raises(dsl.PeaceError) as info:
        load_vocabulary("a.vocab", dict_loader(files))
    assert [(d.span.file, *t) for d, t in zip(info.value.diagnostics, codes(info.value), strict=True)] == [
        ("b.vocab", "PC022", 3, 9)]
    assert "a.vocab -> b.vocab -> a.vocab" in info.value.diagnostics[0].message


def test_a_long_include_chain_does_not_overflow_the_stack(dict_loader):
    files = {f"v{i}.vocab": f'vocabulary "V{i}"\ninclude "v{i + 1}.vocab"\nterm t{i}.x : bool\n' for i in range(3000)}
    files["v3000.vocab"] = 'vocabulary "end"\n'
    vocabulary = load_vocabulary("v0.vocab", dict_loader(files))
    assert len(vocabulary.terms) == 3000


def test_wrong_kind_of_file_and_missing_vocabulary(dict_loader):
    files = {"p.peace": 'proposal "P"\nvocabulary "r.redlines"\n', "r.redlines": 'party r "R"\n'}
    with pytest.raises(dsl.PeaceError) as info:
        load_proposal("p.peace", dict_loader(files))
    assert codes(info.value) == [("PC023", 2, 12)]
    with pytest.raises(dsl.PeaceError) as info:
        load_proposal("r.redlines", dict_loader(files))
    assert codes(info.value) == [("PC023", 1, 1)]


# ------------------------------------------------------------------ files on disk
def project(tmp_path: Path, **files: str) -> Path:
    """A copy of the errors fixture project with some files replaced (`proposals__x_peace` = proposals/x.peace)."""
    root = tmp_path / "project"
    shutil.copytree(ERRORS, root)
    for name, text in files.items():
        target = root / name.replace("__", "/").replace("_peace", ".peace").replace("_vocab", ".vocab") \
            .replace("_redlines", ".redlines")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    return root


def load_codes(root: Path, proposal: str = "proposals/draft.peace", redlines: str = "redlines",
               max_bytes: int | None = None) -> list[tuple[str, str, int, int]]:
    loader = DiskLoader(root, max_bytes)
    with pytest.raises(dsl.PeaceError) as info:
        load_inputs(root / proposal, [root / redlines], loader)
    return [(Path(d.span.file).name, d.code, d.span.line, d.span.column) for d in info.value.diagnostics]


def test_errors_of_every_file_in_one_run(tmp_path, monkeypatch):
    root = project(tmp_path, proposals__draft_peace=DRAFT.replace("land.south = low", "land.south = lo"),
                   redlines__north_redlines=NORTH.replace("army.cap < 100000", "army.kap < 100000"),
                   redlines__south_redlines='party south "South"\nvocabulary "../vocab/small.vocab"\nrule X {\n')
    monkeypatch.chdir(root)
    assert load_codes(root) == [("draft.peace", "PC101", 9, 16), ("north.redlines", "PC100", 18, 8),
                                ("south.redlines", "PC001", 3, 8)]


def test_acknowledging_an_unknown_party_or_rule(tmp_path, monkeypatch):
    draft = DRAFT.replace('acknowledge north N-ARMY "accepted for now"',
                          'acknowledge nort N-ARMY "x"\n  acknowledge north N-ARM "y"')
    root = project(tmp_path, proposals__draft_peace=draft)
    monkeypatch.chdir(root)
    assert load_codes(root) == [("draft.peace", "PC107", 14, 15), ("draft.peace", "PC115", 15, 21)]


def test_acknowledgements_are_checked_even_when_other_files_have_errors(tmp_path, monkeypatch):
    draft = DRAFT.replace('acknowledge north N-ARMY', 'acknowledge north N-ARM')
    south = (ERRORS / "redlines/south.redlines").read_text().replace("memo\n}", "mem\n}")
    root = project(tmp_path, proposals__draft_peace=draft, redlines__south_redlines=south)
    monkeypatch.chdir(root)
    assert load_codes(root) == [("draft.peace", "PC115", 14, 21), ("south.redlines", "PC108", 10, 8)]


def test_include_leaving_the_project_directly_or_through_a_symlink(tmp_path, monkeypatch):
    root = project(tmp_path)
    outside = tmp_path / "outside.vocab"
    outside.write_text(VOCAB)
    (root / "vocab" / "link.vocab").symlink_to(outside)
    (root / "vocab" / "linkdir").symlink_to(tmp_path)
    monkeypatch.chdir(root)
    for path in ("../../outside.vocab", "../vocab/link.vocab", "../vocab/linkdir/outside.vocab", "/etc/passwd"):
        (root / "proposals" / "draft.peace").write_text(DRAFT.replace("../vocab/small.vocab", path))
        assert load_codes(root) == [("draft.peace", "PC021", 2, 12)], path


def test_include_cycle_through_a_symlinked_folder_terminates(tmp_path, monkeypatch):
    root = project(tmp_path)
    (root / "vocab" / "loop").symlink_to(root / "vocab")
    (root / "vocab" / "small.vocab").write_text(VOCAB + 'include "loop/small.vocab"\n')
    monkeypatch.chdir(root)
    assert ("small.vocab", "PC022", 13, 9) in load_codes(root)


def test_a_folder_a_missing_file_and_an_unreadable_file_where_a_file_belongs(tmp_path, monkeypatch):
    root = project(tmp_path)
    monkeypatch.chdir(root)
    for path in ("../vocab", "../vocab/none.vocab"):
        (root / "proposals" / "draft.peace").write_text(DRAFT.replace("../vocab/small.vocab", path))
        assert load_codes(root) == [("draft.peace", "PC020", 2, 12)], path
    (root / "proposals" / "draft.peace").write_text(DRAFT)
    real_read = files_module.read_limited

    def refuse(path, limit):
        if path.name == "small.vocab":
            raise PermissionError(13, "Permission denied", str(path))
        return real_read(path, limit)

    monkeypatch.setattr(files_module, "read_limited", refuse)
    assert load_codes(root) == [("draft.peace", "PC020", 2, 12), ("north.redlines", "PC020", 2, 12),
                                ("south.redlines", "PC020", 2, 12)]


def test_size_limit_on_disk(tmp_path, monkeypatch):
    root = project(tmp_path)
    monkeypatch.chdir(root)
    assert load_codes(root, max_bytes=200) == [("draft.peace", "PC013", 1, 1), ("north.redlines", "PC013", 1, 1),
                                               ("south.redlines", "PC013", 1, 1)]


# ------------------------------------------------------------------ the CLI: exit 2, positions, no traceback
def cli(root: Path, monkeypatch, *args: str):
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


def test_cli_prints_file_line_col_source_line_and_caret(tmp_path, monkeypatch):
    root = project(tmp_path, proposals__draft_peace=DRAFT.replace("  text \"The", "  txt \"The"))
    result = cli(root, monkeypatch, "proposals/draft.peace")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "proposals/draft.peace:7:3: PC001 unknown keyword 'txt'",
        '      txt "The north stays, the south is frozen."',
        "      ^",
        "    hint: did you mean 'text'?",
        "1 error; see `peacecheck explain CODE`",
    ]


@pytest.mark.parametrize("args, first_line", [
    (("none.peace",), "none.peace: PC020 cannot read 'none.peace': no such file"),
    (("proposals/draft.peace", "--redlines", "none"), "none: PC020 cannot read 'none': no such file or folder"),
    (("proposals/draft.peace", "--party", "nort"), "--party: PC121 unknown party 'nort' (did you mean 'north'?)"),
    (("vocab/small.vocab",), "vocab/small.vocab:1:1: PC023 'vocab/small.vocab' is not a proposal "
                             "(it should start with `proposal \"Title\"`)"),
])
def test_cli_input_errors(tmp_path, monkeypatch, args, first_line):
    result = cli(project(tmp_path), monkeypatch, *args)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.splitlines()[0] == first_line


def test_cli_directory_as_proposal(tmp_path, monkeypatch):
    """A folder means every proposal inside it (issue 13); a folder with none is an input error."""
    root = project(tmp_path)
    result = cli(root, monkeypatch, "proposals")
    assert result.exit_code in (0, 1) and result.stderr == "" and "proposals/" in result.stdout
    (root / "empty").mkdir()
    result = cli(root, monkeypatch, "empty")
    assert result.exit_code == 2 and result.stdout == "" and "PC0" in result.stderr


def test_cli_empty_and_binary_files(tmp_path, monkeypatch):
    root = project(tmp_path)
    (root / "proposals" / "empty.peace").write_bytes(b"")
    (root / "proposals" / "binary.peace").write_bytes(bytes(range(256)) * 4)
    assert cli(root, monkeypatch, "proposals/empty.peace").stderr.startswith("proposals/empty.peace:1:1: PC010")
    binary = cli(root, monkeypatch, "proposals/binary.peace")
    assert binary.exit_code == 2 and binary.stderr.startswith("proposals/binary.peace:3:115: PC011")


# ------------------------------------------------------------------ the code registry
def _codes_used_in_code() -> set[str]:
    used: set[str] = set()
    for folder in ("dsl", "checker"):
        for path in (REPO / folder).rglob("*.py"):
            if path.name != "diagnostics.py":
                used |= set(re.findall(r"\bPC\d{3}\b", path.read_text(encoding="utf-8")))
    return used


def test_every_code_used_is_documented_and_every_documented_code_is_used():
    used = _codes_used_in_code()
    assert sorted(used - set(ERROR_CODES)) == [], "codes raised but missing from ERROR_CODES"
    assert sorted(set(ERROR_CODES) - used) == [], "codes documented but never raised"
    assert all(re.fullmatch(r"PC\d{3}", code) and len(text) > 20 for code, text in ERROR_CODES.items())


def test_explain_every_code_and_the_list():
    runner = CliRunner()
    for code, text in ERROR_CODES.items():
        result = runner.invoke(main, ["explain", code.lower()], catch_exceptions=False)
        assert (result.exit_code, result.stdout) == (0, f"{code}: {text}\n")
    listing = runner.invoke(main, ["explain"], catch_exceptions=False)
    assert listing.exit_code == 0
    assert [line.split()[0] for line in listing.stdout.splitlines()] == sorted(ERROR_CODES)
    unknown = runner.invoke(main, ["explain", "PC9999"], catch_exceptions=False)
    assert unknown.exit_code == 2 and "unknown error code" in unknown.stderr
