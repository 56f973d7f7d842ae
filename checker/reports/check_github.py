"""GitHub Actions workflow commands: one annotation per finding, on the clause's line.

    ::error file=proposals/miami.peace,line=143,title=ukraine UA-TERR-1 (hard)::Ukraine rejects: ...

Hard red lines are `error`, soft ones `warning`, acknowledged findings and
acknowledgement problems `notice`/`warning`. Values are escaped as the runner
expects: in the message % CR LF become %25 %0D %0A; in properties also : and ,
become %3A and %2C. Non-default options are left out (not in the draft as written).
"""
from __future__ import annotations

from peacecheck.checker.evaluation.results import CheckResult, Finding
from peacecheck.checker.reports import wording


def render(result: CheckResult) -> str:
    names = {p.id: p.name for p in result.parties}
    lines = [_finding(result, f, names) for f in result.findings]
    if result.what_if:  # a what-if run says so in the job log, before its findings
        from peacecheck.checker.reports.cli_lines import what_if_lines

        lines.insert(0, command("notice", result.proposal.file, 1, "what-if", "\n".join(what_if_lines(result.what_if))))
    for issue in result.acknowledgement_issues:
        lines.append(command("warning", result.proposal.file, issue.line, wording.acknowledgement_issue_title(issue),
                             f"{wording.acknowledgement_issue(issue)}\n{wording.today_sentence(result)}"))
    return "".join(line + "\n" for line in lines)


def _finding(result: CheckResult, f: Finding, names: dict[str, str]) -> str:
    line = f.span.line if f.span else 1
    level = "notice" if f.acknowledged else ("error" if f.severity == "hard" else "warning")
    message = f"{wording.where(f)}: {wording.message(f, names.get(f.party, f.party))}"
    if f.explanation:
        message += f"\nwhy: {f.explanation}"
    if f.acknowledged:
        message += f"\n{wording.acknowledged_line(f.acknowledged)}\n{wording.today_sentence(result)}"
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
