"""`peacecheck fmt`: one canonical layout, comments kept, meaning never changed."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, REPO
from peacecheck.dsl.api import parse
from peacecheck.dsl.diagnostics import PeaceError
from peacecheck.dsl.format import comparable, format_text, quote_line, scan_comments



def _parses(path: Path) -> bool:
    try:
        parse(path.read_bytes(), str(path))
    except PeaceError:
        return False
    return True


# The project's own files, and every test fixture that parses (some are broken on purpose).
REAL_FILES = sorted([*REPO.glob("proposals/*.peace"), *REPO.glob("redlines/*.redlines"), *REPO.glob("vocab/*.vocab"),
                     *(p for suffix in ("peace", "redlines", "vocab") for p in FIXTURES.rglob(f"*.{suffix}") if _parses(p))])


def fmt(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "peacecheck.checker", "fmt", *args], cwd=cwd, capture_output=True, text=True,
                          input=stdin, env={**os.environ, "NO_COLOR": "1"})


def same_meaning(a: str, b: str) -> bool:
    return comparable(parse(a, "f")) == comparable(parse(b, "f"))


# ------------------------------------------------------------------ the layout
MESSY = '''# leading comment
proposal   "Messy"   # title comment
vocabulary "v.vocab"
parties a,b

# about clause 1
clause 1 "One" { tags x,y   text """
        First line.
          indented "quoted" line
    """
  land.north=ceded  # trailing
  # before an option
  option o1 "Opt" { text "x" army.cap = 1_000 }  # after the option
  guarantee.guarantors=[us,eu,]


}
clause 2 "Two" {
  # only a comment
}
# end of file
'''

MESSY_FORMATTED = '''# leading comment
proposal "Messy"  # title comment
vocabulary "v.vocab"
parties a, b

# about clause 1
clause 1 "One" {
  tags x, y
  text """
    First line.
      indented "quoted" line
  """
  land.north = ceded  # trailing
  # before an option
  option o1 "Opt" {
    text "x"
    army.cap = 1_000
  }  # after the option
  guarantee.guarantors = [us, eu]
}

clause 2 "Two" {
  # only a comment
}
# end of file
'''


def test_canonical_layout_of_a_messy_proposal():
    out = format_text(MESSY, "messy.peace")
    assert out == MESSY_FORMATTED
    assert format_text(out, "messy.peace") == out
    assert same_meaning(MESSY, out)


def test_conditions_keep_only_the_parentheses_their_tree_needs():
    src = '''party p "P"
rule R-1 "r" {
  severity hard
  when ((a.b == 1)) and (c.d in [x,y] or not (e.f has all [g,h])) or (a.b > 2 or (a.c < 3 or a.d >= 4))
  cite s
}
require Q-1 "q" { severity soft weight 2 that not not present a.* and (absent b.c and x.y != "t\\"x") cite s "p. 1" }
'''
    out = format_text(src, "r.redlines")
    # `x or (y or z)` is a different tree from `x or y or z`: those parentheses stay.
    assert "  when a.b == 1 and (c.d in [x, y] or not (e.f has all [g, h])) or (a.b > 2 or (a.c < 3 or a.d >= 4))\n" in out
    assert '  that not not (present a.*) and (absent b.c and x.y != "t\\"x")\n' in out
    assert same_meaning(src, out)


def test_strings_are_requoted_canonically():
    src = 'proposal "a\\u0041\\tb"\nnote """one line"""\nnote "tab\there"\nsource "x\\qy"\n'
    out = format_text(src, "s.peace")
    assert out == 'proposal "aA\\tb"\nnote "one line"\nnote "tab\\there"\nsource "xqy"\n'
    assert same_meaning(src, out)


def test_text_block_that_cannot_stay_a_block_becomes_an_escaped_string():
    # \u000b (a vertical tab) on a line of its own would be lost by the block's dedent.
    src = 'proposal "t"\nclause 1 "c" {\n  text """\n    a\n    \\u000b\n    b\n  """\n}\n'
    out = format_text(src, "t.peace")
    assert '  text "a\\n\\u000b\\nb"\n' in out
    assert same_meaning(src, out)


def test_vocabulary_layout():
    src = ('vocabulary "V"\ninclude "x.vocab"\ntype  s=scale( a<b <c )\n  "doc"\n'
           'term a.b:number unit  km "d"\nterm a.c : enum(x,y)\nterm a.d:set(p ,q) term a.e : s\n')
    out = format_text(src, "v.vocab")
    assert out == ('vocabulary "V"\ninclude "x.vocab"\ntype s = scale(a < b < c) "doc"\n'
                   'term a.b : number unit km "d"\nterm a.c : enum(x, y)\nterm a.d : set(p, q)\nterm a.e : s\n')


def test_blank_lines_collapse_to_one_and_blocks_are_separated():
    src = 'party p "P"\n\n\n\nnote "a"\nsource s { title "t" }\nrule R "r" { severity hard when a == 1 cite s }\n'
    out = format_text(src, "p.redlines")
    assert out == ('party p "P"\n\nnote "a"\n\nsource s {\n  title "t"\n}\n\n'
                   'rule R "r" {\n  severity hard\n  when a == 1\n  cite s\n}\n')


def test_comment_inside_a_multiline_condition_moves_above_the_statement():
    src = 'party p "P"\nrule R "r" {\n  severity hard\n  when a == 1 and\n    # why b\n    b == 2  # tail\n  cite s\n}\n'
    out = format_text(src, "p.redlines")
    assert "  # why b\n  when a == 1 and b == 2  # tail\n" in out


def test_hash_inside_a_string_is_not_a_comment():
    src = 'proposal "a # b"  # real\n'
    assert [c.text for c in scan_comments(src)] == ["# real"]
    assert format_text(src, "h.peace") == src


def test_crlf_and_bom_are_normalised():
    assert format_text('\ufeffproposal "x"\r\nnote "y"\r\n', "c.peace") == 'proposal "x"\nnote "y"\n'


def test_a_file_that_does_not_parse_is_an_error_with_its_code_and_position():
    with pytest.raises(PeaceError) as info:
        format_text('proposal "x"\nclause 1 "c" {\n  land.north = \n}\n', "bad.peace")
    assert [(d.code, d.span.line) for d in info.value.diagnostics] == [("PC001", 4)]


def test_structural_errors_stop_the_formatter_too():
    with pytest.raises(PeaceError) as info:
        format_text('proposal "x"\nclause 1 "c" {\n  text "a"\n  text "b"\n}\n', "dup.peace")
    assert [(d.code, d.span.line) for d in info.value.diagnostics] == [("PC112", 4)]


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_real_files_format_idempotently_and_keep_their_meaning_and_comments(path: Path):
    src = path.read_text(encoding="utf-8")
    out = format_text(src, str(path))
    assert format_text(out, str(path)) == out
    assert same_meaning(src, out)
    for comment in scan_comments(src):
        assert comment.text in out


# ------------------------------------------------------------------ generated files
NAMES = st.sampled_from(["alpha", "beta", "g_1", "d", "north", "x_y"])
WS = st.sampled_from([" ", "  ", "\n", "\n\n\n", " \t", " # c1\n", "\n  # lead ' \" #\n  ", "\n\n# far\n\n"])
PATHS = st.lists(NAMES, min_size=1, max_size=3).map(".".join)
TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\r\x00"), max_size=12)
LINE_TEXT = st.text(st.characters(codec="utf-8", exclude_characters='\r\x00\n"\\'), max_size=10)


@st.composite
def strings(draw) -> str:
    kind = draw(st.sampled_from(["plain", "plain", "triple-inline", "block"]))
    if kind == "plain":
        return quote_line(draw(TEXT))
    if kind == "triple-inline":
        return '"""' + draw(LINE_TEXT).rstrip('"') + '"""'
    lines = draw(st.lists(LINE_TEXT, min_size=1, max_size=4))
    indent = " " * draw(st.integers(0, 6))
    return '"""\n' + "\n".join(indent + line for line in lines) + "\n" + " " * draw(st.integers(0, 4)) + '"""'


