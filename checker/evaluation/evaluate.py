"""Evaluation: a proposal and the parties' red lines in, a CheckResult out.

A rule's condition is evaluated over the terms of the whole proposal, so a rule
can link clauses ("give up NATO only with an Article-5-like guarantee"). Each
evaluation returns, besides its truth value, the evidence that decided it: the
term values that made the condition true (or false). Findings are attributed to
the clauses that supplied that evidence.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from peacecheck.checker.evaluation.results import (
    AcknowledgementIssue,
    CheckResult,
    CitationInfo,
    ClauseResult,
    Evidence,
    Finding,
    OptionResult,
    PartyInfo,
    Verdict,
)
from peacecheck.checker.reports.wording import finding_message
from peacecheck.dsl import models as m
from peacecheck.dsl.conditions import leaves, show, test_part
from peacecheck.dsl.validate import leaf_terms


@dataclass(frozen=True)
class Binding:
    """A term's value as one clause (or one option of it) states it."""

    path: str
    value: m.Value
    clause: str
    option: str | None
    line: int


class Environment:
    """All bindings of one reading of a proposal, indexed by term path."""

    def __init__(self, bindings: list[Binding]):
        self.by_path: dict[str, list[Binding]] = {}
        for binding in bindings:
            self.by_path.setdefault(binding.path, []).append(binding)
        self._wildcards: dict[str, list[Binding]] = {}
        self._clauses: dict[str, list[Binding]] | None = None
        self._prefixes: dict[str, list[str]] = {}

    def of_clause(self, clause: str) -> list[Binding]:
        """The bindings one clause supplies."""
        if self._clauses is None:
            self._clauses = {}
            for bindings in self.by_path.values():
                for binding in bindings:
                    self._clauses.setdefault(binding.clause, []).append(binding)
        return self._clauses.get(clause, [])

    def lookup(self, pattern: str) -> list[Binding]:
        if not pattern.endswith(".*"):
            return self.by_path.get(pattern, [])
        if pattern not in self._wildcards:
            prefix = pattern[:-1]
            self._wildcards[pattern] = [b for path in sorted(self.by_path) if path.startswith(prefix)
                                        for b in self.by_path[path]]
        return self._wildcards[pattern]

    def paths_with(self, prefix: str) -> list[str]:
        """The bound paths that start with `prefix`, sorted."""
        if prefix not in self._prefixes:
            self._prefixes[prefix] = sorted(path for path in self.by_path if path.startswith(prefix))
        return self._prefixes[prefix]


class ClauseReading(Environment):
    """A reading of the proposal in which one clause states other bindings (an option): the base
    environment with that clause's bindings replaced, without copying the rest."""

    def __init__(self, base: Environment, clause: str, bindings: list[Binding]):
        self.base = base
        new: dict[str, list[Binding]] = {}
        for binding in bindings:
            new.setdefault(binding.path, []).append(binding)
        changed = set(new) | {b.path for b in base.of_clause(clause)}
        self.changed = {path: [b for b in base.by_path.get(path, []) if b.clause != clause] + new.get(path, [])
                        for path in changed}
        self._wildcards = {}

    def lookup(self, pattern: str) -> list[Binding]:
        if not pattern.endswith(".*"):
            return self.changed[pattern] if pattern in self.changed else self.base.lookup(pattern)
        prefix = pattern[:-1]
        if not any(path.startswith(prefix) for path in self.changed):
            return self.base.lookup(pattern)
        if pattern not in self._wildcards:
            paths = sorted(set(self.base.paths_with(prefix)) | {p for p in self.changed if p.startswith(prefix)})
            self._wildcards[pattern] = [b for path in paths for b in self.lookup(path)]
        return self._wildcards[pattern]


Outcome = tuple[bool, list[Evidence]]


