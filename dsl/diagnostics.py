"""Diagnostics: what went wrong, where, and a stable code to look it up by.

Findings about *input files* live here (the checker's findings about proposals
live in ``checker.results``). Every diagnostic carries a span so the CLI can
print ``file:line:col``, the source line and a caret.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Span:
    """A position in a source file; lines and columns are 1-based."""

    file: str
    line: int
    column: int
    end_line: int = 0
    end_column: int = 0


@dataclass(frozen=True)
class Diagnostic:
    code: str
    message: str
    span: Span
    hint: str = ""
    severity: str = "error"

    def sort_key(self) -> tuple:
        return (self.span.file, self.span.line, self.span.column, self.code, self.message)


class PeaceError(Exception):
    """Raised by the dsl when a file cannot be turned into a valid model."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = sorted(set(diagnostics), key=Diagnostic.sort_key)
        super().__init__("\n".join(f"{d.code} {d.message}" for d in self.diagnostics))


@dataclass
class DiagnosticSink:
    """Collects diagnostics so a run can report every error at once."""

    items: list[Diagnostic] = field(default_factory=list)
    # Causes already reported, so that an error which follows from one of them is not reported again.
    causes: set[tuple[str, ...]] = field(default_factory=set)

    def error(self, code: str, message: str, span: Span, hint: str = "") -> None:
        self.items.append(Diagnostic(code, message, span, hint))

    def raise_if_any(self) -> None:
        if self.items:
            raise PeaceError(self.items)


def did_you_mean(word: str, candidates: list[str] | set[str]) -> str:
    """A 'did you mean' hint, or '' when nothing is close enough."""
    import difflib

    close = difflib.get_close_matches(word, sorted(candidates), n=3, cutoff=0.6)
    if not close:
        return ""
    return "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"


