"""`peacecheck check`: proposals against the parties' red lines."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from peacecheck.checker.cli import whatif
from peacecheck.checker.cli.shell import (
    EXIT_OK,
    IN_MEMORY,
    colour_option,
    fail,
    quiet_option,
    run_guarded,
    use_colour,
    write_output,
)
from peacecheck.checker.cli.watch import Inputs, watch_command, watch_option
from peacecheck.checker.cli.whatif import what_if_options
from peacecheck.checker.reports.formats import RENDERERS
from peacecheck.dsl.diagnostics import PeaceError

STDIN_NAME = "<stdin>"


@click.command("check")
@click.argument("proposals", nargs=-1, type=click.Path(), metavar="[PROPOSAL|FOLDER|-]...")
@click.option("--format", "fmt", type=click.Choice(sorted(RENDERERS)), default=None,
              help="Report format (default: the config's `format`, else text).")
@click.option("-o", "--output", "outputs", multiple=True, metavar="[FORMAT:]FILE",
              help="Write a report to FILE (atomically), in FORMAT or --format; repeatable: "
                   "-o json:result.json -o html:report.html. FILE - is standard output.")
@click.option("--party", "parties", multiple=True, metavar="ID", help="Only this party (repeatable).")
@click.option("--redlines", multiple=True, metavar="PATH",
              help="A red-line file or folder (repeatable). Default: the config's `redlines`, "
                   "else the redlines/ folder above the proposal.")
@click.option("--fail-on", type=click.Choice(["reject", "concern", "never"]), default=None,
              help="Exit 1 on a hard rejection (reject, the default), on any finding or acknowledgement "
                   "issue (concern), or never.")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD",
              help="The date acknowledgements expire against (default: today).")
@click.option("--max-size", "max_bytes", type=click.IntRange(min=1), default=None, metavar="BYTES",
              help="Refuse input files larger than BYTES (default 32 MB).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
              help="Use this config file instead of looking for one.")
@click.option("--stdin-filename", metavar="PATH", default=None,
              help="With PROPOSAL -: the name standard input is reported under; its folder is where the "
                   "vocabulary path and the redlines/ folder are looked up from.")
@what_if_options
@quiet_option
@colour_option
@watch_option
def check(proposals: tuple[str, ...], fmt: str | None, outputs: tuple[str, ...], parties: tuple[str, ...],
          redlines: tuple[str, ...], fail_on: str | None, today, max_bytes: int | None,
          config_path: str | None, stdin_filename: str | None, sets: tuple[str, ...], chooses: tuple[str, ...],
          quiet: bool, color: str, watch: bool, watch_max_runs: int | None) -> None:
    """Check proposals against the parties' red lines.

    A PROPOSAL may be a .peace file, a folder (every .peace file below it) or - for standard
    input. Without one: the config's `proposals`, else the proposals/ folder here.

    Exit codes: 0 no hard rejection (or nothing --fail-on counts), 1 at least one hard rejection
    (or what --fail-on counts), 2 usage or input error.
    """
    inputs = Inputs()
    stdin: list[bytes] = []  # read once, on the first run

    def body() -> int:
        from peacecheck.checker.config import check_settings

        files = proposal_files(proposals, config_path)
        if "-" in files and not stdin:
            stdin.append(read_stdin(stdin_filename or STDIN_NAME, max_bytes))
        settings = check_settings(config_path, fmt, outputs, parties, redlines, fail_on, today, len(files))
        inputs.add([*files, *settings.redlines, *_config_file(config_path)])
        early = whatif.syntax_errors(sets, chooses)  # reported with the files' errors, if any
        projects = _load_all(files, settings, max_bytes, stdin_filename, stdin[0] if stdin else b"", inputs, early)
        return _report(projects, settings, sets, chooses, quiet)

    if watch:
        if "-" in proposals:
            run_guarded(lambda: fail("PC121", "--watch cannot watch standard input: name the file", "--watch"))
        watch_command(body, inputs, watch_max_runs)
    run_guarded(body)


def proposal_files(paths: tuple[str, ...], config_path: str | None) -> list[str]:
    """The proposals to check: files as given, folders expanded (sorted, hidden folders skipped), `-` kept."""
    if not paths:
        paths = _default_proposals(config_path)
    files: list[str] = []
    for raw in paths:
        path = Path(raw)
        if raw != "-" and path.is_dir():
            found = [str(p) for p in sorted(path.rglob("*.peace")) if p.is_file()
                     and not any(part.startswith(".") for part in p.relative_to(path).parts)]
            if not found:
                fail("PC020", f"no .peace files in folder '{raw}'", raw)
            files += found
        else:
            files.append(raw)
    if files.count("-") > 1:
        fail("PC121", "standard input (-) can be named only once", "check")
    return list(dict.fromkeys(files))


def _default_proposals(config_path: str | None) -> tuple[str, ...]:
    from peacecheck.checker.config import load_config

    config = load_config(config_path)
    if config.proposals:
        return tuple(config.path(p) for p in config.proposals)
    if Path("proposals").is_dir():
        return ("proposals",)
    raise click.UsageError("no PROPOSAL given, no `proposals` in the config, and no proposals/ folder here")


def _config_file(config_path: str | None) -> list[str]:
    from peacecheck.checker.config import find_config

    found = Path(config_path) if config_path else find_config(Path.cwd())
    return [str(found)] if found else []


def read_stdin(name: str, max_bytes: int | None) -> bytes:
    """Standard input, bounded like a file (PC013 beyond the limit); kept for the caret under its errors."""
    from peacecheck.dsl.parser import MAX_FILE_BYTES, too_large

    limit = max_bytes or MAX_FILE_BYTES
    data = sys.stdin.buffer.read(limit + 1)
    if len(data) > limit:
        raise PeaceError([too_large(name, len(data), limit)])
    text = data.decode("utf-8", "replace").removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    IN_MEMORY[_display(name)] = text.split("\n")
    return data


def _display(name: str):
    from peacecheck.checker.files import display_path

    return display_path(Path(name))


def _load_all(files: list[str], settings, max_bytes: int | None, stdin_filename: str | None, stdin: bytes,
              inputs: Inputs, what_if_errors: list) -> list:
    """Every proposal loaded before anything is written: all errors in one run (a malformed --set
    with them), and no output may overwrite an input of any of them."""
    from peacecheck.checker.project import Project

    loaded, errors = [], []
    for proposal in files:
        try:
            if proposal == "-":
                found = load_stdin(stdin_filename or STDIN_NAME, stdin, settings.redlines, settings.parties, max_bytes)
            else:
                found = _load_file(proposal, settings.redlines, settings.parties, max_bytes)
        except PeaceError as exc:
            errors += exc.diagnostics
            inputs.add(d.span.file for d in exc.diagnostics if d.span.line > 0)  # --watch: wait for their fix
            continue
        inputs.add(found.read_files)
        loaded.append(Project(found.proposal, found.vocabulary, found.redlines, found.digests,
                              found.read_files, settings.today, settings.fail_on, found.set_aside, found.at_table))
    if errors:
        raise PeaceError(errors + what_if_errors)
    return loaded


def _load_file(path: str, redlines: tuple[str, ...], parties: tuple[str, ...], max_bytes: int | None):
    from peacecheck.checker.cli.shell import load_check_inputs

    return load_check_inputs(path, redlines, parties, max_bytes)


def load_stdin(name: str, data: bytes, redlines: tuple[str, ...], parties: tuple[str, ...], max_bytes: int | None):
    """A proposal given on standard input, read as if it were the file `name` (which need not exist)."""
    from peacecheck.checker.files import DiskLoader, find_redlines_dir, load_inputs, project_root
    from peacecheck.checker.project import seat_parties

    path = Path(name)
    redline_paths = [Path(r) for r in redlines] or [d for d in [find_redlines_dir(path)] if d]
    for r in redline_paths:
        if not r.exists():
            fail("PC020", f"cannot read '{r}': no such file or folder", str(r))
    loader = DiskLoader(project_root(path.resolve().parent), max_bytes)
    loader.data[_display(name)] = data  # the loader serves it under the name; nothing is read from disk for it
    inputs = load_inputs(path, redline_paths, loader)
    inputs.read_files = list(loader.read_keys)
    seat_parties(inputs, parties)
    return inputs


def _report(projects: list, settings, sets: tuple[str, ...], chooses: tuple[str, ...], quiet: bool) -> int:
    from peacecheck.checker.project import check as run_check
    from peacecheck.checker.project import exit_code, render
    from peacecheck.checker.reports.cli_lines import result_line

    every_input = [key for p in projects for key in p.read_files]
    worst = EXIT_OK
    for project, overrides in whatif.apply_all(projects, sets, chooses):
        result = run_check(project)
        for spec in settings.outputs:
            target = None if spec.path == "-" else spec.path
            if quiet and target is None and spec.format == "text":
                click.echo(result_line(project.proposal.file, result.has_hard_rejection(), bool(overrides)))
                continue
            if target:
                Path(target).parent.mkdir(parents=True, exist_ok=True)
            write_output(render(result, spec.format, use_colour(target)), target, every_input, spec.format)
        worst = max(worst, exit_code(result, settings.fail_on))
    return worst