class Evaluator:
    def __init__(self, vocabulary: m.Vocabulary):
        self.vocabulary = vocabulary

    def evaluate(self, condition: m.Condition, env: Environment) -> Outcome:
        if isinstance(condition, m.Not):
            value, evidence = self.evaluate(condition.inner, env)
            return not value, evidence
        if isinstance(condition, (m.AllOf, m.AnyOf)):
            return self._combine(condition, env)
        return self._leaf(condition, env)

    def _combine(self, condition: m.AllOf | m.AnyOf, env: Environment) -> Outcome:
        outcomes = [self.evaluate(item, env) for item in condition.items]
        want_all = isinstance(condition, m.AllOf)
        value = all(v for v, _ in outcomes) if want_all else any(v for v, _ in outcomes)
        # The evidence that decided: for a true `and` every part, for a false one the false parts;
        # dually for `or`.
        deciding = [e for v, e in outcomes if v == value] if value != want_all else [e for _, e in outcomes]
        return value, [item for evidence in deciding for item in evidence]

    def _leaf(self, leaf: m.Condition, env: Environment) -> Outcome:
        bindings = env.lookup(leaf.pattern)
        test = test_part(leaf)
        if isinstance(leaf, m.Presence):
            present = bool(bindings)
            if not bindings:
                return leaf.kind == "absent", [Evidence(leaf.pattern, "", "absent")]
            return present == (leaf.kind == "present"), [_evidence(b, leaf.kind) for b in bindings]
        matching = [b for b in bindings if self._holds(leaf, b)]
        if matching:
            return True, [_evidence(b, test) for b in matching]
        if not bindings:
            return False, [Evidence(leaf.pattern, "", test)]
        return False, [_evidence(b, test) for b in bindings]

    def _holds(self, leaf: m.Condition, binding: Binding) -> bool:
        term = self.vocabulary.terms.get(binding.path)
        if term is None:
            return False
        if isinstance(leaf, m.Compare):
            return compare(binding.value, leaf.op, leaf.value, term.type)
        if isinstance(leaf, m.OneOf):
            return any(compare(binding.value, "==", v, term.type) for v in leaf.values)
        if isinstance(leaf, m.Has):
            members = set(binding.value.raw) if binding.value.kind == "set" else set()
            wanted = set(leaf.names)
            return wanted <= members if leaf.mode == "all" else bool(wanted & members)
        return False


def compare(left: m.Value, op: str, right: m.Value, term_type: m.TermType) -> bool:
    """`left op right` for values of one term; False when the values are not comparable."""
    a, b = _key(left, term_type), _key(right, term_type)
    if a is None or b is None:
        return False
    if op == "==":
        return a == b
    if op == "!=":
        return a != b
    try:
        return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]
    except TypeError:
        return False


def _key(value: m.Value, term_type: m.TermType):
    if term_type.kind == "scale":
        return term_type.values.index(value.raw) if value.raw in term_type.values else None
    if value.kind == "set":
        return frozenset(value.raw)  # type: ignore[arg-type]
    if value.kind == "number" and isinstance(value.raw, bool):
        return None
    return value.raw


def _evidence(binding: Binding, test: str) -> Evidence:
    return Evidence(binding.path, binding.value.show(), test, binding.clause, binding.option, binding.line)


# ------------------------------------------------------------------ the check
def bindings_of(proposal: m.Proposal, choice: dict[str, str] | None = None) -> list[Binding]:
    """The proposal's bindings, taking for each clause with options the chosen one (default: the first)."""
    choice = choice or {}
    out: list[Binding] = []
    for clause in proposal.clauses:
        out.extend(Binding(a.path, a.value, clause.id, None, a.span.line) for a in clause.terms)
        if clause.options:
            option = _option(clause, choice.get(clause.id))
            out.extend(Binding(a.path, a.value, clause.id, option.id, a.span.line) for a in option.terms)
    return out


def _option(clause: m.Clause, option_id: str | None) -> m.Option:
    return next((o for o in clause.options if o.id == option_id), clause.options[0])


