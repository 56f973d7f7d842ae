"""Red-line analysis (`peacecheck lint`): codes and positions on fixtures, and the value model behind them."""
from __future__ import annotations

import datetime as dt

from conftest import REPO

from peacecheck.checker.files import DiskLoader
from peacecheck.checker.negotiation.lint import _days, _points, lint, representatives, unused_terms
from peacecheck.dsl import models as m
from peacecheck.dsl.api import load_proposal, load_redlines

LINT = "tests/fixtures/solve/lint"


def load(*files: str, proposals: tuple[str, ...] = ()):
    loader = DiskLoader(REPO)
    vocabulary, redlines = None, []
    for f in files:
        model, own = load_redlines(f, loader, vocabulary)
        vocabulary = vocabulary or own
        redlines.append(model)
    return vocabulary, redlines, [load_proposal(p, loader)[0] for p in proposals]


def positions(warnings) -> list[tuple[str, int, int, str]]:
    return [(w.span.file, w.span.line, w.span.column, w.code) for w in warnings]


def test_lint_fixture_codes_and_positions(in_repo):
    warnings = lint(*load(f"{LINT}/redlines/east.redlines", f"{LINT}/redlines/west.redlines",
                          proposals=(f"{LINT}/uses.peace",)))
    west, east, vocab = f"{LINT}/redlines/west.redlines", f"{LINT}/redlines/east.redlines", f"{LINT}/lint.vocab"
    assert positions(warnings) == [
        (vocab, 16, 6, "PC704"),  # spare.flag
        (vocab, 17, 6, "PC704"),  # spare.count
        (east, 14, 6, "PC703"),   # E2 (soft) fires whenever E1 (hard) is met
        (west, 8, 6, "PC700"),    # W1: nothing is above the top of the scale
        (west, 14, 9, "PC700"),   # W2: a requirement every proposal meets
        (west, 20, 6, "PC701"),   # W3: absent or present, always true
        (west, 26, 9, "PC701"),   # W4: a requirement no proposal can meet
        (west, 32, 9, "PC702"),   # W5 and W6 contradict each other
        (west, 44, 6, "PC700"),   # W7: interval reasoning over numbers
        (west, 50, 6, "PC700"),   # W8: a date compared needs a date present
        (west, 62, 6, "PC700"),   # W10: text
    ]
    by_code = {w.code: w for w in warnings}
    assert [r.rule for r in by_code["PC702"].rules] == ["W5", "W6"]
    assert [r.rule for r in by_code["PC703"].rules] == ["E2", "E1"]
    assert "spare.flag" in warnings[0].message


def test_two_bindings_can_satisfy_what_one_cannot(in_repo):
    """W9 `army.cap > 100 and army.cap < 50` can fire: two clauses may state two caps (the checker is existential)."""
    warnings = lint(*load(f"{LINT}/redlines/west.redlines"))
    assert not any(r.rule == "W9" for w in warnings for r in w.rules)


def test_clean_red_lines_give_no_warning(in_repo):
    assert lint(*load(f"{LINT}/clean/clean.redlines")) == []


def test_unused_terms_count_what_proposals_state(in_repo):
    vocabulary, redlines, proposals = load(f"{LINT}/redlines/east.redlines", proposals=(f"{LINT}/uses.peace",))
    unused = {w.message.split("'")[1] for w in unused_terms(vocabulary, redlines, proposals)}
    assert "border.hills" not in unused and "trade.tariffs" not in unused  # stated by uses.peace
    assert {"spare.flag", "spare.count", "army.cap", "note.text"} <= unused


def test_number_and_date_representatives_cover_every_region():
    assert _points([]) == [0.0]
    assert _points([50.0, 100.0]) == [49.0, 50.0, 75.0, 100.0, 101.0]
    day = dt.date(2020, 1, 1)
    assert _days([m.Value(kind="date", raw=day), m.Value(kind="date", raw=day + dt.timedelta(days=1))]) == [
        day - dt.timedelta(days=1), day, day + dt.timedelta(days=1), day + dt.timedelta(days=2)]


def test_set_representatives_are_every_subset():
    term = m.TermDef(path="t", type=m.TermType(kind="set", values=("a", "b", "c")))
    assert len(representatives(term, [])) == 8

