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
    "PC013": "File too large: the file exceeds the size limit (default 32 MB; the command line can raise it).",
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
    "PC107": "Unknown party: a party id (in `acknowledge`, or in a proposal's `parties` line) is not known: no red-line file declares it, neither one this run loads nor one in the project's redlines/ folder. A party at the table without positions needs a red-line file with no rules (`party un \"United Nations\"`).",
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
    "PC400": "Incompatible drafts: `peacecheck diff` checks both drafts against the same red lines, so the old draft must use the new draft's vocabulary, or one whose terms it states exist in the new vocabulary with the same types.",
    "PC500": "Unclosed block: a new block (`clause`, `rule`, `option`, ...) starts before the block above it is closed with '}'. The message names the line where the unclosed block opens.",
    "PC501": "File system error: the operating system refused an operation during the run (a file vanished, permission denied, a disk full). The message gives the system's reason.",
    "PC502": "Id too long: a clause, option, rule or party id is longer than 100 characters. Ids are short labels (14, 21.a, UA-TERR-1); put the words in the title.",
}
