"""`peacecheck init`: start a project from a scaffold that passes its own checks."""
from __future__ import annotations

from pathlib import Path

import click

from peacecheck.checker.cli.shell import (
    EXIT_OK,
    run_guarded,
)
from peacecheck.dsl.diagnostics import Diagnostic, PeaceError, Span


@click.command("init")
@click.argument("directory", default=".", type=click.Path(file_okay=False))
def init(directory: str) -> None:
    """Start a project in DIRECTORY (default: here): a vocabulary, a proposal, two parties' red lines,
    red-line tests and a peacecheck.toml. Refuses to overwrite any existing file (exit 2).
    """
    def body() -> int:
        root = Path(directory)
        problems = existing_targets(root, directory) + folders_outside(root, directory)
        if problems:
            raise PeaceError(problems)
        from peacecheck.checker.files import write_new

        for name, text in SCAFFOLD.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            if escaped := folders_outside(root, directory):  # a folder swapped for a symlink meanwhile
                raise PeaceError(escaped)
            write_new(root / name, text.encode("utf-8"))  # never through a symlink, never over a file
            click.echo(f"created {root / name}")
        where = "" if directory == "." else f"cd {directory} && "
        click.echo(f"next: {where}peacecheck test && peacecheck proposals/draft.peace")
        return EXIT_OK

    run_guarded(body)


def existing_targets(root: Path, directory: str) -> list[Diagnostic]:
    """PC630 for anything init would overwrite, a symlink included (even a dangling one: writing
    through it would create a file wherever it points)."""
    import os

    existing = [root / name for name in SCAFFOLD if os.path.lexists(root / name)]
    if not existing:
        return []
    shown = ", ".join(str(path) + (" (a symlink)" if path.is_symlink() else "") for path in existing)
    return [Diagnostic("PC630", f"refusing to overwrite existing files: {shown}", Span(directory, 0, 0),
                       "run init in an empty folder")]


def folders_outside(root: Path, directory: str) -> list[Diagnostic]:
    """PC630 for each folder init writes into that a symlink leads outside DIRECTORY."""
    import os

    inside = root.resolve()
    return [Diagnostic("PC630", f"refusing to write into '{folder}': it leads outside '{directory}'",
                       Span(str(folder), 0, 0), "run init in a folder whose sub-folders are its own")
            for folder in sorted({(root / name).parent for name in SCAFFOLD})
            if os.path.lexists(folder) and not folder.resolve().is_relative_to(inside)]


# The files `peacecheck init` writes: every one is in canonical layout (`peacecheck fmt --check` passes),
# `peacecheck test` passes with full coverage, and `peacecheck proposals/draft.peace` exits 0.
SCAFFOLD: dict[str, str] = {
    "peacecheck.toml": """\
# peacecheck settings (see `peacecheck --help`); paths are relative to this file.
redlines = ["redlines"]
fail-on = "reject"
tests = ["redlines/tests"]
proposals = ["proposals"]
coverage-threshold = 100
""",
    "vocab/example.vocab": """\
# The terms a proposal can state and a red line can test, with their types.
vocabulary "Example negotiation"

type control = scale(north < shared < south) "Who runs a place, from the north's side to the south's"

term border.crossing : control "Who runs the river crossing"
term army.north_ceiling : number unit personnel "A ceiling on the northern army"
term trade.tariffs : enum(none, reduced, full) "Tariffs between the two sides"
term guarantee.guarantors : set(un, neighbours) "Who guarantees the settlement"
""",
    "proposals/draft.peace": """\
# A first draft. Check it with `peacecheck proposals/draft.peace`.
proposal "Draft settlement"
vocabulary "../vocab/example.vocab"
date 2026-01-15
parties north, south

clause 1 "The river crossing" {
  text \"\"\"
    The river crossing is run jointly by both sides.
  \"\"\"
  border.crossing = shared
}

clause 2 "A ceiling on the northern army" {
  text "The northern army is kept at or below 50,000."
  army.north_ceiling = 50_000
}

clause 3 "Guarantees" {
  text "The United Nations guarantees the settlement."
  guarantee.guarantors = [un]
}
""",
    "redlines/north.redlines": """\
# The north's red lines: `rule ... when` says what it rejects, `require ... that` what it needs.
party north "North"
vocabulary "../vocab/example.vocab"

source opening {
  title "The north's statement at the opening of the talks"
  date "2026-01-10"
}

rule N-1 "The crossing must not go to the south" {
  severity hard
  when border.crossing == south
  because "The crossing is the north's only road to the sea."
  cite opening
}

rule N-2 "No tight ceiling on the army" {
  severity soft
  when army.north_ceiling < 40_000
  because "Below 40,000 the north cannot hold its border."
  cite opening
}
""",
    "redlines/south.redlines": """\
party south "South"
vocabulary "../vocab/example.vocab"

source opening {
  title "The south's statement at the opening of the talks"
  date "2026-01-10"
}

rule S-1 "The crossing must not stay with the north" {
  severity hard
  when border.crossing == north
  cite opening
}

require S-2 "A UN guarantee" {
  severity soft
  that guarantee.guarantors has un
  because "Only the UN is trusted by both sides."
  cite opening
}
""",
    "redlines/tests/north.toml": """\
# Red-line tests for the north, run by `peacecheck test`.
party = "north"

[[case]]
name = "handing the crossing to the south is rejected"
terms = { "border.crossing" = "south" }
expect = "reject"
fires = ["N-1"]

[[case]]
name = "a shared crossing is accepted"
terms = { "border.crossing" = "shared" }
expect = "accept"
not_fires = ["N-1"]

[[case]]
name = "a ceiling of 30,000 is a concern, 50,000 is not"
proposal = \"\"\"
clause 1 "Tight" {
  army.north_ceiling = 30_000
}
\"\"\"
expect = "concern"
fires = ["N-2"]
""",
    "redlines/tests/south.toml": """\
party = "south"

[[case]]
name = "a northern crossing is rejected"
terms = { "border.crossing" = "north" }
expect = "reject"
fires = ["S-1"]

[[case]]
name = "a proposal without a UN guarantee misses S-2"
terms = { "border.crossing" = "shared" }
expect = "concern"
fires = ["S-2"]

[[case]]
name = "a UN guarantee satisfies S-2"
terms = { "guarantee.guarantors" = ["un", "neighbours"] }
expect = "accept"
not_fires = ["S-2"]
""",
}
