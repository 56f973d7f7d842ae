"""Negotiation analysis: packages every party can accept, the red lines that rule agreement out, the smallest fix to a draft.

Pure: a proposal with options, its vocabulary and red lines in; a SolveResult out. OR-tools is imported lazily.
model -> cpsat (the shared compiler) -> packages / conflicts / draft -> analysis; lint uses the same compiler.
"""
from __future__ import annotations

from importlib import import_module
from typing import Any

# Name -> the module that defines it: imported on first use, so that importing one module of this
# package (say its model, for a constant) does not import all of it.
_HOME: dict[str, str] = {
    "WEIGHT_SCALE": "model",
    "DEFAULT_TOP": "model",
    "SEED": "model",
    "COUNT_CAP": "model",
    "COUNT_EFFORT": "model",
    "MUS_SOLVE_BUDGET": "model",
    "OPTIMISE_WORKERS": "model",
    "RECHECK_LIMIT": "model",
    "DEFAULT_TIME_LIMIT": "model",
    "Lit": "model",
    "OutOfTime": "model",
    "RuleRef": "model",
    "ClauseRef": "model",
    "Choice": "model",
    "PartyVerdict": "model",
    "Package": "model",
    "Conflict": "model",
    "DraftPick": "model",
    "Switch": "model",
    "DraftFix": "model",
    "Stopped": "model",
    "SolveResult": "model",
    "cp_model": "cpsat",
    "negate": "cpsat",
    "Logic": "cpsat",
    "Source": "cpsat",
    "pattern_covers": "cpsat",
    "ConditionCompiler": "cpsat",
    "CompiledRule": "cpsat",
    "Solvable": "cpsat",
    "Problem": "cpsat",
    "rule_ref": "cpsat",
    "with_choice": "packages",
    "Verifier": "packages",
    "best_packages": "packages",
    "count_acceptable": "packages",
    "shrink": "conflicts",
    "conflict_sets": "conflicts",
    "describe_conflict": "conflicts",
    "read_draft": "draft",
    "fix_draft": "draft",
    "solve": "analysis",
}
__all__ = sorted(_HOME)


def __getattr__(name: str) -> Any:
    if name in _HOME:
        value = getattr(import_module(f"{__name__}.{_HOME[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
