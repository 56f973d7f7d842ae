"""The order of a round of drafts: a draft comes after the draft it `revises`, then by date, then by file."""
from __future__ import annotations

import posixpath
from dataclasses import dataclass

from peacecheck.dsl import models as m

NO_PARENT = ("", "none")  # what a first draft writes in `revises`


@dataclass(frozen=True)
class Ordered:
    """Positions into the given list, in reading order, and for each (in that order) its base."""

    order: tuple[int, ...]
    base: tuple[int | None, ...]  # the position (in `order`) of the draft it is compared with
    reason: tuple[str, ...]  # "revises", "previous" (its parent is not in the round) or "first"


def parent_file(proposal: m.Proposal) -> str | None:
    """The file a draft revises, as a path like its own `file` (a `revises` is relative to the draft's folder)."""
    target = proposal.revises.strip()
    if target.lower() in NO_PARENT:
        return None
    return posixpath.normpath(posixpath.join(posixpath.dirname(proposal.file), target))


def order_drafts(proposals: list[m.Proposal]) -> Ordered:
    """Parents before children; among drafts free to come next, the earliest date, then the file name.

    The `revises` links of drafts in a cycle are ignored (they cannot all come first): those go by date.
    """
    by_file = {posixpath.normpath(p.file): i for i, p in enumerate(proposals)}
    parent = [by_file.get(parent_file(p) or "") for p in proposals]
    parent = [None if q == i or _in_cycle(i, parent) else q for i, q in enumerate(parent)]
    remaining = set(range(len(proposals)))
    order: list[int] = []
    while remaining:
        free = [i for i in remaining if parent[i] not in remaining]
        chosen = min(free, key=lambda i: _key(proposals[i]))
        order.append(chosen)
        remaining.discard(chosen)
    place = {i: k for k, i in enumerate(order)}
    base: list[int | None] = []
    reason: list[str] = []
    for k, i in enumerate(order):
        q = parent[i]
        if q is not None and place[q] < k:
            base.append(place[q])
            reason.append("revises")
        else:
            base.append(k - 1 if k else None)
            reason.append("previous" if k else "first")
    return Ordered(tuple(order), tuple(base), tuple(reason))


def _in_cycle(start: int, parent: list[int | None]) -> bool:
    seen, at = set(), parent[start]
    while at is not None and at not in seen:
        if at == start:
            return True
        seen.add(at)
        at = parent[at]
    return False


def _key(proposal: m.Proposal) -> tuple[str, str]:
    return (proposal.date.isoformat() if proposal.date else "9999-99-99", proposal.file)
