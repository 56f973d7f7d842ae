"""Every benchmark in bench/, one after the other, then one table of the figures against their peers.

    python bench/run_all.py --quick        # all of them, reduced sizes and rounds (under two minutes)
    python bench/run_all.py                # full sizes (many minutes)
    python bench/run_all.py --only diff solve

Benchmarks are found, not listed: every bench/bench_*.py runs, in name order, in a child process with
a time limit. A script that accepts `--quick` gets it; for the ones that do not, QUICK_ARGS holds the
reduced arguments. Each script prints its own table (kept in the output) and its ratios against the
peer it measured in the same run (median of its rounds). Lines of the form `RESULT name: value (goal)`
are gathered into the summary at the end; for the others, the summary points at the script's own
table. Not a unit test: ratios are what to compare between machines.
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUICK_ARGS = {  # scripts without a --quick flag of their own
    "bench_startup": ["--rounds", "3"],
    "bench_parse": ["--clauses", "2000", "--rounds", "3"],
    "bench_lsp": ["--rounds", "5"],
}
FULL_ONLY = {"bench_large"}  # minutes even when small: not part of --quick
RESULT = re.compile(r"^RESULT (?P<name>[^:]+): (?P<value>.+)$")


def discover() -> list[Path]:
    return sorted(p for p in HERE.glob("bench_*.py") if p.is_file())


def arguments(script: Path, quick: bool) -> list[str]:
    if not quick:
        return []
    if "--quick" in script.read_text(encoding="utf-8"):
        return ["--quick"]
    return QUICK_ARGS.get(script.stem, [])


def run(script: Path, args: list[str], limit: float) -> tuple[int | None, str, float]:
    start = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True, timeout=limit,
                              cwd=HERE.parent, check=False)
    except subprocess.TimeoutExpired as stopped:
        out = stopped.stdout.decode() if isinstance(stopped.stdout, bytes) else (stopped.stdout or "")
        return None, out, time.perf_counter() - start
    return done.returncode, done.stdout + (done.stderr if done.returncode else ""), time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="reduced sizes and rounds: under two minutes in all")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="only these (diff, solve, ... or bench_diff)")
    parser.add_argument("--limit", type=float, default=None, help="seconds per script (default 60 quick, 3600 full)")
    args = parser.parse_args()
    limit = args.limit or (60.0 if args.quick else 3600.0)
    scripts = [s for s in discover() if not (args.quick and s.stem in FULL_ONLY)]
    if args.only:
        wanted = {n if n.startswith("bench_") else f"bench_{n}" for n in args.only}
        scripts = [s for s in scripts if s.stem in wanted]
    summary: list[tuple[str, str, str]] = []
    began = time.perf_counter()
    for script in scripts:
        script_args = arguments(script, args.quick)
        print(f"=== {script.name} {' '.join(script_args)}", flush=True)
        code, out, seconds = run(script, script_args, limit)
        print(out.rstrip())
        state = "timed out" if code is None else ("ok" if code == 0 else f"exit {code}")
        print(f"--- {script.name}: {state}, {seconds:.0f} s wall\n", flush=True)
        found = [m for m in (RESULT.match(line) for line in out.splitlines()) if m]
        summary += [(script.stem, m["name"], m["value"]) for m in found]
        if not found:
            summary.append((script.stem, "(see its table above)", state))
    print(f"=== summary ({time.perf_counter() - began:.0f} s wall in all)")
    width = max([len(name) for _, name, _ in summary] + [10])
    for stem, name, value in summary:
        print(f"{stem:<15} {name:<{width}}  {value}")


if __name__ == "__main__":
    main()
