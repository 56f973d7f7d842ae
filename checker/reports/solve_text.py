"""`peacecheck solve` and `peacecheck lint` as text and JSON. Renders results; decides nothing.

JSON keys are sorted and the output ends with a newline, so the same inputs give the same bytes.
"""
from __future__ import annotations

from typing import Any

from peacecheck.checker.negotiation import Conflict, DraftFix, Package, PartyVerdict, RuleRef, SolveResult
from peacecheck.checker.negotiation.lint import LintReport, LintWarning
from peacecheck.checker.reports import wording
from peacecheck.checker.reports.check_json import dumps
from peacecheck.dsl.models import format_number

SOLVE_SCHEMA_VERSION = 1
LINT_SCHEMA_VERSION = 1


def num(x: float) -> str:
    return format_number(round(x, 6))


# ------------------------------------------------------------------ solve: text
def render(result: SolveResult) -> str:
    lines = _header(result)
    if result.stopped is not None:
        lines += [stopped_words(result)[0]] + [f"  {line}" for line in stopped_words(result)[1:]] + [""]
    if result.feasible:
        lines += _packages(result)
    elif not unknown(result):
        lines += _conflicts(result.conflicts)
    if result.draft is not None:
        lines += _draft(result.draft)
    lines.append("Result: " + outcome(result))
    return "\n".join(lines).rstrip() + "\n"


def unknown(result: SolveResult) -> bool:
    """No package found, and none ruled out either: the time limit ran out first."""
    return not result.feasible and result.stopped is not None and result.stopped.phase == "packages"


def outcome(result: SolveResult) -> str:
    if result.feasible:
        return "a package every party can accept exists."
    if unknown(result):
        return "not known: the time limit ran out before a package was found or ruled out."
    return "no package every party can accept; the conflicts above rule it out."


PHASE = {"packages": "looking for the best packages", "count": "counting the acceptable packages",
         "conflicts": "isolating the conflicting red lines", "draft": "looking for the smallest change to the draft"}


def stopped_words(result: SolveResult) -> list[str]:
    """What a run cut short by --time-limit still proves: a heading, then one sentence per fact."""
    stop = result.stopped
    assert stop is not None
    lines = [f"Stopped at the time limit ({num(stop.seconds)} s) while {PHASE[stop.phase]}. What stands proved:"]
    n = len(result.packages)
    if stop.phase == "packages" and not n:
        lines.append("no acceptable package was found in time, and none was ruled out: whether one exists is not "
                     "known (raise --time-limit)")
    elif n:
        lines.append(f"the {n} package{'s' if n > 1 else ''} shown meet{'' if n > 1 else 's'} every hard red line "
                     "(re-checked clause by clause by the checker)")
        if stop.best_proven:
            lines.append("each is proven the best at its rank" + ("; more may follow it" if stop.phase == "packages"
                                                                 else ""))
        else:
            floor = f": no acceptable package has a worst-off concern below {num(stop.worst_at_least)}" \
                if stop.worst_at_least is not None else ""
            lines.append("the first is not proven the best" + floor)
        if stop.phase in ("packages", "count"):
            lines.append(f"at least {result.acceptable_count:,} acceptable package{'s' if result.acceptable_count != 1 else ''}"
                         " exist (the count was not finished)")
    if stop.phase == "conflicts":
        k = len(result.conflicts)
        lines.append("no package every party can accept exists")
        lines.append(f"the {k} conflict set{'s' if k != 1 else ''} shown {'are each' if k != 1 else 'is'} minimal; "
                     "there may be others" if k else "no conflict set was isolated in time")
    if result.draft is not None and not result.draft.complete:
        lines.append("the change shown makes the draft acceptable but is not proven the smallest"
                     if result.draft.result is not None else "the smallest change to the draft was not found in time")
    return lines


def _header(result: SolveResult) -> list[str]:
    p = result.proposal
    parties = ", ".join(f"{i.id} ({wording.count(i.rule_count, 'rule')})" for i in result.parties)
    counted = f"; {_count(result)} acceptable to every party" if result.feasible else ""
    lines = [f"Negotiation analysis: {p.title}  [{p.file}]",
             f"Red lines: {parties}; {result.hard_rules} hard, {result.soft_rules} soft",
             (f"Options: {len(result.option_clauses)} clauses with options, "
              f"{result.package_space:,} possible packages{counted}")]
    if result.waived:
        lines.append("Acknowledged by the proposal, so left to the checker: "
                     + ", ".join(f"{r.party} {r.rule}" for r in result.waived))
    lines.append(wording.today_sentence(result))
    return lines + [""]


