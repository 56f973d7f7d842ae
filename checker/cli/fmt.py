"""`peacecheck fmt`: rewrite files in the canonical layout (the work is dsl.format's)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from peacecheck.checker.cli.shell import (
    EXIT_INPUT,
    EXIT_OK,
    EXIT_REJECTED,
    report_errors,
    run_guarded,
)
from peacecheck.checker.files import read_input
from peacecheck.dsl.diagnostics import Diagnostic, PeaceError, Span

SOURCE_SUFFIXES = (".peace", ".redlines", ".vocab")


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

    data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1) if path == "-" else read_input(path)
    name = "<stdin>" if path == "-" else path
    formatted = format_text(decode(data, name), name)
    original = data.decode("utf-8")
    if formatted == original:
        if path == "-" and not (check_only or show_diff):
            click.echo(formatted, nl=False)
        return 0
    if show_diff:
        import difflib  # only with --diff: `peacecheck --help` imports this module

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


def _write(path: str, text: str) -> None:
    import stat

    from peacecheck.checker.files import write_atomic

    # A file nobody may write (0444) stays as it is, even for root, who could rename over it.
    if not Path(path).stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise PeaceError([Diagnostic("PC120", f"cannot write '{path}': the file is read-only; not reformatted",
                                     Span(path, 1, 1))])
    try:
        write_atomic(Path(path), text.encode("utf-8"))
    except OSError as exc:
        raise PeaceError([Diagnostic("PC120", f"cannot write '{path}': {exc.strerror or exc}", Span(path, 1, 1))]) from None


