"""Start-up: a whole `peacecheck` process against the bare imports it cannot avoid.

    python bench/bench_startup.py [--rounds 7] [--importtime]

Each row is a fresh process, median of `--rounds` (user + system CPU seconds of that process, which a
busy machine disturbs less than wall time), and its ratio to the peer measured in the same run:

  bare imports       python -c "import lark, pydantic, click"                     (the peer, as issue 12 set it)
  lark, click        python -c "import lark, click": what a check still imports of the three (pydantic is no
                     dependency since the models became dataclasses); not a goal, a reference
  --help             peacecheck --help
  check, no cache    peacecheck proposals/miami.peace --format json --no-cache
  check, cold cache  the same with an empty cache folder (parses, then writes the entries)
  check, warm cache  the same with the entries in place (red lines and vocabulary not parsed)

The cache folder is a fresh temporary XDG_CACHE_HOME, never the user's; bytecode is compiled once
into a scratch PYTHONPYCACHEPREFIX first, as an installed copy has it. `--importtime` prints the
20 most expensive imports of the check (python -X importtime) after the table. Not a unit test.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PEER = [sys.executable, "-c", "import lark, pydantic, click"]
LARK_CLICK = [sys.executable, "-c", "import lark, click"]
CHECK = [sys.executable, "-m", "peacecheck.checker", "proposals/miami.peace", "--format", "json"]


def cpu_seconds(command: list[str], env: dict[str, str]) -> float:
    """User + system CPU time of one child process."""
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} exited {process.returncode}")
    return usage.ru_utime + usage.ru_stime


def median(command: list[str], env: dict[str, str], rounds: int, before=None) -> float:
    times = []
    for _ in range(rounds):
        if before:
            before()
        times.append(cpu_seconds(command, env))
    return statistics.median(times)


def measure(rounds: int) -> list[tuple[str, float]]:
    cache_home = Path(tempfile.mkdtemp(prefix="peacecheck-bench-cache-"))
    # Bytecode as an installed copy has it: written once (to a scratch folder, not the checkout) and then read,
    # for the peer's modules and ours alike, even where PYTHONDONTWRITEBYTECODE is set.
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home), "PYTHONPYCACHEPREFIX": str(cache_home / "pycache")}
    for name in ("PEACECHECK_NO_CACHE", "PYTHONDONTWRITEBYTECODE"):
        env.pop(name, None)

    def empty_cache() -> None:
        shutil.rmtree(cache_home / "peacecheck", ignore_errors=True)

    try:
        for command in (PEER, CHECK, [sys.executable, "-m", "peacecheck.checker", "--help"]):
            cpu_seconds(command, env)  # bytecode compiled once: not what is measured
        rows = [("bare imports", median(PEER, env, rounds)),
                ("lark, click", median(LARK_CLICK, env, rounds)),
                ("--help", median([sys.executable, "-m", "peacecheck.checker", "--help"], env, rounds)),
                ("check, no cache", median(CHECK + ["--no-cache"], env, rounds)),
                ("check, cold cache", median(CHECK, env, rounds, before=empty_cache))]
        cpu_seconds(CHECK, env)
        rows.append(("check, warm cache", median(CHECK, env, rounds)))
    finally:
        shutil.rmtree(cache_home, ignore_errors=True)
    return rows


def import_profile(top: int = 20) -> None:
    env = {**os.environ, "PEACECHECK_NO_CACHE": "1", "PYTHONPYCACHEPREFIX": tempfile.mkdtemp()}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([sys.executable, *CHECK[1:]], cwd=REPO, env=env, capture_output=True, check=False)
    done = subprocess.run([sys.executable, "-X", "importtime", *CHECK[1:]], cwd=REPO, env=env,
                          capture_output=True, text=True, check=False)
    rows = []
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(.*)", line)
        if match:
            rows.append((int(match[1]), int(match[2]), match[3].rstrip()))
    print("\nmost expensive imports of the check (self us, cumulative us):")
    for own, total, name in sorted(rows, reverse=True)[:top]:
        print(f"{own:>8} {total:>9} {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--importtime", action="store_true")
    args = parser.parse_args()
    rows = measure(args.rounds)
    peer = rows[0][1]
    print(f"median of {args.rounds} processes, CPU seconds")
    for name, seconds in rows:
        print(f"{name:<18} {seconds:>6.3f} {seconds / peer:>6.2f}x")
    if args.importtime:
        import_profile()


if __name__ == "__main__":
    main()
