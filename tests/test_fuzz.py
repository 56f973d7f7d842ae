"""Property tests: no input, however broken, crashes peacecheck; every valid input checks.

Two kinds of input:
- the real files (proposals/*.peace, redlines/*.redlines, vocab/*.vocab) mutated line by line and
  byte by byte: lines deleted, inserted, duplicated, swapped; files truncated; random bytes and
  random Unicode spliced in;
- files generated from the grammar: a random vocabulary, a proposal that states only what it
  allows, and red lines whose conditions fit the terms' types.

The CLI runs in-process (CliRunner, catch_exceptions=False, so any exception fails the test). It
must exit 0, 1 or 2, never print a traceback, and every diagnostic must point at a real position.

CI runs a bounded, derandomised profile (well under a minute in all). For a long local session:
    PEACECHECK_FUZZ=long pytest tests/test_fuzz.py -q -p no:cacheprovider --hypothesis-show-statistics
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from peacecheck import dsl
from peacecheck.checker.cli import main

REPO = Path(__file__).resolve().parent.parent
GRAMMAR = (REPO / "dsl" / "peace.lark").read_text(encoding="utf-8")
KEYWORDS = set(re.findall(r'"([a-z_]+)"', GRAMMAR))

_COMMON = dict(deadline=None, print_blob=True,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                      HealthCheck.function_scoped_fixture])
settings.register_profile("peacecheck-ci", derandomize=True, database=None, **_COMMON)
settings.register_profile("peacecheck-long", derandomize=False, **_COMMON)
LONG = os.environ.get("PEACECHECK_FUZZ") == "long"
PROFILE = settings.get_profile("peacecheck-long" if LONG else "peacecheck-ci")


def fuzz(examples: int):
    """Settings for one test: `examples` in CI, forty times as many with PEACECHECK_FUZZ=long."""
    return settings(PROFILE, max_examples=examples * 40 if LONG else examples)


# ------------------------------------------------------------------ running the CLI on a project
DIAGNOSTIC = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>PC\d{3}) ")
FILE_LEVEL = re.compile(r"^(?P<file>\S.*?): (?P<code>PC\d{3}) ")


class Project:
    """A scratch copy of the real inputs; one file at a time is replaced by a mutant."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="peacecheck-fuzz-"))
        for folder in ("vocab", "redlines", "proposals"):
            shutil.copytree(REPO / folder, self.root / folder, ignore=shutil.ignore_patterns("tests", "*.md"))
        self.originals = {p: p.read_bytes() for p in self.root.rglob("*") if p.is_file()}

    def reset(self) -> None:
        for path, data in self.originals.items():
            path.write_bytes(data)

    def check(self, proposal: Path, *options: str) -> None:
        run_and_assert(self.root, [str(proposal), "--redlines", str(self.root / "redlines"), *options])


def run_and_assert(root: Path, args: list[str], expect_valid: bool = False) -> None:
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output
    if expect_valid:
        assert result.exit_code in (0, 1), result.stderr
        return
    if result.exit_code == 2:
        assert_diagnostics_point_somewhere(result.stderr)


def assert_diagnostics_point_somewhere(stderr: str) -> None:
    lines = stderr.splitlines()
    assert lines and re.fullmatch(r"\d+ errors?; see `peacecheck explain CODE`", lines[-1]), stderr
    for line in lines:
        match = DIAGNOSTIC.match(line)
        if match:
            assert int(match["line"]) >= 1 and int(match["col"]) >= 1, line
            path = Path(match["file"])
            if path.is_file():
                text = path.read_bytes().decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")
                assert int(match["line"]) <= text.count("\n") + 1, line


@pytest.fixture(scope="module")
def project():
    scratch = Project()
    yield scratch
    shutil.rmtree(scratch.root, ignore_errors=True)


# ------------------------------------------------------------------ mutations
def _sources(pattern: str) -> list[str]:
    return sorted(str(p.relative_to(REPO)) for p in REPO.glob(pattern))