# The stable error codes. The text is the user documentation shown by
# `peacecheck explain CODE` and copied into the README.
ERROR_CODES: dict[str, str] = {
    "PC001": "Syntax error: the parser met a token it did not expect here. The message lists what it expected.",
    "PC002": "Unexpected character: a character that cannot start any token (for example a stray '@' or an unclosed quote).",
    "PC003": "Unexpected end of file: a block or a statement is not finished (often a missing '}').",
    "PC010": "Empty file: the file has no content; a proposal starts with `proposal \"Title\"`, a red-line file with `party ID \"Name\"`, a vocabulary with `vocabulary \"Title\"`.",
    "PC011": "Invalid UTF-8: the file is not valid UTF-8 text. Save it as UTF-8.",
    "PC012": "NUL byte: the file contains a NUL (\\0) byte; it is probably binary.",
    "PC013": "File too large: the file exceeds the size limit (default 32 MB, --max-size).",
    "PC014": "Line too long: a line exceeds 100,000 characters.",
    "PC015": "Nesting too deep: a condition nests parentheses or `not` more than 50 levels deep.",
    "PC020": "Cannot read file: the file does not exist or cannot be opened.",
    "PC021": "Path outside the project: a `vocabulary` or `include` path leaves the project tree (directly, or through a symlink).",
    "PC022": "Include cycle: vocabulary files include each other in a loop.",
    "PC023": "Wrong kind of file: a path names a file of another kind (for example a proposal where a vocabulary was expected).",
    "PC100": "Unknown term: the term is not declared in the vocabulary.",
    "PC101": "Unknown value: the value is not one of the values the term's type allows.",
    "PC102": "Type mismatch: the value has the wrong type for the term (for example text where a number belongs).",
    "PC103": "Duplicate clause id: two clauses (or a clause and an option) share an id.",
    "PC104": "Duplicate rule id: two rules of one party share an id.",
    "PC105": "Duplicate declaration: a term, type, source or option is declared twice.",
    "PC106": "Unknown type: a term refers to a type that is not declared.",
    "PC107": "Unknown party: a party id is not known (not in the red lines, or not at the table).",
    "PC108": "Unknown source: a rule cites a source id that the red-line file does not declare.",
    "PC109": "Bad scale or enum: a type lists the same value twice or has too few values.",
    "PC110": "Operator not allowed: the comparison does not fit the term's type (ordering needs a number, date or scale; `has` needs a set).",
    "PC111": "Missing field: a required field is missing (a rule needs `severity`, a condition and a citation; a source needs a title).",
    "PC112": "Duplicate field: a field that may appear once appears twice.",
    "PC113": "No vocabulary: the file does not say which vocabulary it uses (`vocabulary \"path\"`).",
    "PC114": "Wildcard matches nothing: no declared term starts with the wildcard's prefix.",
    "PC115": "Unknown rule: an `acknowledge` names a rule that the party does not have.",
    "PC116": "Vocabulary mismatch: the proposal and a red-line file use different vocabularies.",
    "PC117": "Bad value: a number, date or header field is malformed (for example 2025-13-40).",
    "PC118": "No red lines: no red-line files were found or selected.",
    "PC119": "Output path is an input: `-o` names a file that this run reads; refusing to overwrite it.",
    "PC120": "Cannot write output: the output file could not be written.",
    "PC121": "Unknown option or command value: a command-line value is not valid (for example an unknown --party).",
    "PC400": "Incompatible drafts: `peacecheck diff` checks both drafts against the same red lines, so the old draft must use the new draft's vocabulary, or one whose terms it states exist in the new vocabulary with the same types.",
    "PC500": "Unclosed block: a new block (`clause`, `rule`, `option`, ...) starts before the block above it is closed with '}'. The message names the line where the unclosed block opens.",
    "PC600": "Invalid configuration file: peacecheck.toml (or the [tool.peacecheck] table of pyproject.toml) is not valid TOML, or cannot be read.",
    "PC601": "Unknown configuration key: the config sets a key peacecheck does not know (keys: redlines, parties, fail-on, format, outputs, tests, proposals, coverage-threshold).",
    "PC602": "Bad configuration value: a config key has a value of the wrong type or out of range (for example fail-on = \"sometimes\").",
    "PC603": "Unknown output format: `-o FORMAT:FILE` (or the config's `format`/`outputs`) names a format that is not registered; `peacecheck check --help` lists them.",
    "PC604": "Outputs collide: two `-o` outputs write to the same file, or two to standard output.",
    "PC606": "Several proposals, one report: `check` with more than one proposal prints text or github annotations to standard output only; check one proposal per run to write files or other formats.",
    "PC607": "Binary report on a terminal: a `docx` report is a Word file, not text; write it with `-o FILE.docx` (or redirect standard output to a file).",
    "PC608": "python-docx missing: Word output (`--format docx`) and `peacecheck import` of a .docx need the `python-docx` package. Install it with `pip install 'peacecheck[docx]'`.",
    "PC610": "Invalid test file: a red-line test file is not valid TOML.",
    "PC611": "Malformed test case: a test file or case has an unknown key, a value of the wrong type, both `terms` and `proposal`, no expectation, or `expect` without a party.",
    "PC612": "Unknown verdict: a test case expects a verdict other than reject, concern, accept or silent.",
    "PC613": "Unknown rule in a test: `fires`, `not_fires` or `acknowledged` names a rule the party (or any party) does not have.",
    "PC614": "Unknown party in a test: a test case (or file) names a party that has no red-line file.",
    "PC615": "No test files: `peacecheck test` found no *.toml test files (default: redlines/tests/).",
    "PC620": "Formatter safety stop: formatting would change what the file means (a formatter bug); the file is left untouched. Please report it with the file.",
    "PC630": "Refusing to overwrite: `peacecheck init` found files it would create already present; nothing was written.",
    "PC640": "Cannot import: `peacecheck import` reads .docx, .md, .markdown and .txt drafts; the file has another type, is not valid UTF-8 text, or is not a readable Word document.",
    "PC641": "Nothing to import: no numbered points (`1.`, `21(a)`, `Point 12 -`, numbered headings) were found in the draft, so no clause could be made.",
    "PC642": "Import target exists: `peacecheck import` never overwrites; the .peace file it would write (or the one named by -o) is already there.",
    "PC700": "Rule never fires (lint warning): no possible proposal makes the rule's `when` condition true, or every proposal meets the requirement's `that` condition (even one that says nothing), so the red line never objects to anything. Often a comparison points the wrong way along a scale, or a condition needs values that cannot occur together. Example: `when guarantee.kind > article5_like` (nothing is above the top of the scale).",
    "PC701": "Rule fires on every proposal (lint warning): the rule's `when` condition is true for every possible proposal, the empty one included (`absent x` holds on a proposal that says nothing about x), or no proposal can meet the requirement's `that` condition. The party then objects to everything. Example: `require X \"...\" { that guarantee.kind > article5_like }`.",
    "PC702": "A party's hard red lines contradict each other (lint warning): no possible proposal meets all of the named hard red lines of one party, so the party rejects everything; typically a `require` demands what a hard `rule` forbids. Example: `require A { that present ukraine.army.personnel_cap }` with `rule B { when present ukraine.army.personnel_cap }`. Each set named is minimal: without any one of its red lines the rest can be met.",
    "PC703": "A soft red line can never be met together with its party's hard red lines (lint warning): every proposal the party can accept still crosses this soft red line, so it never tells acceptable proposals apart. Example: hard `require A { that alliance == neutral }` with soft `rule B { when alliance == neutral }`.",
    "PC704": "Unused vocabulary term (lint warning): no red line reads the term and no proposal looked at states it. Remove it, or write the rule or clause that was meant to use it.",
    "PC730": "OR-tools missing: `peacecheck solve` and `peacecheck lint` need the `ortools` package. Install it with `pip install 'peacecheck[solve]'` (or `pip install ortools`).",
    "PC731": "Draft under another vocabulary: `solve --from DRAFT` reads the draft's terms against the proposal's options, so both must use the same vocabulary file.",
    "PC735": "Solver gave up: CP-SAT stopped without proving an answer. This should not happen on the problem sizes peacecheck handles; please report it with the input.",
    "PC501": "File system error: the operating system refused an operation during the run (a file vanished, permission denied, a disk full). The message gives the system's reason.",
    "PC502": "Id too long: a clause, option, rule or party id is longer than 100 characters. Ids are short labels (14, 21.a, UA-TERR-1); put the words in the title.",
}
