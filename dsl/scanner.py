"""The fast front end: text -> models in one pass over lark's LALR tables, no parse tree, no lark.

`peace.lark` stays the definition of the language. Everything here is read off lark's build of it,
which `tables.py` writes once as plain data (`scanner_tables.json`, checked against the grammar's
digest; rebuilt by lark in memory when stale): the terminals' patterns, their order and keyword
rules per parser state, the LALR table, and how each grammar rule shapes its node (`?rule`,
`!rule`, aliases, filtered tokens, inlined helpers). What differs from lark is only the machinery:

- the lexer is contextual like lark's `ContextualLexer` (in each parser state only the terminals
  that state accepts, in lark's order, with lark's keyword retyping): one alternation per state,
  compiled when the state is first met;
- the parser is the same LALR automaton, but at each reduction it calls the transform's method for
  the rule (`Builder`, one method per rule) with the node's position, instead of building a lark
  `Tree` that is walked afterwards. No tree is kept, so memory follows the models, not the text.
  Tokens are this module's `Token`, made only where a rule keeps them.

Anything unusual (a syntax error, an unexpected character, a condition nested deeper than the limit
allows) makes `parse_models` return None, and the caller takes lark's path, which produces today's
diagnostics and recovery byte for byte. A differential test (tests/test_scanner.py) checks that
both paths give the same models and diagnostics on every shipped and fixture file and on generated
and mutated ones.
"""
from __future__ import annotations

import re
from functools import lru_cache
from operator import itemgetter
from typing import Any, Callable

from .diagnostics import DiagnosticSink

# A deeper parser stack than this means a deeply nested condition: lark's path reports it (PC015).
MAX_STACK = 240
END = "$END"


class Fallback(Exception):
    """The fast path cannot read this text; lark's path will (and reports what is wrong)."""


class _Meta(tuple):
    """What a rule's method reads of a node's position: lark's `Meta` with propagate_positions. A tuple
    (line, column, start_pos, end_line, end_column, end_pos): made in C, read through C accessors."""

    __slots__ = ()
    empty = False
    line = property(itemgetter(0))
    column = property(itemgetter(1))
    start_pos = property(itemgetter(2))
    end_line = property(itemgetter(3))
    end_column = property(itemgetter(4))
    end_pos = property(itemgetter(5))


class Token(str):
    """A token as the transform reads it (lark's `Token` without lark): its text, and type and position as
    attributes. A str subclass like lark's, so `str(token)` and comparisons work alike on both paths."""

    __slots__ = ("type", "value", "start_pos", "end_pos", "line", "column", "end_line", "end_column")
    type: str
    value: str
    start_pos: int
    end_pos: int
    line: int
    column: int
    end_line: int
    end_column: int

    def __repr__(self) -> str:
        return f"Token({self.type!r}, {str(self)!r})"


# ------------------------------------------------------------------ the tables
# A candidate at one position: (literal or None, compiled pattern, terminal name, keyword retyping or None).
Candidate = tuple[str | None, Any, str, dict[str, str] | None]
UNIT, APPEND, LIST, CALL, EXPAND = 0, 1, 2, 3, 4  # a rule's kind, as tables.py writes it


class _StateLexer:
    """lark's BasicLexer for one set of accepted terminals: one alternation of the terminals in lark's order
    (keywords folded into the patterns that also match them; the first alternative that matches wins, as in
    lark), after the ignored text (spaces, comments). Compiled on first use: a check meets a few of them."""

    __slots__ = ("source", "unless", "compiled")

    def __init__(self, order: list[list], terminals: dict[str, list], skip: str, ignore: list[str]) -> None:
        chosen = [(name, unless) for name, unless in order if name not in ignore]
        self.source = skip + "(?:" + "|".join(f"(?P<{name}>{terminals[name][0]})" for name, _ in chosen) + ")"
        # a pattern's match spelling a keyword is that keyword (lark's _create_unless)
        self.unless: dict[str, dict[str, str]] = {name: unless for name, unless in chosen if unless}
        self.compiled: Any = None

    def match(self) -> Callable:
        if self.compiled is None:
            self.compiled = re.compile(self.source)
        return self.compiled.match


def _no_method(builder: Any, meta: _Meta, children: list) -> Any:
    raise Fallback("a node the transform has no method for")  # lark's path reports it as it always did