PROPOSALS = _sources("proposals/*.peace")
REDLINES = _sources("redlines/*.redlines")
VOCABS = _sources("vocab/*.vocab")

SNIPPETS = ['}', '{', '"', '"""', 'clause 99 "X" {', 'rule X-1 "x" {', 'when', 'not not', '((', ')',
            'territory.* >= recognized_de_jure', 'option z "z" {', 'acknowledge us XX "x"', 'include "x.vocab"',
            'vocabulary "../vocab/russia-ukraine.vocab"', '\\u0000', '\\uD800', '9' * 200, '2025-02-30',
            '\x1b[2J', '\ufeff', '\u202e', '\t', '#', '[', ']', 'severity hard', 'cite nowhere', 'term x : y']


@st.composite
def mutated(draw, files: list[str]) -> tuple[str, bytes]:
    """One real file, with a few random edits."""
    name = draw(st.sampled_from(files))
    data = (REPO / name).read_bytes()
    for _ in range(draw(st.integers(1, 4))):
        data = draw(_edit(data))
    return name, data


def _edit(data: bytes):
    lines = data.split(b"\n")
    at_line = st.integers(0, max(len(lines) - 1, 0))
    at_byte = st.integers(0, len(data))
    unicode = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=8)
    return st.one_of(
        at_line.map(lambda i: b"\n".join(lines[:i] + lines[i + 1:])),                      # delete a line
        st.tuples(at_line, st.sampled_from(SNIPPETS)).map(
            lambda t: b"\n".join(lines[:t[0]] + [t[1].encode()] + lines[t[0]:])),           # insert a snippet
        st.tuples(at_line, at_line).map(lambda t: b"\n".join(lines[:t[0]] + [lines[t[1]]] + lines[t[0]:])),
        st.tuples(at_line, at_line).map(lambda t: _swap(lines, *t)),                        # swap two lines
        at_byte.map(lambda i: data[:i]),                                                   # truncate
        st.tuples(at_byte, st.binary(min_size=1, max_size=8)).map(lambda t: data[:t[0]] + t[1] + data[t[0]:]),
        st.tuples(at_byte, unicode).map(lambda t: data[:t[0]] + t[1].encode("utf-8", "surrogatepass")
                                        + data[t[0]:]),
        st.tuples(at_byte, st.integers(1, 40)).map(lambda t: data[:t[0]] + data[t[0] + t[1]:]),  # cut bytes
    )


def _swap(lines: list[bytes], i: int, j: int) -> bytes:
    lines = list(lines)
    lines[i], lines[j] = lines[j], lines[i]
    return b"\n".join(lines)


@fuzz(40)
@given(mutant=mutated(PROPOSALS), fmt=st.sampled_from(["json", "text"]))
def test_mutated_proposals_never_crash(project, mutant, fmt):
    name, data = mutant
    project.reset()
    (project.root / name).write_bytes(data)
    project.check(project.root / name, "--format", fmt)


@fuzz(40)
@given(mutant=mutated(REDLINES))
def test_mutated_redlines_never_crash(project, mutant):
    name, data = mutant
    project.reset()
    (project.root / name).write_bytes(data)
    project.check(project.root / "proposals" / "miami.peace", "--format", "json")


@fuzz(25)
@given(mutant=mutated(VOCABS))
def test_mutated_vocabularies_never_crash(project, mutant):
    name, data = mutant
    project.reset()
    (project.root / name).write_bytes(data)
    project.check(project.root / "proposals" / "miami.peace", "--format", "json")


@fuzz(200)
@given(data=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode),
                      mutated(PROPOSALS + REDLINES + VOCABS).map(lambda m: m[1])))
def test_parse_never_raises_anything_but_peace_error(data):
    try:
        dsl.parse(data, "fuzz.peace")
    except dsl.PeaceError as error:
        assert error.diagnostics
        for d in error.diagnostics:
            assert d.span.file == "fuzz.peace" and d.span.line >= 1 and d.span.column >= 1, d


# ------------------------------------------------------------------ valid files from the grammar
NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True).filter(lambda n: n not in KEYWORDS)


