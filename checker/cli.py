"""The command line: paths, options, exit codes and output files. No checking logic lives here."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import NoReturn

import click

from peacecheck.dsl.diagnostics import Diagnostic, PeaceError, Span

EXIT_OK, EXIT_REJECTED, EXIT_INPUT = 0, 1, 2

from .formats import RENDERERS, load_object  # noqa: F401  (one registry for every command)

# Subcommands that live in their own modules, imported only when invoked.
# One line per command: "name": "module:click_command".
LAZY_COMMANDS: dict[str, str] = {
    "diff": "peacecheck.checker.cli_diff:diff",
    "fmt": "peacecheck.checker.cli_tools:fmt",
    "test": "peacecheck.checker.cli_tools:test",
    "init": "peacecheck.checker.cli_tools:init",
    "solve": "peacecheck.checker.cli_solve:solve",
    "lint": "peacecheck.checker.cli_solve:lint",
}


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
            _refuse_misspelt_command(args[0], self.list_commands(ctx))
            args = ["check", *args]
        return super().resolve_command(ctx, args)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.list_commands(ctx) and not args[0].startswith("-"):
            _refuse_misspelt_command(args[0], self.list_commands(ctx))
            args = ["check", *args]
        return super().parse_args(ctx, args)


def _refuse_misspelt_command(word: str, commands: list[str]) -> None:
    """`peacecheck chek FILE`: a word that is no file but close to a command is a typo, not a proposal."""
    from peacecheck.dsl.diagnostics import did_you_mean

    if Path(word).exists() or "." in word or "/" in word:
        return
    hint = did_you_mean(word, set(commands))
    if hint:
        raise click.UsageError(f"no such command or file '{word}'; {hint}")


@click.group(cls=PeacecheckGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="peacecheck", prog_name="peacecheck")
def main() -> None:
    """Check peace-framework drafts against each party's red lines.

    `peacecheck FILE` is short for `peacecheck check FILE`.
    """


# ------------------------------------------------------------------ shared helpers
def report_errors(error: PeaceError, stream=None) -> None:
    """Print every diagnostic as `file:line:col: CODE message`, the source line and a caret."""
    from peacecheck.checker.files import source_line

    stream = stream or sys.stderr
    files: dict[str, list[str] | None] = {}  # each file read and split once, however many errors it has
    for d in error.diagnostics:
        line = source_line(d.span.file, d.span.line, files) if d.span.line > 0 else None
        click.echo(format_diagnostic(d, line), file=stream)
    count = len(error.diagnostics)
    click.echo(f"{count} error{'s' if count != 1 else ''}; see `peacecheck explain CODE`", file=stream)


def format_diagnostic(d: Diagnostic, line: str | None) -> str:
    """`file:line:col: CODE message`, the source line and a caret under the column, and the hint.

    A diagnostic about a command-line value or a whole file (line 0) prints as
    `where: CODE message`. Control characters from the input are shown as
    escapes, so an error message cannot drive the terminal.
    """
    from peacecheck.checker.render_text import terminal_safe

    where = f"{d.span.file}:{d.span.line}:{d.span.column}" if d.span.line > 0 else d.span.file
    out = [terminal_safe(f"{where}: {d.code} {d.message}")]
    if line is not None:
        shown = terminal_safe(line.replace("\t", " "), keep_width=True)
        if len(shown) > 200:  # very long lines: show the part around the caret
            start = max(0, d.span.column - 100)
            shown, caret_at = shown[start:start + 200], d.span.column - start
        else:
            caret_at = d.span.column
        out.append(f"    {shown}")
        out.append("    " + " " * max(0, caret_at - 1) + "^")
    if d.hint:
        out.append(terminal_safe(f"    hint: {d.hint}"))
    return "\n".join(out)


def fail(code: str, message: str, where: str = "peacecheck") -> NoReturn:
    """Stop with one diagnostic about a command-line value or a whole file (printed as `where: CODE message`)."""
    from peacecheck.dsl.diagnostics import Span

    raise PeaceError([Diagnostic(code, message, Span(where, 0, 0))])


def use_colour(output: str | None) -> bool:
    if output or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def write_output(text: str, output: str | None, inputs: list[str], fmt: str = "text") -> None:
    """Print, or write `output` atomically; never overwrite a file this run read, nor any peacecheck source file.

    Every report passes the one escaper of its format first (no terminal control, no CI command)."""
    from .escape import safe_report

    text = safe_report(text, fmt, colour=bool(output is None and use_colour(None)))
    if not output or output == "-":
        click.echo(text, nl=False)
        return
    from peacecheck.checker.files import write_atomic

    target = Path(output)
    inputs = [*inputs, *_config_inputs()]
    if target.exists() and any(_same_file(target, Path(i)) for i in inputs):
        fail("PC119", f"refusing to write '{output}': it is an input of this run", output)
    if target.exists() and target.suffix in INPUT_SUFFIXES:
        fail("PC119", f"refusing to write '{output}': it is a peacecheck input file ({target.suffix})", output)
    try:
        write_atomic(target, text.encode("utf-8"))
    except OSError as exc:
        fail("PC120", f"cannot write '{output}': {exc.strerror or exc}", output)


def _config_inputs() -> list[str]:
    """The config file this run read (found from the working folder or named by --config): an input too."""
    from .config import find_config

    ctx = click.get_current_context(silent=True)
    explicit = None
    while ctx is not None:
        explicit = explicit or ctx.params.get("config_path")
        ctx = ctx.parent
    found = Path(explicit) if explicit else find_config(Path.cwd())
    return [str(found)] if found else []


# Report files never have these names; an existing one is some run's input.
INPUT_SUFFIXES = (".peace", ".redlines", ".vocab")


def _same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file: through `..`, symlinks or hard links."""
    try:
        return a.resolve() == b.resolve() or a.samefile(b)
    except (OSError, RuntimeError):
        return False


