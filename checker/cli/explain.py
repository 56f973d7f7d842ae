"""`peacecheck explain`: what an error code means."""
from __future__ import annotations

import sys

import click

from peacecheck.checker.cli.shell import EXIT_INPUT


@click.command("explain")
@click.argument("code", required=False)
def explain(code: str | None) -> None:
    """Explain an error code (or list them all)."""
    from peacecheck.checker.codes import ALL_CODES as ERROR_CODES
    from peacecheck.dsl.diagnostics import did_you_mean

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