def _name():
    return NAMES


def _string(draw) -> str:
    """A string literal with any text, escaped as the language wants."""
    text = draw(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"), max_size=30))
    body = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{body}"'


TYPES = ("number", "bool", "date", "text", "enum", "scale", "set")


@st.composite
def term_type(draw) -> tuple[str, tuple[str, ...]]:
    kind = draw(st.sampled_from(TYPES))
    listed = kind in ("enum", "scale", "set")
    values = tuple(draw(st.lists(_name(), min_size=2, max_size=4, unique=True))) if listed else ()
    return kind, values


def _type_text(kind: str, values: tuple[str, ...], draw) -> str:
    if kind == "number":
        return "number" + (f" unit {draw(_name())}" if draw(st.booleans()) else "")
    if kind in ("enum", "set"):
        return f"{kind}({', '.join(values)})"
    if kind == "scale":
        return f"scale({' < '.join(values)})"
    return kind


def _value(draw, kind: str, values: tuple[str, ...]) -> str:
    if kind == "number":
        return draw(st.sampled_from(["0", "1", "-3", "1_000", "2.5", "800000"]))
    if kind == "bool":
        return draw(st.sampled_from(["true", "false"]))
    if kind == "date":
        return draw(st.dates()).isoformat() if draw(st.booleans()) else "2025-12-24"
    if kind == "text":
        return _string(draw)
    if kind == "set":
        return "[" + ", ".join(draw(st.lists(st.sampled_from(values), max_size=len(values), unique=True))) + "]"
    return draw(st.sampled_from(values))


@st.composite
def vocabulary(draw) -> dict[str, tuple[str, tuple[str, ...]]]:
    families = draw(st.lists(_name(), min_size=1, max_size=3, unique=True))
    terms: dict[str, tuple[str, tuple[str, ...]]] = {}
    for family in families:
        for leaf in draw(st.lists(_name(), min_size=1, max_size=4, unique=True)):
            terms[f"{family}.{leaf}"] = draw(term_type())
    return terms


def _leaf(draw, terms: dict) -> str:
    path = draw(st.sampled_from(sorted(terms)))
    kind, values = terms[path]
    pattern = path.rsplit(".", 1)[0] + ".*" if draw(st.integers(0, 4)) == 0 else path
    choices = ["==", "!=", "in", "present", "absent"]
    choices += ["<", "<=", ">", ">="] if kind in ("number", "date", "scale") else []
    choices += ["has", "has any", "has all"] if kind == "set" else []
    op = draw(st.sampled_from(choices))
    if op in ("present", "absent"):
        return f"{op} {pattern}"
    if op == "in":
        return f"{pattern} in [{', '.join(_value(draw, kind, values) for _ in range(draw(st.integers(1, 3))))}]"
    if op == "has":
        return f"{pattern} has {draw(st.sampled_from(values))}"
    if op.startswith("has "):
        return f"{pattern} {op} [{', '.join(draw(st.lists(st.sampled_from(values), min_size=1, unique=True)))}]"
    return f"{pattern} {op} {_value(draw, kind, values)}"


def _condition(draw, terms: dict, depth: int = 0) -> str:
    shape = draw(st.integers(0, 4 if depth < 3 else 0))
    if shape == 0:
        return _leaf(draw, terms)
    if shape == 1:
        return "not " + _condition(draw, terms, depth + 1)
    if shape == 2:
        return "(" + _condition(draw, terms, depth + 1) + ")"
    joiner = " and " if shape == 3 else " or "
    return "(" + joiner.join(_condition(draw, terms, depth + 1) for _ in range(draw(st.integers(2, 3)))) + ")"


@st.composite
def generated_project(draw) -> dict[str, str]:
    terms = draw(vocabulary())
    vocab = ['vocabulary ' + _string(draw)]
    for path, (kind, values) in terms.items():
        doc = f" {_string(draw)}" if draw(st.booleans()) else ""
        vocab.append(f"term {path} : {_type_text(kind, values, draw)}{doc}")
    parties: dict[str, list[str]] = {}
    files = {"vocab/gen.vocab": "\n".join(vocab) + "\n"}
    for party in draw(st.lists(_name(), min_size=1, max_size=3, unique=True)):
        rules = [f"R{i}-{party}" for i in range(draw(st.integers(0, 5)))]
        parties[party] = rules
        text = [f"party {party} {_string(draw)}", 'vocabulary "../vocab/gen.vocab"',
                f"source src {{ title {_string(draw)} url {_string(draw)} }}"]
        for rule in rules:
            kind = draw(st.sampled_from(["rule", "require"]))
            text += [f"{kind} {rule} {_string(draw)} {{", f"  severity {draw(st.sampled_from(['hard', 'soft']))}",
                     f"  {'when' if kind == 'rule' else 'that'} {_condition(draw, terms)}",
                     f"  because {_string(draw)}", f"  cite src {_string(draw)}", "}"]
        files[f"redlines/{party}.redlines"] = "\n".join(text) + "\n"
    clauses = []
    for number in range(1, draw(st.integers(0, 6)) + 1):
        body = [f"clause {number} {_string(draw)} {{"]
        if draw(st.booleans()):
            body.append(f"  text {_string(draw)}")
        for path in draw(st.lists(st.sampled_from(sorted(terms)), max_size=4, unique=True)):
            body.append(f"  {path} = {_value(draw, *terms[path])}")
        for option in draw(st.lists(_name(), max_size=2, unique=True)):
            paths = draw(st.lists(st.sampled_from(sorted(terms)), max_size=2, unique=True))
            assigned = " ".join(f"{p} = {_value(draw, *terms[p])}" for p in paths)
            body.append(f"  option {option} {_string(draw)} {{ {assigned} }}")
        acknowledgeable = [(p, r) for p, rules in parties.items() for r in rules]
        if acknowledgeable and draw(st.booleans()):
            party, rule = draw(st.sampled_from(acknowledgeable))
            body.append(f"  acknowledge {party} {rule} {_string(draw)}")
        clauses.append("\n".join(body) + "\n}")
    files["proposals/gen.peace"] = (f"proposal {_string(draw)}\nvocabulary \"../vocab/gen.vocab\"\n"
                                    f"parties {', '.join(parties)}\n\n" + "\n".join(clauses) + "\n")
    return files


@fuzz(40)
@given(files=generated_project(), fmt=st.sampled_from(["json", "text", "html", "markdown"]))
def test_generated_valid_projects_check_without_error(files, fmt):
    with tempfile.TemporaryDirectory(prefix="peacecheck-gen-") as tmp:
        root = Path(tmp)
        for name, text in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text, encoding="utf-8")
        run_and_assert(root, [str(root / "proposals" / "gen.peace"), "--format", fmt], expect_valid=True)


@fuzz(40)
@given(files=generated_project(), data=st.data())
def test_generated_projects_still_never_crash_when_mutated(files, data):
    name = data.draw(st.sampled_from(sorted(files)))
    mutant = files[name].encode("utf-8")
    for _ in range(data.draw(st.integers(1, 3))):
        mutant = data.draw(_edit(mutant))
    assume(mutant != files[name].encode("utf-8"))
    with tempfile.TemporaryDirectory(prefix="peacecheck-gen-") as tmp:
        root = Path(tmp)
        for key, text in files.items():
            (root / key).parent.mkdir(parents=True, exist_ok=True)
            (root / key).write_text(text, encoding="utf-8")
        (root / name).write_bytes(mutant)
        run_and_assert(root, [str(root / "proposals" / "gen.peace"), "--format", "json"])


@fuzz(300)
@given(text=st.lists(st.text(st.sampled_from(" \t\n\x0b\rab"), max_size=8), max_size=6).map("\n".join))
def test_fast_dedent_is_textwrap_dedent(text):
    import textwrap

    from peacecheck.dsl.transform import dedent

    assert dedent(text) == textwrap.dedent(text)
