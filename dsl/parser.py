"""Text -> lark parse tree, with every problem turned into a Diagnostic.

The grammar is built once, lazily, on first use. Syntax errors are recovered
from block by block, so one run reports every broken block of a file.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from .diagnostics import Diagnostic, DiagnosticSink, PeaceError, Span, did_you_mean

if TYPE_CHECKING:
    from lark import Lark, Tree

MAX_FILE_BYTES = 32 * 1024 * 1024
MAX_LINE_CHARS = 100_000
MAX_DEPTH = 50
MAX_NUMBER_DIGITS = 100  # the most digits a number may have (a longer one is a mistake)
MAX_SYNTAX_ERRORS = 20
# Recovery re-parses the file once per error: on very large files fewer errors are collected,
# so that reporting stays about as fast as parsing (the budget is in characters parsed).
RECOVERY_CHARS = 10_000_000


# Friendly names for terminals in "expected ..." messages.
_TERMINAL_NAMES = {
    "NAME": "a name", "STRING": "a string", "NUMBER": "a number", "DATE": "a date (YYYY-MM-DD)",
    "CLAUSE_ID": "a clause id (e.g. 14 or 21.a)", "RULE_ID": "a rule id (e.g. UA-1)",
    "LBRACE": "'{'", "RBRACE": "'}'", "LPAR": "'('", "RPAR": "')'", "LSQB": "'['", "RSQB": "']'",
    "COMMA": "','", "DOT": "'.'", "EQUAL": "'='", "COLON": "':'", "LESSTHAN": "'<'",
    "DOT_STAR": "'.*'", "$END": "end of file",
}


_WORD_TERMINALS = {"NAME", "CLAUSE_ID", "RULE_ID"}
# What may follow a word that the parser took as the start of a term path.
_PATH_TERMINALS = {"DOT", "EQUAL"}
_ASSIGNED = re.compile(r"([ \t]*)[A-Za-z_][\w.]*[ \t]*=[ \t]*$")
_EXPONENT_NUMBER = re.compile(r"(?<![\w.])-?[0-9][0-9_]*(?:\.[0-9]+)?[eE][+-]?[0-9]+(?![\w.])")
_GROUPED_NUMBER = re.compile(r"(?<![\w.])-?\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\w,])")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Braces outside strings and comments.
_BRACES = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|"(?:[^"\\\n]|\\.)*"|#[^\n]*|[{}]')
# What makes a condition deeper: parentheses and `not`; any other word ends a run of `not`s.
_NESTING = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|"(?:[^"\\\n]|\\.)*"|#[^\n]*'
                      r"|[()]|(?<![\w.])not(?![\w.])|[A-Za-z_][\w.]*")


@lru_cache(maxsize=1)
def _block_opening() -> re.Pattern[str]:
    """A line that opens a block (or a vocabulary declaration); syntax recovery resumes at the next one."""
    return re.compile(r"^[ \t]*(" + "|".join(sorted(_block_keywords())) + r")\b", re.MULTILINE)


def _block_keywords() -> frozenset[str]:
    """Keywords that open a block: met where a statement of the block above belongs, they mean a missing '}'."""
    from .keywords import keywords

    return keywords().blocks


def _statement_keywords() -> frozenset[str]:
    """Every keyword that begins a statement, for "did you mean" on a misspelt one."""
    from .keywords import keywords

    return keywords().statements


@lru_cache(maxsize=1)
def grammar_parser() -> "Lark":
    from .tables import build_parser

    return build_parser()


def decode(data: bytes, filename: str, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Bytes -> normalised text (no BOM, LF line ends), or PeaceError."""
    if len(data) > max_bytes:
        raise PeaceError([too_large(filename, len(data), max_bytes)])
    return normalise(utf8_text(data, filename), filename)


