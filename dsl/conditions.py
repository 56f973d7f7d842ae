"""Conditions shown as source text: used by messages, reports and the formatter."""
from __future__ import annotations

from . import models as m

_PRECEDENCE = {"any": 1, "all": 2, "not": 3}


def show(condition: m.Condition, parent: int = 0) -> str:
    """The condition in the language's own syntax, with only the parentheses it needs."""
    if isinstance(condition, m.AnyOf):
        text = " or ".join(show(c, 1) for c in condition.items)
        return f"({text})" if parent > 1 else text
    if isinstance(condition, m.AllOf):
        text = " and ".join(show(c, 2) for c in condition.items)
        return f"({text})" if parent > 2 else text
    if isinstance(condition, m.Not):
        return "not " + show(condition.inner, 3)
    return show_leaf(condition)


def show_leaf(leaf: m.Condition) -> str:
    if isinstance(leaf, m.Compare):
        return f"{leaf.pattern} {leaf.op} {leaf.value.show()}"
    if isinstance(leaf, m.OneOf):
        return f"{leaf.pattern} in [" + ", ".join(v.show() for v in leaf.values) + "]"
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
