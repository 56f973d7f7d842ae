"""The negotiation solver: known answers on small fixtures, and agreement with brute force.

Brute force enumerates every package and asks the checker itself (checker.evaluate.check) which
red lines each one crosses; the solver must agree on feasibility, scores, the order of the best
packages, the number of acceptable packages, the conflict sets and the smallest change to a draft.
"""
from __future__ import annotations

import itertools
import random
from dataclasses import dataclass

import pytest
from conftest import REPO

from peacecheck.checker.evaluation.evaluate import Environment, Evaluator, bindings_of, check, rule_findings
from peacecheck.checker.files import DiskLoader, load_inputs
from peacecheck.checker.negotiation import (
    Problem,
    Verifier,
    conflict_sets,
    read_draft,
    solve,
    with_choice,
)
from peacecheck.dsl import models as m

SOLVE = REPO / "tests" / "fixtures" / "solve"


def load(name: str):
    inputs = load_inputs(SOLVE / name, [SOLVE / "redlines"], DiskLoader(REPO))
    return inputs.proposal, inputs.vocabulary, inputs.redlines


# ------------------------------------------------------------------ known answers
def test_feasible_fixture_best_package_and_ranking():
    result = solve(*load("feasible.peace"))
    assert result.feasible and result.package_space == 72 and result.acceptable_count == 6
    best = result.packages[0]
    assert {c.clause: c.option for c in best.choices} == {"1": "shared", "2": "shared", "3": "none", "4": "neutral",
                                                         "5": "no"}
    assert (best.worst, best.total) == (1.0, 1.0)
    assert [(v.party, v.verdict, [r.rule for r in v.concerns]) for v in best.verdicts] == [
        ("north", "accept", []), ("south", "concern", ["S3"])]
    # ranked by worst-off party, then total, then changes from the draft (the default options)
    assert [(p.worst, p.total, len(p.changes)) for p in result.packages] == [
        (1, 1, 4), (2, 2, 3), (2, 2, 4), (2, 3, 3), (2, 4, 2)]
    assert [p.option_of("4") for p in result.packages[:3]] == ["neutral", "open", "closed"]
    assert len({tuple(c.option for c in p.choices) for p in result.packages}) == 5  # all distinct


def test_feasible_fixture_smallest_change_from_the_draft():
    fix = solve(*load("feasible.peace")).draft
    assert not fix.acceptable_as_is and not fix.relax
    assert [(s.clause, s.from_option, s.to_option) for s in fix.switches] == [("1", "north", "shared"),
                                                                           ("2", "south", "shared")]
    assert fix.result.acceptable
    assert [(v.party, sorted(r.rule for r in v.rejections)) for v in fix.draft.verdicts] == [
        ("north", ["N1"]), ("south", ["S1", "S4"])]


def test_infeasible_fixture_exact_conflict_sets():
    result = solve(*load("infeasible.peace"))
    assert not result.feasible and result.packages == []
    assert [[r.rule for r in c.rules] for c in result.conflicts] == [["N3"], ["N1", "S1"], ["N5", "S4"]]
    assert [c.parties for c in result.conflicts] == [("north",), ("north", "south"), ("north", "south")]
    assert [[x.id for x in c.contested] for c in result.conflicts] == [["6"], ["1"], ["5"]]
    from peacecheck.checker.reports.wording import conflict_sentence  # the words live in the reports, not the result

    assert conflict_sentence(result.conflicts[1]) == ("North N1 'No southern border anywhere' vs South S1 'The river is not "
                                           "North's' on clause 1 (The river)")
    assert conflict_sentence(result.conflicts[0]) == ("North N3 'At least a weak guarantee' is crossed whatever the options, "
                                           "on clause 6 (Guarantee)")


def test_conflict_sets_are_irreducible_by_re_solving():
    problem = Problem(*load("infeasible.peace"))
    sets = conflict_sets(problem, problem.hard, 10)
    assert len(sets) == 3
    for found in sets:
        assert problem.feasible_with(found)[0] is False
        for dropped in found:
            assert problem.feasible_with([r for r in found if r is not dropped])[0] is True


