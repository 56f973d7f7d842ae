"""The LALR parser tables, shipped with the package as plain Python literals.

Building the tables from `peace.lark` is most of lark's start-up cost. lark's own `cache=True`
keeps them as a pickle under a predictable name in the shared temp folder, where another user can
plant a file that runs code when unpickled; so no cache is read from outside the package at all.
`parser_tables.json` is generated from the grammar (`python -m peacecheck.dsl.tables`) and holds the
grammar's digest and lark's version: when either differs, the tables are rebuilt in memory instead.
JSON, not a Python module, because reading it is fast even where no bytecode is cached, and because
it can hold data only, never code. The same command writes `scanner_tables.json`, the fast front
end's own tables (`scanner_data`): plain data it reads without importing lark.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lark import Lark

OPTIONS: dict[str, Any] = {"parser": "lalr", "propagate_positions": True, "maybe_placeholders": False}
TABLES_FILE = "parser_tables.json"
# The fast front end's own tables (dsl/scanner.py): plain data read without lark, checked against the grammar.
SCANNER_FILE = "scanner_tables.json"
SCANNER_FORMAT = 2
# What a reduction does, by the rule's shape (scanner.py reads the same numbers).
UNIT, APPEND, LIST, CALL, EXPAND = 0, 1, 2, 3, 4
# JSON keys are strings: a dict whose keys were all ints is written as {INT_KEYS: [[key, value], ...]}.
INT_KEYS = "__int_keys__"


def grammar_text() -> str:
    return resources.files(__package__).joinpath("peace.lark").read_text(encoding="utf-8")


def grammar_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def build_parser() -> "Lark":
    """The parser from the shipped tables when they match this grammar and lark, else built anew."""
    import lark

    text = grammar_text()
    shipped = _shipped_tables()
    if shipped and shipped.get("grammar_sha256") == grammar_digest(text) \
            and shipped.get("lark_version") == lark.__version__:
        return lark.Lark._load_from_dict(shipped["data"], shipped["memo"])
    return lark.Lark(text, **OPTIONS)


def _shipped_tables() -> dict[str, Any] | None:
    try:
        raw = resources.files(__package__).joinpath(TABLES_FILE).read_bytes()
        return json.loads(raw, object_hook=_decode_int_keys)
    except (OSError, ValueError):
        return None


def shipped_scanner_tables() -> Any:
    """The parsed `scanner_tables.json` (the caller checks its format and digest), None if unreadable."""
    try:
        return json.loads(resources.files(__package__).joinpath(SCANNER_FILE).read_bytes())
    except (OSError, ValueError):
        return None


def _decode_int_keys(obj: dict[str, Any]) -> Any:
    if len(obj) == 1 and INT_KEYS in obj:
        return {key: value for key, value in obj[INT_KEYS]}
    return obj


def _encode(value: Any) -> Any:
    if isinstance(value, dict):
        items = {key: _encode(item) for key, item in value.items()}
        if items and all(isinstance(key, int) for key in items):
            return {INT_KEYS: sorted([key, item] for key, item in items.items())}
        return items
    if isinstance(value, (list, tuple)):
        return [_encode(item) for item in value]
    return value


def tables_json() -> str:
    """The text of `parser_tables.json` for the current grammar and lark version."""
    import lark
    from lark.grammar import Rule
    from lark.lexer import TerminalDef

    text = grammar_text()
    data, memo = lark.Lark(text, **OPTIONS).memo_serialize([TerminalDef, Rule])
    document = {"grammar_sha256": grammar_digest(text), "lark_version": lark.__version__,
                "data": _encode(data), "memo": _encode(memo)}
    return json.dumps(document, sort_keys=True, separators=(",", ":")) + "\n"


class Unsupported(Exception):
    """The grammar uses something the fast front end does not implement: lark's path reads every file."""


def ascii_first(pattern: str) -> frozenset[str] | None:
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



