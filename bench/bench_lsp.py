"""Edit-to-diagnostics latency of `peacecheck lsp` on proposals/miami.peace (target: under 100 ms).

    python bench/bench_lsp.py               # 15 edits after the first check, median and spread
    python bench/bench_lsp.py --rounds 40

The server runs as an editor runs it: a subprocess on pipes, spoken to in JSON-RPC by the tests'
client (tests/lsp_client.py). After didOpen and the first diagnostics (which parse the vocabulary
and the red lines), each round sends a didChange that alternates between a broken value (PC101)
and the original text, and times until the publishDiagnostics for that change arrives. The peer,
measured in the same run, is what the same check costs without the server: a fresh
`peacecheck proposals/miami.peace` process (start-up, parse everything, evaluate, print).
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from lsp_client import LspClient

PROPOSAL = REPO / "proposals" / "miami.peace"
TARGET_MS = 100.0


def server_latencies(rounds: int) -> tuple[float, list[float]]:
    """(ms to the first diagnostics after didOpen, ms per later edit to its diagnostics)."""
    text = PROPOSAL.read_text(encoding="utf-8")
    broken = text.replace("ukraine.sovereignty = affirmed", "ukraine.sovereignty = afirmed", 1)
    client = LspClient(REPO)
    try:
        client.initialize(REPO)
        started = time.perf_counter()
        uri = client.open(PROPOSAL, text)
        client.diagnostics(uri)
        first = (time.perf_counter() - started) * 1000
        times = []
        for version in range(2, rounds + 2):
            client.drain()
            started = time.perf_counter()
            client.change(uri, broken if version % 2 == 0 else text, version)
            found = client.diagnostics(uri)
            times.append((time.perf_counter() - started) * 1000)
            assert any(d["code"] == "PC101" for d in found) == (version % 2 == 0), "wrong diagnostics"
        return first, times
    finally:
        client.close()


def cli_latencies(rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "peacecheck.checker", str(PROPOSAL.relative_to(REPO))], cwd=REPO,
                       capture_output=True, check=False)
        times.append((time.perf_counter() - started) * 1000)
    return times


def spread(times: list[float]) -> str:
    return f"median {statistics.median(times):7.1f} ms  (min {min(times):.1f}, max {max(times):.1f}, n={len(times)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    first, edits = server_latencies(args.rounds)
    peer = cli_latencies(max(5, args.rounds // 3))
    ratio = statistics.median(peer) / statistics.median(edits)
    print(f"lsp first check (didOpen -> diagnostics): {first:7.1f} ms")
    print(f"lsp edit -> diagnostics:                  {spread(edits)}")
    print(f"peer: `peacecheck proposals/miami.peace`: {spread(peer)}")
    print(f"ratio peer / lsp edit: {ratio:.1f}x; target < {TARGET_MS:.0f} ms: "
          f"{'met' if statistics.median(edits) < TARGET_MS else 'MISSED'}")


if __name__ == "__main__":
    main()
