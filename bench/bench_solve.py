"""How fast `peacecheck solve` is on generated problems, and how that compares with brute force.

    python bench/bench_solve.py                       # 25/50/100/200 clauses, brute force up to 8
    python bench/bench_solve.py --sizes 100 --repeat 3
    python bench/bench_solve.py --brute 6,8,10 --sizes 6,8,10
    python bench/bench_solve.py --quick               # 200 clauses, and the command against one check

`--command N` also writes the N-clause problem as files (vocabulary, proposal with options, red
lines) and times `peacecheck solve` against `peacecheck check` of the same proposal, each a fresh
process, CPU seconds of the child, median of --rounds (goal: solve <= 2x check).

A problem has N clauses with 4 options each, 4 parties and 4*N red lines (400 for 100 clauses):
single-term comparisons, cross-clause and/or/not conditions and requirements, about 40% hard,
soft ones weighted 1-3. The feasible variant plants a hidden package and keeps only hard red
lines it meets, so a package always exists; the infeasible variant adds three conflicts on top
(a two-party clash on one clause, a three-rule cycle across three clauses, a requirement no
option meets), so the expected conflict sets are known. Not a unit test.
"""
from __future__ import annotations

import argparse
import itertools
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from peacecheck.checker.evaluation.evaluate import Binding, Environment, Evaluator
from peacecheck.checker.negotiation import (
    Problem,
    Verifier,
    best_packages,
    conflict_sets,
    count_acceptable,
    solve,
)
from peacecheck.dsl import models as m

LEVELS = ("l0", "l1", "l2", "l3", "l4")
PARTIES = ("alpha", "beta", "gamma", "delta")
OPTIONS = 4


# ------------------------------------------------------------------ generated problems
def vocabulary(n: int) -> m.Vocabulary:
    terms = {}
    for c in range(n):
        terms[f"c{c}.level"] = m.TermDef(path=f"c{c}.level", type=m.TermType(kind="scale", values=LEVELS))
        terms[f"c{c}.flag"] = m.TermDef(path=f"c{c}.flag", type=m.TermType(kind="bool"))
        terms[f"c{c}.amount"] = m.TermDef(path=f"c{c}.amount", type=m.TermType(kind="number"))
    return m.Vocabulary(title=f"bench {n}", file=f"bench-{n}.vocab", terms=dict(sorted(terms.items())))


def value(rng: random.Random, path: str) -> m.Value:
    if path.endswith(".level"):
        return m.Value(kind="name", raw=rng.choice(LEVELS))
    if path.endswith(".flag"):
        return m.Value(kind="bool", raw=rng.random() < 0.5)
    return m.Value(kind="number", raw=rng.randrange(0, 1000, 50))


def proposal(rng: random.Random, n: int) -> m.Proposal:
    clauses = []
    for c in range(n):
        options = []
        for o in range(OPTIONS):
            paths = rng.sample([f"c{c}.level", f"c{c}.flag", f"c{c}.amount"], rng.randint(1, 3))
            options.append(m.Option(id=f"o{o}", title=f"option {o}",
                                    terms=tuple(m.Assignment(path=p, value=value(rng, p)) for p in sorted(paths))))
        clauses.append(m.Clause(id=str(c), title=f"clause {c}", options=tuple(options)))
    return m.Proposal(title=f"bench {n}", file=f"bench-{n}.peace", clauses=tuple(clauses))


def leaf(rng: random.Random, n: int) -> m.Condition:
    c = rng.randrange(n)
    roll = rng.random()
    if roll < 0.45:
        return m.Compare(pattern=f"c{c}.level", op=rng.choice([">=", "<=", "==", "!="]),
                         value=m.Value(kind="name", raw=rng.choice(LEVELS)))
    if roll < 0.65:
        return m.Compare(pattern=f"c{c}.flag", op="==", value=m.Value(kind="bool", raw=rng.random() < 0.5))
    if roll < 0.9:
        return m.Compare(pattern=f"c{c}.amount", op=rng.choice([">", "<"]),
                         value=m.Value(kind="number", raw=rng.randrange(0, 1000, 50)))
    return m.Presence(kind=rng.choice(["present", "absent"]), pattern=f"c{c}.amount")


