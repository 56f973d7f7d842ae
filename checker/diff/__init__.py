"""Diffs between two drafts: which clause became which, what changed, and what it did to each party's objections.

Pure: two CheckResults in, a DiffResult out (see docs/diff.md). model -> redline -> align -> build.
"""
from peacecheck.checker.diff.model import DIFF_SCHEMA_VERSION, Method, Op, RuleChange, ID_MIN, ID_SAME, ID_BONUS, CONTENT_MIN, STRONG, ATTACH_MIN, ATTACH_WORDS_MIN, ATTACH_FAMILY_MIN, CANDIDATES, WEIGHTS, SIM_TERM, CONTAIN_TERM, VERDICT_RANK, Segment, TermValue, TermChange, RuleDelta, PartyVerdict, ClauseDiff, Mover, PartyDelta, DraftInfo, DiffResult, ids_label, _family  # noqa: F401
from peacecheck.checker.diff.redline import PARAGRAPH, tokenize, redline, side  # noqa: F401
from peacecheck.checker.diff.align import STOPWORDS, STEM, words, prose, term_values, Vector, Features, Profile, Profiler, Profiles, profiles, similarity, contained, containment, Match, Alignment, Edge, align, Index  # noqa: F401
from peacecheck.checker.diff.build import term_changes, show_values, rule_deltas, diff, diff_drafts, anchor  # noqa: F401
