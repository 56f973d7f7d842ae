"""What every command shares: diagnostics on stderr, exit codes, output files, the guarded run."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

if TYPE_CHECKING:  # imported where used: `--help` and `explain` load nothing of the dsl through this module
    from peacecheck.dsl.diagnostics import Diagnostic, PeaceError

EXIT_OK, EXIT_REJECTED, EXIT_INPUT = 0, 1, 2
EXIT_INTERNAL = 3
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports a process its pipe closed on

def report_errors(error: PeaceError, stream=None) -> None:
    """Print every diagnostic as `file:line:col: CODE message`, the source line and a caret."""
    from peacecheck.checker.files import source_line

    stream = stream or sys.stderr
    # Each file read and split once, however many errors it has; text that is no file (standard
    # input, the `--set` arguments) comes from IN_MEMORY.
    files: dict[str, list[str] | None] = dict(IN_MEMORY)
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
    from peacecheck.checker.reports.escape import terminal_safe

    where = f"{d.span.file}:{d.span.line}:{d.span.column}" if d.span.line > 0 else d.span.file
    # One line, whatever the path holds: a line break in a file name would forge a `file:line:col` line.
    out = [terminal_safe(f"{where}: {d.code} {d.message}").replace("\n", "\\n")]
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
    from peacecheck.dsl.diagnostics import Diagnostic, PeaceError, Span

    raise PeaceError([Diagnostic(code, message, Span(where, 0, 0))])


# Sources that are no file on disk, by the name diagnostics give them: "<stdin>" (or --stdin-filename),
# "--set" and "--choose" (one line per argument). report_errors shows their lines under a caret.
IN_MEMORY: dict[str, list[str]] = {}

COLOR_CHOICES = ("auto", "always", "never")


def colour_choice() -> str:
    """The run's --color (auto|always|never), found on the current command's context; auto without one."""
    ctx = click.get_current_context(silent=True)
    while ctx is not None:
        if ctx.params.get("color") in COLOR_CHOICES:
            return ctx.params["color"]
        ctx = ctx.parent
    return "auto"


def use_colour(output: str | None, choice: str | None = None) -> bool:
    """Colour for a report on standard output (never in a file).

    Precedence, most specific first: --color always|never; then NO_COLOR (no-color.org) and
    FORCE_COLOR (force-color.org), each counting when set and not empty, NO_COLOR winning when both
    are (as CPython and CMake do); then auto: colour when standard output is a terminal.
    """
    if output and output != "-":
        return False
    choice = choice or colour_choice()
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty()


def colour_option(f):
    return click.option("--color", "color", type=click.Choice(COLOR_CHOICES), default="auto", show_default=True,
                        help="Colour the text report: auto (on a terminal, unless NO_COLOR; FORCE_COLOR forces it), "
                             "always, never.")(f)


def last_line(text: str) -> str:
    """`--quiet` for commands whose text report ends in its result line: only that line."""
    lines = [line for line in text.splitlines() if line.strip()]
    return (lines[-1] + "\n") if lines else ""


def judging_options(drafts: str, found_above: str):
    """--redlines, --party and --today, the same in every command that judges drafts against red lines.

    `drafts` says which drafts they apply to ("both drafts"), `found_above` where the default red
    lines are found ("NEW")."""
    def decorate(f):
        f = click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD",
                         help=f"The date acknowledgements expire against, in {drafts} (default: today).")(f)
        f = click.option("--party", "parties", multiple=True, metavar="ID",
                         help="Only this party (repeatable), at the table or not.")(f)
        return click.option("--redlines", multiple=True, metavar="PATH",
                            help=f"A red-line file or folder (repeatable), used for {drafts}. Default: the config's "
                                 f"`redlines`, else the redlines/ folder above {found_above}.")(f)
    return decorate


def quiet_option(f):
    return click.option("-q", "--quiet", is_flag=True,
                        help="Print only the result line (and errors); reports written with -o are unchanged.")(f)


def write_output(text: str | bytes, output: str | None, inputs: list[str], fmt: str = "text") -> None:
    """Print, or write `output` atomically; never overwrite a file this run read, nor any peacecheck source file.

    Every report passes the one escaper of its format first (no terminal control, no CI command)."""
    from peacecheck.checker.reports.escape import safe_report

    if isinstance(text, bytes) and (not output or output == "-"):  # a binary report (docx)
        return _binary_stdout(text)
    colour = bool((not output or output == "-") and use_colour(None))
    if not isinstance(text, bytes):  # a binary report's renderer escaped its own XML
        text = safe_report(text, fmt, colour=colour)
    if not output or output == "-":
        click.echo(text, nl=False, color=colour or None)  # forced colour survives a pipe; click strips it otherwise
        return
    from peacecheck.checker.files import write_atomic

    target = Path(output)
    inputs = [*inputs, *_config_inputs()]
    if target.exists() and any(_same_file(target, Path(i)) for i in inputs):
        fail("PC119", f"refusing to write '{output}': it is an input of this run", output)
    real = target.resolve() if target.exists() else target  # a symlink is judged by what it points at
    if target.exists() and (target.suffix in INPUT_SUFFIXES or real.suffix in INPUT_SUFFIXES):
        fail("PC119", f"refusing to write '{output}': it is a peacecheck input file ({real.suffix or target.suffix})",
             output)
    if target.exists() and real.name in CONFIG_NAMES:
        fail("PC119", f"refusing to write '{output}': it is a configuration file ({real.name})", output)
    try:
        write_atomic(target, text if isinstance(text, bytes) else text.encode("utf-8"))
    except OSError as exc:
        fail("PC120", f"cannot write '{output}': {exc.strerror or exc}", output)


def _binary_stdout(data: bytes) -> None:
    """A Word file on standard output: only into a pipe or file, never onto a terminal."""
    if sys.stdout.isatty():
        fail("PC607", "a docx report is binary: write it to a file with -o FILE.docx", "-o")
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def _config_inputs() -> list[str]:
    """The config file this run read (found from the working folder or named by --config): an input too."""
    from peacecheck.checker.config import find_config

    ctx = click.get_current_context(silent=True)
    explicit = None
    while ctx is not None:
        explicit = explicit or ctx.params.get("config_path")
        ctx = ctx.parent
    found = Path(explicit) if explicit else find_config(Path.cwd())
    return [str(found)] if found else []


# Report files never have these names; an existing one is some run's input.
INPUT_SUFFIXES = (".peace", ".redlines", ".vocab")
# Never a report's name, whether or not this run read it (a pyproject.toml may hold no [tool.peacecheck]).
CONFIG_NAMES = ("peacecheck.toml", "pyproject.toml")


def _same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file: through `..`, symlinks or hard links."""
    try:
        return a.resolve() == b.resolve() or a.samefile(b)
    except (OSError, RuntimeError):
        return False


