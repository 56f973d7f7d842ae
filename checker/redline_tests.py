"""Red-line unit tests: table-driven cases in TOML, run like `opa test`.

A test file (`redlines/tests/*.toml`) holds cases; each case is a small proposal
(a table of terms, or a snippet of clauses in the language itself), the party
whose verdict is expected, and the rules that must (or must not) fire:

    party = "ukraine"                     # default party for the cases below
    redlines = ["../ukraine.redlines"]    # optional: default, the redlines/ folder above

    [[case]]
    name = "de facto recognition of Crimea is rejected"
    terms = { "territory.crimea" = "recognized_de_facto" }
    expect = "reject"
    fires = ["UA-TERR-1"]

Pure: the CLI reads the files and passes their text; red lines and vocabularies
are read through the dsl's Loader. See docs/tools.md for every key.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from peacecheck.checker.evaluation.results import VERDICT_ORDER, CheckResult, Finding
from peacecheck.dsl import models as m
from peacecheck.dsl.diagnostics import Diagnostic, DiagnosticSink, PeaceError, Span, did_you_mean

FILE_KEYS = {"party", "redlines", "case"}
CASE_KEYS = {"name", "party", "terms", "proposal", "expect", "clauses", "fires", "not_fires", "acknowledged",
             "today"}
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CASE_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*case[ \t]*\]\]", re.MULTILINE)


# ------------------------------------------------------------------ the test file
@dataclass(frozen=True)
class Case:
    file: str
    line: int
    name: str
    party: str = ""
    terms: tuple[tuple[str, Any], ...] = ()
    snippet: str | None = None  # clauses in the language itself
    snippet_line: int = 0  # the test-file line of the snippet's first line
    # Where each character of the snippet (line ends normalised, then its end) is written in the test file, as
    # (line, column): escapes (`\"`, `\n`) take more columns than the character they stand for. () if unknown.
    snippet_places: tuple[tuple[int, int], ...] = ()
    expect: str = ""
    clauses: tuple[tuple[str, str], ...] = ()
    fires: tuple[str, ...] = ()
    not_fires: tuple[str, ...] = ()
    acknowledged: tuple[str, ...] = ()
    today: dt.date | None = None
    keys: tuple[tuple[str, Span], ...] = ()  # where each key of the case is written
    own_party: bool = False  # the case names its party (else it comes from the file)

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    def at(self, key: str) -> Span:
        """The key's own line and column, or the case's `[[case]]` line if it is not written."""
        return dict(self.keys).get(key, Span(self.file, self.line, 1))


@dataclass(frozen=True)
class TestFile:
    file: str
    redlines: tuple[str, ...]  # as written, relative to the test file; () = the redlines/ folder above
    cases: tuple[Case, ...]
    party_span: Span | None = None  # where the file's default `party` is written
    problems: tuple[Diagnostic, ...] = ()  # PC611/PC612, raised by check_rule_names with the rest


def parse_test_file(text: str | bytes, key: str) -> TestFile:
    """A test file's text (or bytes) -> its cases; PeaceError (PC011) if it is not UTF-8, PC610 if it is not TOML.

    Malformed keys and values do not stop here: they are kept in `problems`, and check_rule_names
    raises them together with unknown rules, parties and (given the vocabulary) snippet errors,
    so that one run reports all of a test file's errors."""
    import tomllib

    if isinstance(text, bytes):
        from peacecheck.dsl.parser import utf8_text

        text = utf8_text(text, key)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        from peacecheck.checker.config import _toml_message, _toml_position

        line, column = _toml_position(str(exc), text)
        raise PeaceError([Diagnostic("PC610", f"invalid TOML: {_toml_message(str(exc))}", Span(key, line, column))]) from None
    sink = DiagnosticSink()
    top, case_keys = _key_spans(text, key)
    _unknown_keys(data, FILE_KEYS, top, Span(key, 1, 1), sink, "test file")
    default_party = _string(data.get("party", ""), "party", top.get("party", Span(key, 1, 1)), sink)
    redlines = _paths(_strings(data.get("redlines", []), "redlines", top.get("redlines", Span(key, 1, 1)), sink),
                      top.get("redlines", Span(key, 1, 1)), sink)
    raw_cases = data.get("case", [])
    if not isinstance(raw_cases, list) or not all(isinstance(c, dict) for c in raw_cases):
        sink.error("PC611", "'case' must be an array of tables ([[case]])", top.get("case", Span(key, 1, 1)))
        raw_cases = []
    lines = _case_lines(text, len(raw_cases))
    case_keys = (case_keys + [{}] * len(raw_cases))[:len(raw_cases)]
    cases = [_case(raw, key, line, default_party, text, keys, sink)
             for raw, line, keys in zip(raw_cases, lines, case_keys)]
    if not raw_cases:
        sink.error("PC611", "the test file has no cases", Span(key, 1, 1), 'add a case: [[case]] name = "..."')
    return TestFile(key, tuple(redlines), tuple(cases), top.get("party"), tuple(sink.items))


