"""The canonical layout of proposals, red lines and vocabularies, comments kept.

``format_text(text)`` parses the text (so only a file that parses is ever
formatted), prints every statement from the parse tree in source order, and puts
each comment back: a comment on a line of its own goes before the statement it
precedes (or the `}` it precedes), a comment after code stays at the end of that
statement's line.

The layout: two-space indentation, one statement per line, a blank line around
top-level blocks (clauses, rules, sources), at most one blank line elsewhere
(where the author left one), strings re-quoted canonically, triple-quoted text
re-indented one level below its statement, conditions with only the parentheses
that keep their tree (plus `not (a == b)` around a negated test, for the reader), lists written `[a, b]`.

Pure: text in, text out; no file I/O.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from lark import Token, Tree

from .conditions import show
from .diagnostics import Diagnostic, DiagnosticSink, PeaceError, Span
from .models import quote as quote_text
from .parser import normalise, parse_tree
from .transform import Builder, unquote

INDENT = "  "
_BLOCKS = {"clause", "option", "rule", "require", "source"}
# Strings and comments, in the order the lexer meets them: a '#' inside a string is not a comment.
_STRING_OR_COMMENT = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|"(?:[^"\\\n]|\\.)*"|#[^\n]*')


@dataclass
class Line:
    """One printed statement, block opening or closing brace, with the source lines it came from."""

    indent: int
    text: str  # may hold newlines (a triple-quoted block); later lines carry their own indentation
    start: int
    end: int
    kind: str = "stmt"  # stmt | open | close | comment
    top: bool = False  # opens or closes a top-level block
    trailing: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Comment:
    line: int
    text: str
    own_line: bool


# ------------------------------------------------------------------ entry points
def format_text(text: str, filename: str = "<text>") -> str:
    """The canonical form of one file's text; PeaceError if it does not parse."""
    text = normalise(text, filename)
    tree = parse_tree(text, filename)
    before = _model_of(tree, filename)
    lines = Printer().file(tree.children[0])
    out = layout(lines, scan_comments(text), blank_lines(text))
    _check_round_trip(before, out, filename)
    return out


def _model_of(tree: Tree, filename: str):
    sink = DiagnosticSink()
    model = Builder(filename, sink).build(tree)
    sink.raise_if_any()
    return comparable(model)


def comparable(model) -> object:
    """A model as plain data without positions, for comparing two parses of one file."""
    return _drop_spans(model.model_dump())


_SPAN_KEYS = {"file", "line", "column", "end_line", "end_column"}


