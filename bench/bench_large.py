"""Stress benchmark: a very large proposal checked end to end (parse, validate, evaluate, JSON).

    python bench/bench_large.py                   # 1k, 5k, 10k and 20k clauses, one process each
    python bench/bench_large.py --sizes 20000     # one size
    python bench/bench_large.py --profile 20000   # cProfile the stages, top 25 functions
    python bench/bench_large.py --write DIR 20000 # only write the generated project to DIR

Each size runs in a fresh subprocess, so its peak memory (ru_maxrss) is its own. The generated
project has a vocabulary that grows with the proposal (a "topic" of six terms per ten clauses, so a
term is stated by a handful of clauses, as in a real draft), four parties with 50 rules each
(wildcards over topic families, and/or/not, requirements) and about 500 bytes per clause:
20,000 clauses make a ~10 MB proposal. Output is one line per size: wall-clock seconds per stage,
CPU seconds in all (steadier on a busy machine), peak memory, and CPU microseconds per clause.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LEVELS = ("none", "low", "mid", "high", "total")
KINDS = ("alpha", "beta", "gamma", "delta")
MEMBERS = ("un", "eu", "us", "uk", "au", "ca")
PARTIES = ("north", "south", "east", "west")
PROSE = ("The parties agree that the arrangement set out in this point applies from signature, is reviewed "
         "by the joint commission every year, and may be amended only by the written consent of all "
         "signatories; nothing in it limits the rights of third states under international law. ")


# ------------------------------------------------------------------ the generated project
def vocabulary(topics: int) -> str:
    lines = ['vocabulary "Benchmark vocabulary"',
             "type level = scale(" + " < ".join(LEVELS) + ")"]
    for t in range(topics):
        lines += [f"term topic{t}.level : level \"How far topic {t} goes\"",
                  f"term topic{t}.count : number unit people",
                  f"term topic{t}.kind : enum({', '.join(KINDS)})",
                  f"term topic{t}.members : set({', '.join(MEMBERS)})",
                  f"term topic{t}.binding : bool",
                  f"term topic{t}.deadline : date"]
    return "\n".join(lines) + "\n"


def proposal(clauses: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    out = ['proposal "Benchmark draft"', 'vocabulary "../vocab/bench.vocab"', "date 2025-12-01",
           "parties " + ", ".join(PARTIES), ""]
    for c in range(clauses):
        topic = c // 10
        out.append(f'clause {c + 1} "Point {c + 1} on topic {topic}" {{')
        out.append(f"  tags topic{topic % 7}, bench")
        out.append(f'  text """\n    {PROSE}{PROSE[: rng.randrange(40, 120)]}\n  """')
        for field in rng.sample(("level", "count", "kind", "members", "binding", "deadline"), 2):
            out.append(f"  topic{topic}.{field} = {_value(field, rng)}")
        if c % 25 == 0:
            for option in ("a", "b"):
                out.append(f'  option {option} "Variant {option}" {{ topic{topic}.level = {rng.choice(LEVELS)} }}')
        out.append("}")
    return "\n".join(out) + "\n"


def _value(field: str, rng: random.Random) -> str:
    if field == "level":
        return rng.choice(LEVELS)
    if field == "count":
        return str(rng.randrange(1000, 900_000))
    if field == "kind":
        return rng.choice(KINDS)
    if field == "members":
        return "[" + ", ".join(sorted(rng.sample(MEMBERS, 2))) + "]"
    if field == "binding":
        return rng.choice(("true", "false"))
    return f"2026-{rng.randrange(1, 13):02d}-{rng.randrange(1, 28):02d}"


def redlines(party: str, topics: int, seed: int) -> str:
    rng = random.Random(seed)
    out = [f'party {party} "The {party.title()}"', 'vocabulary "../vocab/bench.vocab"',
           f'source s1 {{ title "Position paper of {party}" url "https://example.org/{party}" }}', ""]
    for r in range(50):
        t, u = rng.randrange(topics), rng.randrange(topics)
        kind = "require" if r % 10 == 9 else "rule"
        verb = "that" if kind == "require" else "when"
        condition = rng.choice([
            f"topic{t}.* >= high",
            f"topic{t}.level >= mid and not topic{t}.binding == true",
            f"topic{t}.count > 500000 or topic{u}.members has any [un, eu]",
            f"(topic{t}.kind in [alpha, beta] or absent topic{t}.deadline) and topic{u}.level != none",
            f"topic{t}.deadline < 2026-06-01",
            f"present topic{t}.members and not (topic{t}.members has all [us, uk])",
        ])
        out += [f'{kind} {party.upper()}-{r} "Rule {r} of {party}" {{',
                f"  severity {rng.choice(('hard', 'soft'))}", f"  {verb} {condition}",
                f'  because "Reason {r}"', '  cite s1 "p. 1"', "}"]
    return "\n".join(out) + "\n"


def write_project(folder: Path, clauses: int) -> Path:
    topics = max(1, (clauses + 9) // 10)
    for sub in ("vocab", "proposals", "redlines"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    (folder / "peacecheck.toml").write_text("")
    (folder / "vocab" / "bench.vocab").write_text(vocabulary(topics))
    for i, party in enumerate(PARTIES):
        (folder / "redlines" / f"{party}.redlines").write_text(redlines(party, topics, seed=i + 1))
    target = folder / "proposals" / "bench.peace"
    target.write_text(proposal(clauses))
    return target


# ------------------------------------------------------------------ one measured run
def measure(clauses: int) -> dict:
    """Generate, then time each stage of one check; peak memory of this process."""
    import resource

    from peacecheck.checker.evaluation.evaluate import check
    from peacecheck.checker.files import DiskLoader, load_inputs, project_root
    from peacecheck.checker.reports.check_json import render
    from peacecheck.dsl.parser import grammar_parser

    grammar_parser()  # built (or loaded from lark's cache) before timing: start-up is not what we measure
    with tempfile.TemporaryDirectory() as tmp:
        path = write_project(Path(tmp), clauses)
        size = path.stat().st_size
        cwd = os.getcwd()
        os.chdir(tmp)
        try:
            started, cpu = time.perf_counter(), time.process_time()
            loader = DiskLoader(project_root(Path("proposals")))
            inputs = load_inputs(Path("proposals/bench.peace"), [Path("redlines")], loader)
            loaded = time.perf_counter()
            result = check(inputs.proposal, inputs.vocabulary, inputs.redlines, inputs.digests)
            checked = time.perf_counter()
            report = render(result)
            rendered, cpu = time.perf_counter(), time.process_time() - cpu
        finally:
            os.chdir(cwd)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"clauses": clauses, "bytes": size, "load_s": loaded - started, "evaluate_s": checked - loaded,
            "render_s": rendered - checked, "total_s": rendered - started, "cpu_s": cpu, "peak_mib": peak_kib / 1024,
            "findings": len(result.findings), "json_bytes": len(report.encode("utf-8"))}


def profile(clauses: int) -> None:
    import cProfile
    import pstats

    cProfile.runctx("measure(clauses)", globals(), {"clauses": clauses, "measure": measure}, "/tmp/bench.prof")
    pstats.Stats("/tmp/bench.prof").sort_stats("cumulative").print_stats(25)


def run_sizes(sizes: list[int]) -> list[dict]:
    rows = []
    print(f"{'clauses':>8} {'MB':>6} {'load s':>7} {'eval s':>7} {'json s':>7} {'total s':>8} {'cpu s':>6} "
          f"{'peak MiB':>9} {'us/clause':>10} {'findings':>9}")
    for n in sizes:
        code = f"import json, sys; sys.path.insert(0, {str(REPO)!r}); from bench.bench_large import measure; " \
               f"print(json.dumps(measure({n})))"
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
        row = json.loads(done.stdout.strip().splitlines()[-1])
        rows.append(row)
        print(f"{n:>8} {row['bytes'] / 1e6:>6.1f} {row['load_s']:>7.2f} {row['evaluate_s']:>7.2f} "
              f"{row['render_s']:>7.2f} {row['total_s']:>8.2f} {row['cpu_s']:>6.2f} {row['peak_mib']:>9.0f} "
              f"{row['cpu_s'] / n * 1e6:>10.0f} {row['findings']:>9}")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 10000, 20000])
    parser.add_argument("--profile", type=int, metavar="CLAUSES")
    parser.add_argument("--write", nargs=2, metavar=("DIR", "CLAUSES"))
    args = parser.parse_args()
    if args.write:
        print(write_project(Path(args.write[0]), int(args.write[1])))
    elif args.profile:
        profile(args.profile)
    else:
        run_sizes(args.sizes)


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    main()