# A key at the start of a line (bare, quoted, or the first part of a dotted key), and a table header.
_KEY_LINE = re.compile(r"""^([ \t]*)(?:"([^"\n]*)"|'([^'\n]*)'|([A-Za-z0-9_-]+))[ \t]*[=.]""")
_TABLE_LINE = re.compile(r"^[ \t]*\[\[?[ \t]*([^\]]*?)[ \t]*\]\]?")


def _key_spans(text: str, key: str) -> tuple[dict[str, Span], list[dict[str, Span]]]:
    """Where each key of the file's top table and of each `[[case]]` is written (its line and column).

    tomllib keeps no positions, so the lines are scanned; lines inside multi-line strings are skipped.
    A sub-table `[case.terms]` counts as where `terms` is written."""
    top: dict[str, Span] = {}
    cases: list[dict[str, Span]] = []
    current = top
    in_string = ""
    for number, line in enumerate(text.split("\n"), start=1):
        if in_string:
            in_string = "" if line.count(in_string) % 2 else in_string
            continue
        table = _TABLE_LINE.match(line)
        if table and line.lstrip().startswith("[") and not _KEY_LINE.match(line):
            path = table.group(1).replace(" ", "").split(".")
            if path == ["case"] and line.lstrip().startswith("[["):
                cases.append({})
                current = cases[-1]
            elif path[0] == "case" and len(path) > 1 and cases:
                cases[-1].setdefault(path[1].strip("\"'"), Span(key, number, line.index("[") + 1))
            continue
        match = _KEY_LINE.match(line)
        if match:
            name = next(g for g in match.groups()[1:] if g is not None)
            current.setdefault(name, Span(key, number, len(match.group(1)) + 1))
        for quotes in ('"""', "'''"):
            if line.count(quotes) % 2:
                in_string = quotes
    return top, cases


def _paths(paths: list[str], where: Span, sink: DiagnosticSink) -> list[str]:
    """The `redlines` paths that can name a file: a NUL byte or a line break cannot."""
    good = [p for p in paths if "\x00" not in p and "\n" not in p]
    if len(good) < len(paths):
        sink.error("PC611", "a path in 'redlines' contains a NUL byte or a line break", where)
    return good


def _case_lines(text: str, count: int) -> list[int]:
    lines = [text.count("\n", 0, match.start()) + 1 for match in _CASE_HEADER.finditer(text)]
    return (lines + [1] * count)[:count]