@st.composite
def values(draw) -> str:
    kind = draw(st.sampled_from(["number", "date", "string", "bool", "name", "set"]))
    if kind == "number":
        return draw(st.from_regex(r"-?[1-9][0-9_]{0,5}(\.[0-9]{1,3})?", fullmatch=True)).replace("_.", ".")
    if kind == "date":
        return draw(st.dates()).isoformat() if True else ""
    if kind == "string":
        return draw(strings())
    if kind == "bool":
        return draw(st.sampled_from(["true", "false"]))
    if kind == "name":
        return draw(NAMES)
    items = draw(st.lists(NAMES, max_size=3))
    return "[" + draw(WS).join(i + "," for i in items) + "]"


def leaves(draw) -> str:
    pattern = draw(PATHS) + draw(st.sampled_from(["", "", ".*"]))
    kind = draw(st.sampled_from(["compare", "in", "has", "has_any", "present", "absent"]))
    if kind == "compare":
        return f"{pattern} {draw(st.sampled_from(['==', '!=', '<', '<=', '>', '>=']))} {draw(values())}"
    if kind == "in":
        return f"{pattern} in [" + ", ".join(draw(st.lists(values(), min_size=1, max_size=3))) + "]"
    if kind == "has":
        return f"{pattern} has {draw(NAMES)}"
    if kind == "has_any":
        return f"{pattern} has {draw(st.sampled_from(['any', 'all']))} [" + ", ".join(draw(st.lists(NAMES, min_size=1, max_size=3))) + "]"
    return f"{kind} {pattern}"


