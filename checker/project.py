"""The library's front door: what `peacecheck check` does, in three calls.

    from peacecheck.checker import load_project, check, render
    print(render(check(load_project("proposals/miami.peace")), "json"))

`load_project` finds the red lines (the config's `redlines`, else the `redlines/` folder above the
proposal), applies party selection and the config, and validates everything; every command of the
CLI loads its inputs through it, so `--today`, `--party` and `--redlines` mean the same in each.
This module and `files.py` are the only code that reads input files.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from peacecheck.dsl.diagnostics import Diagnostic, PeaceError, Span, did_you_mean

if TYPE_CHECKING:
    from peacecheck.checker.evaluation.results import CheckResult


@dataclass
class Project:
    """A proposal, its vocabulary and the red lines it is checked against, with the run's settings."""

    proposal: Any
    vocabulary: Any
    redlines: list[Any]
    digests: dict[str, bytes]
    read_files: list[str] = field(default_factory=list)
    today: dt.date = field(default_factory=dt.date.today)
    fail_on: str = "reject"
    set_aside: tuple = ()  # red-line files loaded but not applied (their party is not at the table)
    at_table: tuple[str, ...] = ()  # parties at the table with no red lines applied here
    what_if: tuple = ()  # overrides applied to `proposal` (checker.overrides): the reports say so


def load_project(path: str | Path, redlines: tuple[str, ...] | list[str] = (), parties: tuple[str, ...] | list[str] = (),
                 today: dt.date | str | None = None, max_bytes: int | None = None, config: str | None = None,
                 use_config: bool = True) -> Project:
    """Load and validate a proposal and its red lines; PeaceError lists every problem found.

    Settings not given here come from the config found from the working folder (or `config`).
    """
    settings = _config(config) if use_config else None
    if settings is not None:
        redlines = tuple(redlines) or tuple(settings.path(r) for r in settings.redlines)
        parties = tuple(parties) or tuple(settings.parties)
    fail_on = (settings.fail_on if settings is not None else None) or "reject"
    inputs = _load_inputs(str(path), tuple(redlines), tuple(parties), max_bytes)
    return Project(inputs.proposal, inputs.vocabulary, inputs.redlines, inputs.digests, inputs.read_files,
                   as_day(today) or dt.date.today(), fail_on, inputs.set_aside, inputs.at_table)


def as_day(today: dt.date | str | None) -> dt.date | None:
    """A library caller's `today`: a date, or 'YYYY-MM-DD' (PC121 for anything else, as `--today` is checked)."""
    if today is None or (isinstance(today, dt.date) and not isinstance(today, dt.datetime)):
        return today
    if isinstance(today, dt.datetime):
        return today.date()
    try:
        return dt.date.fromisoformat(str(today))
    except ValueError:
        raise _error("PC121", f"today must be a date (YYYY-MM-DD), not {today!r}", "today") from None


def _config(explicit: str | None):
    from peacecheck.checker.config import load_config

    return load_config(explicit)


def _load_inputs(proposal: str, redlines: tuple[str, ...], parties: tuple[str, ...], max_bytes: int | None):
    from peacecheck.checker.files import DiskLoader, find_redlines_dir, load_inputs, project_root

    path = Path(proposal)
    if not path.is_file():
        raise _error("PC020", f"cannot read '{proposal}': no such file", proposal)
    redline_paths = [Path(r) for r in redlines]
    if not redline_paths:
        found = find_redlines_dir(path)
        redline_paths = [found] if found else []
    for r in redline_paths:
        if not r.exists():
            raise _error("PC020", f"cannot read '{r}': no such file or folder", str(r))
    loader = DiskLoader(project_root(path.parent), max_bytes)
    inputs = load_inputs(path, redline_paths, loader)
    inputs.read_files = list(loader.read_keys)
    seat_parties(inputs, parties)
    return inputs