def _case(raw: dict[str, Any], key: str, line: int, default_party: str, text: str, keys: dict[str, Span],
          sink: DiagnosticSink) -> Case:
    where = Span(key, line, 1)

    def at(name: str) -> Span:
        return keys.get(name, where)

    _unknown_keys(raw, CASE_KEYS, keys, where, sink, "case")
    name = _string(raw.get("name", ""), "name", at("name"), sink) or f"case at line {line}"
    fields: dict[str, Any] = {
        "party": _string(raw.get("party", default_party), "party", at("party"), sink),
        "expect": _verdict(raw.get("expect", ""), at("expect"), sink),
        "fires": tuple(_strings(raw.get("fires", []), "fires", at("fires"), sink)),
        "not_fires": tuple(_strings(raw.get("not_fires", []), "not_fires", at("not_fires"), sink)),
        "acknowledged": tuple(_strings(raw.get("acknowledged", []), "acknowledged", at("acknowledged"), sink)),
        "clauses": tuple(_clause_verdicts(raw.get("clauses", {}), at("clauses"), sink)),
        "today": _date(raw.get("today"), at("today"), sink),
        "keys": tuple(sorted(keys.items())), "own_party": "party" in raw,
    }
    if "terms" in raw and "proposal" in raw:
        sink.error("PC611", "a case gives either `terms` or `proposal`, not both", at("proposal"))
    if "terms" in raw:
        fields["terms"] = tuple(_flatten(raw["terms"], at("terms"), sink))
    if "proposal" in raw:
        fields["snippet"] = _string(raw["proposal"], "proposal", at("proposal"), sink)
        fields["snippet_line"] = _snippet_line(text, at("proposal").line)
        if "proposal" in keys:
            fields["snippet_places"] = _snippet_places(text, keys["proposal"], fields["snippet"])
    if (fields["expect"] or fields["clauses"]) and not fields["party"]:
        sink.error("PC611", "`expect` and `clauses` need a party: set `party` in the case or at the top of the file",
                   at("expect") if fields["expect"] else at("clauses"))
    if not (fields["expect"] or fields["clauses"] or fields["fires"] or fields["not_fires"] or fields["acknowledged"]):
        sink.error("PC611", f"case '{name}' expects nothing", where,
                   "add `expect`, `clauses`, `fires`, `not_fires` or `acknowledged`")
    return Case(file=key, line=line, name=name, **fields)


def _unknown_keys(table: dict[str, Any], known: set[str], keys: dict[str, Span], where: Span, sink: DiagnosticSink,
                  what: str) -> None:
    for key in table:
        if key not in known:
            hint = did_you_mean(key, known) or "known keys: " + ", ".join(sorted(known))
            sink.error("PC611", f"unknown key '{key}' in a {what}", keys.get(key, where), hint)


def _string(value: Any, key: str, where: Span, sink: DiagnosticSink) -> str:
    if not isinstance(value, str):
        sink.error("PC611", f"'{key}' takes a string", where)
        return ""
    return value


def _strings(value: Any, key: str, where: Span, sink: DiagnosticSink) -> list[str]:
    value = [value] if isinstance(value, str) else value
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        sink.error("PC611", f"'{key}' takes a list of strings", where)
        return []
    return value


def _verdict(value: Any, where: Span, sink: DiagnosticSink) -> str:
    if value == "" or value in VERDICT_ORDER:
        return value
    hint = did_you_mean(str(value), set(VERDICT_ORDER)) or "one of: " + ", ".join(VERDICT_ORDER)
    sink.error("PC612", f"unknown verdict {value!r}", where, hint)
    return ""


def _clause_verdicts(value: Any, where: Span, sink: DiagnosticSink) -> list[tuple[str, str]]:
    if not isinstance(value, dict):
        sink.error("PC611", "'clauses' takes a table of clause id = verdict", where)
        return []
    return sorted((str(k), _verdict(v, where, sink)) for k, v in _flat_items(value))


def _flat_items(table: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """TOML reads `a.b = 1` as {a: {b: 1}}; both spellings mean the dotted path."""
    out: list[tuple[str, Any]] = []
    for key, value in table.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        out.extend(_flat_items(value, path) if isinstance(value, dict) else [(path, value)])
    return out


def _flatten(value: Any, where: Span, sink: DiagnosticSink) -> list[tuple[str, Any]]:
    if not isinstance(value, dict):
        sink.error("PC611", "'terms' takes a table of term = value", where)
        return []
    return sorted(_flat_items(value))


def _date(value: Any, where: Span, sink: DiagnosticSink) -> dt.date | None:
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        sink.error("PC611", f"'today' takes a date (YYYY-MM-DD), not {value!r}", where)
        return None


def _snippet_line(text: str, case_line: int) -> int:
    """The line of the first clause line of `proposal = \"\"\"...`, counted in the test file."""
    starts = _line_starts(text)
    for number in range(case_line, len(starts) + 1):
        end = starts[number] - 1 if number < len(starts) else len(text)
        match = re.match(r'\s*proposal\s*=\s*("""|\'\'\'|"|\')(.*)$', text[starts[number - 1]:end])
        if match:
            opens_block = len(match.group(1)) == 3 and not match.group(2).strip()
            return number + 1 if opens_block else number
    return case_line


_PROPOSAL_KEY = re.compile(r"""[ \t]*(?:proposal|"proposal"|'proposal')[ \t]*=[ \t]*""")
_TOML_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}


