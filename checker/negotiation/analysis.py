"""The whole analysis: `solve(proposal, vocabulary, redlines)` -> SolveResult."""
from __future__ import annotations

import datetime as dt
import time

from peacecheck.checker.evaluation.results import PartyInfo
from peacecheck.dsl import models as m

from .conflicts import conflict_sets, describe_conflict
from .cpsat import Problem
from .draft import fix_draft, read_draft
from .model import DEFAULT_TOP, WEIGHT_SCALE, ClauseRef, OutOfTime, SolveResult, Stopped
from .packages import Verifier, best_packages, count_acceptable


# ------------------------------------------------------------------ the whole analysis
def solve(proposal: m.Proposal, vocabulary: m.Vocabulary, redlines: list[m.RedLines],
          parties: list[PartyInfo] | None = None, top: int = DEFAULT_TOP, draft: m.Proposal | None = None,
          draft_file: str = "", today: dt.date | None = None, time_limit: float | None = None) -> SolveResult:
    """Find the best packages every party can accept; if there are none, the red lines that conflict.

    `draft` is the draft to repair (default: the proposal's first options); `today` is the date
    acknowledgements expire against, as in `check` (None: they never expire). `time_limit` (seconds,
    None: none) bounds the solver's time; when it runs out, the result keeps what was found and says
    in `stopped` which phase was cut short and what stands proved.
    """
    from peacecheck.checker.evaluation.evaluate import party_info

    problem = Problem(proposal, vocabulary, redlines, today)
    if time_limit is not None:
        problem.deadline = time.monotonic() + time_limit
    reading = read_draft(proposal, draft)
    verifier = Verifier(problem, {p.clause: p.option for p in reading})
    result = SolveResult(proposal, parties or [party_info(r) for r in problem.redlines],
                         tuple(ClauseRef(c.id, c.title) for c in problem.clauses), problem.space(),
                         len(problem.hard), len(problem.soft), waived=tuple(sorted(problem.waived, key=lambda r: r.key)),
                         time_limit=time_limit, today=today)
    phase = "packages"
    unproven: list[float] = problem.unproven  # the packages' own solves (later phases append to a new list)
    try:
        try:
            best_packages(problem, verifier, top, into=result.packages)
        finally:
            problem.unproven = []
        if result.packages:
            phase = "count"
            counted, capped = count_acceptable(problem)
            # Counting may stop before it sees a package that the search already found: never fewer than those.
            result.acceptable_count = max(counted, len(result.packages))
            result.count_capped = capped
        else:
            phase = "conflicts"
            sets: list = []
            try:
                conflict_sets(problem, problem.hard, top, into=sets)
            finally:  # the sets proven so far are reported even when time runs out
                result.conflicts = sorted((describe_conflict(problem, s) for s in sets),
                                          key=lambda c: (len(c.rules), [r.key for r in c.rules]))
    except OutOfTime:
        result.stopped = _stopped(problem, phase, time_limit, unproven)
        if result.packages:
            result.acceptable_count, result.count_capped = len(result.packages), True
    result.draft = fix_draft(problem, verifier, reading, draft_file or proposal.file, top, draft)
    if result.stopped is None and not result.draft.complete:
        result.stopped = _stopped(problem, "draft", time_limit, unproven)
    return result


def _stopped(problem: Problem, phase: str, limit: float | None, unproven: list[float]) -> Stopped:
    """What the cut-short run still proves: a floor under the best package's worst-off concern, if unproven.

    `unproven` holds the objective bounds of the package searches that ran out of time with a package.
    """
    floor = None
    if unproven:
        scale = (problem.concern_bound + 1) * (len(problem.clauses) + 1)  # see Problem.objectives and combine()
        floor = (int(unproven[0]) // scale) * problem.unit / WEIGHT_SCALE
    return Stopped(limit or 0.0, phase, not unproven, floor)  # type: ignore[arg-type]
