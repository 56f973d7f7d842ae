"""`peacecheck lsp`: the language server for editors, on stdin/stdout (the work is checker.lsp's)."""
from __future__ import annotations

import sys

import click

from peacecheck.checker.cli.shell import EXIT_INPUT


@click.command()
def lsp() -> None:
    """Run the language server on standard input and output (what an editor starts).

    Needs the `editor` extra: pip install "peacecheck[editor]". It never writes a file; formatting
    and quick fixes are edits the editor applies.
    """
    try:
        import pygls  # noqa: F401  (imported here, not at start-up: only this command needs it)
    except ImportError:
        click.echo('peacecheck lsp needs pygls: pip install "peacecheck[editor]"', err=True)
        sys.exit(EXIT_INPUT)
    from peacecheck.checker.lsp import serve

    serve()