def rule_findings(redlines: m.RedLines, env: Environment, evaluator: Evaluator,
                  rules: list[m.Rule] | None = None) -> list[Finding]:
    """Every finding one party's red lines (or just `rules` of them) produce on one reading of a proposal."""
    findings: list[Finding] = []
    for rule in redlines.rules if rules is None else rules:
        if rule.condition is None:
            continue
        value, evidence = evaluator.evaluate(rule.condition, env)
        crossed = value if rule.kind == "rule" else not value
        if crossed:
            findings.extend(_findings_for(redlines, rule, evidence))
    return findings


def _findings_for(redlines: m.RedLines, rule: m.Rule, evidence: list[Evidence]) -> list[Finding]:
    clauses = list(dict.fromkeys(e.clause for e in evidence if e.clause is not None))
    if rule.kind == "require" or not clauses:
        targets: list[str | None] = [None]
    else:
        targets = list(clauses)
    return [_finding(redlines, rule, evidence, clause, tuple(c for c in clauses if c != clause))
            for clause in targets]


def _finding(redlines: m.RedLines, rule: m.Rule, evidence: list[Evidence], clause: str | None,
             related: tuple[str, ...]) -> Finding:
    condition = show(rule.condition) if rule.condition else ""
    shown = _evidence_text(evidence, rule.kind)
    message = finding_message(redlines.name, rule.kind, rule.severity, rule.title, rule.id, shown)
    option = next((e.option for e in evidence if e.clause == clause and e.option), None)
    return Finding(party=redlines.party, rule=rule.id, rule_title=rule.title, severity=rule.severity,
                   kind=rule.kind, clause=clause, message=message, explanation=rule.because,
                   condition=condition, evidence=tuple(_dedupe(evidence)), option=option,
                   citations=tuple(_citation(redlines, c) for c in rule.citations),
                   related_clauses=related, weight=rule.weight, rule_file=redlines.file, rule_line=rule.span.line)


def _evidence_text(evidence: list[Evidence], kind: str) -> str:
    parts = []
    for e in _dedupe(evidence):
        if not e.value:
            parts.append(f"{e.path} is absent" + ("" if e.test == "absent" else f" (needs {e.test})"))
        else:
            where = f" (clause {e.clause})" if e.clause else ""
            parts.append(f"{e.path} = {e.value}{where} against {e.test}")
    prefix = "nothing satisfies it: " if kind == "require" else ""
    return prefix + "; ".join(parts)


def _dedupe(evidence: list[Evidence]) -> list[Evidence]:
    return list(dict.fromkeys(evidence))


def _citation(redlines: m.RedLines, citation: m.Citation) -> CitationInfo:
    source = redlines.sources.get(citation.source) or m.Source(id=citation.source)
    return CitationInfo(source=source.id, title=source.title, publication=source.publication, date=source.date,
                        seed=source.seed, url=source.url, locator=citation.locator)


def party_info(redlines: m.RedLines, digest_of: bytes = b"") -> PartyInfo:
    digest = hashlib.sha256(digest_of).hexdigest()[:12] if digest_of else ""
    return PartyInfo(redlines.party, redlines.name, redlines.file, len(redlines.rules), digest, redlines.notes)


class Relevance:
    """Which term paths a party's rules read: a clause stating one of them is one the party has a view on."""

    def __init__(self, redlines: m.RedLines, vocabulary: m.Vocabulary):
        self.paths = {term.path for rule in redlines.rules if rule.condition
                      for leaf in leaves(rule.condition) for term in leaf_terms(leaf, vocabulary)}
        # Every path a rule's lookups can return bindings for (a wildcard: all terms under it),
        # so a clause's findings need only the rules that look at what the clause states.
        self.rules_by_path: dict[str, list[int]] = {}
        for index, rule in enumerate(redlines.rules):
            looked_at = {path for leaf in (leaves(rule.condition) if rule.condition else [])
                         for path in vocabulary.matching(leaf.pattern)}
            for path in looked_at:
                self.rules_by_path.setdefault(path, []).append(index)
        self.redlines = redlines

    def reads(self, path: str) -> bool:
        return path in self.paths

    def rules_looking_at(self, paths: list[str]) -> list[m.Rule]:
        """The party's rules whose conditions look at any of `paths`, in file order."""
        indexes = sorted({i for path in paths for i in self.rules_by_path.get(path, ())})
        return [self.redlines.rules[i] for i in indexes]