def _drop_spans(value):
    if isinstance(value, Span) or (isinstance(value, dict) and set(value) == _SPAN_KEYS):
        return None
    if isinstance(value, dict):
        return {k: _drop_spans(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_drop_spans(v) for v in value]
    return value


def _check_round_trip(before: object, out: str, filename: str) -> None:
    """Never hand back text that means something else: a formatter bug is an error, not a rewrite."""
    try:  # the whole loader's checks, limits included: the output must load as the input did
        normalise(out, filename)
    except PeaceError as exc:
        first = exc.diagnostics[0]
        raise PeaceError([Diagnostic("PC620", f"the formatted file would not load ({first.code} {first.message}); "
                                     "file left as it is", Span(filename, 1, 1))]) from None
    try:
        after = _model_of(parse_tree(out, filename), filename)
    except PeaceError:
        after = None
    if after != before:
        raise PeaceError([Diagnostic("PC620", "the formatter would change the file's meaning; file left as it is",
                                     Span(filename, 1, 1), "please report this with the file")])


# ------------------------------------------------------------------ comments and blank lines
def scan_comments(text: str) -> list[Comment]:
    """Every comment of a file that parses, with its line and whether code precedes it on that line."""
    comments = []
    for match in _STRING_OR_COMMENT.finditer(text):
        if not match.group().startswith("#"):
            continue
        line_start = text.rfind("\n", 0, match.start()) + 1
        line = text.count("\n", 0, match.start()) + 1
        own = not text[line_start:match.start()].strip()
        comments.append(Comment(line, match.group().rstrip(), own))
    return comments


def blank_lines(text: str) -> set[int]:
    return {n for n, line in enumerate(text.split("\n"), start=1) if not line.strip()}


# ------------------------------------------------------------------ layout
def layout(lines: list[Line], comments: list[Comment], blanks: set[int]) -> str:
    own: list[Comment] = []
    for comment in comments:
        if comment.own_line or not _attach_trailing(lines, comment):
            own.append(comment)
    entries = _with_comments(lines, own)
    out: list[str] = []
    for i, entry in enumerate(entries):
        if i and _blank_between(entries, i, blanks):
            out.append("")
        suffix = "  " + " ".join(entry.trailing) if entry.trailing else ""
        out.append(INDENT * entry.indent + entry.text + suffix)
    return "\n".join(out) + "\n"


def _attach_trailing(lines: list[Line], comment: Comment) -> bool:
    holders = [line for line in lines if line.start <= comment.line <= line.end]
    if not holders:
        return False
    holders[-1].trailing.append(comment.text)
    return True


def _with_comments(lines: list[Line], comments: list[Comment]) -> list[Line]:
    """Insert each own-line comment before the first line that ends at or after it."""
    before: dict[int, list[Line]] = {}
    tail: list[Line] = []
    for comment in comments:
        index = next((i for i, line in enumerate(lines) if line.end >= comment.line), None)
        if index is None:
            tail.append(Line(0, comment.text, comment.line, comment.line, "comment"))
            continue
        target = lines[index]
        indent = target.indent + 1 if target.kind == "close" else target.indent
        before.setdefault(index, []).append(Line(indent, comment.text, comment.line, comment.line, "comment",
                                                 top=target.top and target.kind == "open"))
    out: list[Line] = []
    for i, line in enumerate(lines):
        out.extend(before.get(i, []))
        out.append(line)
    return out + tail


def _blank_between(entries: list[Line], i: int, blanks: set[int]) -> bool:
    previous, current = entries[i - 1], entries[i]
    if current.top and current.kind in ("open", "comment") and not (previous.kind == "comment" and previous.top):
        return True
    if previous.kind == "open" or current.kind == "close":
        return False
    return any(n in blanks for n in range(previous.end + 1, current.start))


# ------------------------------------------------------------------ printing statements
class Printer:
    """Parse tree -> Lines, one per statement, in source order."""

    def file(self, node: Tree) -> list[Line]:
        title = node.children[0]
        if node.data == "redline_file":
            party, title = node.children[0], node.children[1]
            head, items = f"party {party} {quote(title, 0)}", node.children[2:]
        else:
            keyword = "proposal" if node.data == "proposal_file" else "vocabulary"
            head, items = f"{keyword} {quote(title, 0)}", node.children[1:]
        lines = [Line(0, head, node.meta.line, title.end_line or title.line)]
        for item in items:
            lines.extend(self.item(item, 0))
        return lines

    def item(self, node: Tree, depth: int) -> list[Line]:
        if node.data in _BLOCKS:
            return self.block(node, depth)
        return [Line(depth, self.statement(node, depth), node.meta.line, node.meta.end_line)]

    def block(self, node: Tree, depth: int) -> list[Line]:
        kids = node.children
        if node.data == "source":
            head, last, items = f"source {kids[0]}", kids[0], kids[1:]
        else:
            head, last, items = f"{node.data} {kids[0]} {quote(kids[1], depth)}", kids[1], kids[2:]
        top = depth == 0
        lines = [Line(depth, head + " {", node.meta.line, last.end_line or last.line, "open", top)]
        for item in items:
            lines.extend(self.item(item, depth + 1))
        lines.append(Line(depth, "}", node.meta.end_line, node.meta.end_line, "close", top))
        return lines

    def statement(self, node: Tree, depth: int) -> str:
        return getattr(self, "s_" + node.data)(node, depth)

    # --- shared
    def s_note(self, node: Tree, depth: int) -> str:
        return "note " + quote(node.children[0], depth)

    def s_text(self, node: Tree, depth: int) -> str:
        return "text " + quote(node.children[0], depth)

    def s_tags(self, node: Tree, depth: int) -> str:
        return "tags " + names(node.children[0])

    def s_use_vocab(self, node: Tree, depth: int) -> str:
        return "vocabulary " + quote(node.children[0], depth)

    # --- vocabulary
    def s_include(self, node: Tree, depth: int) -> str:
        return "include " + quote(node.children[0], depth)

    def s_type_decl(self, node: Tree, depth: int) -> str:
        return f"type {node.children[0]} = {type_expr(node.children[1])}" + self.doc(node.children[2:], depth)

    def s_term_decl(self, node: Tree, depth: int) -> str:
        path = ".".join(str(t) for t in node.children[0].children)
        return f"term {path} : {type_expr(node.children[1])}" + self.doc(node.children[2:], depth)

    def doc(self, rest: list, depth: int) -> str:
        return " " + quote(rest[0].children[0], depth) if rest else ""

    # --- proposals
    def s_meta(self, node: Tree, depth: int) -> str:
        key, value = node.children[0].children[0], node.children[1]
        if isinstance(value, Tree):
            return f"{key} {names(value)}"
        return f"{key} {quote(value, depth) if value.type == 'STRING' else value}"

    def s_status(self, node: Tree, depth: int) -> str:
        note = " " + quote(node.children[1], depth) if len(node.children) > 1 else ""
        return f"status {node.children[0]}{note}"

    def s_assignment(self, node: Tree, depth: int) -> str:
        path = ".".join(str(t) for t in node.children[0].children)
        return f"{path} = {value(node.children[1], depth)}"

    def s_acknowledge(self, node: Tree, depth: int) -> str:
        party, rule, reason, *until = node.children
        return f"acknowledge {party} {rule} {quote(reason, depth)}" + (f" until {until[0]}" if until else "")

    # --- red lines
    def s_source_field(self, node: Tree, depth: int) -> str:
        return f"{node.children[0].children[0]} {quote(node.children[1], depth)}"

    def s_severity(self, node: Tree, depth: int) -> str:
        return f"severity {node.children[0]}"

    def s_weight(self, node: Tree, depth: int) -> str:
        return f"weight {node.children[0]}"

    def s_when(self, node: Tree, depth: int) -> str:
        return "when " + condition(node.children[0])

    def s_that(self, node: Tree, depth: int) -> str:
        return "that " + condition(node.children[0])

    def s_because(self, node: Tree, depth: int) -> str:
        return "because " + quote(node.children[0], depth)

    def s_cite(self, node: Tree, depth: int) -> str:
        locator = " " + quote(node.children[1], depth) if len(node.children) > 1 else ""
        return f"cite {node.children[0]}{locator}"


def names(node: Tree) -> str:
    return ", ".join(str(t) for t in node.children)


def type_expr(node: Tree) -> str:
    kind, kids = node.data, node.children
    if kind == "number_type":
        return "number" + (f" unit {kids[0]}" if kids else "")
    if kind in ("enum_type", "set_type"):
        return f"{kind[:-5]}({names(kids[0])})"
    if kind == "scale_type":
        return "scale(" + " < ".join(str(k) for k in kids) + ")"
    return str(kids[0])  # simple_type, type_ref


def value(node: Tree, depth: int = 0) -> str:
    kind = node.data
    if kind in ("true", "false"):
        return kind
    if kind == "name_set":
        return "[" + ", ".join(str(t) for t in node.children) + "]"
    token = node.children[0]
    return quote(token, depth) if kind == "string" else str(token)


# ------------------------------------------------------------------ conditions
def condition(node: Tree) -> str:
    """A condition as the one printer (conditions.show) writes it, numbers as their author wrote them."""
    sink = DiagnosticSink()  # the file was built once already: any problem was reported then
    return show(Builder("<format>", sink).build(node), written=True)


# ------------------------------------------------------------------ strings
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def quote(token: Token, depth: int) -> str:
    """A STRING token in canonical form: a triple-quoted block stays a block, re-indented."""
    text = unquote(str(token))
    if str(token).startswith('"""') and "\n" in str(token)[3:-3]:
        block = text_block(text, depth)
        if block is not None:
            return block
    return quote_line(text)


def quote_line(text: str) -> str:
    """`text` as a one-line string literal: the language's one quoting rule (models.quote)."""
    return quote_text(text)


def text_block(text: str, depth: int) -> str | None:
    """`text` as a triple-quoted block whose lines sit one level below the statement, or None if it
    cannot be written so (the block would read back as different text)."""
    escaped = re.sub(r'"(?="")', '\\"', text.replace("\\", "\\\\"))
    pad = INDENT * (depth + 1)
    body = "\n".join(pad + line if line.strip() else "" for line in escaped.split("\n"))
    block = '"""\n' + body + "\n" + INDENT * depth + '"""'
    return block if unquote(block) == text and not _CONTROL.search(text) else None