def seat_parties(inputs: Any, parties: tuple[str, ...]) -> None:
    """Apply the red lines of the parties at the proposal's table, or of `parties` when named (README "Who is
    at the table"): the others are set aside, and a party at the table without red lines stays a column."""
    from peacecheck.checker.evaluation.table import seat

    chosen = tuple(r.party for r in select_parties(inputs.redlines, parties)) if parties else ()
    seating = seat(inputs.redlines, tuple(inputs.proposal.parties), chosen)
    inputs.redlines, inputs.set_aside, inputs.at_table = list(seating.applied), seating.set_aside, seating.at_table


def select_parties(redlines: list[Any], parties: tuple[str, ...]) -> list[Any]:
    """Only the named parties' red lines; PC121 with a did-you-mean for a party no file defines."""
    known = {r.party for r in redlines}
    unknown = [p for p in parties if p not in known]
    if unknown:
        hint = did_you_mean(unknown[0], known) or f"known parties: {', '.join(sorted(known))}"
        raise _error("PC121", f"unknown party '{unknown[0]}' ({hint})", "--party")
    return [r for r in redlines if r.party in parties]


def _error(code: str, message: str, where: str) -> PeaceError:
    return PeaceError([Diagnostic(code, message, Span(where, 0, 0))])


def check(project: Project, today: dt.date | None = None) -> "CheckResult":
    """Evaluate the project's proposal against its red lines (acknowledgements expire against `today`)."""
    from peacecheck.checker.evaluation.evaluate import check as evaluate

    result = evaluate(project.proposal, project.vocabulary, project.redlines, project.digests,
                      today=today or project.today, at_table=tuple(project.at_table), set_aside=tuple(project.set_aside))
    if project.what_if:
        import dataclasses

        result = dataclasses.replace(result, what_if=tuple(project.what_if))
    return result


# Which registry kind renders which result; by class name, so that rendering a check never imports diff or solve.
RESULT_KINDS = {"CheckResult": "check", "DiffResult": "diff", "SolveResult": "solve", "LintReport": "lint",
                "TestReport": "test", "History": "history"}


def render(result: Any, fmt: str = "text", colour: bool = False) -> str:
    """Any result (check, diff, solve, lint, test) in one of its registered formats: the CLI's bytes."""
    from peacecheck.checker.reports.formats import renderer

    kind = RESULT_KINDS.get(type(result).__name__)
    if kind is None:
        raise TypeError(f"cannot render a {type(result).__name__}; render takes {', '.join(RESULT_KINDS)}")
    draw = renderer(fmt, kind)
    return draw(result, colour=colour) if fmt == "text" and kind in ("check", "diff") else draw(result)


def exit_code(result: Any, fail_on: str = "reject") -> int:
    """The fail-on policy: 1 when what `fail_on` counts is present (reject, concern), else 0; never: 0."""
    if fail_on == "never":
        return 0
    if fail_on == "concern":
        return int(result.has_concern() or bool(result.acknowledgement_issues))
    return int(result.has_hard_rejection())


# ------------------------------------------------------------------ diff: two drafts, one set of red lines
def load_round(anchor: str | Path, others: list[str | Path] | tuple[str | Path, ...], redlines: tuple[str, ...] = (),
               parties: tuple[str, ...] = (), today: dt.date | None = None, config: str | None = None,
               use_config: bool = True) -> tuple[Project, list[Project]]:
    """ANCHOR with its red lines, and OTHERS judged against the same red lines, table and day: every input
    error of every file at once. A draft may use another vocabulary when every term it states means the
    same in the anchor's (else PC400). `diff` anchors on NEW, `history` on the first draft."""
    errors: list[Diagnostic] = []
    lead = None
    try:
        lead = load_project(anchor, redlines, parties, today, config=config, use_config=use_config)
    except PeaceError as exc:
        errors += exc.diagnostics
    projects = []
    for path in others:
        try:
            proposal, own, read = read_proposal(path)
            if lead is not None:
                _check_old_draft(proposal, own, lead)
                projects.append(Project(proposal, lead.vocabulary, lead.redlines, lead.digests, read, lead.today,
                                        lead.fail_on, lead.set_aside, lead.at_table))
        except PeaceError as exc:
            errors += exc.diagnostics
    if errors or lead is None:
        raise PeaceError(errors)
    return lead, projects