def run_guarded(action) -> None:
    """Run a command body; turn input errors into exit code 2 with diagnostics, never a traceback."""
    try:
        code = action()
    except PeaceError as exc:
        report_errors(exc)
        sys.exit(EXIT_INPUT)
    except BrokenPipeError:  # `peacecheck ... | head`: the reader left; click would make this exit 1
        _quiet_stdout()
        sys.exit(EXIT_BROKEN_PIPE)
    except OSError as exc:  # the file system failed under us (a vanished file, permissions): still an input error
        where = str(exc.filename) if exc.filename else "peacecheck"
        report_errors(PeaceError([Diagnostic("PC501", f"{exc.strerror or exc}", Span(where, 0, 0))]))
        sys.exit(EXIT_INPUT)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    sys.exit(code or EXIT_OK)


def load_proposal_file(path_text: str):
    """One proposal and its vocabulary, read from disk inside its project; also the files read."""
    from peacecheck.checker.files import DiskLoader, display_path, project_root
    from peacecheck.dsl.api import load_proposal

    path = Path(path_text)
    if not path.is_file():
        fail("PC020", f"cannot read '{path_text}': no such file", path_text)
    loader = DiskLoader(project_root(path.parent))
    proposal, vocabulary = load_proposal(display_path(path), loader)
    return proposal, vocabulary, list(loader.read_keys)


def load_check_inputs(proposal: str, redlines: tuple[str, ...], parties: tuple[str, ...],
                      max_bytes: int | None = None):
    """Proposal path + options -> validated inputs, through the library's one loading path."""
    from .project import _load_inputs

    return _load_inputs(proposal, redlines, parties, max_bytes)


# ------------------------------------------------------------------ check
@main.command()
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
        from peacecheck.checker.cli_tools import check_settings
        from peacecheck.checker.project import Project, check as run_check, exit_code, render

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


# ------------------------------------------------------------------ explain
@main.command()
@click.argument("code", required=False)
def explain(code: str | None) -> None:
    """Explain an error code (or list them all)."""
    from peacecheck.dsl.diagnostics import ERROR_CODES, did_you_mean

    if code is None:
        for key in sorted(ERROR_CODES):
            click.echo(f"{key}  {ERROR_CODES[key]}")
        return
    key = code.upper()
    if key not in ERROR_CODES:
        hint = did_you_mean(key, set(ERROR_CODES))
        click.echo(f"unknown error code '{code}'" + (f"; {hint}" if hint else ""), err=True)
        sys.exit(EXIT_INPUT)
    click.echo(f"{key}: {ERROR_CODES[key]}")


def run() -> None:
    """Console-script entry point: usage errors exit 2, as click does, and nothing prints a traceback."""
    for stream in (sys.stdout, sys.stderr):  # a terminal that cannot show a character gets an escape, not a crash
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    try:
        main(standalone_mode=True)
    except SystemExit:
        raise
    except BrokenPipeError:  # `peacecheck ... | head`: the reader left; stop quietly
        _quiet_stdout()
        sys.exit(EXIT_BROKEN_PIPE)
    except RecursionError:
        click.echo("peacecheck: internal error: input nested too deeply (please report this)", err=True)
        sys.exit(3)
    except Exception as exc:  # a bug: say so plainly, keep the exit code distinct from verdicts
        click.echo(f"peacecheck: internal error: {type(exc).__name__}: {exc}", err=True)
        click.echo("please report this with the input that caused it", err=True)
        sys.exit(3)


def _quiet_stdout() -> None:
    """Point stdout at the null device, so the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports a process its pipe closed on
