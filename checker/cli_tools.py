"""The working tools around the language: `fmt`, `test`, `init`, and the check command's settings.

Like cli.py, this is the thin shell: it finds and reads files, writes them
atomically and picks exit codes; the work itself is done by dsl.format,
checker.redline_tests and checker.config.
"""
from __future__ import annotations

import datetime as dt
import difflib
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from peacecheck.dsl.diagnostics import Diagnostic, PeaceError, Span

from .cli import EXIT_INPUT, EXIT_OK, EXIT_REJECTED, RENDERERS, report_errors, run_guarded
from .config import Config, OutputSpec, load_config, parse_output

SOURCE_SUFFIXES = (".peace", ".redlines", ".vocab")


@dataclass(frozen=True)
class CheckSettings:
    redlines: tuple[str, ...]
    parties: tuple[str, ...]
    fail_on: str
    outputs: tuple[OutputSpec, ...]
    today: dt.date


def check_settings(config_path: str | None, fmt: str | None, outputs: tuple[str, ...], parties: tuple[str, ...],
                   redlines: tuple[str, ...], fail_on: str | None, today: dt.datetime | None,
                   proposals: int = 1) -> CheckSettings:
    """The check command's options, with the config filling what the command line leaves out."""
    config = load_config(config_path)
    default_format = fmt or config.format or "text"
    specs = _outputs(outputs, config, default_format)
    _check_outputs(specs, proposals)
    return CheckSettings(
        redlines=redlines or tuple(config.path(r) for r in config.redlines),
        parties=parties or config.parties,
        fail_on=fail_on or config.fail_on or "reject",
        outputs=specs,
        today=today.date() if today else dt.date.today(),
    )


def _outputs(outputs: tuple[str, ...], config: Config, default_format: str) -> tuple[OutputSpec, ...]:
    formats = set(RENDERERS)
    try:
        if outputs:
            return tuple(parse_output(o, formats, default_format) for o in outputs)
        if config.outputs:
            return tuple(OutputSpec(s.format, s.path if s.path == "-" else config.path(s.path))
                         for s in (parse_output(o, formats) for o in config.outputs))
    except ValueError as exc:
        raise PeaceError([Diagnostic("PC603", str(exc), Span("-o", 0, 0))]) from None
    return (OutputSpec(default_format, "-"),)


def _check_outputs(specs: tuple[OutputSpec, ...], proposals: int) -> None:
    seen: set[str] = set()
    for spec in specs:
        target = "-" if spec.path == "-" else str(Path(spec.path).resolve())
        if target in seen:
            where = "standard output" if target == "-" else f"'{spec.path}'"
            raise PeaceError([Diagnostic("PC604", f"two outputs write to {where}", Span("-o", 0, 0))])
        seen.add(target)
    if proposals > 1 and any(s.path != "-" or s.format not in ("text", "github") for s in specs):
        raise PeaceError([Diagnostic("PC606", "several proposals make one report each: only text or github "
                                     "output to standard output can hold them", Span("check", 0, 0),
                                     "check one proposal per run to write files or machine formats")])


# ------------------------------------------------------------------ fmt
@click.command("fmt")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--check", "check_only", is_flag=True, help="Change nothing; exit 1 if a file would be reformatted.")
@click.option("--diff", "show_diff", is_flag=True, help="Change nothing; print a unified diff of the changes.")
def fmt(paths: tuple[str, ...], check_only: bool, show_diff: bool) -> None:
    """Rewrite .peace, .redlines and .vocab files in the canonical layout (comments kept).

    PATH may be a file, a folder (its .peace, .redlines and .vocab files, recursively) or - for
    standard input (the result goes to standard output). A file that does not parse is never
    changed. Exit codes: 0 done (or nothing to change), 1 with --check: a file would change,
    2 a file has errors.
    """
    def body() -> int:
        errors: list[Diagnostic] = []
        changed = 0
        for path in _source_files(paths):
            try:
                changed += _format_one(path, check_only, show_diff)
            except PeaceError as exc:
                errors += exc.diagnostics
        if errors:
            report_errors(PeaceError(errors))
            return EXIT_INPUT
        return EXIT_REJECTED if check_only and changed else EXIT_OK

    run_guarded(body)


def _source_files(paths: tuple[str, ...]) -> list[str]:
    files: list[str] = []
    for raw in paths:
        path = Path(raw)
        if raw != "-" and path.is_dir():
            found = [p for p in sorted(path.rglob("*")) if p.suffix in SOURCE_SUFFIXES and p.is_file()
                     and not any(part.startswith(".") for part in p.relative_to(path).parts)]
            files += [str(p) for p in found]
        else:
            files.append(raw)
    return files