def utf8_text(data: bytes, filename: str) -> str:
    """Bytes -> text, or PeaceError (PC011) at the first byte that is not UTF-8: any file a command reads."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col_of_byte(data, exc.start)
        raise PeaceError([Diagnostic("PC011", f"invalid UTF-8 byte 0x{data[exc.start]:02x}",
                                     Span(filename, line, col), "save the file as UTF-8")]) from None


def too_large(filename: str, size: int, limit: int) -> Diagnostic:
    return Diagnostic("PC013", f"file is {size:,} bytes; the limit is {limit:,}", Span(filename, 1, 1),
                      "split the file, or raise the size limit")


def normalise(text: str, filename: str) -> str:
    sink = DiagnosticSink()
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    nul = text.find("\x00")
    if nul >= 0:
        line, col = _line_col(text, nul)
        sink.error("PC012", "NUL byte in file; is it binary?", Span(filename, line, col))
    for number, line_text in enumerate(text.split("\n"), start=1):
        if len(line_text) > MAX_LINE_CHARS:
            sink.error("PC014", f"line is {len(line_text):,} characters; the limit is {MAX_LINE_CHARS:,}",
                       Span(filename, number, MAX_LINE_CHARS + 1))
            break
    sink.raise_if_any()
    return text


def parse_tree(text: str, filename: str, recovered: DiagnosticSink | None = None,
               skipped: list[tuple[str, str]] | None = None,
               dropped: list[tuple[str, int]] | None = None) -> "Tree":
    """Parse normalised text; raise PeaceError with every syntax error found.

    With `recovered`, a file whose broken blocks could be skipped still yields the
    tree of its intact blocks: the syntax errors go to `recovered`, so that the
    caller can validate the rest and report everything in one run. `skipped` then
    receives (keyword, name) of each statement recovery dropped (`("rule", "UA-1")`),
    so that what refers to them is not reported as unknown: that error follows from
    the syntax error already reported. `dropped` receives (keyword, line) of each single
    statement recovery blanked on its own (`severity medium`), so that its block is still
    read whole and only the field it set is not reported missing.
    """
    if not _has_content(text):
        raise PeaceError([Diagnostic("PC010", "file is empty", Span(filename, 1, 1),
                                     'start with `proposal "Title"`, `party ID "Name"` or `vocabulary "Title"`')])
    errors: list[Diagnostic] = []
    budget = min(MAX_SYNTAX_ERRORS, max(1, RECOVERY_CHARS // max(len(text), 1)))
    while True:
        try:
            tree = grammar_parser().parse(text)
        except Exception as exc:  # lark's UnexpectedInput family
            diagnostic, blank = _syntax_diagnostic(exc, text, filename)
            errors.append(diagnostic)
            if isinstance(blank, Repair):
                text = blank.apply(text)
            else:
                if blank and skipped is not None:
                    skipped.extend(_statements(text, blank[0], blank[1]))
                if isinstance(blank, Statement) and skipped is not None:
                    skipped.append((blank.keyword, ""))  # the statement meant: `sevrity soft` was a severity
                if isinstance(blank, Statement) and dropped is not None:
                    dropped.append((blank.keyword, _line_col(text, blank[0])[0]))
                text = _blank(text, blank[0], blank[1]) if blank else None
            if text is None or len(errors) >= budget or not _has_content(text):
                raise PeaceError(errors) from None
            continue
        check_nesting(tree, text, filename)
        if errors and recovered is None:
            raise PeaceError(errors)
        if recovered is not None:
            recovered.items.extend(errors)
        return tree


def _has_content(text: str) -> bool:
    return any(line.strip() and not line.strip().startswith("#") for line in text.split("\n"))


# ------------------------------------------------------------------ syntax errors
class Statement(NamedTuple):
    """One statement to blank on its own (`severity medium`): the rest of its block is still read."""

    begin: int
    end: int
    keyword: str


class Repair(NamedTuple):
    """What to put in place of text[begin:end] to read on: as long, on one line, so later positions stay right.
    The block is then read whole (`clause ٢` read as `clause 2`), and its other errors are reported too."""

    begin: int
    end: int
    replacement: str

    def apply(self, text: str) -> str:
        return text[:self.begin] + self.replacement + text[self.end:]


# Where recovery resumes: a range to blank, one statement, a repair, or None (stop).
Resume = tuple[int, int] | Statement | Repair | None


def _syntax_diagnostic(exc: Exception, text: str, filename: str) -> tuple[Diagnostic, Resume]:
    """A lark error -> a Diagnostic, and how parsing resumes (a range to blank, one statement, or a repair)."""
    from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedToken

    if isinstance(exc, UnexpectedToken) and exc.token.type != "$END":
        return _unexpected_token(exc, text, filename)
    if isinstance(exc, UnexpectedCharacters):
        return _unexpected_character(exc, text, filename)
    if isinstance(exc, (UnexpectedEOF, UnexpectedToken)):
        unclosed = _unclosed_braces(text, len(text))
        # Skip the unclosed block (from the start of its statement) so the blocks before it are still read.
        resume = (_block_start(text, unclosed[0]), len(text)) if unclosed else None
        return _unexpected_end(exc, text, filename), resume
    raise exc


def _unexpected_token(exc, text: str, filename: str) -> tuple[Diagnostic, Resume]:
    token = exc.token
    expected = _accepted(exc)
    offset = token.start_pos
    found = (_number_with_exponent(offset, expected, text, filename) or _id_with_foreign_digits(offset, text, filename)
             or _unclosed_before_keyword(token, text, filename) or _keyword_misuse(exc, token, expected, text, filename)
             or _trailing_word(exc, token, expected, text, filename) or _number_with_commas(token, text, filename))
    if found:
        return found
    message = f"unexpected {_describe(token)}; expected {_expected(expected)}"
    hint = _keyword_hint(str(token.value), expected) if token.type in _WORD_TERMINALS else ""
    span = Span(filename, token.line, token.column)
    return Diagnostic("PC001", message, span, hint), \
        _misspelt_statement(token, expected, text) or _block_range(text, token.start_pos)


def _misspelt_statement(token, expected: set[str], text: str) -> Statement | None:
    """`sevrity soft` at the start of its line: a misspelt statement keyword, blanked on its own as the statement
    it was meant to be (so neither the rest of the block nor that field's absence is reported for it)."""
    if token.type not in _WORD_TERMINALS or text[text.rfind("\n", 0, token.start_pos) + 1:token.start_pos].strip():
        return None
    import difflib

    close = difflib.get_close_matches(str(token.value), sorted(_keyword_candidates(expected)), n=1, cutoff=0.6)
    if not close or close[0] not in _statement_keywords():
        return None
    return _own_statement(close[0], token.start_pos, text)


Found = tuple[Diagnostic, Resume] | None


def _unclosed_before_keyword(token, text: str, filename: str) -> Found:
    """`option`, `clause`, ... at the start of a line where the block above still lacks its '}'."""
    word = str(token.value)
    if word not in _block_keywords() or text[text.rfind("\n", 0, token.start_pos) + 1:token.start_pos].strip():
        return None
    return _unclosed_block(word, token.start_pos, text, filename) if _unclosed_braces(text, token.start_pos) else None


def _keyword_misuse(exc, token, expected: set[str], text: str, filename: str) -> Found:
    """A misspelt keyword, a keyword out of place, or a keyword whose argument is wrong (`severity medium`)."""
    previous = _previous_word(exc, text, token.start_pos)
    if previous is None:
        return None
    word, start = previous
    if word in _block_keywords():
        return _unclosed_block(word, start, text, filename)
    line, col = _line_col(text, start)
    arguments = expected - _PATH_TERMINALS
    if word in _statement_keywords() and arguments:  # the statement began; what follows its keyword is wrong
        shown = _escaped(str(token.value)[:40])
        message = f"`{word}` takes {_expected(arguments)}, not '{shown}'"
        hint = _keyword_hint(str(token.value), arguments) if token.type in _WORD_TERMINALS else ""
        return Diagnostic("PC001", message, Span(filename, token.line, token.column), hint), \
            _own_statement(word, start, text) or _block_range(text, token.start_pos)
    if word in _statement_keywords():
        return Diagnostic("PC001", f"`{word}` cannot be used here", Span(filename, line, col)), _block_range(text, start)
    import difflib  # only for a misspelt keyword: not on every run's start-up

    close = difflib.get_close_matches(word, sorted(_statement_keywords()), n=1, cutoff=0.6)
    if close:
        diagnostic = Diagnostic("PC001", f"unknown keyword '{word}'", Span(filename, line, col),
                                f"did you mean '{close[0]}'?")
        return diagnostic, _own_statement(close[0], start, text) or _block_range(text, start)
    return None


# A line that continues a statement begun above (a condition over several lines): it does not start with a
# word that can begin a statement, or with the '}' that ends a block.
_CONTINUATION = re.compile(r"(?:and|or|not|in|has|any|all|until)(?![\w.])|[^A-Za-z_}]")


def _own_statement(keyword: str, start: int, text: str) -> Statement | None:
    """The line from `start` as one statement `keyword ...` to blank on its own (`severity medium`, `sevrity
    soft`), so that the rest of its block is still read and its other errors are reported in the same run.
    None when blanking the line could break what surrounds it: the line opens or closes a block, or starts a
    string over several lines, or the statement goes on below (`when 5\n  and ...`)."""
    line_end = text.find("\n", start)
    line_end = len(text) if line_end < 0 else line_end
    if not text[:start].strip() or keyword in _block_keywords() or '"""' in text[start:line_end]:
        return None  # the first line says what kind of file this is
    if any(match.group() in "{}" for match in _BRACES.finditer(text, start, line_end)):
        return None
    position = line_end
    while position < len(text):  # the next line with content
        following = text.find("\n", position + 1)
        following = len(text) if following < 0 else following
        line = text[position + 1:following].lstrip()
        if line and not line.startswith("#"):
            return None if _CONTINUATION.match(line) else Statement(start, line_end, keyword)
        position = following
    return Statement(start, line_end, keyword)


def _trailing_word(exc, token, expected: set[str], text: str, filename: str) -> Found:
    """`army.cap = 60000 t`: the word after a complete statement, though the parser only stumbles on the next line."""
    try:
        last = exc.interactive_parser.parser_state.value_stack[-1]
    except (AttributeError, IndexError):
        return None
    if not (isinstance(last, str) and hasattr(last, "start_pos") and expected <= _PATH_TERMINALS):
        return None
    start = last.start_pos
    if not text[text.rfind("\n", 0, start) + 1:start].strip() or "\n" not in text[start:token.start_pos]:
        return None
    message = f"unexpected {_describe(last)} after the end of a statement"
    hint = "one statement per line; a value is one number, date, name, string or list (units belong in the vocabulary)"
    return Diagnostic("PC001", message, Span(filename, last.line, last.column), hint), _block_range(text, start)


def _number_with_commas(token, text: str, filename: str) -> Found:
    """`60,000`: digits grouped with commas, which the language reads as a list separator."""
    if token.type != "COMMA":
        return None
    line_start = text.rfind("\n", 0, token.start_pos) + 1
    line_end = text.find("\n", token.start_pos)
    match = next((m for m in _GROUPED_NUMBER.finditer(text, line_start, len(text) if line_end < 0 else line_end)
                  if m.start() < token.start_pos < m.end()), None)
    if match is None:
        return None
    digits = match.group().replace(",", "")
    hint = f"write {digits} or {_underscored(digits)}"
    return (Diagnostic("PC001", "a number is written without commas", Span(filename, token.line, token.column), hint),
            _block_range(text, token.start_pos))


def _number_with_exponent(offset: int, expected: set[str], text: str, filename: str) -> Found:
    """`1e5`: scientific notation, which the language does not read as a number (the lexer sees an id, or a
    number and then a word), where a number may stand (`tags 1e5` is another mistake). Repaired to a number as
    long, so the rest of the block is still read."""
    line_start = text.rfind("\n", 0, offset) + 1
    line_end = text.find("\n", offset)
    match = next((m for m in _EXPONENT_NUMBER.finditer(text, line_start, len(text) if line_end < 0 else line_end)
                  if m.start() <= offset < m.end()), None)
    if match is None or (match.start() == offset and "NUMBER" not in expected):
        return None  # (after its first digits, the parser has taken them as a number already)
    written = match.group()
    message = f"'{written}' is not a number: numbers are written in digits (100000 or 100_000), without an exponent"
    line, col = _line_col(text, match.start())
    span = Span(filename, line, col, line, col + len(written))  # the whole number: an editor marks all of it
    assignment = _ASSIGNED.match(text[line_start:match.start()])
    rest = text[match.end():len(text) if line_end < 0 else line_end].strip()
    if assignment and (not rest or rest.startswith("#")):
        # `path = 1e5` alone on its line: the term is left out rather than read as another number, which
        # would be reported again as a number the term does not take ('truce.start' takes a date, not 0)
        resume: Resume = Statement(line_start + len(assignment.group(1)), match.end(), "")
    else:
        resume = Repair(match.start(), match.end(), "0".ljust(len(written)))  # inside a condition: read on
    return Diagnostic("PC001", message, span, _plain_number_hint(written)), resume


def _plain_number_hint(written: str) -> str:
    """'write 100000 or 100_000' for 1e5: the exact number in digits, when it is short enough to write."""
    from decimal import Decimal

    mantissa, _, exponent = written.replace("_", "").lower().partition("e")
    if abs(int(exponent)) > MAX_NUMBER_DIGITS:
        return f"numbers have at most {MAX_NUMBER_DIGITS} digits"
    digits = format(Decimal(mantissa).scaleb(int(exponent)), "f")
    if "." in digits:
        digits = digits.rstrip("0").rstrip(".")
    if sum(c.isdigit() for c in digits) > MAX_NUMBER_DIGITS:
        return f"numbers have at most {MAX_NUMBER_DIGITS} digits"
    if "." in digits or digits.lstrip("-") == _underscored(digits.lstrip("-")):
        return f"write {digits}"
    sign = "-" if digits.startswith("-") else ""
    return f"write {digits} or {sign}{_underscored(digits.lstrip('-'))}"


# The ids written after a keyword, and what they are made of (the grammar's terminals say the same).
_ID_AFTER = {
    "clause": ("a clause id", "CLAUSE_ID", "ASCII letters and digits 0-9, with dots between parts (14, 21.a)"),
    "rule": ("a rule id", "RULE_ID", "an ASCII letter, then ASCII letters, digits 0-9, '-' and '_' (UA-TERR-1)"),
    "require": ("a rule id", "RULE_ID", "an ASCII letter, then ASCII letters, digits 0-9, '-' and '_' (UA-TERR-1)"),
    "option": ("an option id", "NAME", "an ASCII letter or '_', then ASCII letters, digits 0-9 and '_' (us, option_2)"),
}
_ID_RUN = re.compile(r"[^\s\"{}()\[\],=<>#]+")


def _id_with_foreign_digits(offset: int, text: str, filename: str) -> Found:
    """`clause ٢ "x"`: an id written with digits of another script, which the language does not read as digits.
    Says what the id may be made of, suggests the ASCII digits, and reads on with them (the block is kept)."""
    import unicodedata

    line_start = text.rfind("\n", 0, offset) + 1
    begin = offset
    while begin > line_start and _ID_RUN.match(text[begin - 1]):
        begin -= 1
    run = _ID_RUN.match(text, begin)
    keyword = re.search(r"(?:^|\s)([a-z]+)[ \t]+$", text[line_start:begin])
    if run is None or keyword is None or keyword.group(1) not in _ID_AFTER:
        return None
    written = run.group()
    foreign = [c for c in written if c.isdecimal() and not c.isascii()]
    if not foreign:
        return None
    what, terminal, made_of = _ID_AFTER[keyword.group(1)]
    ascii_id = "".join(str(unicodedata.decimal(c)) if c in foreign else c for c in written)
    script = unicodedata.name(foreign[0], "").split(" DIGIT ")[0].title() or "non-ASCII"
    message = f"{what.split(' ', 1)[1]} '{written}' is written with {script} digits: {what} is made of {made_of}"
    fits = re.fullmatch(grammar_parser().get_terminal(terminal).pattern.to_regexp(), ascii_id)
    line, col = _line_col(text, begin)
    span = Span(filename, line, col, line, col + len(written))  # the whole id: an editor's quick fix replaces it
    if not fits:
        return Diagnostic("PC001", message, span), _block_range(text, begin)
    return (Diagnostic("PC001", message, span, f"did you mean '{ascii_id}'?"),
            Repair(begin, run.end(), _unused_id(keyword.group(1), ascii_id, text)))


def _unused_id(keyword: str, wanted: str, text: str) -> str:
    """`wanted`, or a stand-in as long if `keyword wanted` is already written: read on as the ASCII id, the block
    must not also be reported as a duplicate of the one it was mistaken for (that error would follow from this)."""
    keywords = "rule|require" if keyword in ("rule", "require") else keyword  # one set of ids
    for candidate in (wanted, *(letter * len(wanted) for letter in "zyxwvutsrq")):
        if not re.search(rf"(?m)^[ \t]*(?:{keywords})[ \t]+{re.escape(candidate)}(?![\w.-])", text):
            return candidate
    return wanted


def _underscored(digits: str) -> str:
    whole, dot, fraction = digits.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return "_".join([whole, *groups]) + dot + fraction


def _unexpected_character(exc, text: str, filename: str) -> tuple[Diagnostic, Resume]:
    pos = exc.pos_in_stream
    char = text[pos] if pos < len(text) else ""
    found = _number_with_exponent(pos, set(exc.allowed or ()), text, filename) or (
        _id_with_foreign_digits(pos, text, filename) if char.isdecimal() and not char.isascii() else None)
    if found:
        return found
    span = Span(filename, exc.line, exc.column)
    if char == '"':
        if text[max(0, pos - 2):pos + 1] == '"""':  # the lexer took the first two quotes as an empty string
            line, col = _line_col(text, pos - 2)
            return (Diagnostic("PC002", 'unterminated triple-quoted string', Span(filename, line, col),
                               'close it with """'), _block_range(text, pos))
        return (Diagnostic("PC002", "unterminated string", span,
                           'close it with " on the same line; use """...""" for text over several lines'),
                _block_range(text, pos))
    message = f"unexpected character {char!r}; expected {_expected(exc.allowed or set())}"
    return Diagnostic("PC002", message, span), _block_range(text, pos)


def _unexpected_end(exc, text: str, filename: str) -> Diagnostic:
    line = text.count("\n") + 1
    column = len(text.rsplit("\n", 1)[-1]) + 1
    expected = _expected(_accepted(exc) if hasattr(exc, "interactive_parser") else getattr(exc, "expected", set()))
    unclosed = _unclosed_braces(text, len(text))
    hint = "is a closing '}' missing?"
    if unclosed:
        opened = _line_col(text, unclosed[-1])[0]
        hint = f"the block opened at line {opened} is not closed: add '}}'"
    return Diagnostic("PC003", f"unexpected end of file; expected {expected}", Span(filename, line, column), hint)


def _unclosed_block(word: str, start: int, text: str, filename: str) -> tuple[Diagnostic, tuple[int, int] | None]:
    """`clause` (or `rule`, ...) read as a term inside the block above: that block lacks its '}'."""
    line, col = _line_col(text, start)
    unclosed = _unclosed_braces(text, start)
    if not unclosed:
        return Diagnostic("PC001", f"'{word}' cannot start a statement here", Span(filename, line, col)), None
    # An option sits inside its clause: the block left open is the innermost one; any other block is top-level.
    culprit = unclosed[-1] if word == "option" else unclosed[0]
    opened = _line_col(text, culprit)[0]
    message = f"missing '}}' before `{word}`: the block opened at line {opened} is not closed"
    begin = _block_start(text, culprit)
    line_start = text.rfind("\n", 0, start) + 1
    return Diagnostic("PC500", message, Span(filename, line, col), "close the block with '}'"), (begin, line_start)


def _accepted(exc) -> set[str]:
    """The terminals the parser could take here: exact (lark's `expected` merges LALR states)."""
    try:
        return set(exc.interactive_parser.accepts())
    except Exception:  # no interactive parser on this error: fall back to lark's list
        return set(exc.expected)


def _previous_word(exc, text: str, offset: int) -> tuple[str, int] | None:
    """The single word the parser just took as a term path, when it begins a line: `txt "..."`."""
    try:
        stack = exc.interactive_parser.parser_state.value_stack
    except AttributeError:
        return None
    last = stack[-1] if stack else None
    # A name, or a keyword that the grammar also lets name a term (`tags.x = ...`).
    if not (isinstance(last, str) and hasattr(last, "start_pos") and _WORD.fullmatch(str(last))):
        return None
    start = last.start_pos
    if text[text.rfind("\n", 0, start) + 1:start].strip() or "\n" in text[start:offset]:
        return None
    return str(last), start


def _describe(token) -> str:
    shown = _escaped(str(token.value)[:40])
    if token.type in _WORD_TERMINALS and _WORD.fullmatch(str(token.value)):
        return f"word '{shown}'"
    described = _terminal_name(token.type) if token.type in _TERMINAL_NAMES or token.type == "COMP_OP" else ""
    if described.startswith("a "):
        return f"{described[2:]} '{shown}'"
    if _WORD.fullmatch(str(token.value)):
        return f"keyword '{shown}'"
    return f"'{shown}'"


def _escaped(text: str) -> str:
    """Control characters shown as escapes, so a message never carries them raw."""
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in text)


