"""Property tests: no input, however broken, crashes peacecheck; every valid input checks.

Two kinds of input:
- the real files (proposals/*.peace, redlines/*.redlines, vocab/*.vocab) mutated line by line and
  byte by byte: lines deleted, inserted, duplicated, swapped; files truncated; random bytes and
  random Unicode spliced in;
- files generated from the grammar: a random vocabulary, a proposal that states only what it
  allows, and red lines whose conditions fit the terms' types.

The CLI runs in-process (CliRunner, catch_exceptions=False, so any exception fails the test). It
must exit 0, 1 or 2, never print a traceback, and every diagnostic must point at a real position.

A third kind mutates what surrounds the files: paths (vocabulary, include, red-line, test and config
paths with NUL bytes, line breaks, `..`, absolute paths, symlinks out of the project, loops, dangling
links, FIFOs and device nodes the test makes itself), config files (peacecheck.toml and pyproject.toml
`[tool.peacecheck]`) and red-line test files (redlines/tests/*.toml).

CI runs a bounded, derandomised profile (well under a minute in all). For a long local session
(forty times the examples, random seeds; PEACECHECK_FUZZ_SCALE=N for N times instead):
    PEACECHECK_FUZZ_LONG=1 pytest tests/test_fuzz.py -q -p no:cacheprovider --hypothesis-show-statistics
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
LONG = os.environ.get("PEACECHECK_FUZZ") == "long" or os.environ.get("PEACECHECK_FUZZ_LONG", "") not in ("", "0")
SCALE = int(os.environ.get("PEACECHECK_FUZZ_SCALE", "40")) if LONG else 1
PROFILE = settings.get_profile("peacecheck-long" if LONG else "peacecheck-ci")


def fuzz(examples: int):
    """Settings for one test: `examples` in CI, SCALE (default forty) times as many in a long run."""
    return settings(PROFILE, max_examples=examples * SCALE)


# ------------------------------------------------------------------ running the CLI on a project
DIAGNOSTIC = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>PC\d{3}) ")
FILE_LEVEL = re.compile(r"^(?P<file>.*?): (?P<code>PC\d{3}) ")  # a path may start with a space


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


def run_and_assert(root: Path, args: list[str], expect_valid: bool = False, usage_ok: bool = False) -> None:
    """Exit 0, 1 or 2 and no traceback; an exit 2 shows located diagnostics (or, with `usage_ok`, click's
    own usage error about a command-line value, which names the option)."""
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output
    if expect_valid:
        assert result.exit_code in (0, 1), result.stderr
        return
    if result.exit_code == 2:
        if usage_ok and result.stderr.startswith("Usage: "):
            assert re.search(r"^Error: ", result.stderr, re.MULTILINE), result.stderr
            return
        assert_diagnostics_point_somewhere(result.stderr)


def assert_diagnostics_point_somewhere(stderr: str) -> None:
    lines = stderr.splitlines()
    assert lines and re.fullmatch(r"\d+ errors?; see `peacecheck explain CODE`", lines[-1]), stderr
    for line in lines[:-1]:  # each line is a diagnostic's own: no path or message can start a forged one
        assert DIAGNOSTIC.match(line) or FILE_LEVEL.match(line) or line.startswith(("    ", "warning: ")), line
    for line in lines:
        match = DIAGNOSTIC.match(line)
        if match:
            assert int(match["line"]) >= 1 and int(match["col"]) >= 1, line
            path = Path(match["file"])
            try:
                readable = path.is_file()
            except (OSError, ValueError):  # a name too long for the OS, a NUL byte: no file to look in
                readable = False
            if readable:
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


# ------------------------------------------------------------------ paths, configs and test files
# These run in a scratch copy of `peacecheck init`'s project: small, so each run is quick, and it has
# every kind of input (proposal, vocabulary, red lines, red-line tests, peacecheck.toml).
class Scaffold:
    """`init`'s project, plus traps the path strategies point into: symlinks out of the project, a
    loop, a dangling link, a folder, a FIFO and (where the user may make one) a character device node,
    all made here in the temp folder."""

    def __init__(self) -> None:
        from peacecheck.checker.cli.init import SCAFFOLD

        self.base = Path(tempfile.mkdtemp(prefix="peacecheck-fuzz-paths-"))
        self.root = self.base / "project"
        outside = self.base / "outside"
        outside.mkdir()
        (outside / "secret.vocab").write_text('vocabulary "not yours"\n')
        for name, text in SCAFFOLD.items():
            (self.root / name).parent.mkdir(parents=True, exist_ok=True)
            (self.root / name).write_text(text, encoding="utf-8")
        (self.root / ".git").mkdir()  # config discovery stops here
        traps = self.root / "traps"
        traps.mkdir()
        (traps / "outside").symlink_to(outside, target_is_directory=True)
        (traps / "secret.vocab").symlink_to(outside / "secret.vocab")
        (traps / "loop.vocab").symlink_to(traps / "loop.vocab")
        (traps / "dangling.vocab").symlink_to(self.base / "missing" / "x.vocab")
        (traps / "good.vocab").symlink_to(self.root / "vocab" / "example.vocab")
        (traps / "folder.vocab").mkdir()
        os.mkfifo(traps / "fifo.vocab")
        (traps / "fifo.toml").symlink_to(traps / "fifo.vocab")
        try:  # a null device node of our own; only root may make one (never the machine's /dev)
            import stat

            os.mknod(traps / "null.vocab", stat.S_IFCHR | 0o600, os.makedev(1, 3))
        except (PermissionError, AttributeError, OSError):
            (traps / "null.vocab").symlink_to(traps / "fifo.vocab")
        self.files = {p: p.read_bytes() for p in self.root.rglob("*") if p.is_file() and not p.is_symlink()
                      and p.suffix in (".peace", ".vocab", ".redlines", ".toml")}

    def reset(self) -> None:
        for extra in ("pyproject.toml", "peacecheck.toml", "redlines/tests/extra.toml"):
            (self.root / extra).unlink(missing_ok=True)
        for path, data in self.files.items():
            path.write_bytes(data)

    def run(self, args: list[str], usage_ok: bool = False) -> None:
        """Run the CLI from the project's folder (config discovery starts there)."""
        here = os.getcwd()
        os.chdir(self.root)
        try:
            run_and_assert(self.root, args, usage_ok=usage_ok)
        finally:
            os.chdir(here)


