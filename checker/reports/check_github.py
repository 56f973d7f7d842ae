"""GitHub Actions workflow commands: one annotation per finding, on the clause's line.

    ::error file=proposals/miami.peace,line=143,title=ukraine UA-TERR-1 (hard)::Ukraine rejects: ...

Hard red lines are `error`, soft ones `warning`, acknowledged findings and
acknowledgement problems `notice`/`warning`. Values are escaped as the runner
expects: in the message % CR LF become %25 %0D %0A; in properties also : and ,
become %3A and %2C. Non-default options are left out (not in the draft as written).
"""
from __future__ import annotations

from peacecheck.checker.evaluation.results import CheckResult, Finding


def render(result: CheckResult) -> str:
    lines = [_finding(result, f) for f in result.findings]
    for issue in result.acknowledgement_issues:
        lines.append(command("warning", result.proposal.file, issue.line,
                             f"acknowledgement {issue.problem}: {issue.party} {issue.rule}",
                             f"clause {issue.clause} acknowledges {issue.party} {issue.rule}, but the "
                             f"acknowledgement is {issue.problem}"))
    return "".join(line + "\n" for line in lines)


def _finding(result: CheckResult, f: Finding) -> str:
    clause = result.proposal.clause(f.clause) if f.clause else None
    line = clause.span.line if clause else 1
    level = "notice" if f.acknowledged else ("error" if f.severity == "hard" else "warning")
    where = f"clause {f.clause}" if f.clause else "the proposal as a whole"
    message = f"{where}: {f.message}"
    if f.explanation:
        message += f"\nwhy: {f.explanation}"
    if f.acknowledged:
        message += f"\nacknowledged: {f.acknowledged}"
    message += f"\nrule at {f.rule_file}:{f.rule_line}"
    title = f"{f.party} {f.rule} ({'acknowledged' if f.acknowledged else f.severity})"
    return command(level, result.proposal.file, line, title, message)


def command(level: str, file: str, line: int, title: str, message: str) -> str:
    props = f"file={escape_property(file)},line={max(line, 1)},title={escape_property(title)}"
    return f"::{level} {props}::{escape_data(message)}"


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