def load_drafts(old: str | Path, new: str | Path, redlines: tuple[str, ...] = (), parties: tuple[str, ...] = (),
                today: dt.date | None = None, config: str | None = None,
                use_config: bool = True) -> tuple[Project, Project]:
    """OLD and NEW, both judged against NEW's red lines and table on the same day (see load_round)."""
    after, (before,) = load_round(new, [old], redlines, parties, today, config, use_config)
    return before, after


def diff_drafts(old: str | Path, new: str | Path, redlines: tuple[str, ...] = (), parties: tuple[str, ...] = (),
                today: dt.date | None = None, config: str | None = None, use_config: bool = True) -> Any:
    """What changed from OLD to NEW, and what the change did to each party's objections (a DiffResult)."""
    from peacecheck.checker.diff import diff as compare

    before, after = load_drafts(old, new, redlines, parties, today, config, use_config)
    return compare(check(before), check(after))


def _check_old_draft(proposal: Any, own: Any, after: Project) -> None:
    from peacecheck.dsl.api import check_acknowledgements

    if own.file != after.vocabulary.file:
        check_compatible(proposal, own, after.vocabulary)
    check_acknowledgements(proposal, after.redlines)


def check_compatible(proposal: Any, own: Any, shared: Any) -> None:
    """PC400 for each term `proposal` states that is missing from, or typed differently in, `shared`."""
    problems = []
    for clause in proposal.clauses:
        for a in [*clause.terms, *(a for o in clause.options for a in o.terms)]:
            theirs = shared.terms.get(a.path)
            if theirs is None or theirs.type.model_dump() != own.terms[a.path].type.model_dump():
                how = "missing from" if theirs is None else "typed differently in"
                problems.append(Diagnostic(
                    "PC400", f"term '{a.path}' of the old draft is {how} the new draft's vocabulary '{shared.file}'",
                    a.span, "diff drafts that share a vocabulary, or make the old vocabulary's terms a subset of the new one"))
    if problems:
        raise PeaceError(problems)


def read_proposal(path: str | Path) -> tuple[Any, Any, list[str]]:
    """One more proposal, read inside its own project: (proposal, its vocabulary, the files read)."""
    from peacecheck.checker.files import DiskLoader, display_path, project_root
    from peacecheck.dsl.api import load_proposal

    where = Path(path)
    if not where.is_file():
        raise _error("PC020", f"cannot read '{path}': no such file", str(path))
    loader = DiskLoader(project_root(where.parent))
    proposal, vocabulary = load_proposal(display_path(where), loader)
    return proposal, vocabulary, list(loader.read_keys)


def load_draft(path: str | Path) -> Any:
    """One more proposal (an old draft), read inside its own project; its vocabulary is not needed."""
    return read_proposal(path)[0]


# ------------------------------------------------------------------ history: a round of drafts
def load_history(drafts: tuple[str, ...] | list[str], redlines: tuple[str, ...] = (), parties: tuple[str, ...] = (),
                 today: dt.date | None = None) -> tuple[Any, list[str]]:
    """A round of drafts (files, or folders of .peace files) as a History, and every file read.

    Every draft is judged against the first draft's red lines, table and day (load_round); the
    History orders them by their `revises` links and follows each clause through the round.
    """
    from peacecheck.checker.history import history as follow

    files = draft_files(tuple(str(d) for d in drafts))
    anchor, others = load_round(files[0], files[1:], redlines, parties, today)
    read = [key for p in (anchor, *others) for key in p.read_files]
    return follow([check(p) for p in (anchor, *others)]), read


def draft_history(drafts: tuple[str, ...] | list[str], redlines: tuple[str, ...] = (), parties: tuple[str, ...] = (),
                  today: dt.date | None = None) -> Any:
    """How each party's objections moved through a round of drafts (a History; render it like any result)."""
    return load_history(drafts, redlines, parties, today)[0]