def _format_one(path: str, check_only: bool, show_diff: bool) -> int:
    """Format one file (or stdin); 1 if it changes, 0 if it is already canonical."""
    from peacecheck.dsl.format import format_text
    from peacecheck.dsl.parser import MAX_FILE_BYTES, decode

    data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1) if path == "-" else _read(path)
    name = "<stdin>" if path == "-" else path
    formatted = format_text(decode(data, name), name)
    original = data.decode("utf-8")
    if formatted == original:
        if path == "-" and not (check_only or show_diff):
            click.echo(formatted, nl=False)
        return 0
    if show_diff:
        diff = difflib.unified_diff(original.splitlines(True), formatted.splitlines(True), name, f"{name} (formatted)")
        click.echo("".join(line if line.endswith("\n") else line + "\n" for line in diff), nl=False)
    if check_only:
        click.echo(f"would reformat {name}")
    elif path == "-" and not show_diff:
        click.echo(formatted, nl=False)
    elif not show_diff:
        _write(path, formatted)
        click.echo(f"reformatted {name}")
    return 1


def _read(path: str) -> bytes:
    """A regular file only, within the size limit: a FIFO or /dev/zero must not hang or fill memory."""
    from peacecheck.dsl.parser import MAX_FILE_BYTES

    from .files import read_limited

    try:
        return read_limited(Path(path), MAX_FILE_BYTES)
    except OSError as exc:
        raise PeaceError([Diagnostic("PC020", f"cannot read '{path}': {exc.strerror or exc}", Span(path, 1, 1))]) from None


def _write(path: str, text: str) -> None:
    import stat

    from .files import write_atomic

    # A file nobody may write (0444) stays as it is, even for root, who could rename over it.
    if not Path(path).stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise PeaceError([Diagnostic("PC120", f"cannot write '{path}': the file is read-only; not reformatted",
                                     Span(path, 1, 1))])
    try:
        write_atomic(Path(path), text.encode("utf-8"))
    except OSError as exc:
        raise PeaceError([Diagnostic("PC120", f"cannot write '{path}': {exc.strerror or exc}", Span(path, 1, 1))]) from None


# ------------------------------------------------------------------ test
@click.command("test")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("-v", "--verbose", is_flag=True, help="List passing cases too.")
@click.option("--threshold", type=click.FloatRange(0, 100), default=None, metavar="PCT",
              help="Exit 1 if fewer than PCT% of the rules are exercised (by tests or proposals).")
@click.option("--proposals", "proposal_paths", multiple=True, metavar="PATH",
              help="Proposals (files or folders) that count for coverage. Default: proposals/ beside redlines/.")
@click.option("--no-coverage", is_flag=True, help="Skip the coverage report.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Use this config file.")
def test(paths: tuple[str, ...], verbose: bool, threshold: float | None, proposal_paths: tuple[str, ...],
         no_coverage: bool, config_path: str | None) -> None:
    """Run red-line unit tests (TOML files of cases; default: redlines/tests/).

    Prints a line per failing case (expected vs actual, at file:line), `PASS: n/n` or
    `FAIL: k/n`, and which rules no test and no proposal ever made fire. Exit codes: 0 all
    cases pass (and coverage meets --threshold), 1 a case fails or coverage is too low,
    2 a test file, red line or snippet has errors.
    """
    def body() -> int:
        config = load_config(config_path)
        files = _test_files(paths or tuple(config.path(t) for t in config.tests))
        runner = TestRun()
        results = runner.run(files)
        wanted = threshold if threshold is not None else config.coverage_threshold
        coverage = None
        if not no_coverage:
            extra = proposal_paths or tuple(config.path(p) for p in config.proposals)
            coverage = runner.coverage(results, extra)
        from .escape import terminal_text
        from .redline_tests import render

        click.echo(terminal_text(render(results, coverage, verbose, wanted)), nl=False)
        low = coverage is not None and wanted is not None and coverage.percent < wanted
        return EXIT_REJECTED if low or any(not r.passed for r in results) else EXIT_OK

    run_guarded(body)


def _test_files(paths: tuple[str, ...]) -> list[Path]:
    if not paths:
        found = next((f / "redlines" / "tests" for f in (Path.cwd(), *Path.cwd().parents)
                      if (f / "redlines" / "tests").is_dir()), None)
        paths = (str(found),) if found else ()
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files += sorted(p for p in path.rglob("*.toml") if p.is_file())
        elif path.is_file():
            files.append(path)
        else:
            raise PeaceError([Diagnostic("PC020", f"cannot read '{raw}': no such file or folder", Span(raw, 1, 1))])
    if not files:
        raise PeaceError([Diagnostic("PC615", "no red-line test files found", Span(".", 1, 1),
                                     "put *.toml test files in redlines/tests/, or name them on the command line")])
    return files


