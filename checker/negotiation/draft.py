"""The draft: the smallest change to a draft that makes it acceptable."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from peacecheck.dsl import models as m

from .cpsat import CompiledRule, Problem
from .model import WEIGHT_SCALE, DraftFix, DraftPick, Lit, OutOfTime, RuleRef, Switch
from .packages import Verifier


# ------------------------------------------------------------------ the draft: smallest change
def read_draft(proposal: m.Proposal, draft: m.Proposal | None) -> tuple[DraftPick, ...]:
    """Which option of each clause the draft takes: its own choice, or the option its terms match best."""
    if draft is None:
        return tuple(DraftPick(c.id, c.options[0].id, "default") for c in proposal.clauses if c.options)
    from peacecheck.checker.evaluation.evaluate import bindings_of

    stated: dict[str, set[str]] = {}
    for b in bindings_of(draft):
        stated.setdefault(b.path, set()).add(b.value.show())
    return tuple(_pick(clause, draft.clause(clause.id), stated) for clause in proposal.clauses if clause.options)


def _pick(clause: m.Clause, own: m.Clause | None, stated: dict[str, set[str]]) -> DraftPick:
    ids = [o.id for o in clause.options]
    if own is not None and own.options and own.options[0].id in ids:
        return DraftPick(clause.id, own.options[0].id, "same option")
    paths = sorted({a.path for o in clause.options for a in o.terms})

    def agreement(option: m.Option) -> int:
        mine = {a.path: a.value.show() for a in option.terms}
        return sum(1 for p in paths if (mine[p] in stated.get(p, ()) if p in mine else p not in stated))

    scores = [agreement(o) for o in clause.options]
    best = scores.index(max(scores))
    return DraftPick(clause.id, ids[best], f"matched {scores[best]} of {len(paths)} terms")


def fix_draft(problem: Problem, verifier: Verifier, reading: tuple[DraftPick, ...], file: str,
              top: int, draft: m.Proposal | None = None) -> DraftFix:
    """The draft's own verdicts (every clause of the draft, as `check` gives them), then the fewest switches.

    The switches are found on the options file's reading of the draft; a clause of the draft that no
    option covers keeps its own verdict, so a draft rejected outside the options is never called
    acceptable as it stands.
    """
    base = verifier.base
    as_drafted = verifier.package(base, 0) if draft is None else verifier.drafted(draft, base)
    fix = DraftFix(file, reading, as_drafted)
    if fix.acceptable_as_is:
        return fix
    worst, total = problem.objectives()
    objectives = [(problem.changes(base), len(problem.clauses)), worst, total]
    unproven = len(problem.unproven)
    try:
        solver = problem.lexmin([problem.all_hard()], objectives)
        if solver is None:
            relax, alternatives, solver = _relaxation(problem, base, top)
            fix.relax, fix.alternatives = relax, alternatives
    except OutOfTime:
        fix.complete = False
        return fix
    fix.complete = len(problem.unproven) == unproven  # out of time with a change in hand: not proven smallest
    choice = problem.package_of(solver)
    fix.switches = _switches(problem, base, choice)
    fix.result = verifier.package(choice, 0, None if fix.relax else solver)  # relaxed lines: the checker says
    return fix


def _relaxation(problem: Problem, base: dict[str, str], top: int) -> tuple[tuple[RuleRef, ...], tuple, Any]:
    """Fewest red lines to relax (then the lightest, then the fewest switches, then by id), and the switches."""
    hard = sorted(problem.hard, key=lambda r: r.ref.key)
    relaxed = {r.ref.key: ~r.guard for r in hard}
    count = sum(relaxed.values())
    weight = sum(max(0, round(r.ref.weight * WEIGHT_SCALE)) * relaxed[r.ref.key] for r in hard)
    order = sum(i * relaxed[r.ref.key] for i, r in enumerate(hard))
    bound = sum(max(0, round(r.ref.weight * WEIGHT_SCALE)) for r in hard)
    objectives = [count, (weight, bound), (problem.changes(base), len(problem.clauses)),
                  (order, len(hard) * len(hard)), *problem.objectives()]
    solver = problem.lexmin([], objectives)
    chosen = tuple(r.ref for r in hard if solver.boolean_value(relaxed[r.ref.key]))
    alternatives = _other_relaxations(problem, hard, relaxed, len(chosen), [chosen], top)
    return chosen, alternatives, solver


def _other_relaxations(problem: Problem, hard: list[CompiledRule], relaxed: dict[tuple[str, str], Lit], size: int,
                       known: list[tuple[RuleRef, ...]], top: int) -> tuple[tuple[RuleRef, ...], ...]:
    """Other sets of `size` red lines whose relaxation also lets a package through, by id order."""
    cuts: list[Callable] = [lambda md: md.add(sum(relaxed.values()) <= size)]
    found = []
    while len(found) < top - 1:
        for refs in known:
            lits = [relaxed[r.key] for r in refs]
            cuts.append(lambda md, lits=lits: md.add(sum(lits) <= len(lits) - 1))
        solver = problem.lexmin(cuts, [sum(i * relaxed[r.ref.key] for i, r in enumerate(hard))])
        if solver is None:
            break
        refs = tuple(r.ref for r in hard if solver.boolean_value(relaxed[r.ref.key]))
        found.append(refs)
        known = [refs]
    return tuple(found)


def _switches(problem: Problem, base: dict[str, str], choice: dict[str, str]) -> tuple[Switch, ...]:
    out = []
    for clause in problem.clauses:
        if choice[clause.id] != base[clause.id]:
            old = next(o for o in clause.options if o.id == base[clause.id])
            new = next(o for o in clause.options if o.id == choice[clause.id])
            out.append(Switch(clause.id, clause.title, old.id, old.title, new.id, new.title))
    return tuple(out)