@pytest.fixture(scope="module")
def scaffold():
    made = Scaffold()
    yield made
    shutil.rmtree(made.base, ignore_errors=True)


PATH_PIECES = ["..", ".", "", "vocab", "example.vocab", "traps", "outside", "secret.vocab", "loop.vocab",
               "dangling.vocab", "good.vocab", "folder.vocab", "fifo.vocab", "null.vocab", "fifo.toml", "redlines",
               "tests", "north.toml", "proposals", "draft.peace", "north.redlines", "peacecheck.toml", "~", "*",
               "?", "\\", "C:", "%s", "{}", " ", "\t", "\n", "\r", "\r\n", "\x00", "\x1b[2J", "\u202e", "é",
               "\ufeff", "a" * 300, "../" * 40, "//", "con", ":", "-", "--help", "-o"]


@st.composite
def hostile_path(draw, nul: bool = True) -> str:
    """A path built from pieces that break naive handling; absolute or relative."""
    pieces = [p for p in PATH_PIECES if nul or "\x00" not in p]
    parts = draw(st.lists(st.sampled_from(pieces), min_size=1, max_size=6))
    start = draw(st.sampled_from(["", "", "/", "../", "./", "/etc/", "/proc/self/", "//", "\\\\server\\"]))
    if draw(st.integers(0, 5)) == 0:  # now and then, any text at all
        anything = draw(st.text(st.characters(blacklist_categories=("Cs",)), max_size=40))
        return anything if nul else anything.replace("\x00", "")
    return start + "/".join(parts)


def dsl_string(text: str) -> str:
    """`text` as a string literal of the language: every control character as an escape."""
    body = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(f"\\u{ord(c):04x}" if ord(c) < 0x20 or 0x7f <= ord(c) <= 0x9f else c for c in body) + '"'


PATH_SITES = {  # where a path stands in a file: (file, the text to replace, how to write the new path)
    "proposal vocabulary": ("proposals/draft.peace", 'vocabulary "../vocab/example.vocab"', "vocabulary {}"),
    "red-line vocabulary": ("redlines/north.redlines", 'vocabulary "../vocab/example.vocab"', "vocabulary {}"),
    "vocabulary include": ("vocab/example.vocab", "\nterm border.crossing", "\ninclude {}\nterm border.crossing"),
}


@fuzz(40)
@given(site=st.sampled_from(sorted(PATH_SITES)), path=hostile_path(), command=st.sampled_from(["check", "lint", "test"]))
def test_hostile_paths_in_files_never_crash(scaffold, site, path, command):
    scaffold.reset()
    name, old, new = PATH_SITES[site]
    target = scaffold.root / name
    text = target.read_text(encoding="utf-8")
    assert old in text
    target.write_text(text.replace(old, new.format(dsl_string(path)), 1), encoding="utf-8")
    args = {"check": ["check", "proposals/draft.peace"], "lint": ["lint", "redlines", "proposals/draft.peace"],
            "test": ["test"]}[command]
    scaffold.run(args)


