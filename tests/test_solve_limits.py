"""solve at scale (issue 12) and under a time limit (issue 15.6): the one-solve lexicographic objective agrees
with brute force on larger random problems, and a run cut short reports what it proved."""
from __future__ import annotations

import json

import pytest

from peacecheck.checker.negotiation import Problem, Verifier, solve
from peacecheck.checker.negotiation import cpsat
from peacecheck.checker.negotiation.cpsat import combine
from peacecheck.checker.reports.solve_text import render, render_json
from test_solve import brute_force, key, random_problem


@pytest.mark.parametrize("seed", range(100, 112))
def test_best_packages_agree_with_brute_force_on_six_clauses(seed: int):
    proposal, vocabulary, redlines = random_problem(seed, clauses=6, options=3)
    result = solve(proposal, vocabulary, redlines, top=3)
    acceptable = [o for o in brute_force(proposal, vocabulary, redlines) if not o.hard]
    assert result.feasible == bool(acceptable)
    expected = sorted(key(o.worst, o.total, o.changes) for o in acceptable)[:3]
    assert [key(p.worst, p.total, len(p.changes)) for p in result.packages] == expected
    assert result.stopped is None


def test_combined_objective_orders_as_the_stages():
    """Any (a, b, c) in range: the folded value orders exactly as the tuple does."""
    bounds = (5, 7, 3)
    values = [(a, b, c) for a in range(4) for b in range(bounds[1] + 1) for c in range(bounds[2] + 1)]
    fold = [combine([a, (b, bounds[1]), (c, bounds[2])]) for a, b, c in values]
    assert sorted(range(len(values)), key=fold.__getitem__) == sorted(range(len(values)), key=values.__getitem__)
    assert combine([1, 2]) is None  # a later objective without a bound: solved in stages
    assert combine([1, (2, 2 ** 60)]) is None  # too wide to fold safely


def test_stages_and_one_solve_find_the_same_optimum():
    proposal, vocabulary, redlines = random_problem(7)
    problem = Problem(proposal, vocabulary, redlines)
    base = {c.id: c.options[0].id for c in problem.clauses}
    folded = problem.lexmin([problem.all_hard()], problem.objectives(base))
    staged = problem.lexmin([problem.all_hard()], [problem.worst, problem.total, problem.changes(base)])
    assert [folded.value(problem.worst), folded.value(problem.total)] == [staged.value(problem.worst),
                                                                           staged.value(problem.total)]
    assert folded.value(problem.changes(base)) == staged.value(problem.changes(base))


def test_a_zero_time_limit_proves_nothing_and_says_so():
    proposal, vocabulary, redlines = random_problem(7)
    result = solve(proposal, vocabulary, redlines, time_limit=0)
    assert result.stopped is not None and result.stopped.phase == "packages"
    assert not result.packages and not result.conflicts
    assert result.draft.complete == result.draft.acceptable_as_is  # the draft is checked, not solved, first
    text = render(result)
    assert "Stopped at the time limit (0 s) while looking for the best packages" in text
    assert "whether one exists is not known" in text
    assert text.rstrip().endswith("Result: not known: the time limit ran out before a package was found or ruled out.")
    data = json.loads(render_json(result))
    assert data["stopped"]["phase"] == "packages" and data["stopped"]["feasibility_known"] is False
    assert data["time_limit"] == 0


def test_time_running_out_after_the_first_package_keeps_it(monkeypatch):
    """The clock is simulated: the deadline passes as soon as the first optimisation has finished."""
    original = cpsat.Solvable.run

    def run_then_expire(self, model, assumptions=None, optimise=False):
        solver = original(self, model, assumptions, optimise)
        if optimise:
            self.deadline = 0.0  # long past
        return solver

    monkeypatch.setattr(cpsat.Solvable, "run", run_then_expire)
    proposal, vocabulary, redlines = random_problem(7)
    result = solve(proposal, vocabulary, redlines, top=5, time_limit=3600)
    assert len(result.packages) == 1 and result.packages[0].acceptable
    assert result.stopped.phase == "packages" and result.stopped.best_proven
    assert (result.acceptable_count, result.count_capped) == (1, True)
    text = render(result)
    assert "the 1 package shown meets every hard red line" in text
    assert "each is proven the best at its rank; more may follow it" in text
    assert "at least 1 acceptable package exist" in text
    assert text.rstrip().endswith("Result: a package every party can accept exists.")


def test_verifier_and_solver_agree_on_weights_in_gcd_units():
    proposal, vocabulary, redlines = random_problem(11, clauses=5)
    problem = Problem(proposal, vocabulary, redlines)
    verifier = Verifier(problem, {c.id: c.options[0].id for c in problem.clauses})
    solver = problem.lexmin([problem.all_hard()], problem.objectives())
    if solver is None:
        pytest.fail("seed 11 has acceptable packages")
    package = verifier.package(problem.package_of(solver), 1)
    assert round(package.worst * 1000) == solver.value(problem.worst)
    assert round(package.total * 1000) == solver.value(problem.total)


# ------------------------------------------------------------------ the command
def solve_command(*args: str):
    import os
    import subprocess
    import sys
    from pathlib import Path

    folder = Path(__file__).resolve().parent / "fixtures" / "solve"
    return subprocess.run([sys.executable, "-m", "peacecheck.checker", "solve", *args], cwd=folder,
                          capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"}, check=False)


def test_time_limit_option_reports_what_it_proved():
    done = solve_command("feasible.peace", "--redlines", "redlines", "--time-limit", "0")
    assert done.returncode == 1, done.stderr  # no package found: exit 1, and the report says it is not known
    assert "Stopped at the time limit (0 s) while looking for the best packages" in done.stdout
    assert done.stdout.rstrip().endswith("Result: not known: the time limit ran out before a package was found "
                                         "or ruled out.")
    as_json = json.loads(solve_command("feasible.peace", "--redlines", "redlines", "--time-limit", "0",
                                       "--format", "json").stdout)
    assert as_json["time_limit"] == 0 and as_json["stopped"]["feasibility_known"] is False


def test_time_limit_default_and_bad_values():
    helped = solve_command("--help")
    options = helped.stdout.split("Options:", 1)[1]
    assert "--time-limit SECONDS" in options and "[default: 60" in options.split("--time-limit", 1)[1][:400]
    finished = json.loads(solve_command("feasible.peace", "--redlines", "redlines", "--format", "json").stdout)
    assert finished["time_limit"] == 60 and finished["stopped"] is None
    for bad in ("-1", "soon"):
        refused = solve_command("feasible.peace", "--redlines", "redlines", "--time-limit", bad)
        assert refused.returncode == 2 and "--time-limit" in refused.stderr
