"""The command group: `peacecheck COMMAND`, each command in its own module, imported only when invoked.

Nothing here checks anything; see shell.py for what every command shares.
"""
from __future__ import annotations

import sys
from importlib import import_module
from pathlib import Path

import click

from peacecheck.checker.cli.shell import EXIT_BROKEN_PIPE, EXIT_INTERNAL, quiet_stdout

# One line per command: "name": "module:click_command" (start-up time matters: imported on use).
COMMANDS: dict[str, str] = {
    "check": "peacecheck.checker.cli.check:check",
    "diff": "peacecheck.checker.cli.diff:diff",
    "explain": "peacecheck.checker.cli.explain:explain",
    "fmt": "peacecheck.checker.cli.fmt:fmt",
    "history": "peacecheck.checker.cli.history:history",
    "import": "peacecheck.checker.cli.import_draft:import_draft",
    "init": "peacecheck.checker.cli.init:init",
    "lint": "peacecheck.checker.cli.lint:lint",
    "lsp": "peacecheck.checker.cli.lsp:lsp",
    "solve": "peacecheck.checker.cli.solve:solve",
    "test": "peacecheck.checker.cli.test:test",
}


def load_command(name: str) -> click.Command:
    module, _, attr = COMMANDS[name].partition(":")
    return getattr(import_module(module), attr)


class PeacecheckGroup(click.Group):
    """`peacecheck FILE` means `peacecheck check FILE`; some subcommands load lazily."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(COMMANDS))

    def get_command(self, ctx: click.Context, name: str):
        if name in COMMANDS:
            return load_command(name)
        return super().get_command(ctx, name)

    def resolve_command(self, ctx: click.Context, args: list[str]):
        if args and self.get_command(ctx, args[0]) is None and not args[0].startswith("-"):
            if not ctx.resilient_parsing:  # shell completion: a half-typed word is no error
                _refuse_misspelt_command(args[0], self.list_commands(ctx))
            args = ["check", *args]
        return super().resolve_command(ctx, args)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.list_commands(ctx) and not args[0].startswith("-"):
            if not ctx.resilient_parsing:
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
@click.option("--no-cache", is_flag=True, expose_value=False,
              help="Do not read or write the cache of parsed red lines and vocabularies (also after the "
                   "command, or PEACECHECK_NO_CACHE=1).")
def main() -> None:
    """Check peace-framework drafts against each party's red lines.

    `peacecheck FILE` is short for `peacecheck check FILE`.
    """


def run() -> None:
    """Console-script entry point: usage errors exit 2, as click does, and nothing prints a traceback."""
    for stream in (sys.stdout, sys.stderr):  # a terminal that cannot show a character gets an escape, not a crash
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    args = _cache_option(sys.argv[1:])
    _collector_for(args)
    try:
        # Named, not taken from argv[0]: `python -m peacecheck.checker` completes and reports as peacecheck too;
        # completion: eval "$(_PEACECHECK_COMPLETE=bash_source peacecheck)" (zsh_source, fish_source).
        main(args=args, standalone_mode=True, prog_name="peacecheck", complete_var="_PEACECHECK_COMPLETE")
    except SystemExit:
        raise
    except BrokenPipeError:  # `peacecheck ... | head`: the reader left; stop quietly
        quiet_stdout()
        sys.exit(EXIT_BROKEN_PIPE)
    except RecursionError:
        click.echo("peacecheck: internal error: input nested too deeply (please report this)", err=True)
        sys.exit(EXIT_INTERNAL)
    except Exception as exc:  # a bug: say so plainly, keep the exit code distinct from verdicts
        click.echo(f"peacecheck: internal error: {type(exc).__name__}: {exc}", err=True)
        click.echo("please report this with the input that caused it", err=True)
        sys.exit(EXIT_INTERNAL)


def _cache_option(args: list[str]) -> list[str]:
    """`--no-cache` wherever it is given before `--` (so `peacecheck check FILE --no-cache` works too), taken out
    of the arguments; without it, the cache of parsed red lines and vocabularies is on for this run."""
    from peacecheck.checker import cache

    end = args.index("--") if "--" in args else len(args)
    if "--no-cache" in args[:end]:
        cache.disable()
        return [a for a in args[:end] if a != "--no-cache"] + args[end:]
    cache.enable()
    return args


def _collector_for(args: list[str]) -> None:
    """A one-shot command allocates many objects and frees few cycles: the collector's frequent young-generation
    passes cost much and find little (a 20,000-clause check: 0.72x the CPU time), so they are made rare. Long-running
    commands (the language server, --watch) keep the default."""
    import gc

    if "lsp" in args or "--watch" in args or "-w" in args:
        return
    gc.freeze()  # what start-up imported is never garbage
    gc.set_threshold(100_000, 50, 100)