def draft_files(arguments: tuple[str, ...]) -> list[str]:
    """The drafts named, a folder as its .peace files (sorted), each file once."""
    files: list[str] = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            found = sorted(str(p) for p in path.glob("*.peace") if p.is_file())
            if not found:
                raise _error("PC020", f"no .peace files in folder '{argument}'", argument)
            files += found
        else:
            files.append(argument)
    seen: set[Path] = set()
    unique = []
    for f in files:
        key = Path(f).resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


# ------------------------------------------------------------------ solve: packages of options
def load_solve_draft(path: str | Path, project: Project) -> tuple[Any, list[str]]:
    """The draft to repair (`solve --from`), which must use the proposal's vocabulary (PC731)."""
    proposal, own, read = read_proposal(path)
    if own.file != project.vocabulary.file:
        raise _error("PC731", f"the draft '{proposal.file}' uses vocabulary '{own.file}', the proposal uses "
                              f"'{project.vocabulary.file}'", str(path))
    from peacecheck.dsl.api import check_acknowledgements

    check_acknowledgements(proposal, project.redlines)
    return proposal, read


def solve(project: Project, top: int = 5, draft: Any = None, time_limit: float | None = 60.0) -> Any:
    """The best packages of options every party accepts, or the red lines that conflict (needs OR-tools).

    `draft` (a path or a loaded proposal) is the draft to repair; it is judged as `check` judges it.
    `time_limit` (seconds, None: none; 60 as the CLI's negotiation.model.DEFAULT_TIME_LIMIT): when it runs
    out, the result's `stopped` says what stands proved.
    """
    from peacecheck.checker.evaluation.evaluate import party_info
    from peacecheck.checker.negotiation import solve as run_solve

    if isinstance(draft, (str, Path)):
        draft = load_solve_draft(draft, project)[0]
    from peacecheck.checker.evaluation.results import PartyInfo

    infos = [party_info(r, project.digests.get(r.party, b"")) for r in sorted(project.redlines, key=lambda r: r.party)]
    infos = sorted(infos + [PartyInfo(p, p, "", 0, "") for p in project.at_table], key=lambda i: i.id)
    return run_solve(project.proposal, project.vocabulary, project.redlines, infos, top, draft,
                     draft.file if draft is not None else "", project.today, time_limit)


# ------------------------------------------------------------------ lint: red lines that cannot work
def lint(paths: tuple[str, ...] | list[str] = (), vocabulary: str | None = None) -> Any:
    """Warnings about red lines (never/always firing, contradictions) and unused terms: a LintReport.

    PATHS are red-line files, proposals or folders of them (default: the project's redlines/ and
    proposals/ folders found from the working folder). Needs OR-tools.
    """
    from peacecheck.checker.negotiation.lint import LintReport
    from peacecheck.checker.negotiation.lint import lint as run_lint

    vocab, redlines, proposals = _lint_inputs(tuple(str(p) for p in paths), vocabulary)
    return LintReport(run_lint(vocab, redlines, proposals), vocab.file,
                      tuple(r.file for r in redlines), tuple(p.file for p in proposals))


def _lint_paths(paths: tuple[str, ...]) -> tuple[list[Path], list[Path]]:
    """(red-line files, proposal files) named by PATHS, or found in the project's default folders."""
    from peacecheck.checker.files import find_redlines_dir

    given = [Path(p) for p in paths]
    if not given:
        found = find_redlines_dir(Path.cwd() / "peacecheck")
        if found is None:
            raise _error("PC118", "no red-line files found: pass PATHS, or run inside a project with a redlines/ folder",
                         "lint")
        given = [found] + ([found.parent / "proposals"] if (found.parent / "proposals").is_dir() else [])
    redlines, proposals = [], []
    for path in given:
        if not path.exists():
            raise _error("PC020", f"cannot read '{path}': no such file or folder", str(path))
        if path.is_dir():
            redlines += sorted(path.glob("*.redlines"))
            proposals += sorted(path.glob("*.peace"))
        else:
            (proposals if path.suffix == ".peace" else redlines).append(path)
    if not redlines:
        raise _error("PC118", "no red-line files found among the paths given", "lint")
    return redlines, proposals