def _snippet_places(text: str, key: Span, snippet: str) -> tuple[tuple[int, int], ...]:
    """Where each character of `proposal = "..."` is written in the test file (see Case.snippet_places); () when
    the string cannot be found as written, so that positions fall back to the snippet's first line."""
    line_start = _line_starts(text)[key.line - 1]
    written = _PROPOSAL_KEY.match(text, line_start)
    read = _toml_string(text, written.end()) if written else None
    if read is None or read[0] != snippet:
        return ()
    value, offsets = read
    places: list[tuple[int, int]] = []
    line, previous = key.line, line_start
    for index, offset in enumerate(offsets):  # in order: lines counted as they pass, not from the top each time
        breaks = text.count("\n", previous, offset)
        if breaks:
            line += breaks
            line_start = text.rfind("\n", previous, offset) + 1
        previous = offset
        if index < len(value) and value[index] == "\r" and value.startswith("\n", index + 1):
            continue  # the parser reads CR LF as one line end: the LF's place stands for both
        places.append((line, offset - line_start + 1))
    return tuple(places)


@lru_cache(maxsize=2)
def _line_starts(text: str) -> list[int]:
    """The offset of each line of a test file: found once per file, however many cases it has."""
    return [0, *(match.end() for match in re.finditer("\n", text))]


def _toml_string(text: str, start: int) -> tuple[str, list[int]] | None:
    """The TOML string written at text[start:] and, for each of its characters, the offset it is written at (and
    one more: where the string ends). Basic and literal strings, one line or several; None if it is not one."""
    quote = text[start:start + 1]
    if quote not in ('"', "'"):
        return None
    multi = text.startswith(quote * 3, start)
    position = start + (3 if multi else 1)
    if multi:  # a line end right after the opening quotes is not part of the string
        position += 1 if text.startswith("\n", position) else 2 if text.startswith("\r\n", position) else 0
    chars: list[str] = []
    offsets: list[int] = []
    while position < len(text):
        char = text[position]
        if char == quote and (not multi or text.startswith(quote * 3, position)):
            run = 1
            while multi and run < 5 and text.startswith(quote, position + run):
                run += 1
            for extra in range(run - 3 if multi else 0):  # up to two quotes before the closing three are content
                chars.append(quote)
                offsets.append(position + extra)
            offsets.append(position + (run - 3 if multi else 0))  # the end: where the closing quotes are
            return "".join(chars), offsets
        if char == "\\" and quote == '"':
            step = _escape(text, position, multi)
            if step is None:
                return None
            value, size = step
            if value:
                chars.append(value)
                offsets.append(position)
            position += size
            continue
        if char == "\n" and not multi:
            return None
        chars.append(char)
        offsets.append(position)
        position += 1
        if multi and char == "\r" and text.startswith("\n", position):  # TOML reads CR LF as LF
            chars[-1] = "\n"
            position += 1
    return None


def _escape(text: str, position: int, multi: bool) -> tuple[str, int] | None:
    """The character a backslash escape at text[position] stands for ('' for a line-ending backslash, which
    drops the line end and the spaces after it) and how many characters it is written with."""
    code = text[position + 1:position + 2]
    if code in _TOML_ESCAPES:
        return _TOML_ESCAPES[code], 2
    if code in ("u", "U"):
        size = 4 if code == "u" else 8
        digits = text[position + 2:position + 2 + size]
        if len(digits) != size or not all(c in "0123456789abcdefABCDEF" for c in digits):
            return None
        return chr(int(digits, 16)), 2 + size
    after = position + 1
    while multi and text[after:after + 1] in (" ", "\t"):
        after += 1
    if multi and (text.startswith("\n", after) or text.startswith("\r\n", after)):
        while text[after:after + 1] in (" ", "\t", "\r", "\n"):
            after += 1
        return "", after - position
    return None


# ------------------------------------------------------------------ running a case
@dataclass
class CaseResult:
    case: Case
    problems: list[str]
    fired: set[tuple[str, str]]  # (red-line file, rule id) of every finding, options included

    @property
    def passed(self) -> bool:
        return not self.problems


