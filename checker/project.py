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


def load_project(path: str | Path, redlines: tuple[str, ...] | list[str] = (), parties: tuple[str, ...] | list[str] = (),
                 today: dt.date | None = None, max_bytes: int | None = None, config: str | None = None,
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
                   today or dt.date.today(), fail_on)


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
    if parties:
        inputs.redlines = select_parties(inputs.redlines, parties)
    return inputs


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

    return evaluate(project.proposal, project.vocabulary, project.redlines, project.digests,
                    today=today or project.today)


def render(result: Any, fmt: str = "text", colour: bool = False) -> str:
    """A check or diff result in one of the registered formats, byte for byte what the CLI prints."""
    from peacecheck.checker.reports.formats import renderer

    if type(result).__name__ == "DiffResult":  # by name: importing diff would slow every check's start-up
        return render_diff(result, fmt, colour)

    draw = renderer(fmt)
    return draw(result, colour=colour) if fmt == "text" else draw(result)


def exit_code(result: Any, fail_on: str = "reject") -> int:
    """The fail-on policy: 1 when what `fail_on` counts is present (reject, concern), else 0; never: 0."""
    if fail_on == "never":
        return 0
    if fail_on == "concern":
        return int(result.has_concern() or bool(result.acknowledgement_issues))
    return int(result.has_hard_rejection())


def diff_drafts(old: str | Path, new: str | Path, redlines: tuple[str, ...] = (), parties: tuple[str, ...] = (),
                today: dt.date | None = None) -> Any:
    """Both drafts checked against the same red lines (NEW's), and what changed between them."""
    from peacecheck.checker.diff import diff as compare

    after = load_project(new, redlines, parties, today)
    before = Project(load_draft(old), after.vocabulary, after.redlines, after.digests, today=after.today)
    return compare(check(before), check(after))


def render_diff(result: Any, fmt: str = "text", colour: bool = False) -> str:
    """A diff in text, json, markdown or html, byte for byte what `peacecheck diff` prints."""
    if fmt == "html":
        from peacecheck.checker.reports.diff_html import render as render_html

        return render_html(result)
    from peacecheck.checker.reports.diff_text import RENDER

    return RENDER[fmt](result, colour=colour) if fmt == "text" else RENDER[fmt](result)


def load_draft(path: str | Path) -> Any:
    """One more proposal (an old draft), read inside its own project; its vocabulary is not needed."""
    from peacecheck.dsl.api import load_proposal

    from peacecheck.checker.files import DiskLoader, display_path, project_root

    where = Path(path)
    if not where.is_file():
        raise _error("PC020", f"cannot read '{path}': no such file", str(path))
    proposal, _ = load_proposal(display_path(where), DiskLoader(project_root(where.parent)))
    return proposal


def solve(project: Project, top: int = 5, draft: Any = None) -> Any:
    """The best packages of options every party accepts, or the red lines that conflict (needs OR-tools)."""
    from peacecheck.checker.evaluation.evaluate import party_info
    from peacecheck.checker.negotiation import solve as run_solve

    infos = [party_info(r, project.digests.get(r.party, b"")) for r in sorted(project.redlines, key=lambda r: r.party)]
    return run_solve(project.proposal, project.vocabulary, project.redlines, infos, top, draft,
                     draft.file if draft is not None else "", project.today)