def _count(result: SolveResult) -> str:
    return f"at least {result.acceptable_count:,}" if result.count_capped else f"{result.acceptable_count:,}"


def _packages(result: SolveResult) -> list[str]:
    lines = [("Best packages, best first (ranked by the worst-off party's soft concerns, then all concerns, "
              "then the fewest changes from the draft):")]
    for package in result.packages:
        lines += _package(package, f"#{package.rank}")
    return lines


def _package(package: Package, label: str) -> list[str]:
    changes = len(package.changes)
    lines = [(f"{label}  worst-off {num(package.worst)}, total {num(package.total)}, "
              f"{changes} change{'' if changes == 1 else 's'} from the draft")]
    width = max([len(c.clause) for c in package.choices] + [2])
    for c in package.choices:
        mark = "  (changed)" if c.changed else ""
        lines.append(f"    {c.clause.ljust(width)}  {c.clause_title}: {c.option} - {c.option_title}{mark}")
    lines += [f"    {_verdict_words(v)}" for v in package.verdicts]
    return lines + [""]


def _verdict_words(v: PartyVerdict) -> str:
    """'south: concern (weight 1: S3 The hills are not shared)'."""
    parts = []
    if v.rejections:
        parts.append("; ".join(f"{r.rule} {r.title}" for r in v.rejections))
    if v.concerns:
        also = "also concerns of " if v.rejections else ""
        parts.append(f"{also}weight {num(v.concern_weight)}: " + "; ".join(f"{r.rule} {r.title}" for r in v.concerns))
    if v.verdict == "silent":
        parts.append("no red lines")
    return f"{v.party}: {v.verdict}" + (f" ({'; '.join(parts)})" if parts else "")


def _conflicts(conflicts: list[Conflict]) -> list[str]:
    lines = ["No package is acceptable to every party.",
             "Conflicting red lines (each set is minimal: drop any one of its red lines and the rest can be met):"]
    for i, conflict in enumerate(conflicts, 1):
        lines.append(f"  {i}. {wording.conflict_sentence(conflict)}")
        for r in conflict.rules:
            lines.append(f"       {r.party} {r.rule} ({r.severity} {r.kind}) at {r.file}:{r.line}")
    return lines + [""]


def _draft(fix: DraftFix) -> list[str]:
    how = "its default options" if all(p.how == "default" for p in fix.reading) else fix.file
    lines = [f"The draft ({how}):"]
    if any(p.how != "default" for p in fix.reading):
        lines += [f"    reads clause {p.clause} as option {p.option} ({p.how})" for p in fix.reading]
    blocked = [v for v in fix.draft.verdicts if v.rejections]
    if not blocked:
        lines.append("  acceptable to every party as it stands")
        lines += [f"    {_verdict_words(v)}" for v in fix.draft.verdicts]
        return lines + [""]
    lines.append("  rejected by " + "; ".join(f"{v.party} (" + ", ".join(r.rule for r in v.rejections) + ")"
                                              for v in blocked))
    if any(p.how != "default" for p in fix.reading):  # a --from draft: its verdict is its own, the repair is not
        lines.append("  (that is how `check` judges the draft itself; what follows reads the options file's"
                     " clauses with the draft's choices, so it cannot mend what the draft leaves out)")
    if fix.relax:
        lines.append(f"  No switch of options suffices. Fewest red lines to relax ({len(fix.relax)}):")
        lines += [f"    {wording.rule_ref_words(r)}" for r in fix.relax]
        for alt in fix.alternatives:
            lines.append("    or instead: " + ", ".join(f"{r.party} {r.rule}" for r in alt))
    lines += _switches(fix)
    if fix.result is not None:
        lines.append("  Then:" + (" (the relaxed red lines still object)" if fix.relax else ""))
        lines += [f"    {_verdict_words(v)}" for v in fix.result.verdicts]
    return lines + [""]


def _switches(fix: DraftFix) -> list[str]:
    prefix = "  With them relaxed, " if fix.relax else "  Smallest change: "
    if not fix.switches:
        return [prefix + "no switch is needed"]
    n = len(fix.switches)
    lines = [prefix + f"switch {n} clause{'' if n == 1 else 's'}"]
    return lines + [f"    {s.clause}  {s.clause_title}: {s.from_option} -> {s.to_option} ({s.to_title})"
                    for s in fix.switches]


# ------------------------------------------------------------------ solve: JSON
def rule_dict(r: RuleRef) -> dict[str, Any]:
    return {"party": r.party, "party_name": r.party_name, "rule": r.rule, "title": r.title, "kind": r.kind,
            "severity": r.severity, "weight": r.weight, "file": r.file, "line": r.line, "column": r.column}


