"""Conflicts: minimal sets of red lines that together rule agreement out."""
from __future__ import annotations

from collections.abc import Callable

from .cpsat import CompiledRule, Problem, Solvable
from .model import MUS_SOLVE_BUDGET, ClauseRef, Conflict


# ------------------------------------------------------------------ conflicts: minimal unsatisfiable sets
def shrink(problem: Solvable, core: list[CompiledRule], extra: tuple[Callable, ...] = ()) -> list[CompiledRule]:
    """Deletion: drop each red line in turn; keep it only if the rest can then be met."""
    mus = sorted(core, key=lambda r: r.ref.key)
    i = 0
    while i < len(mus):
        trial = mus[:i] + mus[i + 1:]
        feasible, smaller = problem.feasible_with(trial, extra)
        if feasible:
            i += 1
        else:  # every red line already found necessary is in any failing subset, so i stays valid
            keep = {id(r) for r in smaller}
            mus = [r for r in trial if id(r) in keep]
    return mus


def conflict_sets(problem: Solvable, rules: list[CompiledRule], limit: int,
                  budget: int = MUS_SOLVE_BUDGET, into: list[list[CompiledRule]] | None = None
                  ) -> list[list[CompiledRule]]:
    """Several distinct minimal conflict sets among guarded red lines.

    A breadth-first hitting-set tree (Reiter): after finding a set, each of its red lines is
    removed in turn and the rest searched again, so every set found differs from the others.
    """
    hard = sorted(rules, key=lambda r: r.ref.key)
    found: list[list[CompiledRule]] = [] if into is None else into  # each set joins once it is proven minimal
    feasible_removals: list[frozenset[int]] = []
    queue: list[frozenset[int]] = [frozenset()]
    seen: set[frozenset[int]] = set()
    spent = 0
    while queue and len(found) < limit and spent < budget:
        removed = queue.pop(0)
        if removed in seen or any(f <= removed for f in feasible_removals):
            continue
        seen.add(removed)
        mus = next((s for s in found if not {id(r) for r in s} & removed), None)
        if mus is None:
            active = [r for r in hard if id(r) not in removed]
            feasible, core = problem.feasible_with(active)
            spent += 1
            if feasible:
                feasible_removals.append(removed)
                continue
            mus = shrink(problem, core)
            spent += len(core)
            found.append(mus)
        queue.extend(removed | {id(r)} for r in mus)
    return found


def describe_conflict(problem: Problem, rules: list[CompiledRule]) -> Conflict:
    refs = tuple(sorted((r.ref for r in rules), key=lambda r: r.key))
    read = set().union(*(r.reads for r in rules))
    clauses = tuple(ClauseRef(c.id, c.title) for c in problem.proposal.clauses if c.id in read)
    contested = tuple(c for c in clauses if sum(c.id in r.reads for r in rules) > 1) if len(rules) > 1 else clauses
    return Conflict(refs, clauses, contested)