def _terminal_name(name: str) -> str:
    """How a terminal is named in a message: 'a string', "'hard' or 'soft'", "'clause'"."""
    from .keywords import keywords

    if name in _TERMINAL_NAMES:
        return _TERMINAL_NAMES[name]
    words = keywords().values.get(name)
    if words:
        return " or ".join(f"'{w}'" for w in words)
    if name == "COMP_OP":
        return "a comparison (" + " ".join(keywords().operators) + ")"
    return _keyword_name(name)


def _expected(names) -> str:
    shown = sorted({_terminal_name(n) for n in names})
    if not shown:
        return "something else"
    if len(shown) > 8:
        shown = shown[:8] + ["..."]
    return ", ".join(shown)


def _keyword_name(terminal: str) -> str:
    """A keyword's own text: lark names anonymous terminals CLAUSE, __ANON_1 and so on."""
    try:
        return f"'{grammar_parser().get_terminal(terminal).pattern.value}'"
    except Exception:  # an unknown terminal name: show it as lark calls it
        return terminal.lower()


def _keyword_hint(word: str, expected) -> str:
    words = _keyword_candidates(expected)
    return did_you_mean(word, words) if words else ""


def _keyword_candidates(expected) -> list[str]:
    """The keywords and fixed values the parser could take here, as written."""
    from .keywords import keywords

    values = keywords().values
    words = [w for n in expected if n in values for w in values[n]]
    return words + [_keyword_name(n).strip("'") for n in expected if n not in _TERMINAL_NAMES and n not in values]


