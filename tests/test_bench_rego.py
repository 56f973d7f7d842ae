"""bench/bench_rego.py's translations of the red lines agree with check() on the shipped drafts.

The Python translation (the benchmark's floor) needs nothing extra and is always held to check();
the Rego translation is held to it too when regopy (the `bench` extra) is installed. Both come from
one typing of the conditions, so a wrong typing fails here even without regopy.
"""
from __future__ import annotations

import os
import re

import pytest
from conftest import REPO, load_script


def _bench():
    return load_script(REPO / "bench" / "bench_rego.py", "bench_rego")


bench = _bench()


@pytest.fixture(scope="module")
def real():
    return bench.real_suite()


@pytest.fixture(scope="module")
def cover():
    return bench.coverage_suite()


def _readings(suite, count: int, seed: int = 3):
    return list(suite.drafts) + [(p.title, p) for p in bench.random_readings(suite, count, seed)]


def _shown(problems) -> str:
    return "\n".join(d.show() for d in problems[:10])


def test_every_draft_and_option_is_a_reading(real):
    drafts = sorted(p.name for p in (REPO / "proposals").glob("*.peace"))
    read = {name.split(" [")[0] for name, _ in real.drafts}
    assert read == set(drafts)
    options = [name for name, _ in real.drafts if " option " in name]
    assert options  # options.peace and the drafts with options give readings of their other options


def test_floor_agrees_with_check_on_the_drafts_and_random_readings(real):
    problems, fired = bench.agreement(real, _readings(real, 150), {"floor": bench.floor_function(real)[0]})
    assert not problems, _shown(problems)
    assert set(fired) == {k for k, _ in bench.translatable_rules(real)}
    assert all(n > 0 for n in fired.values()), [k for k, n in fired.items() if n == 0]  # no vacuous agreement


def test_drafts_cross_some_rules_and_not_others(real):
    crossed = [bench.peacecheck_fired(real, p) for _, p in real.drafts]
    every = {k for k, _ in bench.translatable_rules(real)}
    assert set().union(*crossed) and set().union(*crossed) != every
    assert len({frozenset(c) for c in crossed}) > 1


def test_floor_agrees_on_every_form_of_condition(cover):
    problems, fired = bench.agreement(cover, _readings(cover, 300, seed=5), {"floor": bench.floor_function(cover)[0]})
    assert not problems, _shown(problems)
    # each form both crosses and holds somewhere, so agreement says something about each
    assert all(0 < n < 300 for n in fired.values()), fired


def test_a_wrong_translation_is_caught(cover, monkeypatch):
    """A translation that forgets that a `require` is crossed when its condition is false disagrees."""
    monkeypatch.setattr(bench, "crossed_tree", lambda rule, vocabulary, wildcards="fit":
                        bench.typed(rule.condition, vocabulary, wildcards))
    problems, _ = bench.agreement(cover, _readings(cover, 40), {"floor": bench.floor_function(cover)[0]})
    wrong = {k for d in problems for k in d.only_peacecheck + d.only_engine}
    requires = {k for k, rule in bench.translatable_rules(cover) if rule.kind == "require"}
    assert wrong == requires


def test_rego_module_has_a_body_for_every_rule(real, cover):
    for suite in (real, cover):
        module = bench.rego_module(suite)
        assert module.startswith("package peace\n")
        keys = set(re.findall(r'^fired contains "([^"]+)" if \{$', module, re.MULTILINE))
        assert keys == {k for k, _ in bench.translatable_rules(suite)}


def test_rego_agrees_with_check(real, cover):
    # regopy is in the test extra; outside CI a missing one skips with a hint, in CI it fails.
    if os.environ.get("CI", "").lower() != "true":
        pytest.importorskip("regopy", reason="regopy is not installed (pip install -e '.[test]'); the floor tests ran")
    for suite, count in ((real, 100), (cover, 150)):
        engine = bench.RegoEngine(bench.rego_module(suite))
        problems, _ = bench.agreement(suite, _readings(suite, count, seed=9), {"rego": engine.fired})
        assert not problems, _shown(problems)