@st.composite
def conditions(draw, depth: int = 0) -> str:
    if depth >= 3 or draw(st.booleans()):
        leaf = leaves(draw)
        return f"({leaf})" if draw(st.booleans()) else leaf
    kind = draw(st.sampled_from(["and", "or", "not"]))
    if kind == "not":
        return "not (" + draw(conditions(depth + 1)) + ")"
    parts = draw(st.lists(conditions(depth + 1), min_size=2, max_size=3))
    return f" {kind} ".join(f"({p})" for p in parts)


def block(draw, head: str, items: list[str]) -> str:
    ws = draw(WS)
    return head + ws + "{" + "".join(draw(WS) + item for item in items) + draw(WS) + "}"


@st.composite
def proposals(draw) -> str:
    header = [f"proposal{draw(WS)}{draw(strings())}"]
    once = {"vocabulary": draw(strings()), "version": draw(strings()), "date": draw(st.dates()).isoformat(),
            "drafted_by": draw(strings()), "revises": draw(strings()),
            "parties": ", ".join(draw(st.lists(NAMES, min_size=1, max_size=3)))}
    for key in draw(st.lists(st.sampled_from(sorted(once) + ["note", "source"]), max_size=5)):
        if key in once:
            header.append(f"{key} {once.pop(key)}")
        elif key in ("note", "source"):
            header.append(f"{key} {draw(strings())}")
    clauses = [clause(draw, str(i)) for i in range(draw(st.integers(0, 3)))]
    return draw(comments_before()) + draw(WS).join(header + clauses) + draw(st.sampled_from(["", "\n", "  # end\n"]))


def clause(draw, clause_id: str) -> str:
    items = []
    for field in ("text", "tags", "status"):
        if draw(st.booleans()):
            items.append({"text": f"text {draw(strings())}", "tags": "tags " + ", ".join(draw(st.lists(NAMES, min_size=1, max_size=3))),
                          "status": f"status {draw(NAMES)}" + (f" {draw(strings())}" if draw(st.booleans()) else "")}[field])
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["assign", "assign", "note", "option", "ack"]))
        if kind == "assign":
            items.append(f"{draw(PATHS)}{draw(WS)}={draw(WS)}{draw(values())}")
        elif kind == "note":
            items.append(f"note {draw(strings())}")
        elif kind == "ack":
            until = f" until {draw(st.dates()).isoformat()}" if draw(st.booleans()) else ""
            items.append(f"acknowledge {draw(NAMES)} R-{draw(st.integers(1, 9))} {draw(strings())}{until}")
        else:
            option_items = [f"{draw(PATHS)} = {draw(values())}" for _ in range(draw(st.integers(0, 2)))]
            if draw(st.booleans()):
                option_items.insert(0, f"text {draw(strings())}")
            items.append(block(draw, f"option {draw(NAMES)} {draw(strings())}", option_items))
    return block(draw, f"clause {clause_id}{draw(st.sampled_from(['', '.a', '.b2']))} {draw(strings())}", items)


@st.composite
def redlines(draw) -> str:
    parts = [f"party {draw(NAMES)} {draw(strings())}"]
    if draw(st.booleans()):
        parts.append(f"vocabulary {draw(strings())}")
    for i in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["note", "source", "rule", "require"]))
        if kind == "note":
            parts.append(f"note {draw(strings())}")
        elif kind == "source":
            keys = draw(st.lists(st.sampled_from(["publication", "date", "seed", "url", "author"]), unique=True))
            parts.append(block(draw, f"source s{i}", [f"title {draw(strings())}"] + [f"{k} {draw(strings())}" for k in keys]))
        else:
            items = [f"severity {draw(st.sampled_from(['hard', 'soft']))}",
                     ("when " if kind == "rule" else "that ") + draw(conditions()), f"cite s{i}"]
            extras = {"weight": f"weight {draw(st.integers(0, 9))}", "because": f"because {draw(strings())}",
                      "tags": "tags " + ", ".join(draw(st.lists(NAMES, min_size=1, max_size=2))),
                      "note": f"note {draw(strings())}", "cite": f"cite s0 {draw(strings())}"}
            items += [extras[k] for k in draw(st.lists(st.sampled_from(sorted(extras)), unique=True))]
            items = draw(st.permutations(items))
            parts.append(block(draw, f"{kind} R-{i} {draw(strings())}", list(items)))
    return draw(comments_before()) + draw(WS).join(parts) + "\n"