def test_infeasible_fixture_relaxation_fewest_then_fewest_switches_then_by_id():
    fix = solve(*load("infeasible.peace")).draft
    assert [r.rule for r in fix.relax] == ["N3", "S1", "S4"]  # 3 is the minimum; this set needs no switch
    assert fix.switches == ()
    assert [[r.rule for r in alt] for alt in fix.alternatives] == [["N1", "N3", "N5"], ["N1", "N3", "S4"],
                                                                   ["N3", "N5", "S1"]]


def test_from_another_draft_reads_its_options_by_terms():
    proposal, vocabulary, redlines = load("feasible.peace")
    draft = proposal.model_copy(update={"clauses": tuple(
        c.model_copy(update={"options": (), "terms": c.options[1].terms}) if c.id in ("1", "4") else c
        for c in proposal.clauses)})
    reading = {p.clause: (p.option, p.how) for p in read_draft(proposal, draft)}
    assert reading["1"] == ("shared", "matched 1 of 1 terms")
    assert reading["4"] == ("neutral", "matched 1 of 1 terms")
    assert reading["2"] == ("south", "same option")
    fix = solve(proposal, vocabulary, redlines, draft=draft).draft
    assert [(s.clause, s.to_option) for s in fix.switches] == [("2", "shared")]


def test_acceptable_draft_needs_no_change():
    proposal, vocabulary, redlines = load("feasible.peace")
    best = solve(proposal, vocabulary, redlines).packages[0]
    chosen = with_choice(proposal, {c.clause: c.option for c in best.choices})
    fix = solve(chosen, vocabulary, redlines).draft
    assert fix.acceptable_as_is and fix.switches == () and fix.result is None


def test_solving_is_deterministic():
    a, b = solve(*load("feasible.peace")), solve(*load("feasible.peace"))
    assert a.packages == b.packages and a.draft.switches == b.draft.switches


def test_a_proposal_without_options_is_one_package():
    proposal, vocabulary, redlines = load("feasible.peace")
    fixed = proposal.model_copy(update={"clauses": tuple(c for c in proposal.clauses if not c.options)})
    result = solve(fixed, vocabulary, redlines)
    assert result.package_space == 1 and not result.feasible  # nothing says border/alliance: S4 fails
    assert [[r.rule for r in c.rules] for c in result.conflicts] == [["S4"]]


def test_acknowledged_red_line_is_left_to_the_checker():
    proposal, vocabulary, redlines = load("infeasible.peace")
    ack = m.Acknowledgement(party="north", rule="N3", reason="accepted for now")
    clauses = tuple(c.model_copy(update={"acknowledgements": (ack,)}) if c.id == "6" else c for c in proposal.clauses)
    result = solve(proposal.model_copy(update={"clauses": clauses}), vocabulary, redlines)
    assert [r.rule for r in result.waived] == ["N3"]
    assert [[r.rule for r in c.rules] for c in result.conflicts] == [["N1", "S1"], ["N5", "S4"]]


# ------------------------------------------------------------------ random problems vs brute force
TYPES = {
    "s": m.TermType(kind="scale", values=("lo", "mid", "hi")),
    "e": m.TermType(kind="enum", values=("x", "y", "z")),
    "b": m.TermType(kind="bool"),
    "n": m.TermType(kind="number"),
    "set": m.TermType(kind="set", values=("p", "q", "r")),
}
TERMS = {"a.s1": "s", "a.s2": "s", "a.e": "e", "b.flag": "b", "b.num": "n", "c.set": "set"}
VOCABULARY = m.Vocabulary(title="random", file="random.vocab",
                          terms={p: m.TermDef(path=p, type=TYPES[k]) for p, k in sorted(TERMS.items())})


def random_value(rng: random.Random, path: str) -> m.Value:
    kind = TERMS[path]
    if kind in ("s", "e"):
        return m.Value(kind="name", raw=rng.choice(TYPES[kind].values))
    if kind == "b":
        return m.Value(kind="bool", raw=rng.random() < 0.5)
    if kind == "n":
        return m.Value(kind="number", raw=rng.choice([100, 200, 300]))
    return m.Value(kind="set", raw=tuple(sorted(rng.sample(TYPES["set"].values, rng.randint(0, 2)))))


