"""Evaluation speed: check() with findings and evidence, against a hand-written floor; and how it scales.

    python bench/bench_eval.py              # both parts, 5 rounds, medians
    python bench/bench_eval.py --quick      # fewer readings and repeats

1. Evaluations of the real red lines per second. A reading is a small random draft (five clauses
   stating random values of the terms the real red lines read); one evaluation is `check()` of it
   against every red-line file in redlines/, findings and evidence included. The floor is the same
   conditions written out as straight-line Python over a dict (what one would write by hand, no
   evidence, no attribution), generated here from the rules so it cannot drift from them. Printed:
   evaluations per second of each and the ratio (median of rounds).
2. Near-linear: miami's 20 clauses repeated 10, 50 and 150 times (ids made unique), checked whole.
   Printed: seconds per size and time ratio against clause ratio (the goal: x6 clauses <= x7 time).

Times are CPU seconds of this process (time.process_time), the median of rounds: on a shared machine
wall time also counts the neighbours. The inputs are built, then the garbage collector is frozen, as
the CLI freezes it after its imports.
"""
from __future__ import annotations

import argparse
import datetime as dt
import gc
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def load():
    from peacecheck.checker import load_project

    return load_project(REPO / "proposals" / "miami.peace", redlines=(str(REPO / "redlines"),), use_config=False)


# ------------------------------------------------------------------ readings
def random_value(term, rng: random.Random):
    from peacecheck.dsl import models as m

    kind = term.type.kind
    if kind in ("enum", "scale"):
        return m.Value(kind="name", raw=rng.choice(term.type.values))
    if kind == "set":
        return m.Value(kind="set", raw=tuple(sorted(rng.sample(term.type.values, rng.randint(0, len(term.type.values))))))
    if kind == "bool":
        return m.Value(kind="bool", raw=rng.random() < 0.5)
    if kind == "date":
        return m.Value(kind="date", raw=dt.date(2026, rng.randint(1, 12), rng.randint(1, 28)))
    if kind == "text":
        return m.Value(kind="text", raw="x")
    return m.Value(kind="number", raw=rng.choice([0, 100_000, 600_000, 700_000, 800_000, 900_000]))


def readings(project, count: int, seed: int = 7) -> list:
    from peacecheck.dsl import models as m
    from peacecheck.dsl.conditions import leaves

    vocab = project.vocabulary
    read = sorted({p for r in project.redlines for rule in r.rules if rule.condition
                   for leaf in leaves(rule.condition) for p in vocab.matching(leaf.pattern)})
    rng = random.Random(seed)
    out = []
    for n in range(count):
        paths = rng.sample(read, rng.randint(4, min(16, len(read))))
        clauses = tuple(m.Clause(id=str(i + 1), title=f"c{i}", terms=tuple(
            m.Assignment(path=p, value=random_value(vocab.terms[p], rng)) for p in paths[i::5])) for i in range(5))
        out.append(m.Proposal(title=f"reading {n}", clauses=clauses))
    return out


