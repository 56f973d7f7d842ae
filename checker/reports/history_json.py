"""A History as JSON: the data every other history format shows (`schema_version` 1; fields may be added)."""
from __future__ import annotations

from dataclasses import asdict
from typing import Any

from peacecheck.checker.history import HISTORY_SCHEMA_VERSION, History
from peacecheck.checker.reports.check_json import dumps


def render(result: History) -> str:
    return dumps(as_data(result))


def as_data(result: History) -> dict[str, Any]:
    """Plain data, shared by the JSON form and the HTML page's counts."""
    return {
        "schema_version": HISTORY_SCHEMA_VERSION,
        "drafts": [asdict(d) for d in result.drafts],
        "acknowledgements_judged_on": result.today.isoformat() if result.today and result.dated_acknowledgements
        else None,
        "set_aside": [{"party": s.party, "file": s.file, "reason": s.reason} for s in result.set_aside],
        "parties": [{"id": p.id, "name": p.name, "file": p.file, "rules": p.rule_count, "digest": p.digest}
                    for p in result.parties],
        "tallies": {party: [{**asdict(t), "hard": t.hard, "soft": t.soft} for t in tallies]
                    for party, tallies in result.tallies.items()},
        "rows": [{"key": r.key, "title": r.title, "first": r.first,
                  "cells": [None if c is None else {"clauses": list(c.clauses), "verdicts": c.verdicts} for c in r.cells]}
                 for r in result.rows],
        "steps": [{"draft": s.draft, "base": s.base, "movements": [asdict(mv) for mv in s.movements]}
                  for s in result.steps],
    }