# A command-line argument cannot hold a NUL byte (the OS passes C strings); everything else can.
@fuzz(40)
@given(path=hostile_path(nul=False), where=st.sampled_from(["proposal", "--redlines", "--config", "test", "test --config",
                                                            "--proposals", "diff", "-o"]))
def test_hostile_paths_on_the_command_line_never_crash(scaffold, path, where):
    scaffold.reset()
    args = {"proposal": ["check", path],
            "--redlines": ["check", "proposals/draft.peace", "--redlines", path],
            "--config": ["check", "proposals/draft.peace", "--config", path],
            "test": ["test", path],
            "test --config": ["test", "--config", path],
            "--proposals": ["test", "--proposals", path],
            "diff": ["diff", path, "proposals/draft.peace"],
            "-o": ["check", "proposals/draft.peace", "-o", path]}[where]
    if where == "-o":  # -o writes where it is told: keep it inside the scratch folder, and off existing files
        target = os.path.realpath(scaffold.root / path.rpartition(":")[2])  # (tested in test_files)
        assume(target.startswith(str(scaffold.base) + os.sep) and not os.path.lexists(target)
               and not os.path.lexists(scaffold.root / path))
    scaffold.run(args, usage_ok=True)


# ------------------------------------------------------------------ config files
CONFIG_KEYS = ["redlines", "parties", "fail-on", "format", "outputs", "tests", "proposals", "coverage-threshold",
               "unknown-key", "fail_on", "tool", "peacecheck"]


def toml_value(draw, depth: int = 0) -> str:
    """A TOML value of any type (or, now and then, something that is not TOML at all)."""
    kind = draw(st.integers(0, 9 if depth < 2 else 6))
    if kind == 0:
        return dsl_string(draw(hostile_path()))  # TOML's basic strings escape like ours
    if kind == 1:
        return dsl_string(draw(st.sampled_from(["reject", "concern", "never", "json", "text", "html", "north",
                                                "south", "json:out.json", "html:", ":", "redlines", ""])))
    if kind == 2:
        return str(draw(st.one_of(st.integers(-10**20, 10**20), st.sampled_from([0, 100, 101, -1]))))
    if kind == 3:
        return draw(st.sampled_from(["nan", "inf", "-inf", "1e400", "100.0", "99.9", "0.0", "1_000"]))
    if kind == 4:
        return draw(st.sampled_from(["true", "false"]))
    if kind == 5:
        return draw(st.sampled_from(["2026-01-01", "1979-05-27T07:32:00Z", "07:32:00"]))
    if kind == 6:
        return draw(st.sampled_from(['"""\nmulti\nline"""', "'literal'", '"\\u0000"', '"\\uD800"', "[", "{", "=",
                                     '"unterminated', "0x7fffffffffffffffff"]))
    if kind in (7, 8):
        return "[" + ", ".join(toml_value(draw, depth + 1) for _ in range(draw(st.integers(0, 4)))) + "]"
    return "{" + ", ".join(f"{draw(st.sampled_from(CONFIG_KEYS))} = {toml_value(draw, depth + 1)}"
                           for _ in range(draw(st.integers(0, 3)))) + "}"


@st.composite
def config_file(draw) -> tuple[str, bytes]:
    """peacecheck.toml or pyproject.toml: init's settings with values replaced, keys added, bytes mangled."""
    from peacecheck.checker.cli.init import SCAFFOLD

    settings = dict(line.split(" = ", 1) for line in SCAFFOLD["peacecheck.toml"].splitlines() if " = " in line)
    for key in draw(st.lists(st.sampled_from(CONFIG_KEYS), max_size=4, unique=True)):
        settings[key] = toml_value(draw)  # a setting replaced, or a key added (unique: else the TOML is invalid)
    lines = [f"{key} = {value}" for key, value in settings.items()]
    name = draw(st.sampled_from(["peacecheck.toml", "pyproject.toml"]))
    if name == "pyproject.toml":
        head = draw(st.sampled_from(["[tool.peacecheck]", "[ tool . peacecheck ]", "[tool]\npeacecheck = 1",
                                     "[project]\nname = \"x\"\n[tool.peacecheck]", "[[tool.peacecheck]]", ""]))
        lines.insert(0, head)
    data = "\n".join(lines).encode("utf-8") + b"\n"
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2]))):  # mostly valid TOML, so the settings are read
        data = draw(_edit(data))
    return name, data


SAFE_OUTPUT = re.compile(r"([a-z]+:)?[A-Za-z0-9_-][A-Za-z0-9_.-]*")


