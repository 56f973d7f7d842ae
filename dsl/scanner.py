"""The fast front end: text -> models in one pass over lark's own LALR tables, no parse tree.

`peace.lark` stays the definition of the language. Everything here is read off the parser that
`tables.py` builds from it: the terminals' patterns, their order and keyword rules, the LALR table,
and how each grammar rule shapes its node (`?rule`, `!rule`, aliases, filtered tokens, inlined
helpers). What differs from lark is only the machinery:

- the lexer is contextual like lark's `ContextualLexer` (in each parser state only the terminals
  that state accepts, in lark's order, with lark's keyword retyping), but it picks candidates by
  the first character and compiles one small regular expression per terminal instead of one per
  state;
- the parser is the same LALR automaton, but at each reduction it calls the transform's method for
  the rule (`Builder`, one method per rule) with the node's position, instead of building a lark
  `Tree` that is walked afterwards. No tree is kept, so memory follows the models, not the text.

Anything unusual (a syntax error, an unexpected character, a condition nested deeper than the limit
allows) makes `parse_models` return None, and the caller takes lark's path, which produces today's
diagnostics and recovery byte for byte. A differential test (tests/test_scanner.py) checks that
both paths give the same models and diagnostics on every shipped and fixture file and on generated
and mutated ones.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Callable

from .diagnostics import DiagnosticSink

if TYPE_CHECKING:
    from lark import Lark

# A deeper parser stack than this means a deeply nested condition: lark's path reports it (PC015).
MAX_STACK = 240
END = "$END"


class Fallback(Exception):
    """The fast path cannot read this text; lark's path will (and reports what is wrong)."""


class _Meta:
    """What a rule's method reads of a node's position: lark's `Meta` with propagate_positions."""

    __slots__ = ("line", "column", "start_pos", "end_line", "end_column", "end_pos")
    empty = False

    def __init__(self, span: tuple[int, int, int, int, int, int]):
        self.line, self.column, self.start_pos, self.end_line, self.end_column, self.end_pos = span


# ------------------------------------------------------------------ terminals
def _ascii_first(pattern: str) -> frozenset[str] | None:
    """The ASCII characters a match of `pattern` can begin with; None when that cannot be told (any)."""
    from re import _constants as c  # type: ignore[attr-defined]
    from re import _parser as p  # type: ignore[attr-defined]

    ascii_chars = [chr(i) for i in range(128)]
    categories = {c.CATEGORY_DIGIT: r"\d", c.CATEGORY_NOT_DIGIT: r"\D", c.CATEGORY_SPACE: r"\s",
                  c.CATEGORY_NOT_SPACE: r"\S", c.CATEGORY_WORD: r"\w", c.CATEGORY_NOT_WORD: r"\W"}

    def in_set(items) -> set[str] | None:
        chars: set[str] = set()
        negate = False
        for op, av in items:
            if op is c.NEGATE:
                negate = True
            elif op is c.LITERAL:
                chars.add(chr(av))
            elif op is c.RANGE:
                chars.update(chr(i) for i in range(av[0], min(av[1], 127) + 1))
            elif op is c.CATEGORY and av in categories:
                chars.update(ch for ch in ascii_chars if re.match(categories[av], ch))
            else:
                return None
        return set(ascii_chars) - chars if negate else chars

    def first(seq) -> tuple[set[str] | None, bool]:
        """(first characters, whether the sequence can match the empty string)."""
        out: set[str] = set()
        for op, av in seq:
            if op is c.LITERAL:
                return out | {chr(av)}, False
            if op is c.IN:
                chars = in_set(av)
                return (None if chars is None else out | chars), False
            if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
                continue  # zero width: look further (a superset is safe)
            if op is c.SUBPATTERN:
                chars, nullable = first(av[3])
            elif op is c.BRANCH:
                chars, nullable = set(), False
                for branch in av[1]:
                    more, empty = first(branch)
                    if more is None:
                        return None, False
                    chars |= more
                    nullable = nullable or empty
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT)):
                chars, nullable = first(av[2])
                nullable = nullable or av[0] == 0
            elif op is getattr(c, "ATOMIC_GROUP", None):
                chars, nullable = first(av)
            else:
                return None, False
            if chars is None:
                return None, False
            out |= chars
            if not nullable:
                return out, False
        return out, True

    chars, _ = first(p.parse(pattern).data)
    return None if chars is None else frozenset(chars)