class TestRun:
    """Loads each test file's red lines once, runs the cases, and gathers what fired."""

    def __init__(self) -> None:
        self.sets: dict[tuple[str, ...], tuple] = {}  # red-line files -> (vocabulary, redlines)
        self.folders: list[Path] = []

    def run(self, files: list[Path]):
        from .files import display_path
        from .redline_tests import check_rule_names, parse_test_file, run_case

        errors: list[Diagnostic] = []
        results = []
        for path in files:
            key = display_path(path)
            try:
                spec = parse_test_file(_read(key).decode("utf-8", "replace"), key)
                vocabulary, redlines = self.redlines_for(path, spec.redlines)
                check_rule_names(spec, redlines)
            except PeaceError as exc:
                errors += exc.diagnostics
                continue
            for case in spec.cases:
                try:
                    results.append(run_case(case, vocabulary, redlines))
                except PeaceError as exc:
                    errors += exc.diagnostics
        if errors:
            raise PeaceError(errors)
        return results

    def redlines_for(self, test_file: Path, named: tuple[str, ...]):
        from .files import find_redlines_dir, redline_files

        if named:
            paths = [test_file.parent / n for n in named]
        else:
            folder = find_redlines_dir(test_file)
            paths = [folder] if folder else []
        for p in paths:
            if not p.exists():
                raise PeaceError([Diagnostic("PC020", f"cannot read '{p}': no such file or folder", Span(str(test_file), 1, 1))])
        files = redline_files(paths)
        if not files:
            raise PeaceError([Diagnostic("PC118", "no red-line files found for this test file", Span(str(test_file), 1, 1),
                                         'set `redlines = ["../x.redlines"]` at the top of the test file')])
        return self.load(files)

    def load(self, files: list[Path]):
        from peacecheck.dsl.api import load_redlines

        from .files import DiskLoader, display_path, project_root

        key = tuple(display_path(f) for f in files)
        if key not in self.sets:
            loader = DiskLoader(project_root(files[0].parent))
            first, vocabulary = load_redlines(key[0], loader)
            rest = [load_redlines(k, loader, vocabulary)[0] for k in key[1:]]
            self.sets[key] = (vocabulary, [first, *rest])
            self.folders += [f.resolve().parent for f in files if f.resolve().parent not in self.folders]
        return self.sets[key]

    def coverage(self, results, proposal_paths: tuple[str, ...]):
        from .redline_tests import Coverage, rule_refs

        everything = [r for _, redlines in self.sets.values() for r in redlines]
        coverage = Coverage(rule_refs(everything))
        coverage.by_tests = {key for r in results for key in r.fired}
        paths = [Path(p) for p in proposal_paths] or [f.parent / "proposals" for f in self.folders]
        for proposal in _proposal_files(paths):
            coverage.by_proposals |= self.fired_by_proposal(proposal)
        return coverage

    def fired_by_proposal(self, path: Path) -> set[tuple[str, str]]:
        from peacecheck.dsl.api import check_acknowledgements, load_proposal

        from .evaluate import check
        from .files import DiskLoader, display_path, project_root
        from .redline_tests import fired_rules

        key = display_path(path)
        try:
            proposal, vocabulary = load_proposal(key, DiskLoader(project_root(path.parent)))
        except PeaceError as exc:
            click.echo(f"warning: {key} has errors ({exc.diagnostics[0].code}); not counted for coverage", err=True)
            return set()
        fired: set[tuple[str, str]] = set()
        matching = [(v, r) for v, r in self.sets.values() if v.file == vocabulary.file]
        if not matching:
            click.echo(f"warning: {key} uses another vocabulary than the red lines; not counted for coverage", err=True)
        for set_vocabulary, redlines in matching:
            try:
                check_acknowledgements(proposal, redlines)
            except PeaceError:
                proposal = proposal.model_copy(update={"clauses": tuple(
                    c.model_copy(update={"acknowledgements": ()}) for c in proposal.clauses)})
            fired |= fired_rules(check(proposal, vocabulary, redlines))
        return fired


def _proposal_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(path.glob("*.peace"))
        elif path.is_file():
            files.append(path)
    return list(dict.fromkeys(files))


