"""`peacecheck check`: a proposal against the parties' red lines."""
from __future__ import annotations

from pathlib import Path

import click

from peacecheck.checker.cli.shell import (
    EXIT_OK,
    load_check_inputs,
    run_guarded,
    use_colour,
    write_output,
)
from peacecheck.checker.reports.formats import RENDERERS
from peacecheck.dsl.diagnostics import PeaceError


@click.command("check")
@click.argument("proposals", nargs=-1, required=True, type=click.Path(dir_okay=False), metavar="PROPOSAL...")
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
def check(proposals: tuple[str, ...], fmt: str | None, outputs: tuple[str, ...], parties: tuple[str, ...],
          redlines: tuple[str, ...], fail_on: str | None, today, max_bytes: int | None,
          config_path: str | None) -> None:
    """Check PROPOSAL against the parties' red lines.

    Exit codes: 0 no hard rejection (or nothing --fail-on counts), 1 at least one hard rejection
    (or what --fail-on counts), 2 usage or input error.
    """
    def body() -> int:
        from peacecheck.checker.config import check_settings
        from peacecheck.checker.project import Project, exit_code, render
        from peacecheck.checker.project import check as run_check

        settings = check_settings(config_path, fmt, outputs, parties, redlines, fail_on, today, len(proposals))
        # Load every proposal before writing anything: all errors in one run, and no output
        # file may overwrite an input of any of the proposals.
        loaded, errors = [], []
        for proposal in proposals:
            try:
                loaded.append(load_check_inputs(proposal, settings.redlines, settings.parties, max_bytes))
            except PeaceError as exc:
                errors += exc.diagnostics
        if errors:
            raise PeaceError(errors)
        every_input = [key for inputs in loaded for key in inputs.read_files]
        worst = EXIT_OK
        for inputs in loaded:
            project = Project(inputs.proposal, inputs.vocabulary, inputs.redlines, inputs.digests,
                              inputs.read_files, settings.today, settings.fail_on)
            result = run_check(project)
            for spec in settings.outputs:
                target = None if spec.path == "-" else spec.path
                if target:
                    Path(target).parent.mkdir(parents=True, exist_ok=True)
                write_output(render(result, spec.format, use_colour(target)), target, every_input, spec.format)
            worst = max(worst, exit_code(result, settings.fail_on))
        return worst

    run_guarded(body)


