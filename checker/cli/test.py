"""`peacecheck test`: run red-line test files (the work is checker.redline_tests')."""
from __future__ import annotations

from pathlib import Path

import click

from peacecheck.checker.cli.shell import (
    EXIT_OK,
    EXIT_REJECTED,
    read_input,
    run_guarded,
)
from peacecheck.checker.config import load_config
from peacecheck.dsl.diagnostics import Diagnostic, PeaceError, Span


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
        from peacecheck.checker.redline_tests import render
        from peacecheck.checker.reports.escape import terminal_text

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
        from peacecheck.checker.files import display_path
        from peacecheck.checker.redline_tests import (
            check_rule_names,
            parse_test_file,
            run_case,
        )

        errors: list[Diagnostic] = []
        results = []
        for path in files:
            key = display_path(path)
            try:
                spec = parse_test_file(read_input(key).decode("utf-8", "replace"), key)
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
        from peacecheck.checker.files import find_redlines_dir, redline_files

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
        from peacecheck.checker.files import DiskLoader, display_path, project_root
        from peacecheck.dsl.api import load_redlines

        key = tuple(display_path(f) for f in files)
        if key not in self.sets:
            loader = DiskLoader(project_root(files[0].parent))
            first, vocabulary = load_redlines(key[0], loader)
            rest = [load_redlines(k, loader, vocabulary)[0] for k in key[1:]]
            self.sets[key] = (vocabulary, [first, *rest])
            self.folders += [f.resolve().parent for f in files if f.resolve().parent not in self.folders]
        return self.sets[key]

    def coverage(self, results, proposal_paths: tuple[str, ...]):
        from peacecheck.checker.redline_tests import Coverage, rule_refs

        everything = [r for _, redlines in self.sets.values() for r in redlines]
        coverage = Coverage(rule_refs(everything))
        coverage.by_tests = {key for r in results for key in r.fired}
        paths = [Path(p) for p in proposal_paths] or [f.parent / "proposals" for f in self.folders]
        for proposal in _proposal_files(paths):
            coverage.by_proposals |= self.fired_by_proposal(proposal)
        return coverage

    def fired_by_proposal(self, path: Path) -> set[tuple[str, str]]:
        from peacecheck.checker.evaluation.evaluate import check
        from peacecheck.checker.files import DiskLoader, display_path, project_root
        from peacecheck.checker.redline_tests import fired_rules
        from peacecheck.dsl.api import check_acknowledgements, load_proposal

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


