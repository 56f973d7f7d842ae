"""Who is at the table: which loaded red lines a check applies, which it sets aside, who has none.

A proposal's `parties` line names the parties at the table. Red lines of a party not named there
are set aside (loaded, shown as set aside, not applied); a party named there with no red-line file
in this run is still a column ("no red lines"). A proposal without `parties` applies every red-line
file, and parties named with `--party` (or the config's `parties`) are applied whether or not they
are at the table: the user chose them. Pure: models in, a Seating out.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from peacecheck.checker.evaluation.results import SetAside


@dataclass(frozen=True)
class Seating:
    applied: tuple[Any, ...]  # the red lines (m.RedLines) the check applies
    set_aside: tuple[SetAside, ...] = ()
    at_table: tuple[str, ...] = ()  # parties at the table with no red lines applied here


def seat(redlines: list[Any], listed: tuple[str, ...], chosen: tuple[str, ...] = ()) -> Seating:
    """The seating of one check: `listed` is the proposal's `parties`, `chosen` the parties named by the user.

    `chosen` must already be known parties (the loader reports PC121 otherwise).
    """
    if chosen:
        return Seating(tuple(r for r in redlines if r.party in chosen))
    if not listed:
        return Seating(tuple(redlines))
    table = set(listed)
    applied = tuple(r for r in redlines if r.party in table)
    set_aside = tuple(SetAside(r.party, r.file) for r in redlines if r.party not in table)
    have = {r.party for r in applied}
    return Seating(applied, set_aside, tuple(dict.fromkeys(p for p in listed if p not in have)))
