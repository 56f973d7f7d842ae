"""The dsl's public functions: text in, validated models out.

The dsl never touches the file system itself. Whoever calls it passes a
``Loader`` that resolves relative paths (enforcing the project boundary) and
reads bytes; the CLI passes one backed by the disk, tests can pass a dict.
"""
from __future__ import annotations

from typing import Protocol

from . import models as m
from .diagnostics import Diagnostic, DiagnosticSink, PeaceError, Span
from .parser import decode, parse_tree
from .transform import Builder, VocabularyFile
from .validate import validate_acknowledgements, validate_proposal, validate_redlines

ParsedFile = m.Proposal | m.RedLines | VocabularyFile


class Loader(Protocol):
    def resolve(self, relative: str, from_file: str, span: Span) -> str:
        """The key of the file `relative` names, seen from `from_file`; PeaceError (PC021) if not allowed."""

    def read(self, key: str) -> bytes:
        """The file's bytes; OSError if it cannot be read."""


def parse(data: bytes | str, filename: str) -> ParsedFile:
    """Parse one file's text into its (unvalidated) model."""
    text = decode(data, filename) if isinstance(data, bytes) else _normalised(data, filename)
    tree = parse_tree(text, filename)
    sink = DiagnosticSink()
    model = Builder(filename, sink).build(tree)
    sink.raise_if_any()
    return model


def _normalised(text: str, filename: str) -> str:
    from .parser import normalise

    return normalise(text, filename)


def read_parsed(key: str, loader: Loader, span: Span | None = None) -> ParsedFile:
    try:
        data = loader.read(key)
    except OSError as exc:
        where = span or Span(key, 1, 1)
        raise PeaceError([Diagnostic("PC020", f"cannot read '{key}': {exc.strerror or exc}", where)]) from None
    return parse(data, key)


# ------------------------------------------------------------------ vocabulary
def load_vocabulary(key: str, loader: Loader, span: Span | None = None) -> m.Vocabulary:
    """Read a vocabulary and everything it includes into one Vocabulary."""
    sink = DiagnosticSink()
    files: list[VocabularyFile] = []
    _collect_vocabulary(key, loader, span, [], files, sink)
    sink.raise_if_any()
    return _merge(files, sink, key)


def _collect_vocabulary(key: str, loader: Loader, span: Span | None, chain: list[str],
                        out: list[VocabularyFile], sink: DiagnosticSink) -> None:
    if key in chain:
        cycle = " -> ".join(chain[chain.index(key):] + [key])
        sink.error("PC022", f"include cycle: {cycle}", span or Span(key, 1, 1))
        return
    if any(f.file == key for f in out):
        return
    try:
        parsed = read_parsed(key, loader, span)
    except PeaceError as exc:
        sink.items.extend(exc.diagnostics)
        return
    if not isinstance(parsed, VocabularyFile):
        sink.error("PC023", f"'{key}' is not a vocabulary file", span or Span(key, 1, 1))
        return
    out.append(parsed)
    for relative, include_span in parsed.includes:
        try:
            target = loader.resolve(relative, key, include_span)
        except PeaceError as exc:
            sink.items.extend(exc.diagnostics)
            continue
        _collect_vocabulary(target, loader, include_span, chain + [key], out, sink)


def _merge(files: list[VocabularyFile], sink: DiagnosticSink, key: str) -> m.Vocabulary:
    types: dict[str, m.TermType] = {}
    for f in files:
        for name, t in f.types.items():
            if name in types:
                sink.error("PC105", f"type '{name}' is declared twice", t.span)
            types[name] = t
    terms: dict[str, m.TermDef] = {}
    for f in files:
        for path, term in f.terms.items():
            if path in terms:
                sink.error("PC105", f"term '{path}' is declared twice", term.span)
            terms[path] = _resolve_type_ref(term, f.type_refs.get(path), types, sink)
    sink.raise_if_any()
    return m.Vocabulary(title=files[0].title, file=key, terms=dict(sorted(terms.items())))


def _resolve_type_ref(term: m.TermDef, ref: tuple[str, Span] | None, types: dict[str, m.TermType],
                      sink: DiagnosticSink) -> m.TermDef:
    if ref is None:
        return term
    name, span = ref
    if name not in types:
        from .diagnostics import did_you_mean

        sink.error("PC106", f"unknown type '{name}'", span,
                   did_you_mean(name, set(types) | {"number", "bool", "date", "text", "enum", "scale", "set"}))
        return term
    return term.model_copy(update={"type": types[name]})


# ------------------------------------------------------------------ proposals and red lines
def load_proposal(key: str, loader: Loader) -> tuple[m.Proposal, m.Vocabulary]:
    """Read and validate a proposal and the vocabulary it names."""
    parsed = read_parsed(key, loader)
    if not isinstance(parsed, m.Proposal):
        raise PeaceError([Diagnostic("PC023", f"'{key}' is not a proposal (it should start with `proposal \"Title\"`)",
                                     Span(key, 1, 1))])
    vocabulary = _vocabulary_for(parsed, loader)
    sink = DiagnosticSink()
    validate_proposal(parsed, vocabulary, sink)
    sink.raise_if_any()
    return parsed, vocabulary


def load_redlines(key: str, loader: Loader, vocabulary: m.Vocabulary | None = None) -> tuple[m.RedLines, m.Vocabulary]:
    """Read and validate one party's red lines, against its own vocabulary or the one given."""
    parsed = read_parsed(key, loader)
    if not isinstance(parsed, m.RedLines):
        raise PeaceError([Diagnostic("PC023", f"'{key}' is not a red-line file (it should start with `party ID \"Name\"`)",
                                     Span(key, 1, 1))])
    own = _vocabulary_for(parsed, loader, vocabulary) if parsed.vocabulary_path or vocabulary is None else vocabulary
    if vocabulary is not None and own.file != vocabulary.file:
        raise PeaceError([Diagnostic("PC116", f"'{key}' uses vocabulary '{own.file}', the proposal uses '{vocabulary.file}'",
                                     parsed.span)])
    sink = DiagnosticSink()
    validate_redlines(parsed, own, sink)
    sink.raise_if_any()
    return parsed, own


def _vocabulary_for(model: m.Proposal | m.RedLines, loader: Loader,
                    known: m.Vocabulary | None = None) -> m.Vocabulary:
    """The vocabulary a file names; `known` is reused when it is that same file (no second parse)."""
    if not model.vocabulary_path:
        raise PeaceError([Diagnostic("PC113", "no vocabulary declared", Span(model.file, 1, 1),
                                     'add `vocabulary "path/to/file.vocab"` after the first line')])
    span = model.vocabulary_span
    target = loader.resolve(model.vocabulary_path, model.file, span)
    if known is not None and known.file == target:
        return known
    return load_vocabulary(target, loader, span)


def check_acknowledgements(proposal: m.Proposal, redlines: list[m.RedLines]) -> None:
    sink = DiagnosticSink()
    validate_acknowledgements(proposal, redlines, sink)
    sink.raise_if_any()