def _lint_inputs(paths: tuple[str, ...], vocabulary_path: str | None):
    from peacecheck.checker.files import DiskLoader, display_path, project_root
    from peacecheck.dsl.api import load_proposal, load_redlines, load_vocabulary

    redline_paths, proposal_paths = _lint_paths(paths)
    loader = DiskLoader(project_root(redline_paths[0].parent))
    vocabulary = load_vocabulary(display_path(Path(vocabulary_path)), loader) if vocabulary_path else None
    redlines, diagnostics = [], []
    for path in redline_paths:
        try:
            model, own = load_redlines(display_path(path), loader, vocabulary)
        except PeaceError as exc:
            diagnostics += exc.diagnostics
            continue
        vocabulary = vocabulary or own
        redlines.append(model)
    proposals = []
    for path in proposal_paths:
        try:
            model, own = load_proposal(display_path(path), loader)
        except PeaceError as exc:
            diagnostics += exc.diagnostics
            continue
        if vocabulary is not None and own.file == vocabulary.file:
            proposals.append(model)  # proposals under another vocabulary cannot use this one's terms
    if diagnostics or vocabulary is None:
        raise PeaceError(diagnostics or [Diagnostic("PC118", "no red-line files could be read", Span("lint", 0, 0))])
    return vocabulary, redlines, proposals

# ------------------------------------------------------------------ test: red-line unit tests and coverage
@dataclass(frozen=True)
class TestReport:
    """What `peacecheck test` found: each case's result, coverage (None when skipped), and warnings."""

    results: tuple[Any, ...]
    coverage: Any
    threshold: float | None
    warnings: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        low = self.coverage is not None and self.threshold is not None and self.coverage.percent < self.threshold
        return not low and all(r.passed for r in self.results)


def run_tests(paths: tuple[str, ...] | list[str] = (), proposals: tuple[str, ...] | list[str] = (),
              coverage: bool = True, threshold: float | None = None, config: str | None = None,
              today: dt.date | None = None) -> TestReport:
    """Run red-line test files (default: the config's `tests`, else redlines/tests/ found from here).

    Acknowledgements expire against a case's own `today`, else `today` (default: the real day, as in
    `check`), so a test and a check of the same snippet agree.

    Coverage counts the rules that tests or the PROPOSALS (default: the config's `proposals`, else
    proposals/ beside the red lines) make fire; `threshold` (default: the config's) is the least percent.
    """
    from peacecheck.checker.config import load_config

    settings = load_config(config)
    files = _test_files(tuple(paths) or tuple(settings.path(t) for t in settings.tests))
    runner = _TestRun(today or dt.date.today())
    results = runner.run(files)
    wanted = threshold if threshold is not None else settings.coverage_threshold
    covered = None
    if coverage:
        covered = runner.coverage(results, tuple(proposals) or tuple(settings.path(p) for p in settings.proposals))
    return TestReport(tuple(results), covered, wanted, tuple(runner.warnings))


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


class _TestRun:
    """Loads each test file's red lines once, runs the cases, and gathers what fired."""

    def __init__(self, today: dt.date) -> None:
        self.today = today  # for cases that set no `today` of their own
        self.sets: dict[tuple[str, ...], tuple] = {}  # red-line files -> (vocabulary, redlines)
        self.folders: list[Path] = []
        self.warnings: list[str] = []  # proposals that could not count for coverage, and why

    def run(self, files: list[Path]):
        from peacecheck.checker.files import display_path, read_input
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
                spec = parse_test_file(read_input(key), key)
                vocabulary, redlines = self.redlines_for(path, spec.redlines)
                check_rule_names(spec, redlines)
            except PeaceError as exc:
                errors += exc.diagnostics
                continue
            for case in spec.cases:
                try:
                    results.append(run_case(case, vocabulary, redlines, self.today))
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
            self.warnings.append(f"{key} has errors ({exc.diagnostics[0].code}); not counted for coverage")
            return set()
        fired: set[tuple[str, str]] = set()
        matching = [(v, r) for v, r in self.sets.values() if v.file == vocabulary.file]
        if not matching:
            self.warnings.append(f"{key} uses another vocabulary than the red lines; not counted for coverage")
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


