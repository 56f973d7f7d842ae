"""diff() and the page pause the cyclic collector and hand what they made to its oldest generation
(see checker.diff.model.paused_collector): the collector is on again after, nothing of a library
user's is left frozen, and the next young-generation pass does not walk what was made inside."""
from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from test_diff import checked

from peacecheck.checker.diff import diff
from peacecheck.checker.diff.model import paused_collector
from peacecheck.checker.reports.diff_html import render


@pytest.fixture(autouse=True)
def default_collector() -> Iterator[None]:
    """The default thresholds and nothing frozen (a test of the CLI run in this process may have changed both)."""
    threshold = gc.get_threshold()
    gc.unfreeze()
    gc.set_threshold(700, 10, 10)
    gc.enable()
    yield
    gc.set_threshold(*threshold)


def test_what_was_made_inside_is_not_walked_by_the_next_young_pass():
    passes: list[str] = []

    def seen(phase: str, info: dict) -> None:
        passes.append(phase)

    gc.callbacks.append(seen)  # (before: leaving the block allocates, which would start a pass at once)
    try:
        with paused_collector():
            made = [[] for _ in range(5_000)]  # far past the young generation's threshold of 700
        more = [[] for _ in range(50)]
    finally:
        gc.callbacks.remove(seen)
    assert passes == [] and len(made) + len(more) == 5_050
    assert gc.isenabled() and gc.get_freeze_count() == 0  # nothing of a library user's left frozen


def test_diff_and_page_leave_the_collector_as_they_found_it():
    page = render(diff(checked("base"), checked("edited")))
    assert "<html" in page and gc.isenabled() and gc.get_freeze_count() == 0


def test_the_collector_stays_off_when_it_was_off():
    gc.disable()
    try:
        diff(checked("base"), checked("edited"))
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_where_objects_were_frozen_what_was_made_joins_them():
    gc.freeze()  # as the CLI does at start-up
    try:
        before = gc.get_freeze_count()
        with paused_collector():
            made = [[] for _ in range(100)]
        assert gc.get_freeze_count() >= before + len(made) and gc.isenabled()
    finally:
        gc.unfreeze()