@st.composite
def vocabularies(draw) -> str:
    parts = [f"vocabulary {draw(strings())}"]
    types = {"number": "number", "unit": f"number unit {draw(NAMES)}", "bool": "bool", "date": "date", "text": "text",
             "enum": "enum(" + ", ".join(draw(st.lists(NAMES, min_size=1, max_size=3, unique=True))) + ")",
             "scale": "scale(" + " < ".join(draw(st.lists(NAMES, min_size=2, max_size=4, unique=True))) + ")",
             "set": "set(" + ",".join(draw(st.lists(NAMES, min_size=1, max_size=3, unique=True))) + ")",
             "ref": "t_named"}
    doc = lambda: f" {draw(strings())}" if draw(st.booleans()) else ""  # noqa: E731
    parts.append(f"type t_named = {types['scale']}{doc()}")
    for i, kind in enumerate(draw(st.lists(st.sampled_from(sorted(types)), max_size=5))):
        parts.append(f"term {draw(PATHS)}_{i}{draw(WS)}:{draw(WS)}{types[kind]}{doc()}")
    if draw(st.booleans()):
        parts.append(f"include {draw(strings())}")
    return draw(comments_before()) + draw(WS).join(parts) + "\n"


@st.composite
def comments_before(draw) -> str:
    return "".join(f"# {draw(LINE_TEXT)}\n" + draw(st.sampled_from(["", "\n"])) for _ in range(draw(st.integers(0, 2))))


@settings(max_examples=int(os.environ.get("PEACECHECK_FMT_EXAMPLES", "150")), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(proposals(), redlines(), vocabularies()))
def test_generated_files_format_idempotently_with_the_same_meaning(src: str):
    parse(src, "gen")  # the generator only makes files that parse
    out = format_text(src, "gen")
    assert format_text(out, "gen") == out
    assert same_meaning(src, out)
    for comment in scan_comments(src):
        assert comment.text in out


# ------------------------------------------------------------------ the command
def test_fmt_check_diff_and_rewrite(tmp_path: Path):
    path = tmp_path / "m.peace"
    path.write_text(MESSY, encoding="utf-8")
    checked = fmt("--check", "m.peace", cwd=tmp_path)
    assert (checked.returncode, checked.stdout, checked.stderr) == (1, "would reformat m.peace\n", "")
    diffed = fmt("--diff", "m.peace", cwd=tmp_path)
    assert diffed.returncode == 0 and diffed.stdout.startswith("--- m.peace\n+++ m.peace (formatted)\n")
    assert "+  land.north = ceded  # trailing\n" in diffed.stdout
    assert path.read_text(encoding="utf-8") == MESSY  # --check and --diff change nothing
    written = fmt("m.peace", cwd=tmp_path)
    assert (written.returncode, written.stdout) == (0, "reformatted m.peace\n")
    assert path.read_text(encoding="utf-8") == MESSY_FORMATTED
    again = fmt("--check", "m.peace", cwd=tmp_path)
    assert (again.returncode, again.stdout, again.stderr) == (0, "", "")


def test_fmt_never_touches_a_file_with_errors_and_exits_2(tmp_path: Path):
    bad = tmp_path / "bad.peace"
    bad.write_text('proposal "x"\nclause 1 "c" {\n  land.north = \n}\n', encoding="utf-8")
    good = tmp_path / "good.peace"
    good.write_text('proposal   "y"\n', encoding="utf-8")
    before = bad.stat().st_mtime_ns
    result = fmt(".", cwd=tmp_path)
    assert result.returncode == 2
    assert "bad.peace:4:1: PC001" in result.stderr
    assert bad.read_text(encoding="utf-8") == 'proposal "x"\nclause 1 "c" {\n  land.north = \n}\n'
    assert bad.stat().st_mtime_ns == before
    assert good.read_text(encoding="utf-8") == 'proposal "y"\n'  # the good one is still formatted
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.peace", "good.peace"]  # no temporary files left


def test_fmt_reads_standard_input():
    result = fmt("-", cwd=REPO, stdin='proposal  "x"\nnote"y"\n')
    assert (result.returncode, result.stdout) == (0, 'proposal "x"\nnote "y"\n')
    checked = fmt("--check", "-", cwd=REPO, stdin='proposal  "x"\n')
    assert (checked.returncode, checked.stdout) == (1, "would reformat <stdin>\n")


def test_fmt_on_a_missing_file_is_an_input_error(tmp_path: Path):
    result = fmt("nope.peace", cwd=tmp_path)
    assert result.returncode == 2 and "PC020" in result.stderr