# ------------------------------------------------------------------ init
@click.command("init")
@click.argument("directory", default=".", type=click.Path(file_okay=False))
def init(directory: str) -> None:
    """Start a project in DIRECTORY (default: here): a vocabulary, a proposal, two parties' red lines,
    red-line tests and a peacecheck.toml. Refuses to overwrite any existing file (exit 2).
    """
    def body() -> int:
        root = Path(directory)
        existing = [name for name in SCAFFOLD if (root / name).exists()]
        if existing:
            shown = ", ".join(str(root / name) for name in existing)
            raise PeaceError([Diagnostic("PC630", f"refusing to overwrite existing files: {shown}",
                                         Span(directory, 0, 0), "run init in an empty folder")])
        from .files import write_atomic

        for name, text in SCAFFOLD.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            write_atomic(root / name, text.encode("utf-8"))
            click.echo(f"created {root / name}")
        where = "" if directory == "." else f"cd {directory} && "
        click.echo(f"next: {where}peacecheck test && peacecheck proposals/draft.peace")
        return EXIT_OK

    run_guarded(body)


# The files `peacecheck init` writes: every one is in canonical layout (`peacecheck fmt --check` passes),
# `peacecheck test` passes with full coverage, and `peacecheck proposals/draft.peace` exits 0.
SCAFFOLD: dict[str, str] = {
    "peacecheck.toml": """\
# peacecheck settings (see `peacecheck --help`); paths are relative to this file.
redlines = ["redlines"]
fail-on = "reject"
tests = ["redlines/tests"]
proposals = ["proposals"]
coverage-threshold = 100
""",
    "vocab/example.vocab": """\
# The terms a proposal can state and a red line can test, with their types.
vocabulary "Example negotiation"

type control = scale(north < shared < south) "Who runs a place, from the north's side to the south's"

term border.crossing : control "Who runs the river crossing"
term army.north_ceiling : number unit personnel "A ceiling on the northern army"
term trade.tariffs : enum(none, reduced, full) "Tariffs between the two sides"
term guarantee.guarantors : set(un, neighbours) "Who guarantees the settlement"
""",
    "proposals/draft.peace": """\
# A first draft. Check it with `peacecheck proposals/draft.peace`.
proposal "Draft settlement"
vocabulary "../vocab/example.vocab"
date 2026-01-15
parties north, south

clause 1 "The river crossing" {
  text \"\"\"
    The river crossing is run jointly by both sides.
  \"\"\"
  border.crossing = shared
}

clause 2 "A ceiling on the northern army" {
  text "The northern army is kept at or below 50,000."
  army.north_ceiling = 50_000
}

clause 3 "Guarantees" {
  text "The United Nations guarantees the settlement."
  guarantee.guarantors = [un]
}
""",
    "redlines/north.redlines": """\
# The north's red lines: `rule ... when` says what it rejects, `require ... that` what it needs.
party north "North"
vocabulary "../vocab/example.vocab"

source opening {
  title "The north's statement at the opening of the talks"
  date "2026-01-10"
}

rule N-1 "The crossing must not go to the south" {
  severity hard
  when border.crossing == south
  because "The crossing is the north's only road to the sea."
  cite opening
}

rule N-2 "No tight ceiling on the army" {
  severity soft
  when army.north_ceiling < 40_000
  because "Below 40,000 the north cannot hold its border."
  cite opening
}
""",
    "redlines/south.redlines": """\
party south "South"
vocabulary "../vocab/example.vocab"

source opening {
  title "The south's statement at the opening of the talks"
  date "2026-01-10"
}

rule S-1 "The crossing must not stay with the north" {
  severity hard
  when border.crossing == north
  cite opening
}

require S-2 "A UN guarantee" {
  severity soft
  that guarantee.guarantors has un
  because "Only the UN is trusted by both sides."
  cite opening
}
""",
    "redlines/tests/north.toml": """\
# Red-line tests for the north, run by `peacecheck test`.
party = "north"

[[case]]
name = "handing the crossing to the south is rejected"
terms = { "border.crossing" = "south" }
expect = "reject"
fires = ["N-1"]

[[case]]
name = "a shared crossing is accepted"
terms = { "border.crossing" = "shared" }
expect = "accept"
not_fires = ["N-1"]

[[case]]
name = "a ceiling of 30,000 is a concern, 50,000 is not"
proposal = \"\"\"
clause 1 "Tight" {
  army.north_ceiling = 30_000
}
\"\"\"
expect = "concern"
fires = ["N-2"]
""",
    "redlines/tests/south.toml": """\
party = "south"

[[case]]
name = "a northern crossing is rejected"
terms = { "border.crossing" = "north" }
expect = "reject"
fires = ["S-1"]

[[case]]
name = "a proposal without a UN guarantee misses S-2"
terms = { "border.crossing" = "shared" }
expect = "concern"
fires = ["S-2"]

[[case]]
name = "a UN guarantee satisfies S-2"
terms = { "guarantee.guarantors" = ["un", "neighbours"] }
expect = "accept"
not_fires = ["S-2"]
""",
}
