"""`peacecheck test`'s report: failing cases with expected vs actual, the tally, and coverage."""
from __future__ import annotations

from typing import Any

from peacecheck.checker.redline_tests import CaseResult, Coverage


def render(report: Any, verbose: bool = False, quiet: bool = False) -> str:
    """A TestReport (from `run_tests`) as text; `quiet`: failing cases and the tally, coverage only when too low."""
    coverage = report.coverage
    if quiet and coverage is not None and (report.threshold is None or coverage.percent >= report.threshold):
        coverage = None
    text = render_cases(list(report.results), coverage, verbose, report.threshold)
    if quiet and coverage is not None:  # keep only the tally and the shortfall of the coverage section
        text = "\n".join(line for line in text.splitlines() if not line.startswith(("Coverage:", "  not exercised"))) + "\n"
    return text


def render_cases(results: list[CaseResult], coverage: Coverage | None, verbose: bool = False,
                 threshold: float | None = None) -> str:
    lines: list[str] = []
    for r in results:
        if not r.passed:
            lines.append(f"FAIL {r.case.where}: {r.case.name}")
            lines += [f"  {p}" for p in r.problems]
        elif verbose:
            lines.append(f"PASS {r.case.where}: {r.case.name}")
    failed = sum(1 for r in results if not r.passed)
    if lines:
        lines.append("")
    lines.append(f"FAIL: {failed}/{len(results)}" if failed else f"PASS: {len(results)}/{len(results)}")
    if coverage is not None:
        lines += _coverage_lines(coverage, threshold)
    return "\n".join(lines) + "\n"


def _coverage_lines(coverage: Coverage, threshold: float | None) -> list[str]:
    total, missing = len(coverage.rules), coverage.missing
    tests = sum(1 for r in coverage.rules if (r.file, r.rule) in coverage.by_tests)
    proposals = sum(1 for r in coverage.rules if (r.file, r.rule) in coverage.by_proposals)
    lines = [f"Coverage: {total - len(missing)}/{total} rules exercised ({coverage.percent:.1f}%); "
             f"{tests} by tests, {proposals} by proposals"]
    lines += [f"  not exercised: {r.file}:{r.line}: {r.party} {r.rule} \"{r.title}\"" for r in missing]
    if threshold is not None and coverage.percent < threshold:
        lines.append(f"Coverage {coverage.percent:.1f}% is below the threshold of {threshold:g}%")
    return lines
