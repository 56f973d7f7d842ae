"""Negotiation analysis: packages every party can accept, the red lines that rule agreement out, the smallest fix to a draft.

Pure: a proposal with options, its vocabulary and red lines in; a SolveResult out. OR-tools is imported lazily.
model -> cpsat (the shared compiler) -> packages / conflicts / draft -> analysis; lint uses the same compiler.
"""
from peacecheck.checker.negotiation.model import WEIGHT_SCALE, DEFAULT_TOP, SEED, COUNT_CAP, COUNT_EFFORT, MUS_SOLVE_BUDGET, OPTIMISE_WORKERS, RECHECK_LIMIT, DEFAULT_TIME_LIMIT, Lit, OutOfTime, RuleRef, ClauseRef, Choice, PartyVerdict, Package, Conflict, DraftPick, Switch, DraftFix, Stopped, SolveResult  # noqa: F401
from peacecheck.checker.negotiation.cpsat import cp_model, negate, Logic, Source, pattern_covers, ConditionCompiler, CompiledRule, Solvable, Problem, rule_ref  # noqa: F401
from peacecheck.checker.negotiation.packages import with_choice, Verifier, best_packages, count_acceptable  # noqa: F401
from peacecheck.checker.negotiation.conflicts import shrink, conflict_sets, describe_conflict, conflict_words, clause_words  # noqa: F401
from peacecheck.checker.negotiation.draft import read_draft, fix_draft  # noqa: F401
from peacecheck.checker.negotiation.analysis import solve  # noqa: F401
