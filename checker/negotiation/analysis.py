"""The whole analysis: `solve(proposal, vocabulary, redlines)` -> SolveResult."""
from __future__ import annotations

import datetime as dt

from peacecheck.checker.evaluation.results import PartyInfo
from peacecheck.dsl import models as m

from .conflicts import conflict_sets, describe_conflict
from .cpsat import Problem
from .draft import fix_draft, read_draft
from .model import DEFAULT_TOP, ClauseRef, SolveResult
from .packages import Verifier, best_packages, count_acceptable


# ------------------------------------------------------------------ the whole analysis
def solve(proposal: m.Proposal, vocabulary: m.Vocabulary, redlines: list[m.RedLines],
          parties: list[PartyInfo] | None = None, top: int = DEFAULT_TOP, draft: m.Proposal | None = None,
          draft_file: str = "", today: dt.date | None = None) -> SolveResult:
    """Find the best packages every party can accept; if there are none, the red lines that conflict.

    `draft` is the draft to repair (default: the proposal's first options); `today` is the date
    acknowledgements expire against, as in `check` (None: they never expire).
    """
    from peacecheck.checker.evaluation.evaluate import party_info

    problem = Problem(proposal, vocabulary, redlines, today)
    reading = read_draft(proposal, draft)
    verifier = Verifier(problem, {p.clause: p.option for p in reading})
    result = SolveResult(proposal, parties or [party_info(r) for r in problem.redlines],
                         tuple(ClauseRef(c.id, c.title) for c in problem.clauses), problem.space(),
                         len(problem.hard), len(problem.soft), waived=tuple(sorted(problem.waived, key=lambda r: r.key)))
    result.packages = best_packages(problem, verifier, top)
    if result.packages:
        counted, capped = count_acceptable(problem)
        # Counting may stop before it sees a package that the search already found: never fewer than those.
        result.acceptable_count = max(counted, len(result.packages))
        result.count_capped = capped
    else:
        result.conflicts = sorted((describe_conflict(problem, s) for s in conflict_sets(problem, problem.hard, top)),
                                  key=lambda c: (len(c.rules), [r.key for r in c.rules]))
    result.draft = fix_draft(problem, verifier, reading, draft_file or proposal.file, top, draft)
    return result