def random_leaf(rng: random.Random) -> m.Condition:
    roll = rng.random()
    if roll < 0.12:
        return m.Presence(kind=rng.choice(["present", "absent"]), pattern=rng.choice(list(TERMS) + ["a.*"]))
    if roll < 0.22:
        return m.Compare(pattern="a.*", op=rng.choice(["==", ">=", "<"]), value=m.Value(kind="name", raw=rng.choice(
            ["lo", "mid", "hi"])))
    path = rng.choice(list(TERMS))
    kind = TERMS[path]
    if kind == "set":
        return m.Has(pattern=path, mode=rng.choice(["any", "all"]), names=tuple(rng.sample(["p", "q", "r"], 2)))
    if kind == "e" and rng.random() < 0.4:
        return m.OneOf(pattern=path, values=tuple(m.Value(kind="name", raw=v) for v in rng.sample(["x", "y", "z"], 2)))
    ops = ["==", "!="] + (["<", "<=", ">", ">="] if kind in ("s", "n") else [])
    return m.Compare(pattern=path, op=rng.choice(ops), value=random_value(rng, path))


def random_condition(rng: random.Random, depth: int = 2) -> m.Condition:
    if depth == 0 or rng.random() < 0.4:
        return random_leaf(rng)
    roll = rng.random()
    if roll < 0.2:
        return m.Not(inner=random_condition(rng, depth - 1))
    items = tuple(random_condition(rng, depth - 1) for _ in range(rng.randint(2, 3)))
    return m.AllOf(items=items) if roll < 0.6 else m.AnyOf(items=items)


def random_problem(seed: int, clauses: int = 4, options: int = 3):
    rng = random.Random(seed)
    built = []
    for c in range(clauses):
        opts = tuple(m.Option(id=f"o{o}", title=f"option {o}", terms=tuple(
            m.Assignment(path=p, value=random_value(rng, p)) for p in rng.sample(list(TERMS), rng.randint(0, 2))))
            for o in range(options))
        built.append(m.Clause(id=str(c + 1), title=f"clause {c + 1}", options=opts))
    fixed_path = rng.choice(list(TERMS))
    built.append(m.Clause(id="9", title="fixed", terms=(m.Assignment(path=fixed_path,
                                                                      value=random_value(rng, fixed_path)),)))
    proposal = m.Proposal(title=f"random {seed}", file=f"random-{seed}.peace", clauses=tuple(built))
    parties = []
    for name in ("p", "q", "r")[: rng.randint(2, 3)]:
        rules = tuple(m.Rule(id=f"{name.upper()}{i}", title=f"rule {i}", kind=rng.choice(["rule", "require"]),
                             severity="hard" if rng.random() < 0.45 else "soft",
                             weight=rng.choice([0.5, 1.0, 2.0]), condition=random_condition(rng))
                      for i in range(rng.randint(2, 4)))
        parties.append(m.RedLines(party=name, name=name.upper(), file=f"{name}.redlines", rules=rules))
    return proposal, VOCABULARY, parties


@dataclass
class Outcome:
    choice: dict[str, str]
    hard: frozenset[tuple[str, str]]  # the hard red lines the checker says this package crosses
    worst: float
    total: float
    changes: int


def brute_force(proposal: m.Proposal, vocabulary: m.Vocabulary, redlines: list[m.RedLines]) -> list[Outcome]:
    clauses = [c for c in proposal.clauses if c.options]
    default = {c.id: c.options[0].id for c in clauses}
    evaluator = Evaluator(vocabulary)
    out = []
    for combo in itertools.product(*[[o.id for o in c.options] for c in clauses]):
        choice = dict(zip([c.id for c in clauses], combo))
        # The checker's own evaluation of the draft's findings (what check() reports as CheckResult.findings;
        # these problems acknowledge nothing, so every finding is active).
        env = Environment(bindings_of(proposal, choice))
        findings = [f for red in redlines for f in rule_findings(red, env, evaluator)]
        hard = frozenset((f.party, f.rule) for f in findings if f.severity == "hard")
        soft = {(f.party, f.rule): f.weight for f in findings if f.severity == "soft"}
        per_party = [sum(w for (party, _), w in soft.items() if party == red.party) for red in redlines]
        out.append(Outcome(choice, hard, max(per_party), sum(per_party),
                           sum(choice[k] != default[k] for k in choice)))
    return out


def key(worst: float, total: float, changes: int) -> tuple:
    return (round(worst * 1000), round(total * 1000), changes)


SEEDS = range(50)