def package_dict(p: Package) -> dict[str, Any]:
    return {"rank": p.rank, "worst": p.worst, "total": p.total, "changes": list(p.changes),
            "acceptable": p.acceptable,
            "choices": [{"clause": c.clause, "clause_title": c.clause_title, "option": c.option,
                         "option_title": c.option_title, "default": c.default, "changed": c.changed}
                        for c in p.choices],
            "verdicts": {v.party: {"verdict": v.verdict, "concern_weight": v.concern_weight,
                                   "concerns": [rule_dict(r) for r in v.concerns],
                                   "rejections": [rule_dict(r) for r in v.rejections]} for v in p.verdicts}}


def draft_dict(fix: DraftFix) -> dict[str, Any]:
    return {"file": fix.file, "acceptable_as_is": fix.acceptable_as_is,
            "reading": [{"clause": p.clause, "option": p.option, "how": p.how} for p in fix.reading],
            "draft": package_dict(fix.draft),
            "switches": [{"clause": s.clause, "clause_title": s.clause_title, "from": s.from_option,
                          "from_title": s.from_title, "to": s.to_option, "to_title": s.to_title}
                         for s in fix.switches],
            "relax": [rule_dict(r) for r in fix.relax],
            "alternatives": [[rule_dict(r) for r in alt] for alt in fix.alternatives],
            "result": package_dict(fix.result) if fix.result is not None else None, "complete": fix.complete}


def result_dict(result: SolveResult) -> dict[str, Any]:
    return {
        "schema_version": SOLVE_SCHEMA_VERSION,
        "command": "solve",
        "proposal": {"title": result.proposal.title, "file": result.proposal.file},
        "acknowledgements_judged_on": result.today.isoformat() if result.today and result.dated_acknowledgements
        else None,
        "parties": [{"id": p.id, "name": p.name, "file": p.file, "rules": p.rule_count, "digest": p.digest}
                    for p in result.parties],
        "space": {"clauses_with_options": [{"id": c.id, "title": c.title} for c in result.option_clauses],
                  "packages": result.package_space, "acceptable": result.acceptable_count,
                  "acceptable_capped": result.count_capped, "hard_rules": result.hard_rules,
                  "soft_rules": result.soft_rules},
        "feasible": result.feasible,
        "packages": [package_dict(p) for p in result.packages],
        "conflicts": [{"summary": wording.conflict_sentence(c), "parties": list(c.parties), "rules": [rule_dict(r) for r in c.rules],
                       "clauses": [{"id": x.id, "title": x.title} for x in c.clauses],
                       "contested": [x.id for x in c.contested]} for c in result.conflicts],
        "draft": draft_dict(result.draft) if result.draft is not None else None,
        "waived": [rule_dict(r) for r in result.waived],
        "time_limit": result.time_limit,
        "stopped": None if result.stopped is None else {
            "phase": result.stopped.phase, "seconds": result.stopped.seconds,
            "best_proven": result.stopped.best_proven, "worst_at_least": result.stopped.worst_at_least,
            "feasibility_known": not unknown(result), "proved": stopped_words(result)[1:]},
    }


def render_json(result: SolveResult) -> str:
    return dumps(result_dict(result))


# ------------------------------------------------------------------ lint
def render_lint(report: LintReport) -> str:
    lines: list[str] = []
    for w in report.warnings:
        lines.append(f"{w.span.file}:{w.span.line}:{w.span.column}: {w.code} {w.message}")
        lines.append(f"    {w.explanation}")
    n = len(report.warnings)
    looked = (f"{len(report.redline_files)} red-line file(s), {len(report.proposal_files)} proposal(s), "
              f"vocabulary {report.vocabulary}")
    lines.append(f"{n} warning{'' if n == 1 else 's'} ({looked})" if n else f"no warnings ({looked})")
    return "\n".join(lines) + "\n"


def lint_dict(report: LintReport) -> dict[str, Any]:
    return {"schema_version": LINT_SCHEMA_VERSION, "command": "lint", "vocabulary": report.vocabulary,
            "redline_files": list(report.redline_files), "proposal_files": list(report.proposal_files),
            "warnings": [_warning_dict(w) for w in report.warnings], "count": len(report.warnings)}


def _warning_dict(w: LintWarning) -> dict[str, Any]:
    return {"code": w.code, "message": w.message, "explanation": w.explanation, "file": w.span.file,
            "line": w.span.line, "column": w.span.column, "rules": [rule_dict(r) for r in w.rules]}


def render_lint_json(report: LintReport) -> str:
    return dumps(lint_dict(report))
