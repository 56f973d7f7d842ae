"""The peacecheck language: grammar, parser, models and validation (no I/O, no verdicts)."""
from .api import Loader, load_proposal, load_redlines, load_vocabulary, parse
from .diagnostics import ERROR_CODES, Diagnostic, PeaceError, Span

__all__ = ["ERROR_CODES", "Diagnostic", "Loader", "PeaceError", "Span", "load_proposal", "load_redlines",
           "load_vocabulary", "parse"]
