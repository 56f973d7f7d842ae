"""Code actions (apply a did-you-mean, add a missing `}`) and formatting (the `fmt` output). Edits only:
the editor applies them, nothing here writes a file."""
from __future__ import annotations

import re

from lsprotocol import types as lsp

from .positions import from_utf16, lines_of, utf16
from .workspace import Analysis, Workspace

_OPENED_AT = re.compile(r"opened at line (\d+)")


# ------------------------------------------------------------------ code actions and formatting
def code_actions(ws: Workspace, analysis: Analysis, uri: str, diagnostics: list[lsp.Diagnostic]) -> list[lsp.CodeAction]:
    lines = lines_of(analysis.text)
    actions = []
    for d in diagnostics:
        actions += _did_you_mean(uri, lines, d) + _close_block(uri, lines, d)
    edits = format_edits(analysis)
    if edits:
        actions.append(lsp.CodeAction("Format the document (peacecheck fmt)", kind=lsp.CodeActionKind.Source,
                                      edit=lsp.WorkspaceEdit(changes={uri: edits})))
    return actions


def _did_you_mean(uri: str, lines: list[str], d: lsp.Diagnostic) -> list[lsp.CodeAction]:
    data = d.data if isinstance(d.data, dict) else {}
    r = d.range
    if not data.get("replace") or r.start.line != r.end.line or r.start.line >= len(lines):
        return []
    text = lines[r.start.line]
    current = text[from_utf16(text, r.start.character):from_utf16(text, r.end.character)]
    if current not in data.get("named", []):  # the range is not a word the message names: no blind edit
        return []
    return [lsp.CodeAction(f"Replace '{current}' with '{c}'", kind=lsp.CodeActionKind.QuickFix, diagnostics=[d],
                           is_preferred=i == 0, edit=lsp.WorkspaceEdit(changes={uri: [lsp.TextEdit(r, c)]}))
            for i, c in enumerate(data["replace"])]


def _close_block(uri: str, lines: list[str], d: lsp.Diagnostic) -> list[lsp.CodeAction]:
    """PC500 and PC003 name the line where an unclosed block opens: add its `}` before the next block."""
    opened = _OPENED_AT.search(d.message)
    if d.code not in ("PC500", "PC003") or not opened:
        return []
    opener = lines[int(opened.group(1)) - 1] if int(opened.group(1)) <= len(lines) else ""
    indent = opener[:len(opener) - len(opener.lstrip())]
    last = d.range.start.line - 1 if d.code == "PC500" else len(lines) - 1
    while last > 0 and (not lines[last].strip() or lines[last].lstrip().startswith("#")):
        last -= 1
    end = lsp.Position(last, utf16(lines[last], len(lines[last])))
    edit = lsp.TextEdit(lsp.Range(end, end), f"\n{indent}}}")
    return [lsp.CodeAction(f"Add the missing '}}' of the block opened at line {opened.group(1)}",
                           kind=lsp.CodeActionKind.QuickFix, diagnostics=[d], is_preferred=True,
                           edit=lsp.WorkspaceEdit(changes={uri: [edit]}))]


def format_edits(analysis: Analysis) -> list[lsp.TextEdit]:
    """The `peacecheck fmt` output as one edit; none when the document is formatted or does not parse."""
    from peacecheck.dsl.diagnostics import PeaceError
    from peacecheck.dsl.format import format_text

    try:
        formatted = format_text(analysis.text, analysis.key)
    except PeaceError:
        return []
    if formatted == analysis.text:
        return []
    lines = lines_of(analysis.text)
    end = lsp.Position(len(lines) - 1, utf16(lines[-1], len(lines[-1])))
    return [lsp.TextEdit(lsp.Range(lsp.Position(0, 0), end), formatted)]
