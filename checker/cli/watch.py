"""`--watch` for check, diff and test: run the command body, then again each time one of its inputs changes.

What is watched: the folders holding the run's inputs (the files it read, the paths it was given, the
files an error pointed at, the config), not recursively; a change there to a `.peace`, `.redlines`,
`.vocab` or `.toml` file (or to any file the run read) starts a new run. The set of folders only grows,
so a run that fails before reading everything still re-runs when the rest is fixed. watchfiles is
imported only here, only with --watch.
"""
from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import click

WATCHED_SUFFIXES = (".peace", ".redlines", ".vocab", ".toml")


def watch_option(f):
    f = click.option("--watch-max-runs", "watch_max_runs", type=click.IntRange(min=1), default=None, hidden=True,
                     help="Stop after N runs (for tests).")(f)
    return click.option("--watch", "watch", is_flag=True,
                        help="Run again whenever an input (proposal, red lines, vocabulary, config) changes; "
                             "Ctrl+C stops. Needs `pip install 'peacecheck[watch]'`.")(f)


@dataclass
class Inputs:
    """What a run depends on: files (watched by name) and the folders watched for them."""

    files: set[Path] = field(default_factory=set)
    folders: set[Path] = field(default_factory=set)

    def add(self, paths: Iterable[str | Path]) -> None:
        for raw in paths:
            if str(raw) in ("", "-") or str(raw).startswith("<") or str(raw).startswith("--"):
                continue  # standard input and command-line values are no files
            path = Path(raw).resolve()
            if path.is_dir():
                self.folders.add(path)
            else:
                self.files.add(path)
                if path.parent.is_dir():
                    self.folders.add(path.parent)

    def relevant(self, path: str) -> bool:
        p = Path(path)
        return p in self.files or (p.suffix in WATCHED_SUFFIXES and not p.name.startswith("."))


def watch_command(body: Callable[[], int], inputs: Inputs, max_runs: int | None = None) -> None:
    """A command's --watch: every run guarded like a plain run (an input error prints and waits for a fix)."""
    from peacecheck.checker.cli.shell import guarded

    if guarded(lambda: _watchfiles() and 0) != 0:  # missing watchfiles: one diagnostic, exit 2, before the first run
        sys.exit(2)
    sys.exit(run_watching(lambda: guarded(body), inputs, max_runs))


def run_watching(run_once: Callable[[], int], inputs: Inputs, max_runs: int | None = None,
                 stop_event: threading.Event | None = None, clear: bool | None = None) -> int:
    """Run, then re-run on every relevant change until Ctrl+C, `stop_event` or `max_runs`; the last exit code.

    `run_once` returns an exit code and adds what it read to `inputs` (see Inputs.add)."""
    from peacecheck.checker.reports.cli_lines import watch_line

    clear = sys.stdout.isatty() if clear is None else clear
    watcher = Watcher(inputs, stop_event)
    runs, changed = 0, []
    while True:
        if clear:
            click.clear()
        code = run_once()
        runs += 1
        click.echo(watch_line(runs, changed, code, len(inputs.folders)), err=True)
        if max_runs is not None and runs >= max_runs:
            return code
        found = watcher.next_change()
        if found is None:
            return code
        changed = found


class Watcher:
    """One watchfiles generator, kept across runs while the folders stay the same, so a change saved
    during a run is not lost: it is yielded as soon as the run ends."""

    def __init__(self, inputs: Inputs, stop_event: threading.Event | None = None):
        self.inputs = inputs
        self.stop_event = stop_event
        self.folders: list[str] = []
        self.changes = None

    def next_change(self) -> list[str] | None:
        """Block until a relevant file changes (its display paths), or None when stopped (Ctrl+C, stop_event)."""
        from peacecheck.checker.files import display_path

        folders = sorted(str(f) for f in self.inputs.folders if f.is_dir())
        if not folders:
            return None
        if folders != self.folders or self.changes is None:
            self.folders = folders
            self.changes = _watchfiles().watch(*folders, watch_filter=lambda _, path: self.inputs.relevant(path),
                                               stop_event=self.stop_event, recursive=False,
                                               raise_interrupt=False, debounce=400)
        try:
            found = next(self.changes)
        except (StopIteration, KeyboardInterrupt):
            return None
        return sorted({display_path(Path(path)) for _, path in found})


def _watchfiles():
    try:
        import watchfiles
    except ImportError:
        from peacecheck.checker.cli.shell import fail
        from peacecheck.checker.reports.cli_lines import watch_missing

        fail("PC121", watch_missing(), "--watch")
    return watchfiles