@pytest.mark.parametrize("seed", SEEDS)
def test_solver_agrees_with_brute_force(seed: int):
    proposal, vocabulary, redlines = random_problem(seed)
    result = solve(proposal, vocabulary, redlines, top=5)
    outcomes = brute_force(proposal, vocabulary, redlines)
    acceptable = [o for o in outcomes if not o.hard]
    assert result.feasible == bool(acceptable)
    if acceptable:
        assert result.acceptable_count == len(acceptable)
        expected = sorted(key(o.worst, o.total, o.changes) for o in acceptable)[: len(result.packages)]
        assert [key(p.worst, p.total, len(p.changes)) for p in result.packages] == expected
        assert len(result.packages) == min(5, len(acceptable))
        assert all(p.acceptable for p in result.packages)
    else:
        assert result.conflicts
        for conflict in result.conflicts:
            rules = {r.key for r in conflict.rules}
            assert all(o.hard & rules for o in outcomes)  # no package meets them all
            for dropped in rules:  # irreducible: drop any one and some package meets the rest
                assert any(not (o.hard & (rules - {dropped})) for o in outcomes)
    fewest_switches = min((o.changes for o in acceptable), default=None)
    fix = result.draft
    if fix.acceptable_as_is:
        assert fewest_switches == 0
    elif acceptable:
        assert len(fix.switches) == fewest_switches and not fix.relax
    else:
        assert len(fix.relax) == min(len(o.hard) for o in outcomes)
        assert fix.result.verdicts and {(v.party, r.rule) for v in fix.result.verdicts for r in v.rejections} <= {
            r.key for r in fix.relax}


@pytest.mark.parametrize("seed", range(0, 50, 5))
def test_compiled_rules_agree_with_the_checker_on_every_package(seed: int):
    proposal, vocabulary, redlines = random_problem(seed)
    problem = Problem(proposal, vocabulary, redlines)
    for outcome in brute_force(proposal, vocabulary, redlines):
        fix = [lambda md, v=problem.choice[(c, o)]: md.add(v == 1) for c, o in outcome.choice.items()]
        solver = problem.run(problem.query(fix))
        crossed = {r.ref.key for r in problem.hard
                   if (r.crossed is True) or (r.crossed is not False and solver.boolean_value(r.crossed))}
        assert crossed == outcome.hard, outcome.choice


def test_verifier_scores_equal_the_solver_objective():
    proposal, vocabulary, redlines = random_problem(7)
    problem = Problem(proposal, vocabulary, redlines)
    verifier = Verifier(problem, {c.id: c.options[0].id for c in problem.clauses})
    solver = problem.lexmin([problem.all_hard()], [problem.worst, problem.total])
    assert solver is not None  # seed 7 has acceptable packages
    package = verifier.package(problem.package_of(solver), 1)
    assert round(package.worst * 1000) == solver.value(problem.worst)
    assert round(package.total * 1000) == solver.value(problem.total)


def test_brute_force_matches_check_itself():
    proposal, vocabulary, redlines = random_problem(3)
    for outcome in brute_force(proposal, vocabulary, redlines)[:20]:
        result = check(with_choice(proposal, outcome.choice), vocabulary, redlines)
        assert outcome.hard == {(f.party, f.rule) for f in result.active_findings if f.severity == "hard"}


def test_ortools_missing_is_an_input_error(monkeypatch):
    import sys

    from peacecheck.dsl.diagnostics import PeaceError

    monkeypatch.setitem(sys.modules, "ortools.sat.python", None)
    with pytest.raises(PeaceError) as caught:
        solve(*load("feasible.peace"))
    assert [d.code for d in caught.value.diagnostics] == ["PC730"]


def test_real_options_file_has_the_28_point_draft_as_default(in_repo):
    from peacecheck.dsl.api import load_proposal

    proposal, _ = load_proposal("proposals/options.peace", DiskLoader(REPO))
    optioned = [c for c in proposal.clauses if c.options]
    assert len(optioned) == 15 and all(c.options[0].id == "us28" for c in optioned)


def test_a_count_that_stops_early_never_says_fewer_than_the_packages_found(monkeypatch):
    """Counting has a time budget; when it stops before seeing any solution, the packages shown still count."""
    import peacecheck.checker.negotiation.analysis as solve_module

    monkeypatch.setattr(solve_module, "count_acceptable", lambda problem, cap=0: (0, True))
    result = solve(*load("feasible.peace"))
    assert result.packages and result.acceptable_count == len(result.packages) and result.count_capped