class _Terminal:
    __slots__ = ("name", "literal", "regex", "first", "newlines", "key", "priority", "flags", "source")

    def __init__(self, definition) -> None:
        from lark.lexer import _regexp_has_newline

        pattern = definition.pattern
        self.name: str = definition.name
        self.source: str = pattern.to_regexp()
        self.literal: str | None = pattern.value if pattern.type == "str" and not pattern.flags else None
        self.regex = re.compile(self.source)
        self.first = _ascii_first(self.source)
        self.newlines = _regexp_has_newline(self.source)
        self.priority = definition.priority
        self.flags = pattern.flags
        # lark's BasicLexer order: priority, then the longest possible match, then the longest pattern, then name
        self.key = (-definition.priority, -pattern.max_width, -len(pattern.value), definition.name)


# A candidate at one position: (literal or None, compiled pattern, terminal name, keyword retyping or None).
Candidate = tuple[str | None, Any, str, dict[str, str] | None]


class _StateLexer:
    """lark's BasicLexer for one parser state (its accepted terminals), dispatched on the first character."""

    __slots__ = ("order", "unless", "by_char", "ignore")

    def __init__(self, terminals: list[_Terminal], ignore: frozenset[str]) -> None:
        terminals = sorted(terminals, key=lambda t: t.key)
        # lark's _create_unless: a keyword that a pattern terminal also matches is folded into it,
        # and a match of that pattern spelling the keyword is retyped as the keyword.
        embedded: set[str] = set()
        self.unless: dict[str, dict[str, str]] = {}
        for pattern in (t for t in terminals if t.literal is None):
            keywords: dict[str, str] = {}
            for keyword in (t for t in terminals if t.literal is not None):
                if keyword.priority != pattern.priority:
                    continue
                match = pattern.regex.match(keyword.literal)
                if match and match.group(0) == keyword.literal:
                    keywords.setdefault(keyword.literal, keyword.name)
                    if set(keyword.flags) <= set(pattern.flags):
                        embedded.add(keyword.name)
            if keywords:
                self.unless[pattern.name] = keywords
        self.order = [t for t in terminals if t.name not in embedded]
        self.ignore = ignore
        self.by_char: dict[str, tuple[Candidate, ...]] = {}

    def candidates(self, char: str) -> tuple[Candidate, ...]:
        found = self.by_char.get(char)
        if found is None:
            found = tuple((t.literal, t.regex, t.name, self.unless.get(t.name)) for t in self.order
                          if char >= "\x80" or t.first is None or char in t.first)
            self.by_char[char] = found
        return found


# ------------------------------------------------------------------ rules
def _no_method(builder: Any, meta: _Meta, children: list) -> Any:
    raise Fallback("a node the transform has no method for")  # lark's path reports it as it always did


# What a reduction does, by the rule's shape (most reductions are of the first two kinds).
UNIT, APPEND, LIST, CALL, EXPAND = 0, 1, 2, 3, 4


class _Rule:
    """How one grammar rule turns its matched symbols into a value, as lark's ParseTreeBuilder would."""

    __slots__ = ("size", "origin", "name", "keep", "kind", "method", "condition")

    def __init__(self, rule, methods: dict[str, Callable]) -> None:
        expansion = rule.expansion
        self.size = len(expansion)
        self.origin: str = rule.origin.name
        self.name: str = rule.alias or self.origin
        keep_all = rule.options.keep_all_tokens
        # (index, inline its children) for each symbol the node keeps; None when it keeps all as they are
        keep = [(i, not s.is_term and s.name.startswith("_")) for i, s in enumerate(expansion)
                if keep_all or not (s.is_term and s.filter_out)]
        self.keep = None if len(keep) == len(expansion) and not any(inline for _, inline in keep) else tuple(keep)
        expand1 = bool(rule.options.expand1 and not rule.alias)
        if expand1 and self.size == 1 and self.keep is None:
            self.kind = UNIT  # `?rule: symbol`: the value and its position pass through; only the state changes
        elif self.origin.startswith("_"):
            self.kind = LIST  # a helper (`x*`) inlined into its parent: its value is its children
            if expand1:
                raise Fallback("an inlined rule that is also ?-expanded")
            if self.keep is not None and self.keep[0] == (0, True) and all(not i for _, i in self.keep[1:]):
                self.kind = APPEND  # `__x: __x item`: the list so far, plus the new items (lark reuses it too)
        elif expand1:
            self.kind = EXPAND  # one child passes through, more make a node
        else:
            self.kind = CALL
        self.method = methods.get(self.name, _no_method)
        self.condition = self.name in ("when", "that")  # checked for depth as lark's path does (PC015)