def scanner_data(parser: "Lark") -> dict[str, Any]:
    """Everything the fast front end needs, read off lark's build of the grammar, as plain data (JSON-ready):
    the terminals (pattern, literal, first characters), one ordered lexer per set of terminals a parser state
    accepts (lark's ContextualLexer: its order and keyword retyping), the LALR table and each rule's shape."""
    from lark.lexer import _regexp_has_newline
    from lark.parsers.lalr_analysis import IntParseTable, LALR_Analyzer, Shift

    if parser.options.postlex is not None or parser.lexer_conf.callbacks or parser.options.lexer != "contextual" \
            or parser.options.g_regex_flags or parser.options.use_bytes:
        raise Unsupported("lexer options")
    rules = list(parser.rules)
    if any(not r.expansion for r in rules):
        raise Unsupported("empty rules")  # their nodes have no position
    defs = {t.name: t for t in parser.terminals}
    ignore = list(parser.lexer_conf.ignore)
    terminals: dict[str, list] = {}
    for t in parser.terminals:
        source = t.pattern.to_regexp()
        literal = t.pattern.value if t.pattern.type == "str" and not t.pattern.flags else None
        first = ascii_first(source)
        terminals[t.name] = [source, literal, None if first is None else "".join(sorted(first)),
                             bool(_regexp_has_newline(source))]
    firsts = {name: (None if v[2] is None else set(v[2])) for name, v in terminals.items()}
    if any(firsts[i] is None or firsts[o] is None or firsts[i] & firsts[o]  # type: ignore[operator]
           for i in ignore for o in terminals if o not in ignore):
        raise Unsupported("ignored terminals overlap others")  # one skip pattern would differ from lark

    def order_key(t):  # lark's BasicLexer order: priority, longest possible match, longest pattern, name
        return (-t.priority, -t.pattern.max_width, -len(t.pattern.value), t.name)

    def lexer_for(accepts: frozenset[str]) -> list:
        chosen = sorted((defs[n] for n in accepts | set(ignore)), key=order_key)
        embedded: set[str] = set()
        unless: dict[str, dict[str, str]] = {}
        for pattern in (t for t in chosen if terminals[t.name][1] is None):
            regex = re.compile(terminals[pattern.name][0])
            keywords: dict[str, str] = {}
            for keyword in (t for t in chosen if terminals[t.name][1] is not None):
                if keyword.priority != pattern.priority:
                    continue
                match = regex.match(keyword.pattern.value)
                if match and match.group(0) == keyword.pattern.value:
                    keywords.setdefault(keyword.pattern.value, keyword.name)
                    if set(keyword.pattern.flags) <= set(pattern.pattern.flags):
                        embedded.add(keyword.name)
            if keywords:
                unless[pattern.name] = keywords
        return [[t.name, unless.get(t.name)] for t in chosen if t.name not in embedded]

    # lark's LALR analysis again (the same table as its parser's), kept with each state's items: a state is entered
    # by one symbol, and the items tell whether the rules that will reduce it keep that token (else no Token is made).
    analysis = LALR_Analyzer(parser.parser.parser_conf, debug=True)  # debug: the states keep their items
    analysis.compute_lalr()
    closures = list(analysis.parse_table.states)
    table = IntParseTable.from_ParseTable(analysis.parse_table)
    if sorted(table.states) != list(range(len(table.states))):
        raise Unsupported("state numbers")
    keeps = [any(rp.index > 0 and rp.rule.expansion[rp.index - 1].is_term
                 and (rp.rule.options.keep_all_tokens or not rp.rule.expansion[rp.index - 1].filter_out)
                 for rp in closure) for closure in closures]
    # lark numbers its states in an order that differs between runs: renumbered breadth first from the start
    # state, symbols in name order, so that the shipped file is the same bytes whenever it is regenerated.
    order = [table.start_states["start"]]
    number = {order[0]: 0}
    for state in order:
        for symbol, (action, arg) in sorted(table.states[state].items()):
            if action is Shift and arg not in number:
                number[arg] = len(order)
                order.append(arg)
    if len(order) != len(table.states):
        raise Unsupported("unreachable states")
    index = {rule: i for i, rule in enumerate(rules)}
    lexers: list[list] = []
    lexer_of: dict[frozenset[str], int] = {}
    states, state_lexer = [], []
    for state in order:
        row = table.states[state]
        states.append({symbol: (number[arg] if action is Shift else -1 - index[arg])
                       for symbol, (action, arg) in sorted(row.items())})
        accepts = frozenset(row.keys() & terminals.keys())
        if accepts not in lexer_of:
            lexer_of[accepts] = len(lexers)
            lexers.append(lexer_for(accepts))
        state_lexer.append(lexer_of[accepts])
    return {"terminals": terminals, "ignore": ignore, "lexers": lexers, "state_lexer": state_lexer,
            "states": states, "rules": [_rule_shape(r) for r in rules],
            "start": 0, "end": number[table.end_states["start"]],
            "keeps": sorted(number[i] for i, keep in enumerate(keeps) if keep)}


