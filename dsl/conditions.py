"""Conditions shown as source text: used by messages, reports and the formatter."""
from __future__ import annotations

from . import models as m

# Binding strength: or < and < not < a leaf (a comparison, membership or presence test).
_LEAF = 4


def _precedence(condition: m.Condition) -> int:
    return {m.AnyOf: 1, m.AllOf: 2, m.Not: 3}.get(type(condition), _LEAF)


def show(condition: m.Condition, written: bool = False) -> str:
    """The condition in the language's own syntax: the one printer, for messages, reports and the formatter.

    Parentheses only where they keep the tree (`a or (b or c)` keeps them), and around a negated test
    (`not (c == 2)`, since `not c == 2` reads as `(not c) == 2`). `written`: numbers as their author wrote them.
    """
    return _show(condition, 0, False, written)


def _show(condition: m.Condition, parent: int, negated: bool, written: bool) -> str:
    own = _precedence(condition)
    if isinstance(condition, (m.AnyOf, m.AllOf)):
        joiner = " or " if isinstance(condition, m.AnyOf) else " and "
        text = joiner.join(_show(c, own, False, written) for c in condition.items)
    elif isinstance(condition, m.Not):
        text = "not " + _show(condition.inner, own, True, written)
    else:
        text = show_leaf(condition, written)
    if negated:
        return f"({text})" if own < parent or own == _LEAF else text
    return f"({text})" if own <= parent and own < _LEAF else text


def show_leaf(leaf: m.Condition, written: bool = False) -> str:
    if isinstance(leaf, m.Compare):
        return f"{leaf.pattern} {leaf.op} {leaf.value.show(written)}"
    if isinstance(leaf, m.OneOf):
        return f"{leaf.pattern} in [" + ", ".join(v.show(written) for v in leaf.values) + "]"
    if isinstance(leaf, m.Has):
        if leaf.mode == "any" and len(leaf.names) == 1:
            return f"{leaf.pattern} has {leaf.names[0]}"
        return f"{leaf.pattern} has {leaf.mode} [" + ", ".join(leaf.names) + "]"
    if isinstance(leaf, m.Presence):
        return f"{leaf.kind} {leaf.pattern}"
    raise TypeError(f"not a condition leaf: {leaf!r}")


def test_part(leaf: m.Condition) -> str:
    """What a leaf tests a value against, without the path: '>= 800000', 'in [a, b]'."""
    text = show_leaf(leaf)
    return text[len(leaf.pattern) + 1:] if not isinstance(leaf, m.Presence) else leaf.kind


def leaves(condition: m.Condition) -> list[m.Condition]:
    """The comparisons, memberships and presence tests of a condition, in order of appearance."""
    found: list[m.Condition] = []
    stack = [condition]
    while stack:
        node = stack.pop()
        if isinstance(node, (m.AnyOf, m.AllOf)):
            stack.extend(reversed(node.items))
        elif isinstance(node, m.Not):
            stack.append(node.inner)
        else:
            found.append(node)
    return found


def patterns(condition: m.Condition) -> list[str]:
    """Every term pattern a condition reads, in order of appearance, once each."""
    return list(dict.fromkeys(leaf.pattern for leaf in leaves(condition)))