class FrontEnd:
    """The tables of one grammar, read off lark's parser once."""

    def __init__(self, parser: "Lark", methods: dict[str, Callable]) -> None:
        if parser.options.postlex is not None or parser.lexer_conf.callbacks or parser.options.lexer != "contextual":
            raise Fallback("unsupported lexer options")
        self.setup(parser.terminals, parser.lexer_conf.ignore, parser.rules, parser.parser.parser._parse_table, methods)

    @classmethod
    def from_tables(cls, shipped: dict[str, Any], methods: dict[str, Callable]) -> "FrontEnd":
        """From the shipped tables (tables.py) without building lark's parser and lexers: a third of the time."""
        from lark.grammar import Rule
        from lark.lexer import TerminalDef
        from lark.parsers.lalr_analysis import IntParseTable
        from lark.utils import SerializeMemoizer

        data = shipped["data"]
        options = data["options"]
        if options.get("postlex") is not None or options.get("lexer_callbacks") or options.get("lexer") != "contextual" \
                or options.get("g_regex_flags") or options.get("use_bytes"):
            raise Fallback("unsupported lexer options")
        memo = SerializeMemoizer.deserialize(shipped["memo"], {"Rule": Rule, "TerminalDef": TerminalDef}, {})
        front = cls.__new__(cls)
        lexer_conf = data["parser"]["lexer_conf"]
        front.setup([memo[t["@"]] for t in lexer_conf["terminals"]], lexer_conf["ignore"],
                    [memo[r["@"]] for r in data["rules"]], IntParseTable.deserialize(data["parser"]["parser"], memo),
                    methods)
        return front

    def setup(self, terminals, ignore, rules, table, methods: dict[str, Callable]) -> None:
        if any(not r.expansion for r in rules):
            raise Fallback("empty rules are not supported")  # their nodes have no position
        self.terminals = {t.name: _Terminal(t) for t in terminals}
        self.ignore = frozenset(ignore)
        self.rules = {rule: _Rule(rule, methods) for rule in rules}
        from lark.parsers.lalr_analysis import Shift

        # state -> {symbol: (True, next state) | (False, rule)}
        self.states: dict[int, dict[str, tuple[bool, Any]]] = {
            state: {symbol: (action is Shift, arg if action is Shift else self.rules[arg])
                    for symbol, (action, arg) in row.items()}
            for state, row in table.states.items()}
        self.start = table.start_states["start"]
        self.end = table.end_states["start"]
        ignored = [self.terminals[name] for name in self.ignore]
        others = [t for t in self.terminals.values() if t.name not in self.ignore]
        # Ignored text (spaces, comments) is skipped with one pattern; that equals lark's lexer only when no
        # other terminal can begin with a character that begins an ignored one.
        if any(i.first is None or o.first is None or i.first & o.first for i in ignored for o in others):
            raise Fallback("ignored terminals overlap others")
        self.skip = re.compile("(?:" + "|".join(f"(?:{t.source})" for t in ignored) + ")*")
        self._lexers: dict[frozenset[str], _StateLexer] = {}
        self.lexers: dict[int, _StateLexer] = {}
        self.newlines = frozenset(t.name for t in self.terminals.values() if t.newlines)
        # Terminals no node keeps (keywords and punctuation) need no Token: their position is enough.
        self.kept = frozenset(s.name for r in rules for s in r.expansion
                              if s.is_term and (r.options.keep_all_tokens or not s.filter_out))

    def lexer(self, state: int) -> _StateLexer:
        lexer = self.lexers.get(state)
        if lexer is None:
            accepts = frozenset(self.states[state].keys() & self.terminals.keys())
            lexer = self._lexers.get(accepts)
            if lexer is None:
                chosen = [self.terminals[n] for n in accepts | self.ignore]
                lexer = self._lexers[accepts] = _StateLexer(chosen, self.ignore)
            self.lexers[state] = lexer
        return lexer

    def parse(self, text: str, builder: Any) -> tuple[Any, list[tuple[int, int]]]:
        """The models of `text` and the (start, end) of each `when`/`that` condition; Fallback if lark must.

        One loop, locals only: this is the hot path of every check."""
        from lark import Token

        str_new = str.__new__
        states, lexers, skip, newlines, kept = self.states, self.lexers, self.skip.match, self.newlines, self.kept
        conditions: list[tuple[int, int]] = []
        state_stack = [self.start]
        value_stack: list[Any] = []
        span_stack: list[tuple[int, int, int, int, int, int]] = []
        pos, size, line, line_start = 0, len(text), 1, 0
        end_state = self.end
        while True:
            if pos < size and text[pos] in " \t\n\r\f#":
                stop = skip(text, pos).end()
                breaks = text.count("\n", pos, stop)
                if breaks:
                    line += breaks
                    line_start = text.rfind("\n", pos, stop) + 1
                pos = stop
            if pos < size:
                lexer = lexers.get(state_stack[-1]) or self.lexer(state_stack[-1])
                char = text[pos]
                for literal, regex, kind, unless in lexer.by_char.get(char) or lexer.candidates(char):
                    if literal is not None:
                        if text.startswith(literal, pos):
                            value = literal
                            break
                    else:
                        match = regex.match(text, pos)
                        if match:
                            value = match.group()
                            if unless is not None:
                                kind = unless.get(value, kind)
                            break
                else:
                    raise Fallback("unexpected character")
                column = pos - line_start + 1
                stop = pos + len(value)
                end_line, end_column = line, column + len(value)
                if kind in newlines:
                    breaks = value.count("\n")
                    if breaks:
                        end_line = line + breaks
                        line_start = pos + value.rindex("\n") + 1
                        end_column = stop - line_start + 1
                if kind in kept:  # lark's Token, built without its constructor's checks
                    token = str_new(Token, value)
                    token.type, token.value, token.start_pos, token.end_pos = kind, value, pos, stop
                    token.line, token.column, token.end_line, token.end_column = line, column, end_line, end_column
                else:
                    token = None
                span = (line, column, pos, end_line, end_column, stop)
                line, pos = end_line, stop
            else:
                kind, token, span = END, None, None
            # feed the token: reduce while the table says so, then shift it
            while True:
                action = states[state_stack[-1]].get(kind)
                if action is None:
                    raise Fallback("syntax error")
                if action[0]:
                    if span is None:
                        raise Fallback("unexpected end")
                    state_stack.append(action[1])
                    value_stack.append(token)
                    span_stack.append(span)
                    break
                rule = action[1]
                if rule.kind == UNIT:
                    state_stack[-1] = states[state_stack[-2]][rule.origin][1]
                    continue
                count = rule.size
                if rule.kind == APPEND:
                    value = value_stack[-count]
                    value.extend([value_stack[i - count] for i, _ in rule.keep[1:]])
                    where = span_stack[-count]
                    last = span_stack[-1]
                    where = (where[0], where[1], where[2], last[3], last[4], last[5])
                    del state_stack[-count:], value_stack[1 - count:], span_stack[1 - count:]
                    state_stack.append(states[state_stack[-1]][rule.origin][1])
                    span_stack[-1] = where
                    continue
                children = value_stack[-count:]
                spans = span_stack[-count:]
                del state_stack[-count:], value_stack[-count:], span_stack[-count:]
                first, last = spans[0], spans[-1]
                where = (first[0], first[1], first[2], last[3], last[4], last[5])
                keep = rule.keep
                if keep is not None:
                    chosen: list[Any] = []
                    for index, inline in keep:
                        if inline:
                            if chosen:
                                chosen += children[index]
                            else:
                                chosen = children[index]
                        else:
                            chosen.append(children[index])
                    children = chosen
                if rule.kind == LIST:
                    value = children
                elif rule.kind == CALL or len(children) != 1:
                    if rule.condition:
                        conditions.append((where[2], where[5]))
                    value = rule.method(builder, _Meta(where), children)
                else:
                    value = children[0]
                    if value.__class__ is Token:  # a token keeps its own position (lark sets only a tree's)
                        where = (value.line, value.column, value.start_pos, value.end_line, value.end_column,
                                 value.end_pos)
                goto = states[state_stack[-1]][rule.origin][1]
                state_stack.append(goto)
                value_stack.append(value)
                span_stack.append(where)
                if len(state_stack) > MAX_STACK:
                    raise Fallback("nesting")
                if goto == end_state and kind == END:
                    return value, conditions