class _Rule:
    """How one grammar rule turns its matched symbols into a value (its shape is computed by tables.py)."""

    __slots__ = ("size", "origin", "name", "keep", "kind", "method", "condition", "pick")

    def __init__(self, shape: list, methods: dict[str, Callable]) -> None:
        self.size, self.origin, self.name, keep, self.kind, self.condition = shape
        self.keep = None if keep is None else tuple((i, bool(inline)) for i, inline in keep)
        self.method = methods.get(self.name, _no_method)
        # The commonest shapes keep one symbol, or several none inlined: picked without a loop.
        self.pick: Any = None
        if keep and not any(inline for _, inline in keep):
            self.pick = keep[0][0] if len(keep) == 1 else itemgetter(*(i for i, _ in keep))
        elif self.kind == APPEND and self.keep == ((0, True), (self.size - 1, False)):
            self.pick = True  # the list so far and one item, the last symbol


class FrontEnd:
    """The tables of one grammar (tables.scanner_data), ready to run: plain data in, no lark."""

    def __init__(self, data: dict[str, Any], methods: dict[str, Callable]) -> None:
        terminals = data["terminals"]
        ignore = data["ignore"]
        if any(not name.isidentifier() for name in terminals):
            raise Fallback("a terminal name that cannot name a group")
        skip = "(?:" + "|".join(f"(?:{terminals[n][0]})" for n in ignore) + ")*"
        self.skip = re.compile(skip)
        lexers = [_StateLexer(order, terminals, skip, ignore) for order in data["lexers"]]
        self.lexers = [lexers[i] for i in data["state_lexer"]]  # by parser state
        self.rules = [_Rule(shape, methods) for shape in data["rules"]]
        rules = self.rules
        # state -> {symbol: next state (an int) | the rule to reduce by}
        self.states: list[dict[str, Any]] = [{symbol: (arg if arg >= 0 else rules[-1 - arg]) for symbol, arg in row.items()}
                                             for row in data["states"]]
        self.start, self.end = data["start"], data["end"]
        self.newlines = frozenset(name for name, t in terminals.items() if t[3] and name not in ignore)
        # The states entered by shifting a token some rule keeps: other tokens (keywords and punctuation where
        # they are filtered out) need no Token, their position is enough.
        self.keeps = [False] * len(self.states)
        for state in data["keeps"]:
            self.keeps[state] = True

    def parse(self, text: str, builder: Any) -> tuple[Any, list[tuple[int, int]]]:
        """The models of `text` and the (start, end) of each `when`/`that` condition; Fallback if lark must.

        One loop, locals only: this is the hot path of every check."""
        str_new, token_class, int_class, meta_class, meta_new = str.__new__, Token, int, _Meta, tuple.__new__
        states, lexers, newlines, keeps = self.states, self.lexers, self.newlines, self.keeps
        count_of, rfind = text.count, text.rfind
        # each state's (match, keyword retyping), bound once the state is met
        matchers: list[tuple[Callable, Callable] | None] = [None] * len(lexers)
        conditions: list[tuple[int, int]] = []
        state_stack = [self.start]
        value_stack: list[Any] = []
        span_stack: list[tuple[int, int, int, int, int, int]] = []
        push_state, push_value, push_span = state_stack.append, value_stack.append, span_stack.append
        pos, size, line, line_start = 0, len(text), 1, 0
        end_state = self.end
        state = self.start
        while True:
            lexer = matchers[state]
            if lexer is None:
                lexer = matchers[state] = (lexers[state].match(), lexers[state].unless.get)
            found = lexer[0](text, pos)
            if found is not None:
                kind = found.lastgroup
                index = found.lastindex
                start = found.start(index)
                lexeme = found[index]
                if start != pos:  # spaces and comments before the token
                    breaks = count_of("\n", pos, start)
                    if breaks:
                        line += breaks
                        line_start = rfind("\n", pos, start) + 1
                unless = lexer[1](kind)
                if unless is not None:
                    kind = unless.get(lexeme, kind)
                pos = start
                column = pos - line_start + 1
                stop = found.end()
                end_line, end_column = line, column + stop - pos
                if kind in newlines:
                    breaks = lexeme.count("\n")
                    if breaks:
                        end_line = line + breaks
                        line_start = pos + lexeme.rindex("\n") + 1
                        end_column = stop - line_start + 1
                span = (line, column, pos, end_line, end_column, stop)
                line, pos = end_line, stop
            elif self.skip.match(text, pos).end() == size:  # only spaces and comments are left
                kind, span = END, None
            else:
                raise Fallback("unexpected character")
            # feed the token: reduce while the table says so, then shift it
            while True:
                action = states[state].get(kind)
                if action is None:
                    raise Fallback("syntax error")
                if action.__class__ is int_class:
                    if span is None:
                        raise Fallback("unexpected end")
                    state = action
                    push_state(state)
                    if keeps[state]:  # built without a constructor: the attributes the transform reads
                        token = str_new(token_class, lexeme)
                        token.type, token.value, token.start_pos, token.end_pos = kind, lexeme, span[2], span[5]
                        token.line, token.column, token.end_line, token.end_column = span[0], span[1], span[3], span[4]
                        push_value(token)
                    else:
                        push_value(None)
                    push_span(span)
                    break
                rule = action
                rule_kind = rule.kind
                if rule_kind == UNIT:
                    state = state_stack[-1] = states[state_stack[-2]][rule.origin]
                    continue
                count = rule.size
                if rule_kind == APPEND:
                    value = value_stack[-count]
                    if rule.pick is None:
                        value.extend([value_stack[i - count] for i, _ in rule.keep[1:]])
                    else:  # `__x: __x item`, the commonest: one item more
                        value.append(value_stack[-1])
                    where = span_stack[-count]
                    last = span_stack[-1]
                    where = (where[0], where[1], where[2], last[3], last[4], last[5])
                    del state_stack[-count:], value_stack[1 - count:], span_stack[1 - count:]
                    state = states[state_stack[-1]][rule.origin]
                    push_state(state)
                    span_stack[-1] = where
                    continue
                if count == 1:
                    children = [value_stack.pop()]
                    first = last = span_stack.pop()
                    state_stack.pop()
                else:
                    children = value_stack[-count:]
                    first, last = span_stack[-count], span_stack[-1]
                    del state_stack[-count:], value_stack[-count:], span_stack[-count:]
                where = (first[0], first[1], first[2], last[3], last[4], last[5])
                keep = rule.keep
                if keep is not None:
                    pick = rule.pick
                    if pick is None:
                        pass
                    elif pick.__class__ is int_class:
                        children = [children[pick]]
                        keep = None
                    else:
                        children = list(pick(children))
                        keep = None
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
                if rule_kind == LIST:
                    value = children
                elif rule_kind == CALL or len(children) != 1:
                    if rule.condition:
                        conditions.append((where[2], where[5]))
                    value = rule.method(builder, meta_new(meta_class, where), children)
                else:
                    value = children[0]
                    if value.__class__ is token_class:  # a token keeps its own position (lark sets only a tree's)
                        where = (value.line, value.column, value.start_pos, value.end_line, value.end_column,
                                 value.end_pos)
                state = states[state_stack[-1]][rule.origin]
                push_state(state)
                push_value(value)
                push_span(where)
                if len(state_stack) > MAX_STACK:
                    raise Fallback("nesting")
                if state == end_state and kind == END:
                    return value, conditions


@lru_cache(maxsize=1)
def front_end() -> FrontEnd | None:
    """The front end for the grammar as built; None if the grammar uses something it does not support."""
    from .transform import Builder

    data = front_end_data()
    return None if data is None else FrontEnd(data, Builder._rules)


def front_end_data() -> dict[str, Any] | None:
    """The shipped tables when they were made from this grammar; else lark builds them (None if unsupported)."""
    from .tables import SCANNER_FORMAT, Unsupported, grammar_digest, grammar_text, scanner_data, shipped_scanner_tables

    shipped = shipped_scanner_tables()
    if isinstance(shipped, dict) and shipped.get("format") == SCANNER_FORMAT \
            and shipped.get("grammar_sha256") == grammar_digest(grammar_text()):
        return shipped["tables"]
    from .parser import grammar_parser  # stale or missing: lark builds them from the grammar

    try:
        return scanner_data(grammar_parser())
    except Unsupported:
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