# ------------------------------------------------------------------ recovery
def _unclosed_braces(text: str, offset: int) -> list[int]:
    """Offsets of the '{' still open at `offset`, outermost first (strings and comments skipped)."""
    stack: list[int] = []
    for match in _BRACES.finditer(text, 0, offset):
        if match.group() == "{":
            stack.append(match.start())
        elif match.group() == "}" and stack:
            stack.pop()
    return stack


def _block_start(text: str, offset: int) -> int:
    starts = [m.start() for m in _block_opening().finditer(text, 0, offset + 1)]
    return starts[-1] if starts else text.rfind("\n", 0, offset) + 1


def _block_range(text: str, offset: int) -> tuple[int, int] | None:
    """The innermost block holding `offset`, to blank; in the header, the rest of the header from the error's line."""
    starts = [m.start() for m in _block_opening().finditer(text, 0, offset + 1)]
    following = _block_opening().search(text, offset + 1)
    fallback = following.start() if following else len(text)
    for start in reversed(starts):
        end = _block_end(text, start)
        if end is None or end > offset:
            return start, end if end is not None and end > offset else fallback
    if starts:
        return starts[-1], fallback
    line_start = text.rfind("\n", 0, offset) + 1
    if line_start == 0:
        return None  # the first line says what kind of file this is: nothing to resume from
    return line_start, fallback