def check_rule_names(test: TestFile, redlines: list[m.RedLines], vocabulary: m.Vocabulary | None = None) -> None:
    """Raise every error of a test file at once: its malformed keys (from parse_test_file), the rules and
    parties its cases name that do not exist, and, given the vocabulary, the errors of each case's proposal."""
    sink = DiagnosticSink(list(test.problems))
    parties = {r.party: r for r in redlines}
    for case in test.cases:
        if case.party and case.party not in parties:
            _unknown_party(case, test, parties, sink)
            continue
        known = {r.id for r in (parties[case.party].rules if case.party else
                                [rule for party in redlines for rule in party.rules])}
        for key in ("fires", "not_fires", "acknowledged"):
            for rule in getattr(case, key):
                if rule not in known:
                    owner = f"party '{case.party}'" if case.party else "any party"
                    sink.error("PC613", f"{owner} has no rule '{rule}'", case.at(key), did_you_mean(rule, known))
        if vocabulary is not None:
            try:
                case_proposal(case, vocabulary, redlines)
            except PeaceError as exc:
                sink.items.extend(exc.diagnostics)
    sink.raise_if_any()


def _unknown_party(case: Case, test: TestFile, parties: dict[str, m.RedLines], sink: DiagnosticSink) -> None:
    """PC614 where the party is written: once for the file's default party, however many cases use it."""
    cause = ("PC614", case.party)
    if not case.own_party and cause in sink.causes:
        return
    sink.causes.add(cause)
    where = case.at("party") if case.own_party else (test.party_span or case.at("party"))
    sink.error("PC614", f"unknown party '{case.party}'", where,
               did_you_mean(case.party, set(parties)) or "known parties: " + ", ".join(sorted(parties)))


def case_proposal(case: Case, vocabulary: m.Vocabulary, redlines: list[m.RedLines]) -> m.Proposal:
    """The case as a validated Proposal; diagnostics point into the test file."""
    from peacecheck.dsl.api import parse
    from peacecheck.dsl.validate import validate_acknowledgements, validate_proposal

    source = 'proposal "test case"\n' + (case.snippet if case.snippet is not None else terms_snippet(case, vocabulary))
    try:
        proposal = parse(source, case.file)
        sink = DiagnosticSink()
        validate_proposal(proposal, vocabulary, sink)
        if not sink.items:
            validate_acknowledgements(proposal, redlines, sink)
        sink.raise_if_any()
    except PeaceError as exc:
        raise PeaceError([_moved(d, case) for d in exc.diagnostics]) from None
    return proposal  # type: ignore[return-value]


def _moved(d: Diagnostic, case: Case) -> Diagnostic:
    """A diagnostic about line N of a snippet, moved to where that line sits in the test file."""
    if case.snippet is None:
        span = case.at("terms")
    elif case.snippet_places and d.span.line >= 2:  # line 1 is the `proposal` line the case is read with
        line, column = _place(case, d.span.line, d.span.column)
        span = Span(case.file, line, column)
        if d.span.end_line >= 2:
            span = Span(case.file, line, column, *_place(case, d.span.end_line, d.span.end_column))
    else:
        span = Span(case.file, case.snippet_line + max(d.span.line - 2, 0), d.span.column)
    return dataclasses.replace(d, span=span, message=f"in case '{case.name}': {d.message}")


def _place(case: Case, line: int, column: int) -> tuple[int, int]:
    """The test file's (line, column) of the snippet's (line, column), counted as the parser saw it."""
    snippet = (case.snippet or "").replace("\r\n", "\n").replace("\r", "\n")
    starts = [0] + [index + 1 for index, char in enumerate(snippet) if char == "\n"]
    start = starts[min(line - 2, len(starts) - 1)]
    ends = starts[1:] + [len(snippet) + 1]
    offset = min(start + column - 1, ends[min(line - 2, len(starts) - 1)] - 1, len(case.snippet_places) - 1)
    return case.snippet_places[max(offset, 0)]


def terms_snippet(case: Case, vocabulary: m.Vocabulary) -> str:
    """`terms = {...}` as one clause in the language's own syntax, each value typed by its term."""
    from peacecheck.dsl.format import quote_line

    lines = [f"clause 1 {quote_line(case.name)} {{"]
    for path, raw in case.terms:
        term = vocabulary.terms.get(path)
        lines.append(f"  {path} = {_value_text(raw, term.type.kind if term else '')}")
    return "\n".join(lines + ["}"]) + "\n"


