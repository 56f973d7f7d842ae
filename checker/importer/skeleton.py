"""The `.peace` skeleton of an outline: a header, then one clause per point with its text verbatim and
the suggested terms as comments."""
from __future__ import annotations

from peacecheck.dsl import models as m
from peacecheck.dsl.format import text_block

from .outline import Outline, Point
from .suggest import suggest


def skeleton(draft: Outline, vocabulary: m.Vocabulary | None, vocabulary_path: str, source: str) -> str:
    """The proposal text; `vocabulary` (None: no suggestions) is the one `vocabulary_path` names."""
    lines = [f"# Imported by peacecheck from {_comment(source)}: check the clause ids, titles and text,",
             "# then turn the `# suggest:` lines you confirm into terms (they are guesses, never live terms).",
             f"proposal {m.quote(draft.title)}", f"vocabulary {m.quote(vocabulary_path)}"]
    if draft.date:
        lines.append(f"date {draft.date.isoformat()}")
    lines.append("")
    for point in draft.points:
        lines += _clause(point, vocabulary) + [""]
    return "\n".join(lines)


def _clause(point: Point, vocabulary: m.Vocabulary | None) -> list[str]:
    out = [f"clause {point.id} {m.quote(point.title)} {{"]
    if point.title_from_text:
        out.append("  # title made from the text's first words")
    block = text_block(point.text, 1) if "\n" in point.text else None
    out.append(f"  text {block or m.quote(point.text)}")
    if vocabulary is not None:
        for s in suggest(point.title, point.text, vocabulary):
            choices = vocabulary.terms[s.path].type.values
            out.append("  " + s.comment(choices))
    out.append("}")
    return out


def _comment(text: str) -> str:
    return " ".join(text.split())