def verdict(findings: list[Finding], bears: bool) -> Verdict:
    active = [f for f in findings if not f.acknowledged]
    if any(f.severity == "hard" for f in active):
        return "reject"
    if active:
        return "concern"
    return "accept" if bears or findings else "silent"


def check(proposal: m.Proposal, vocabulary: m.Vocabulary, redlines: list[m.RedLines],
          digests: dict[str, bytes] | None = None, today: dt.date | None = None) -> CheckResult:
    """Check a proposal against every party's red lines."""
    digests = digests or {}
    evaluator = Evaluator(vocabulary)
    parties = sorted(redlines, key=lambda r: r.party)
    relevance = {r.party: Relevance(r, vocabulary) for r in parties}
    base = Environment(bindings_of(proposal))
    findings = _acknowledge(proposal, [f for r in parties for f in rule_findings(r, base, evaluator)], today)
    by_clause: dict[str | None, list[Finding]] = {}
    for finding in findings:
        by_clause.setdefault(finding.clause, []).append(finding)
    clauses = [_clause_result(proposal, c, parties, relevance, by_clause.get(c.id, []), evaluator, base, today)
               for c in proposal.clauses]
    return CheckResult(proposal=proposal, vocabulary=vocabulary,
                       parties=[party_info(r, digests.get(r.party, b"")) for r in parties],
                       clauses=clauses, findings=sort_findings(findings),
                       acknowledgement_issues=_acknowledgement_issues(proposal, findings, today))


def _clause_result(proposal: m.Proposal, clause: m.Clause, parties: list[m.RedLines],
                   relevance: dict[str, Relevance], findings: list[Finding], evaluator: Evaluator,
                   base: Environment, today: dt.date | None) -> ClauseResult:
    default = clause.options[0] if clause.options else None
    stated = [a.path for a in clause.terms] + [a.path for a in (default.terms if default else ())]
    verdicts = {p.party: verdict([f for f in findings if f.party == p.party],
                                 any(relevance[p.party].reads(path) for path in stated)) for p in parties}
    triggered = frozenset(e.path for f in findings if not f.acknowledged for e in f.evidence if e.clause == clause.id)
    result = ClauseResult(clause.id, clause.title, verdicts, sort_findings(findings), triggered_paths=triggered)
    caused = _missing_caused_by_choice(clause, parties, relevance, evaluator, base)
    for option in clause.options:
        result.options.append(_option_result(proposal, clause, option, parties, relevance, evaluator, base, today,
                                             caused.get(option.id, [])))
    if caused.get(clause.options[0].id if clause.options else ""):
        # The clause as drafted is its default option: what that choice leaves missing is its finding too.
        default = result.options[0]
        result.verdicts = dict(default.verdicts)
        own = {(f.party, f.rule) for f in findings}
        result.findings = sort_findings(findings + [f for f in default.findings if (f.party, f.rule) not in own])
    return result


def _reading(base: Environment, clause: m.Clause, option: m.Option) -> "ClauseReading":
    bindings = [Binding(a.path, a.value, clause.id, None, a.span.line) for a in clause.terms]
    bindings += [Binding(a.path, a.value, clause.id, option.id, a.span.line) for a in option.terms]
    return ClauseReading(base, clause.id, bindings)