def _block_end(text: str, start: int) -> int | None:
    """Where the block starting at `start` ends: after its matching '}', or at the next block if it has no
    braces; None if its '{' is never closed."""
    following = _block_opening().search(text, start + 1)
    next_start = following.start() if following else len(text)
    depth = 0
    for match in _BRACES.finditer(text, start):
        brace = match.group()
        if brace == "{":
            if depth == 0 and match.start() >= next_start:
                return next_start  # a block without braces (term, type, include)
            depth += 1
        elif brace == "}" and depth:
            depth -= 1
            if depth == 0:
                return match.end()
    return None if depth else next_start


_STATEMENT = re.compile(r"^[ \t]*([A-Za-z_]+)[ \t]+([^\s{\"]*)", re.MULTILINE)


def _statements(text: str, begin: int, end: int) -> list[tuple[str, str]]:
    """(keyword, first argument) of each line in text[begin:end]: what a recovery drops."""
    return [(m.group(1), m.group(2)) for m in _STATEMENT.finditer(text, begin, end)]


def _blank(text: str, begin: int, end: int) -> str | None:
    """Blank text[begin:end], keeping line breaks so that later positions stay right."""
    if begin >= end:
        return None
    blanked = re.sub(r"[^\n]", " ", text[begin:end])
    return text[:begin] + blanked + text[end:]