def condition(rng: random.Random, n: int) -> m.Condition:
    roll = rng.random()
    if roll < 0.35:
        return leaf(rng, n)  # a single comparison
    if roll < 0.55:
        return m.Not(inner=m.AllOf(items=(leaf(rng, n), leaf(rng, n))))
    items = tuple(leaf(rng, n) if rng.random() < 0.7 else m.Not(inner=leaf(rng, n)) for _ in range(rng.randint(2, 3)))
    return m.AllOf(items=items) if roll < 0.8 else m.AnyOf(items=items)


def holds(rule: m.Rule, env: Environment, evaluator: Evaluator) -> bool:
    """Whether a package meets the red line (the checker's evaluation)."""
    value_ = evaluator.evaluate(rule.condition, env)[0]
    return not value_ if rule.kind == "rule" else value_


def environment(prop: m.Proposal, choice: dict[str, str]) -> Environment:
    bindings = []
    for clause in prop.clauses:
        option = next(o for o in clause.options if o.id == choice[clause.id])
        bindings += [Binding(a.path, a.value, clause.id, option.id, 0) for a in option.terms]
    return Environment(bindings)


def problem(n: int, seed: int, feasible: bool = True):
    """(proposal, vocabulary, red lines): 4*n red lines over 4 parties; a planted package meets every hard one."""
    rng = random.Random(seed)
    vocab, prop = vocabulary(n), proposal(rng, n)
    evaluator = Evaluator(vocab)
    planted = environment(prop, {c.id: rng.choice([o.id for o in c.options]) for c in prop.clauses})
    rules: dict[str, list[m.Rule]] = {p: [] for p in PARTIES}
    while sum(len(r) for r in rules.values()) < 4 * n:
        party = rng.choice(PARTIES)
        hard = rng.random() < 0.4
        rule = m.Rule(id=f"{party[:2].upper()}-{len(rules[party]) + 1}", title="generated",
                      kind="require" if rng.random() < 0.3 else "rule", severity="hard" if hard else "soft",
                      weight=float(rng.randint(1, 3)), condition=condition(rng, n))
        if hard and not holds(rule, planted, evaluator):
            continue
        rules[party].append(rule)
    if not feasible:
        add_conflicts(rng, n, prop, rules)
    redlines = [m.RedLines(party=p, name=p.title(), file=f"{p}.redlines", rules=tuple(r)) for p, r in rules.items()]
    return prop, vocab, redlines


def add_conflicts(rng: random.Random, n: int, prop: m.Proposal, rules: dict[str, list[m.Rule]]) -> None:
    a, b, c = rng.sample(range(n), 3)

    def hard(party: str, rid: str, kind: str, cond: m.Condition) -> None:
        rules[party].append(m.Rule(id=rid, title=f"conflict {rid}", kind=kind, severity="hard", condition=cond))

    def level(clause: int, op: str, v: str) -> m.Compare:
        return m.Compare(pattern=f"c{clause}.level", op=op, value=m.Value(kind="name", raw=v))

    hard("alpha", "X-1", "require", level(a, ">=", "l3"))  # alpha wants clause a high ...
    hard("beta", "X-2", "rule", level(a, ">=", "l2"))  # ... beta forbids it
    hard("gamma", "Y-1", "rule", m.AllOf(items=(level(b, ">=", "l0"), level(c, ">=", "l0"))))  # a three-rule cycle
    hard("delta", "Y-2", "require", level(b, ">=", "l0"))
    hard("alpha", "Y-3", "require", level(c, ">=", "l0"))
    hard("gamma", "Z-1", "require", m.Compare(pattern=f"c{n - 1}.amount", op=">", value=m.Value(kind="number",
                                                                                                     raw=5000)))


