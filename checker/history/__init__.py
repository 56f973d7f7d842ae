"""A negotiation over time: drafts ordered by their `revises` links, each checked against the same red
lines, clauses aligned across the chain (diff's alignment), and how each party's objections moved.

Pure: CheckResults in, a History out (see docs/history.md). order -> model -> build.
"""
from peacecheck.checker.history.build import history  # noqa: F401
from peacecheck.checker.history.model import (  # noqa: F401
    HISTORY_SCHEMA_VERSION,
    Cell,
    DraftEntry,
    History,
    Movement,
    Row,
    Step,
    Tally,
)
from peacecheck.checker.history.order import order_drafts  # noqa: F401
