"""peacecheck's checker: evaluation, results, renderers and the command line.

The library in three calls (names are imported on first use, so `import peacecheck.checker` is cheap):

    from peacecheck.checker import load_project, check, render
    text = render(check(load_project("proposals/miami.peace")), "json")

and likewise `diff_drafts(old, new)`, `solve(load_project("proposals/options.peace"))`, `lint()` and
`run_tests()`, each result rendered by the same `render(result, format)`.
"""
from __future__ import annotations

from typing import Any

__all__ = ["Project", "load_project", "load_drafts", "load_draft", "check", "render", "exit_code", "diff_drafts", "solve",
           "lint", "run_tests", "TestReport", "draft_history"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import project

        return getattr(project, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