# ------------------------------------------------------------------ brute force
def brute_force(prop: m.Proposal, vocab: m.Vocabulary, redlines: list[m.RedLines]) -> tuple[bool, int, tuple]:
    """(a package exists, how many, the best (worst, total) score) by trying every package."""
    evaluator = Evaluator(vocab)
    hard = [r for red in redlines for r in red.rules if r.severity == "hard"]
    soft = [(red.party, r) for red in redlines for r in red.rules if r.severity == "soft"]
    best, count = None, 0
    for combo in itertools.product(*[[o.id for o in c.options] for c in prop.clauses]):
        env = environment(prop, dict(zip([c.id for c in prop.clauses], combo)))
        if not all(holds(r, env, evaluator) for r in hard):
            continue
        count += 1
        per = {p: 0.0 for p in PARTIES}
        for party, r in soft:
            if not holds(r, env, evaluator):
                per[party] += r.weight
        score = (max(per.values()), sum(per.values()))
        best = score if best is None or score < best else best
    return count > 0, count, best


# ------------------------------------------------------------------ the problem as files, for the command
def write_project(folder: Path, n: int, seed: int) -> None:
    """vocab/bench.vocab, redlines/<party>.redlines and proposal.peace of `problem(n, seed)`."""
    from peacecheck.dsl.conditions import show

    prop, _, redlines = problem(n, seed, True)
    for sub in ("vocab", "redlines"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    vocab = ['vocabulary "bench"', "", f"type level = scale({' < '.join(LEVELS)})", ""]
    for c in range(n):
        vocab += [f'term c{c}.level : level "level {c}"', f'term c{c}.flag : bool "flag {c}"',
                  f'term c{c}.amount : number "amount {c}"']
    (folder / "vocab" / "bench.vocab").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    for red in redlines:
        lines = [f'party {red.party} "{red.name}"', 'vocabulary "../vocab/bench.vocab"', "",
                 'source memo {', '  title "Generated"', "}", ""]
        for r in red.rules:
            body = [f"  severity {r.severity}"] + ([f"  weight {r.weight:g}"] if r.severity == "soft" else [])
            body.append(f"  {'when' if r.kind == 'rule' else 'that'} {show(r.condition)}")
            lines += [f'{r.kind} {r.id} "{r.title}" {{', *body, "  cite memo", "}", ""]
        (folder / "redlines" / f"{red.party}.redlines").write_text("\n".join(lines), encoding="utf-8")
    out = ['proposal "bench"', 'vocabulary "vocab/bench.vocab"', f"parties {', '.join(PARTIES)}", ""]
    for clause in prop.clauses:
        out.append(f'clause {clause.id} "{clause.title}" {{')
        for o in clause.options:
            terms = " ".join(f"{a.path} = {a.value.show()}" for a in o.terms)
            out.append(f'  option {o.id} "{o.title}" {{ {terms} }}')
        out += ["}", ""]
    (folder / "proposal.peace").write_text("\n".join(out), encoding="utf-8")


def child_cpu(args: list[str], cwd: Path) -> float:
    """User + system CPU seconds of one `peacecheck` process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([sys.executable, "-m", "peacecheck.checker", *args], cwd=cwd, capture_output=True,
                          env={**os.environ, "NO_COLOR": "1"}, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"peacecheck {' '.join(args)} failed: {done.stderr.decode()}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def command_against_check(n: int, seed: int, rounds: int) -> tuple[float, float]:
    with tempfile.TemporaryDirectory(prefix="peacecheck-solve-") as tmp:
        folder = Path(tmp)
        write_project(folder, n, seed)
        child_cpu(["proposal.peace", "--format", "json"], folder)  # warm the bytecode and the parsed-file cache
        check = statistics.median(child_cpu(["proposal.peace", "--format", "json"], folder) for _ in range(rounds))
        solve_ = statistics.median(child_cpu(["solve", "proposal.peace", "--format", "json"], folder)
                                   for _ in range(rounds))
    return solve_, check


# ------------------------------------------------------------------ timing
def timed(action):
    start = time.perf_counter()
    out = action()
    return out, time.perf_counter() - start


def run_size(n: int, seed: int, feasible: bool) -> dict:
    prop, vocab, redlines = problem(n, seed, feasible)
    built, t_compile = timed(lambda: Problem(prop, vocab, redlines))
    verifier = Verifier(built, {c.id: c.options[0].id for c in built.clauses})
    row = {"n": n, "rules": sum(len(r.rules) for r in redlines), "compile": t_compile}
    if feasible:
        _, row["first"] = timed(lambda: best_packages(built, verifier, 1))
        top, row["top5"] = timed(lambda: best_packages(built, verifier, 5))
        row["found"] = len(top)
        _, row["count"] = timed(lambda: count_acceptable(built, 1000))
    else:
        sets, row["first"] = timed(lambda: conflict_sets(built, built.hard, 1))
        sets, row["top5"] = timed(lambda: conflict_sets(built, built.hard, 5))
        row["found"] = len(sets)
        row["sizes"] = sorted(len(s) for s in sets)
    _, row["whole"] = timed(lambda: solve(prop, vocab, redlines, top=5))
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="25,50,100,200")
    parser.add_argument("--brute", default="6,8", help="sizes to also solve by brute force")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--command", type=int, default=200, help="clauses of the command-vs-check run (0: skip)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the command-vs-check run")
    parser.add_argument("--quick", action="store_true", help="--sizes 200 --brute 6 --rounds 3, feasible variant only")
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.brute, args.rounds = "200", "6", 3
    from peacecheck.checker.negotiation import cp_model

    cp_model()  # import OR-tools (about a second, it pulls in numpy and pandas) before timing anything
    print("clauses x 4 options, 4 parties, 4 rules per clause; seconds (median of --repeat seeds)")
    print(f"{'variant':10} {'clauses':>7} {'rules':>5} {'compile':>8} {'first':>8} {'top 5':>8} {'solve()':>8}  found")
    results = []
    for feasible in (True,) if args.quick else (True, False):
        for n in [int(s) for s in args.sizes.split(",")]:
            rows = [run_size(n, args.seed + r, feasible) for r in range(args.repeat)]
            med = {k: statistics.median(r[k] for r in rows) for k in ("compile", "first", "top5", "whole")}
            found = rows[0]["found"] if feasible else f"{rows[0]['found']} conflict sets, sizes {rows[0]['sizes']}"
            print(f"{'feasible' if feasible else 'infeasible':10} {n:>7} {rows[0]['rules']:>5} {med['compile']:>8.3f} "
                  f"{med['first']:>8.3f} {med['top5']:>8.3f} {med['whole']:>8.3f}  {found}")
            if feasible:
                results.append((f"solve {n} clauses: best package", med["first"], "s", "goal <= 2 s at 200"))
                results.append((f"solve {n} clauses: full solve()", med["whole"], "s", "goal <= 10 s at 200"))
    print()
    print("brute force vs solver (feasible variant): time to the best package")
    for n in [int(s) for s in args.brute.split(",") if s]:
        prop, vocab, redlines = problem(n, args.seed, True)
        (exists, count, best), t_brute = timed(partial(brute_force, prop, vocab, redlines))
        result, t_solve = timed(partial(solve, prop, vocab, redlines, top=1))
        agree = exists == result.feasible and (not exists or (result.packages[0].worst, result.packages[0].total) == best)
        print(f"  {n} clauses: {OPTIONS ** n:,} packages, {count:,} acceptable; brute force {t_brute:.2f} s, "
              f"solve() {t_solve:.2f} s; same best score: {agree}")
        if not agree:
            raise SystemExit("the solver disagrees with brute force")
    if args.command:
        solve_cpu, check_cpu = command_against_check(args.command, args.seed, args.rounds)
        print()
        print(f"`peacecheck solve` {solve_cpu:.2f} s CPU vs `peacecheck check` {check_cpu:.2f} s CPU on the same "
              f"{args.command}-clause file (median of {args.rounds})")
        results.append((f"solve command / check command, {args.command} clauses", solve_cpu / check_cpu, "x",
                        "goal <= 2x"))
    print()
    for name, value, unit, goal in results:
        print(f"RESULT {name}: {value:.2f}{unit} ({goal})")


if __name__ == "__main__":
    main()
