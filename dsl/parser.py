"""Text -> lark parse tree, with every problem turned into a Diagnostic.

The grammar is built once, lazily, on first use. Syntax errors are recovered
from block by block, so one run reports every broken block of a file.
"""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from .diagnostics import Diagnostic, DiagnosticSink, PeaceError, Span

if TYPE_CHECKING:
    from lark import Lark, Tree

MAX_FILE_BYTES = 32 * 1024 * 1024
MAX_LINE_CHARS = 100_000
MAX_DEPTH = 50
MAX_SYNTAX_ERRORS = 20

# A line that opens a top-level block; syntax recovery resumes at the next one.
_BLOCK_START = re.compile(
    r"^[ \t]*(clause|rule|require|source|term|type|include|option)\b", re.MULTILINE
)

# Friendly names for terminals in "expected ..." messages.
_TERMINAL_NAMES = {
    "NAME": "a name", "STRING": "a string", "NUMBER": "a number", "DATE": "a date (YYYY-MM-DD)",
    "CLAUSE_ID": "a clause id (e.g. 14 or 21.a)", "RULE_ID": "a rule id (e.g. UA-1)",
    "LBRACE": "'{'", "RBRACE": "'}'", "LPAR": "'('", "RPAR": "')'", "LSQB": "'['", "RSQB": "']'",
    "COMMA": "','", "DOT": "'.'", "EQUAL": "'='", "COLON": "':'", "LESSTHAN": "'<'",
    "COMP_OP": "a comparison (== != < <= > >=)", "SEVERITY": "'hard' or 'soft'",
"DOT_STAR": "'.*'", "$END": "end of file",
}


@lru_cache(maxsize=1)
def grammar_parser() -> "Lark":
    from lark import Lark

    grammar = resources.files("dsl").joinpath("peace.lark").read_text(encoding="utf-8")
    # cache=True keeps the built parser in the system temp folder, keyed by a hash of the grammar
    # and options: building the LALR tables is most of the start-up time otherwise.
    return Lark(grammar, parser="lalr", propagate_positions=True, maybe_placeholders=False, cache=True)


def decode(data: bytes, filename: str) -> str:
    """Bytes -> normalised text (no BOM, LF line ends), or PeaceError."""
    sink = DiagnosticSink()
    if len(data) > MAX_FILE_BYTES:
        sink.error("PC013", f"file is {len(data):,} bytes; the limit is {MAX_FILE_BYTES:,}",
                   Span(filename, 1, 1))
        sink.raise_if_any()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col_of_byte(data, exc.start)
        sink.error("PC011", f"invalid UTF-8 byte 0x{data[exc.start]:02x}", Span(filename, line, col),
                   "save the file as UTF-8")
        sink.raise_if_any()
    return normalise(text, filename)


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


def parse_tree(text: str, filename: str) -> "Tree":
    """Parse normalised text; raise PeaceError with every syntax error found."""
    if not _has_content(text):
        raise PeaceError([Diagnostic("PC010", "file is empty", Span(filename, 1, 1),
                                     'start with `proposal "Title"`, `party ID "Name"` or `vocabulary "Title"`')])
    errors: list[Diagnostic] = []
    while True:
        try:
            tree = grammar_parser().parse(text)
        except Exception as exc:  # lark's UnexpectedInput family
            diagnostic, offset = _syntax_diagnostic(exc, text, filename)
            errors.append(diagnostic)
            text = _blank_broken_block(text, offset)
            if text is None or len(errors) >= MAX_SYNTAX_ERRORS:
                raise PeaceError(errors) from None
            continue
        if errors:
            raise PeaceError(errors)
        _check_depth(tree, filename)
        return tree


def _has_content(text: str) -> bool:
    return any(line.strip() and not line.strip().startswith("#") for line in text.split("\n"))


def _syntax_diagnostic(exc: Exception, text: str, filename: str) -> tuple[Diagnostic, int]:
    from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedToken

    if isinstance(exc, UnexpectedToken) and exc.token.type != "$END":
        token = exc.token
        expected = _expected(exc.expected)
        shown = str(token.value)[:40]
        described = _TERMINAL_NAMES.get(token.type, "")
        message = f"unexpected {described[2:]} '{shown}'" if described.startswith("a ") else f"unexpected '{shown}'"
        span = Span(filename, token.line, token.column)
        return Diagnostic("PC001", f"{message}; expected {expected}", span, _keyword_hint(shown, exc.expected)), token.start_pos
    if isinstance(exc, UnexpectedCharacters):
        char = text[exc.pos_in_stream] if exc.pos_in_stream < len(text) else ""
        what = "unterminated string" if char == '"' else f"unexpected character {char!r}"
        expected = _expected(exc.allowed or set())
        span = Span(filename, exc.line, exc.column)
        return Diagnostic("PC002", f"{what}; expected {expected}", span), exc.pos_in_stream
    if isinstance(exc, (UnexpectedEOF, UnexpectedToken)):
        line = text.count("\n") + 1
        column = len(text.rsplit("\n", 1)[-1]) + 1
        expected = _expected(getattr(exc, "expected", set()))
        return Diagnostic("PC003", f"unexpected end of file; expected {expected}",
                          Span(filename, line, column), "is a closing '}' missing?"), len(text)
    raise exc


def _expected(names) -> str:
    shown = sorted({_TERMINAL_NAMES.get(n, _keyword_name(n)) for n in names})
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
    from .diagnostics import did_you_mean

    keywords = [_keyword_name(n).strip("'") for n in expected if n not in _TERMINAL_NAMES]
    return did_you_mean(word, keywords) if keywords else ""


def _blank_broken_block(text: str, offset: int) -> str | None:
    """Blank the block holding `offset` (keeping line numbers) so parsing can resume."""
    starts = [m.start() for m in _BLOCK_START.finditer(text)]
    before = [s for s in starts if s <= offset]
    after = [s for s in starts if s > offset]
    if not before:
        return None  # the error is in the header: nothing safe to resume from
    begin, end = before[-1], (after[0] if after else len(text))
    blanked = re.sub(r"[^\n]", " ", text[begin:end])
    return text[:begin] + blanked + text[end:]


def _check_depth(tree: "Tree", filename: str) -> None:
    from lark import Tree

    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            meta = node.meta
            raise PeaceError([Diagnostic("PC015", f"nesting deeper than {MAX_DEPTH} levels",
                                         Span(filename, getattr(meta, "line", 1), getattr(meta, "column", 1)))])
        stack.extend((child, depth + 1) for child in node.children if isinstance(child, Tree))


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _line_col_of_byte(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    return line, len(data[start:offset].decode("utf-8", "replace")) + 1
