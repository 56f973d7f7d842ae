"""The one registry of report formats, for every command: kind -> name -> "module:function".

Renderers are imported only when used (start-up time matters). `-o FILE` picks a format from the
file's extension (SUFFIXES) in every command; `FORMAT:FILE` overrides it.
"""
from __future__ import annotations

from importlib import import_module
from typing import Any, Callable

# One line per format: "name": "module:function(result) -> str" (docx: -> bytes).
FORMATS: dict[str, dict[str, str]] = {
    "check": {
        "text": "peacecheck.checker.reports.check_text:render",
        "json": "peacecheck.checker.reports.check_json:render",
        "html": "peacecheck.checker.reports.check_html:render",
        "markdown": "peacecheck.checker.reports.check_markdown:render",
        "sarif": "peacecheck.checker.reports.check_sarif:render",
        "junit": "peacecheck.checker.reports.check_junit:render",
        "github": "peacecheck.checker.reports.check_github:render",
        "docx": "peacecheck.checker.reports.docx_check:render",  # bytes, not text (python-docx, an extra)
    },
    "diff": {
        "text": "peacecheck.checker.reports.diff_text:render_text",
        "json": "peacecheck.checker.reports.diff_text:render_json",
        "markdown": "peacecheck.checker.reports.diff_text:render_markdown",
        "html": "peacecheck.checker.reports.diff_html:render",
        "docx": "peacecheck.checker.reports.docx_diff:render",  # bytes: tracked changes for Word
    },
    "solve": {
        "text": "peacecheck.checker.reports.solve_text:render",
        "json": "peacecheck.checker.reports.solve_text:render_json",
        "html": "peacecheck.checker.reports.solve_html:render",
    },
    "test": {
        "text": "peacecheck.checker.reports.tests_text:render",
    },
    "history": {
        "text": "peacecheck.checker.reports.history_text:render",
        "json": "peacecheck.checker.reports.history_json:render",
        "markdown": "peacecheck.checker.reports.history_markdown:render",
        "html": "peacecheck.checker.reports.history_html:render",
    },
    "lint": {
        "text": "peacecheck.checker.reports.solve_text:render_lint",
        "json": "peacecheck.checker.reports.solve_text:render_lint_json",
    },
}
RENDERERS = FORMATS["check"]  # the check command's formats, the widest set


def load_object(spec: str) -> Any:
    module, _, name = spec.partition(":")
    return getattr(import_module(module), name)


def renderer(fmt: str, kind: str = "check") -> Callable[..., str]:
    formats = FORMATS[kind]
    if fmt not in formats:
        raise ValueError(f"unknown {kind} format '{fmt}'; known formats: {', '.join(sorted(formats))}")
    return load_object(formats[fmt])
