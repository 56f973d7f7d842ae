"""The command line: paths, options, exit codes and output files. No checking logic lives here."""
from __future__ import annotations

import os
import sys
from importlib import import_module
from pathlib import Path

import click

from dsl.diagnostics import Diagnostic, PeaceError

EXIT_OK, EXIT_REJECTED, EXIT_INPUT = 0, 1, 2

# Renderers, imported only when used (start-up time matters).
# One line per format: "name": "module:function(result) -> str".
RENDERERS = {
    "text": "checker.render_text:render",
    "json": "checker.render_json:render",
    "html": "checker.render_html:render",
    "markdown": "checker.render_markdown:render",
}

# Subcommands that live in their own modules, imported only when invoked.
# One line per command: "name": "module:click_command".
LAZY_COMMANDS: dict[str, str] = {
}


def load_object(spec: str):
    module, _, name = spec.partition(":")
    return getattr(import_module(module), name)


class PeacecheckGroup(click.Group):
    """`peacecheck FILE` means `peacecheck check FILE`; some subcommands load lazily."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(LAZY_COMMANDS))

    def get_command(self, ctx: click.Context, name: str):
        if name in LAZY_COMMANDS:
            return load_object(LAZY_COMMANDS[name])
        return super().get_command(ctx, name)

    def resolve_command(self, ctx: click.Context, args: list[str]):
        if args and self.get_command(ctx, args[0]) is None and not args[0].startswith("-"):
            args = ["check", *args]
        return super().resolve_command(ctx, args)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.list_commands(ctx) and not args[0].startswith("-"):
            args = ["check", *args]
        return super().parse_args(ctx, args)


@click.group(cls=PeacecheckGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="peacecheck", prog_name="peacecheck")
def main() -> None:
    """Check peace-framework drafts against each party's red lines.

    `peacecheck FILE` is short for `peacecheck check FILE`.
    """


# ------------------------------------------------------------------ shared helpers
def report_errors(error: PeaceError, stream=None) -> None:
    """Print every diagnostic as `file:line:col: CODE message`, the source line and a caret."""
    from checker.files import source_line

    stream = stream or sys.stderr
    for d in error.diagnostics:
        click.echo(format_diagnostic(d, source_line(d.span.file, d.span.line)), file=stream)
    count = len(error.diagnostics)
    click.echo(f"{count} error{'s' if count != 1 else ''}; see `peacecheck explain CODE`", file=stream)


def format_diagnostic(d: Diagnostic, line: str | None) -> str:
    out = [f"{d.span.file}:{d.span.line}:{d.span.column}: {d.code} {d.message}"]
    if line is not None:
        shown = line.replace("\t", " ")
        if len(shown) > 200:  # very long lines: show the part around the caret
            start = max(0, d.span.column - 100)
            shown, caret_at = shown[start:start + 200], d.span.column - start
        else:
            caret_at = d.span.column
        out.append(f"    {shown}")
        out.append("    " + " " * max(0, caret_at - 1) + "^")
    if d.hint:
        out.append(f"    hint: {d.hint}")
    return "\n".join(out)


def fail(code: str, message: str, where: str = "peacecheck") -> "NoReturn":  # type: ignore[name-defined]
    from dsl.diagnostics import Span

    raise PeaceError([Diagnostic(code, message, Span(where, 0, 0))])


def use_colour(output: str | None) -> bool:
    if output or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def write_output(text: str, output: str | None, inputs: list[str]) -> None:
    """Print, or write `output` atomically; never overwrite a file this run read."""
    if not output or output == "-":
        click.echo(text, nl=False)
        return
    from checker.files import write_atomic

    target = Path(output)
    if target.exists() and any(_same_file(target, Path(i)) for i in inputs):
        fail("PC119", f"refusing to write '{output}': it is an input of this run", output)
    try:
        write_atomic(target, text.encode("utf-8"))
    except OSError as exc:
        fail("PC120", f"cannot write '{output}': {exc.strerror or exc}", output)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or a.samefile(b)
    except OSError:
        return False


def run_guarded(action) -> None:
    """Run a command body; turn input errors into exit code 2 with diagnostics, never a traceback."""
    try:
        code = action()
    except PeaceError as exc:
        report_errors(exc)
        sys.exit(EXIT_INPUT)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    sys.exit(code or EXIT_OK)


def load_check_inputs(proposal: str, redlines: tuple[str, ...], parties: tuple[str, ...]):
    """Proposal path + options -> validated Inputs, with the default red-lines folder found."""
    from checker.files import DiskLoader, Inputs, find_redlines_dir, load_inputs, project_root

    path = Path(proposal)
    if not path.is_file():
        fail("PC020", f"cannot read '{proposal}': no such file", proposal)
    redline_paths = [Path(r) for r in redlines]
    if not redline_paths:
        found = find_redlines_dir(path)
        redline_paths = [found] if found else []
    for r in redline_paths:
        if not r.exists():
            fail("PC020", f"cannot read '{r}': no such file or folder", str(r))
    loader = DiskLoader(project_root(path.parent))
    inputs: Inputs = load_inputs(path, redline_paths, loader)
    inputs.read_files = list(loader.read_keys)
    if parties:
        known = {r.party for r in inputs.redlines}
        unknown = [p for p in parties if p not in known]
        if unknown:
            from dsl.diagnostics import did_you_mean

            hint = did_you_mean(unknown[0], known) or f"known parties: {', '.join(sorted(known))}"
            fail("PC121", f"unknown party '{unknown[0]}' ({hint})", "--party")
        inputs.redlines = [r for r in inputs.redlines if r.party in parties]
    return inputs


# ------------------------------------------------------------------ check
@main.command()
@click.argument("proposal", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(sorted(RENDERERS)), default="text", show_default=True,
              help="Report format.")
@click.option("-o", "--output", metavar="FILE", help="Write the report to FILE (atomically) instead of stdout.")
@click.option("--party", "parties", multiple=True, metavar="ID", help="Only this party (repeatable).")
@click.option("--redlines", multiple=True, metavar="PATH",
              help="A red-line file or folder (repeatable). Default: the redlines/ folder above the proposal.")
def check(proposal: str, fmt: str, output: str | None, parties: tuple[str, ...], redlines: tuple[str, ...]) -> None:
    """Check PROPOSAL against the parties' red lines.

    Exit codes: 0 no hard rejection, 1 at least one hard rejection, 2 usage or input error.
    """
    def body() -> int:
        from checker.evaluate import check as run_check

        inputs = load_check_inputs(proposal, redlines, parties)
        result = run_check(inputs.proposal, inputs.vocabulary, inputs.redlines, inputs.digests)
        render = load_object(RENDERERS[fmt])
        text = render(result, colour=use_colour(output)) if fmt == "text" else render(result)
        write_output(text, output, inputs.read_files)
        return EXIT_REJECTED if result.has_hard_rejection() else EXIT_OK

    run_guarded(body)


# ------------------------------------------------------------------ explain
@main.command()
@click.argument("code", required=False)
def explain(code: str | None) -> None:
    """Explain an error code (or list them all)."""
    from dsl.diagnostics import ERROR_CODES, did_you_mean

    if code is None:
        for key, text in ERROR_CODES.items():
            click.echo(f"{key}  {text}")
        return
    key = code.upper()
    if key not in ERROR_CODES:
        hint = did_you_mean(key, set(ERROR_CODES))
        click.echo(f"unknown error code '{code}'" + (f"; {hint}" if hint else ""), err=True)
        sys.exit(EXIT_INPUT)
    click.echo(f"{key}: {ERROR_CODES[key]}")


def run() -> None:
    """Console-script entry point: usage errors exit 2, as click does, and nothing prints a traceback."""
    try:
        main(standalone_mode=True)
    except SystemExit:
        raise
    except Exception as exc:  # a bug: say so plainly, keep the exit code distinct from verdicts
        click.echo(f"peacecheck: internal error: {type(exc).__name__}: {exc}", err=True)
        click.echo("please report this with the input that caused it", err=True)
        sys.exit(3)