# ------------------------------------------------------------------ nesting
def check_nesting(tree: "Tree", text: str, filename: str) -> None:
    """PC015 when a condition nests parentheses or `not` deeper than MAX_DEPTH.

    Done on the text of each condition before anything walks it recursively;
    parentheses leave no trace in the tree, so the tree alone cannot tell.
    """
    from lark import Tree

    body = tree.children[0] if tree.children else None
    if not isinstance(body, Tree) or body.data != "redline_file":
        return
    for item in body.children:
        if isinstance(item, Tree) and item.data in ("rule", "require"):
            for part in item.children:
                if isinstance(part, Tree) and part.data in ("when", "that") and not part.meta.empty:
                    _check_condition_text(text, part.meta.start_pos, part.meta.end_pos, filename)


def _check_condition_text(text: str, start: int, end: int, filename: str) -> None:
    opened: list[int] = [0]  # `not`s in force, one count per open parenthesis
    for match in _NESTING.finditer(text, start, end):
        token = match.group()
        if token == "not":
            opened[-1] += 1
        elif token == "(":
            opened.append(0)
        elif token == ")":
            if len(opened) > 1:
                opened.pop()
            opened[-1] = 0
        elif token[0] not in "\"#":
            opened[-1] = 0  # an atom ends the `not`s before it
        if len(opened) - 1 + sum(opened) > MAX_DEPTH:
            line, col = _line_col(text, match.start())
            raise PeaceError([Diagnostic("PC015", f"condition nested deeper than {MAX_DEPTH} levels",
                                         Span(filename, line, col), "split the rule, or drop redundant parentheses")])


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _line_col_of_byte(data: bytes, offset: int) -> tuple[int, int]:
    # Lines end in LF, CRLF or a lone CR (old Mac files), as `normalise` reads them.
    line = data.count(b"\n", 0, offset) + data.count(b"\r", 0, offset) - data.count(b"\r\n", 0, offset) + 1
    start = max(data.rfind(b"\n", 0, offset), data.rfind(b"\r", 0, offset)) + 1
    if start == 0 and data.startswith(b"\xef\xbb\xbf"):
        start = 3  # the byte-order mark is not a column
    return line, len(data[start:offset].decode("utf-8", "replace")) + 1
