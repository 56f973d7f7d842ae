"""The one registry of report formats: name -> "module:function", imported only when used."""
from __future__ import annotations

from importlib import import_module
from typing import Any, Callable

# One line per format: "name": "module:function(result) -> str" (start-up time matters: lazy).
RENDERERS: dict[str, str] = {
    "text": "peacecheck.checker.render_text:render",
    "json": "peacecheck.checker.render_json:render",
    "html": "peacecheck.checker.render_html:render",
    "markdown": "peacecheck.checker.render_markdown:render",
    "sarif": "peacecheck.checker.render_sarif:render",
    "junit": "peacecheck.checker.render_junit:render",
    "github": "peacecheck.checker.render_github:render",
}


def load_object(spec: str) -> Any:
    module, _, name = spec.partition(":")
    return getattr(import_module(module), name)


def renderer(fmt: str) -> Callable[..., str]:
    if fmt not in RENDERERS:
        raise ValueError(f"unknown format '{fmt}'; known formats: {', '.join(sorted(RENDERERS))}")
    return load_object(RENDERERS[fmt])
