"""The peacecheck language: grammar, parser, models and validation (no I/O, no verdicts).

The names below are imported on first use (PEP 562): importing one light module such as
`peacecheck.dsl.diagnostics` (every command does, for its error types) must not load the parser, lark and
the models, which the command line's help and `explain` never need.
"""
from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .api import Loader, load_proposal, load_redlines, load_vocabulary, parse
    from .diagnostics import ERROR_CODES, Diagnostic, PeaceError, Span

_HOME = {"Loader": "api", "load_proposal": "api", "load_redlines": "api", "load_vocabulary": "api", "parse": "api",
         "ERROR_CODES": "diagnostics", "Diagnostic": "diagnostics", "PeaceError": "diagnostics", "Span": "diagnostics"}

__all__ = ["ERROR_CODES", "Diagnostic", "Loader", "PeaceError", "Span", "load_proposal", "load_redlines",
           "load_vocabulary", "parse"]


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:  # `from peacecheck.dsl import models` then imports the submodule the ordinary way
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{home}"), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