def _rule_shape(rule) -> list:
    """[size, origin, name, keep, kind, is a condition]: how the rule turns its symbols into a value, as lark's
    ParseTreeBuilder would. keep: [index, inline its children] per symbol the node keeps, or None for all as is."""
    expansion = rule.expansion
    origin, name = rule.origin.name, rule.alias or rule.origin.name
    keep_all = rule.options.keep_all_tokens
    keep = [[i, not s.is_term and s.name.startswith("_")] for i, s in enumerate(expansion)
            if keep_all or not (s.is_term and s.filter_out)]
    shaped = None if len(keep) == len(expansion) and not any(inline for _, inline in keep) else keep
    expand1 = bool(rule.options.expand1 and not rule.alias)
    if expand1 and len(expansion) == 1 and shaped is None:
        kind = UNIT  # `?rule: symbol`: the value and its position pass through; only the state changes
    elif origin.startswith("_"):
        if expand1:
            raise Unsupported("an inlined rule that is also ?-expanded")
        kind = LIST  # a helper (`x*`) inlined into its parent: its value is its children
        if shaped is not None and shaped[0] == [0, True] and all(not i for _, i in shaped[1:]):
            kind = APPEND  # `__x: __x item`: the list so far, plus the new items (lark reuses it too)
    elif expand1:
        kind = EXPAND  # one child passes through, more make a node
    else:
        kind = CALL
    return [len(expansion), origin, name, shaped, kind, name in ("when", "that")]


def scanner_json() -> str:
    """The text of `scanner_tables.json` for the current grammar."""
    import lark

    text = grammar_text()
    document = {"grammar_sha256": grammar_digest(text), "format": SCANNER_FORMAT,
                "tables": scanner_data(lark.Lark(text, **OPTIONS))}
    return json.dumps(document, sort_keys=True, separators=(",", ":")) + "\n"


def write_tables() -> None:
    """Regenerate the shipped tables. lark numbers its states in set order, so the hash seed is fixed
    to make the file the same bytes on every run."""
    if os.environ.get("PYTHONHASHSEED") != "0":
        import subprocess  # a developer's step: not imported by every run

        env = {**os.environ, "PYTHONHASHSEED": "0"}
        subprocess.run([sys.executable, "-m", "peacecheck.dsl.tables"], check=True, env=env)
        return
    for name, make in ((TABLES_FILE, tables_json), (SCANNER_FILE, scanner_json)):
        target = Path(__file__).with_name(name)
        tmp = target.with_suffix(".tmp")
        tmp.write_text(make(), encoding="utf-8")
        os.replace(tmp, target)
        print(f"wrote {target.name}")


if __name__ == "__main__":  # pragma: no cover - a developer's regeneration step
    write_tables()