# ------------------------------------------------------------------ the floor: straight-line Python
def floor_function(project):
    """One Python function per rule, written out from its condition: values in a dict, no evidence."""
    from peacecheck.dsl import models as m

    vocab = project.vocabulary

    def key(value, term_type):
        if term_type.kind == "scale":
            return term_type.values.index(value.raw) if value.raw in term_type.values else value.raw
        return frozenset(value.raw) if value.kind == "set" else value.raw

    def expr(c) -> str:
        if isinstance(c, m.Not):
            return f"(not {expr(c.inner)})"
        if isinstance(c, (m.AllOf, m.AnyOf)):
            return "(" + (" and " if isinstance(c, m.AllOf) else " or ").join(expr(i) for i in c.items) + ")"
        paths = vocab.matching(c.pattern)
        if isinstance(c, m.Presence):
            test = " or ".join(f"{p!r} in d" for p in paths) or "False"
            return f"({test})" if c.kind == "present" else f"(not ({test}))"
        tests = []
        for p in paths:
            t = vocab.terms[p].type
            if isinstance(c, m.Compare):
                k = key(c.value, t)
                if t.kind == "scale" and not isinstance(k, int) or isinstance(k, bool) != (t.kind == "bool"):
                    continue  # a wildcard reaching a term of another type: never true, as in the checker
                tests.append(f"({p!r} in d and d[{p!r}] {c.op} {k!r})")
            elif isinstance(c, m.OneOf):
                tests.append(f"(d.get({p!r}) in {[key(v, t) for v in c.values]!r})")
            else:
                wanted = set(c.names)
                op = "<=" if c.mode == "all" else "&"
                tests.append(f"bool({wanted!r} {op} d.get({p!r}, frozenset()))")
        return "(" + (" or ".join(tests) or "False") + ")"

    lines = ["def fired(d):", "    out = []"]
    for r in project.redlines:
        for rule in r.rules:
            if rule.condition is None:
                continue
            cond = expr(rule.condition)
            cond = cond if rule.kind == "rule" else f"(not {cond})"
            lines.append(f"    if {cond}: out.append({(r.party, rule.id)!r})")
    lines.append("    return out")
    scope: dict = {}
    exec("\n".join(lines), scope)  # noqa: S102 - generated from the project's own rules, for the benchmark
    return scope["fired"], key


def as_dict(proposal, vocab, key) -> dict:
    return {a.path: key(a.value, vocab.terms[a.path].type) for c in proposal.clauses for a in c.terms}


# ------------------------------------------------------------------ runs
def rate(function, items, rounds: int) -> float:
    """Items per CPU second of this process (the machine is shared: wall time counts the neighbours too)."""
    times = []
    for _ in range(rounds):
        start = time.process_time()
        for item in items:
            function(item)
        times.append(time.process_time() - start)
    return len(items) / statistics.median(times)


def repeated(proposal, times: int):
    clauses = tuple(c.model_copy(update={"id": f"{c.id}.{k}"}) for k in range(times) for c in proposal.clauses)
    return proposal.model_copy(update={"clauses": clauses})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    from peacecheck.checker.evaluation.evaluate import check

    project = load()
    items = readings(project, 100 if args.quick else 400)
    fired, key = floor_function(project)
    dicts = [as_dict(p, project.vocabulary, key) for p in items]
    bigs = {n: repeated(project.proposal, n) for n in ((10, 50) if args.quick else (10, 50, 150))}
    # As the CLI does after its imports: what exists before the timed calls is not scanned again by
    # the collector (else a full collection walks every model of the 3,000-clause draft, again and again).
    gc.collect()
    gc.freeze()

    def evaluate(p):
        return check(p, project.vocabulary, project.redlines)

    ours, floor = rate(evaluate, items, args.rounds), rate(fired, dicts, args.rounds)
    print(f"evaluations/s: check() with findings {ours:,.0f}; hand-written floor {floor:,.0f}; "
          f"floor/check {floor / ours:.1f}x  (goal: check >= 10,000)")
    sizes = tuple(bigs)
    seconds = {}
    for n in sizes:
        big = bigs[n]
        seconds[n] = statistics.median(_timed(lambda: check(big, project.vocabulary, project.redlines))
                                       for _ in range(1 if n > 50 else 3))
        print(f"miami x{n} ({len(big.clauses)} clauses): {seconds[n]:.3f} s")
    for a, b in zip(sizes, sizes[1:]):
        print(f"x{b / a:.0f} clauses -> x{seconds[b] / seconds[a]:.1f} time")
    print(f"RESULT check() evaluations/s, five-clause random drafts: {ours:,.0f} (>= 10,000)")
    a, b = sizes[0], sizes[-1]
    print(f"RESULT miami repeated, x{b / a:.0f} clauses: x{seconds[b] / seconds[a]:.1f} time (<= x{b / a * 7 / 6:.1f})")
    return 0


def _timed(function) -> float:
    start = time.process_time()
    function()
    return time.process_time() - start


if __name__ == "__main__":
    sys.exit(main())