def _value_text(raw: Any, kind: str) -> str:
    from peacecheck.dsl.format import quote_line

    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, float):
        return repr(raw) if "e" not in repr(raw) else f"{raw:f}"
    if isinstance(raw, dt.date):
        return raw.isoformat()
    if isinstance(raw, list):
        return "[" + ", ".join(str(v) for v in raw) + "]"
    text = str(raw)
    if kind == "date" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return text
    if kind != "text" and _NAME.fullmatch(text):
        return text
    return quote_line(text)


def run_case(case: Case, vocabulary: m.Vocabulary, redlines: list[m.RedLines],
             today: dt.date | None = None) -> CaseResult:
    """One case; acknowledgements expire against the case's own `today`, else `today` (None: never)."""
    from peacecheck.checker.evaluation.evaluate import check

    result = check(case_proposal(case, vocabulary, redlines), vocabulary, redlines, today=case.today or today)
    return CaseResult(case, judge(case, result), fired_rules(result))


def all_findings(result: CheckResult) -> list[Finding]:
    return [*result.findings, *(f for c in result.clauses for o in c.options if not o.default for f in o.findings)]


def fired_rules(result: CheckResult) -> set[tuple[str, str]]:
    return {(f.rule_file, f.rule) for f in all_findings(result)}


def overall_verdict(result: CheckResult, party: str) -> str:
    """One verdict for the whole snippet: the worst finding of the party, else accept if a rule bears on it."""
    from peacecheck.checker.evaluation.evaluate import verdict

    findings = [f for f in result.findings if f.party == party]
    bears = any(c.verdicts.get(party, "silent") != "silent" for c in result.clauses)
    return verdict(findings, bears)


def judge(case: Case, result: CheckResult) -> list[str]:
    """What the case expected and did not get; empty when it passes."""
    problems: list[str] = []
    if case.expect:
        got = overall_verdict(result, case.party)
        if got != case.expect:
            problems.append(f"verdict for {case.party}: expected {case.expect}, got {got}" + _why(result, case.party))
    verdicts = {c.id: c.verdicts.get(case.party, "silent") for c in result.clauses}
    for clause, wanted in case.clauses:
        got = verdicts.get(clause)
        if got is None:
            problems.append(f"clause {clause}: no such clause in the case (clauses: {', '.join(verdicts) or 'none'})")
        elif got != wanted:
            problems.append(f"clause {clause} for {case.party}: expected {wanted}, got {got}")
    findings = [f for f in all_findings(result) if not case.party or f.party == case.party]
    fired = sorted({f.rule for f in findings})
    for rule in case.fires:
        if rule not in fired:
            problems.append(f"{rule}: expected to fire, did not (fired: {', '.join(fired) or 'nothing'})")
    for rule in case.not_fires:
        if rule in fired:
            problems.append(f"{rule}: expected not to fire, but it fired")
    acknowledged = {f.rule for f in findings if f.acknowledged}
    for rule in case.acknowledged:
        if rule not in acknowledged:
            state = "fired unacknowledged" if rule in fired else "did not fire"
            problems.append(f"{rule}: expected an acknowledged finding, but it {state}")
    return problems


def _why(result: CheckResult, party: str) -> str:
    rules = sorted({f.rule for f in result.findings if f.party == party and not f.acknowledged})
    return f" (findings: {', '.join(rules)})" if rules else ""


# ------------------------------------------------------------------ coverage
@dataclass(frozen=True)
class RuleRef:
    file: str
    line: int
    party: str
    rule: str
    title: str


@dataclass
class Coverage:
    rules: list[RuleRef]
    by_tests: set[tuple[str, str]] = field(default_factory=set)
    by_proposals: set[tuple[str, str]] = field(default_factory=set)

    def covered(self, ref: RuleRef) -> bool:
        key = (ref.file, ref.rule)
        return key in self.by_tests or key in self.by_proposals

    @property
    def missing(self) -> list[RuleRef]:
        return [r for r in self.rules if not self.covered(r)]

    @property
    def percent(self) -> float:
        return 100.0 if not self.rules else 100.0 * (len(self.rules) - len(self.missing)) / len(self.rules)


def rule_refs(redlines: list[m.RedLines]) -> list[RuleRef]:
    refs = {RuleRef(r.file, rule.span.line, r.party, rule.id, rule.title) for r in redlines for rule in r.rules}
    return sorted(refs, key=lambda ref: (ref.file, ref.line, ref.rule))
