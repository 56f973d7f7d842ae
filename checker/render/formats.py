"""The one registry of report formats, for every command: kind -> name -> "module:function".

Renderers are imported only when used (start-up time matters). `-o FILE` picks a format from the
file's extension (SUFFIXES) in every command; `FORMAT:FILE` overrides it.
"""
from __future__ import annotations

from importlib import import_module
from typing import Any, Callable

# One line per format: "name": "module:function(result) -> str".
FORMATS: dict[str, dict[str, str]] = {
    "check": {
        "text": "peacecheck.checker.render.check_text:render",
        "json": "peacecheck.checker.render.check_json:render",
        "html": "peacecheck.checker.render.check_html:render",
        "markdown": "peacecheck.checker.render.check_markdown:render",
        "sarif": "peacecheck.checker.render.check_sarif:render",
        "junit": "peacecheck.checker.render.check_junit:render",
        "github": "peacecheck.checker.render.check_github:render",
    },
    "diff": {
        "text": "peacecheck.checker.render.diff_text:render_text",
        "json": "peacecheck.checker.render.diff_text:render_json",
        "markdown": "peacecheck.checker.render.diff_text:render_markdown",
        "html": "peacecheck.checker.render.diff_html:render",
    },
    "solve": {
        "text": "peacecheck.checker.render.solve_text:render",
        "json": "peacecheck.checker.render.solve_text:render_json",
        "html": "peacecheck.checker.render.solve_html:render",
    },
    "lint": {
        "text": "peacecheck.checker.render.solve_text:render_lint",
        "json": "peacecheck.checker.render.solve_text:render_lint_json",
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