def _writes_stay_here(data: bytes, root: Path) -> bool:
    """Whether every `outputs` entry the config could hold is a plain new name in the project: a fuzzed
    config must not make a run (as root, in CI) write into /etc, over a trap, or block on a FIFO."""
    import tomllib

    try:
        parsed = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return True  # refused before anything is written (PC600)

    def safe(value, under_outputs: bool) -> bool:
        if isinstance(value, dict):
            return all(safe(v, under_outputs or k == "outputs") for k, v in value.items())
        if isinstance(value, list):
            return all(safe(v, under_outputs) for v in value)
        if under_outputs and isinstance(value, str):
            name = value.rpartition(":")[2]
            return bool(SAFE_OUTPUT.fullmatch(value)) and ".." not in value and not os.path.lexists(root / name)
        return True

    return safe(parsed, False)


@fuzz(60)
@given(config=config_file(), command=st.sampled_from([["check", "proposals/draft.peace"], ["test"],
                                                      ["check", "proposals/draft.peace", "--config", "CONFIG"],
                                                      ["test", "--config", "CONFIG"], ["lint", "redlines", "proposals/draft.peace"]]))
def test_mutated_config_files_never_crash(scaffold, config, command):
    scaffold.reset()
    name, data = config
    assume(_writes_stay_here(data, scaffold.root))
    (scaffold.root / "peacecheck.toml").unlink()
    (scaffold.root / name).write_bytes(data)
    scaffold.run([name if part == "CONFIG" else part for part in command])


# ------------------------------------------------------------------ red-line test files
TEST_KEYS = ["name", "terms", "proposal", "expect", "fires", "not_fires", "party", "case", "unknown", "verdict"]
TERMS = ["border.crossing", "army.north_ceiling", "trade.tariffs", "guarantee.guarantors", "border.*", "nope.term", ""]


def case_value(draw) -> str:
    """A value for a key of a red-line test case: right and wrong types, real and unknown names."""
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return dsl_string(draw(st.sampled_from(["reject", "concern", "accept", "north", "south", "N-1", "S-2", "",
                                                "REJECT", "fires"])))
    if kind == 1:
        snippet = "\n".join(draw(st.lists(st.sampled_from(SNIPPETS + ['clause 1 "x" {', "border.crossing = south",
                                                                      "army.north_ceiling = 30_000"]), max_size=5)))
        return dsl_string(snippet)
    if kind == 2:
        return "[" + ", ".join(dsl_string(draw(st.sampled_from(["N-1", "N-2", "S-1", "X-9", "", "n-1"])))
                               for _ in range(draw(st.integers(0, 3)))) + "]"
    if kind == 3:
        values = st.sampled_from(['"south"', '"shared"', "30000", "-1", "1e400", "true", '["un"]', '["un", "x"]',
                                  "[]", "{}", '"2026-01-01"', "2026-01-01", '"\\u0000"'])
        pairs = [f"{dsl_string(draw(st.sampled_from(TERMS)))} = {draw(values)}" for _ in range(draw(st.integers(0, 3)))]
        return "{ " + ", ".join(pairs) + " }"
    return toml_value(draw)


@st.composite
def case_file(draw) -> bytes:
    """A red-line test file: init's north.toml with keys replaced and cases added, then bytes mangled."""
    from peacecheck.checker.cli.init import SCAFFOLD

    text = SCAFFOLD["redlines/tests/north.toml"]
    if draw(st.booleans()):  # one of its settings given another value
        lines = text.splitlines()
        at = draw(st.sampled_from([i for i, line in enumerate(lines) if " = " in line]))
        lines[at] = lines[at].split(" = ", 1)[0] + " = " + case_value(draw)
        text = "\n".join(lines) + "\n"
    for _ in range(draw(st.integers(0, 3))):  # cases added, each key once (else the TOML is invalid)
        head = draw(st.sampled_from(["[[case]]", "[[case]]", "[[case]]", "[case]", "[[ case ]]", "[[case.x]]"]))
        keys = draw(st.lists(st.sampled_from(TEST_KEYS), max_size=5, unique=True))
        text += "\n" + head + "\n" + "".join(f"{key} = {case_value(draw)}\n" for key in keys)
    data = text.encode("utf-8")
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2]))):  # mostly valid TOML, so the cases are read
        data = draw(_edit(data))
    return data


@fuzz(60)
@given(data=case_file(), where=st.sampled_from(["redlines/tests/north.toml", "redlines/tests/extra.toml"]),
       verbose=st.booleans())
def test_mutated_test_files_never_crash(scaffold, data, where, verbose):
    scaffold.reset()
    (scaffold.root / where).write_bytes(data)
    scaffold.run(["test", *(["-v"] if verbose else [])])