def run_guarded(action) -> None:
    """Run a command body; turn input errors into exit code 2 with diagnostics, never a traceback."""
    code = guarded(action)
    sys.exit(code or EXIT_OK)


def guarded(action) -> int:
    """run_guarded without the exit: the body's exit code (2 after printing an input error's diagnostics).

    --watch runs the body once per change through this, so an input error leaves the watch running."""
    from peacecheck.dsl.diagnostics import Diagnostic, PeaceError, Span

    try:
        return action() or EXIT_OK
    except PeaceError as exc:
        report_errors(exc)
        return EXIT_INPUT
    except BrokenPipeError:  # `peacecheck ... | head`: the reader left; click would make this exit 1
        quiet_stdout()
        sys.exit(EXIT_BROKEN_PIPE)
    except OSError as exc:  # the file system failed under us (a vanished file, permissions): still an input error
        where = str(exc.filename) if exc.filename else "peacecheck"
        report_errors(PeaceError([Diagnostic("PC501", f"{exc.strerror or exc}", Span(where, 0, 0))]))
        return EXIT_INPUT
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)


def load_check_inputs(proposal: str, redlines: tuple[str, ...], parties: tuple[str, ...],
                      max_bytes: int | None = None):
    """Proposal path + options -> validated inputs, through the library's one loading path."""
    from peacecheck.checker.project import _load_inputs

    return _load_inputs(proposal, redlines, parties, max_bytes)


def quiet_stdout() -> None:
    """Point stdout at the null device, so the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def output_for(output: str | None, fmt: str | None, kind: str) -> tuple[str, str | None]:
    """A command's (format, file) from --format and `-o [FORMAT:]FILE`, by the rule every command shares:
    FORMAT: first, else --format, else the file's extension (config.SUFFIX_FORMAT), else text. `-o json`
    (a format name, not a file) and an extension the command cannot write (`solve -o x.md`) are PC603."""
    from peacecheck.checker.config import SUFFIX_FORMAT, parse_output
    from peacecheck.checker.reports.formats import FORMATS
    from peacecheck.dsl.diagnostics import Diagnostic, PeaceError, Span

    def refuse(message: str) -> PeaceError:
        return PeaceError([Diagnostic("PC603", message, Span("-o", 0, 0))])

    if output == "":
        raise refuse("-o names no file (use -o - for standard output)")
    if output is None or output == "-":
        return fmt or "text", None
    formats = set(FORMATS[kind])
    try:
        spec = parse_output(output, formats, "text")
    except ValueError as exc:
        raise refuse(str(exc)) from None
    prefixed = spec.path != output
    implied = SUFFIX_FORMAT.get(Path(spec.path).suffix.lower())
    if not prefixed and not fmt and implied is not None and implied not in formats:
        raise refuse(f"{kind} cannot write {implied} ('{output}'); its formats: {', '.join(sorted(formats))} "
                     f"(name one with --format or FORMAT:FILE)")
    chosen = spec.format if prefixed else (fmt or spec.format)
    return chosen, (None if spec.path == "-" else spec.path)