@lru_cache(maxsize=1)
def front_end() -> FrontEnd | None:
    """The front end for the grammar as built; None if the grammar uses something it does not support."""
    import lark

    from .parser import grammar_parser
    from .tables import _shipped_tables, grammar_digest, grammar_text
    from .transform import Builder

    try:
        shipped = _shipped_tables()
        if shipped and shipped.get("grammar_sha256") == grammar_digest(grammar_text()) \
                and shipped.get("lark_version") == lark.__version__:
            return FrontEnd.from_tables(shipped, Builder._rules)
        return FrontEnd(grammar_parser(), Builder._rules)  # tables out of date: lark builds them from the grammar
    except Fallback:
        return None


def parse_models(text: str, filename: str, sink: DiagnosticSink) -> Any | None:
    """The model of normalised `text` as lark's path would build it, or None when lark's path must run.

    Diagnostics of the transform (a field given twice, ...) go to `sink` only on success, so that a
    fallback half way does not report them twice.
    """
    from .parser import _check_condition_text
    from .transform import Builder

    tables = front_end()
    if tables is None:
        return None
    own = DiagnosticSink()
    try:
        model, conditions = tables.parse(text, Builder(filename, own, []))
    except Fallback:
        return None
    for start, end in conditions:  # PC015, as lark's path checks it
        _check_condition_text(text, start, end, filename)
    sink.items.extend(own.items)
    sink.causes |= own.causes
    return model