def _missing_caused_by_choice(clause: m.Clause, parties: list[m.RedLines], relevance: dict[str, "Relevance"],
                              evaluator: Evaluator, base: Environment) -> dict[str, list[Finding]]:
    """Proposal-level findings that depend on which option of `clause` is chosen.

    An option that leaves out what another option states can make a party find
    something missing (Russia's NATO line when the NATO option says nothing). Such
    a finding has no clause of its own, but the choice of option decides it: it
    is shown under every option that produces it, attributed to the clause.
    """
    if len(clause.options) < 2:
        return {}
    paths = sorted({a.path for o in clause.options for a in o.terms})
    by_option: dict[str, dict[tuple[str, str], Finding]] = {}
    for option in clause.options:
        env = _reading(base, clause, option)
        by_option[option.id] = {(f.party, f.rule): f for r in parties
                                for f in rule_findings(r, env, evaluator, relevance[r.party].rules_looking_at(paths))
                                if f.clause is None}
    common = set.intersection(*(set(found) for found in by_option.values()))
    return {option_id: [_replace(f, clause=clause.id) for key, f in sorted(found.items()) if key not in common]
            for option_id, found in by_option.items()}


def _replace(finding: Finding, **changes) -> Finding:
    from dataclasses import replace

    return replace(finding, **changes)


def _option_result(proposal: m.Proposal, clause: m.Clause, option: m.Option, parties: list[m.RedLines],
                   relevance: dict[str, Relevance], evaluator: Evaluator, base: Environment,
                   today: dt.date | None, caused: list[Finding]) -> OptionResult:
    env = _reading(base, clause, option)
    stated = [a.path for a in clause.terms] + [a.path for a in option.terms]
    # A finding is the clause's only if its evidence comes from the clause: only rules looking at
    # what the clause states can give one.
    findings = [f for r in parties
                for f in rule_findings(r, env, evaluator, relevance[r.party].rules_looking_at(stated))
                if f.clause == clause.id] + caused
    findings = _acknowledge(proposal, findings, today, clause)
    verdicts = {p.party: verdict([f for f in findings if f.party == p.party],
                                 any(relevance[p.party].reads(path) for path in stated)) for p in parties}
    findings = [_with_option(f, option.id) for f in findings]
    return OptionResult(option.id, option.title, verdicts, sort_findings(findings), option is clause.options[0])


def _with_option(finding: Finding, option_id: str) -> Finding:
    return _replace(finding, option=option_id)


def _acknowledge(proposal: m.Proposal, findings: list[Finding], today: dt.date | None,
                 clause: m.Clause | None = None) -> list[Finding]:
    """Mark findings that their clause acknowledges (and whose acknowledgement has not expired).

    Given `clause`, the findings are all that clause's: only its acknowledgements are read.
    """
    from dataclasses import replace

    if not findings:
        return findings
    acks = {(c.id, a.party, a.rule): a.reason for c in ([clause] if clause else proposal.clauses)
            for a in c.acknowledgements
            if not (today and a.until and a.until < today)}
    return [replace(f, acknowledged=acks[(f.clause, f.party, f.rule)]) if (f.clause, f.party, f.rule) in acks else f
            for f in findings]


def _acknowledgement_issues(proposal: m.Proposal, findings: list[Finding],
                            today: dt.date | None) -> list[AcknowledgementIssue]:
    fired = {(f.clause, f.party, f.rule) for f in findings}
    issues = []
    for clause in proposal.clauses:
        for ack in clause.acknowledgements:
            if today and ack.until and ack.until < today:
                issues.append(AcknowledgementIssue(clause.id, ack.party, ack.rule, "expired", ack.span.line))
            elif (clause.id, ack.party, ack.rule) not in fired:
                issues.append(AcknowledgementIssue(clause.id, ack.party, ack.rule, "unused", ack.span.line))
    return issues


def sort_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.clause is None, _clause_key(f.clause), f.party,
                                           f.severity != "hard", f.rule, f.option or ""))


def _clause_key(clause_id: str | None) -> tuple:
    if clause_id is None:
        return ()
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in clause_id.split("."))
