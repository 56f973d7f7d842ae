"""The dsl's public functions: text in, validated models out.

The dsl never touches the file system itself. Whoever calls it passes a
``Loader`` that resolves relative paths (enforcing the project boundary) and
reads bytes; the CLI passes one backed by the disk, tests can pass a dict.
"""
from __future__ import annotations

from typing import Protocol

from . import models as m
from .diagnostics import Diagnostic, DiagnosticSink, PeaceError, Span
from .parser import MAX_FILE_BYTES, decode, normalise, parse_tree, too_large
from .scanner import parse_models
from .transform import Builder, VocabularyFile
from .validate import validate_acknowledgements, validate_proposal, validate_redlines

ParsedFile = m.Proposal | m.RedLines | VocabularyFile


class Loader(Protocol):
    def resolve(self, relative: str, from_file: str, span: Span) -> str:
        """The key of the file `relative` names, seen from `from_file`; PeaceError (PC021) if not allowed."""

    def read(self, key: str) -> bytes:
        """The file's bytes; OSError if it cannot be read."""


def parse(data: bytes | str, filename: str, max_bytes: int = MAX_FILE_BYTES) -> ParsedFile:
    """Parse one file's text into its (unvalidated) model."""
    sink = DiagnosticSink()
    model = parse_into(data, filename, sink, max_bytes)
    sink.raise_if_any()
    return model


def parse_into(data: bytes | str, filename: str, sink: DiagnosticSink, max_bytes: int = MAX_FILE_BYTES) -> ParsedFile:
    """Parse one file; syntax errors raise PeaceError, later problems go to `sink` and a model is still returned."""
    if isinstance(data, str) and len(data) > max_bytes:  # characters: at least as many bytes
        raise PeaceError([too_large(filename, len(data.encode("utf-8")), max_bytes)])
    text = decode(data, filename, max_bytes) if isinstance(data, bytes) else normalise(data, filename)
    fast = parse_models(text, filename, sink)  # None: lark's path reads it and reports what is wrong
    if fast is not None:
        return fast
    skipped: list[tuple[str, str]] = []
    dropped: list[tuple[str, int]] = []
    tree = parse_tree(text, filename, recovered=sink, skipped=skipped, dropped=dropped)
    return Builder(filename, sink, skipped, dropped).build(tree)


def _read_into(key: str, loader: Loader, span: Span | None, sink: DiagnosticSink) -> ParsedFile:
    try:
        data = loader.read(key)
    except OSError as exc:
        where = span or Span(key, 1, 1)
        raise PeaceError([Diagnostic("PC020", f"cannot read '{key}': {exc.strerror or exc}", where)]) from None
    max_bytes = getattr(loader, "max_bytes", MAX_FILE_BYTES)
    cache = getattr(loader, "cache", None)  # the checker's cache of parsed files, if the loader has one
    if cache is not None:
        return cache.parse_into(data, key, sink, max_bytes, parse_into)
    return parse_into(data, key, sink, max_bytes)


# ------------------------------------------------------------------ vocabulary
def load_vocabulary(key: str, loader: Loader, span: Span | None = None) -> m.Vocabulary:
    """Read a vocabulary and everything it includes into one Vocabulary."""
    sink = DiagnosticSink()
    files, complete = _collect_vocabulary(key, loader, span, sink)
    if not complete:  # a file is missing: its types and terms would be reported as unknown
        sink.raise_if_any()
    return _merge(files, sink, key)  # with in-file errors too, so unknown types and duplicates show as well


def _collect_vocabulary(key: str, loader: Loader, span: Span | None,
                        sink: DiagnosticSink) -> tuple[list[VocabularyFile], bool]:
    """The vocabulary file and its includes, depth first, and whether all of them could be read.

    Iterative, so that no include chain can overflow the stack.
    """
    out: list[VocabularyFile] = []
    complete = True
    done: set[str] = set()
    stack: list[tuple[str, Span | None, tuple[str, ...]]] = [(key, span, ())]
    while stack:
        current, where, chain = stack.pop()
        if current in chain:
            cycle = " -> ".join(chain[chain.index(current):] + (current,))
            sink.error("PC022", f"include cycle: {cycle}", where or Span(current, 1, 1))
            complete = False
            continue
        if current in done:
            continue
        done.add(current)
        parsed = _vocabulary_file(current, loader, where, sink)
        if parsed is None:
            complete = False
            continue
        out.append(parsed)
        targets = []
        for relative, include_span in parsed.includes:
            try:
                targets.append((loader.resolve(relative, current, include_span), include_span, chain + (current,)))
            except PeaceError as exc:
                sink.items.extend(exc.diagnostics)
                complete = False
        stack.extend(reversed(targets))
    return out, complete


def _vocabulary_file(key: str, loader: Loader, span: Span | None, sink: DiagnosticSink) -> VocabularyFile | None:
    try:
        parsed = _read_into(key, loader, span, sink)
    except PeaceError as exc:
        sink.items.extend(exc.diagnostics)
        return None
    if not isinstance(parsed, VocabularyFile):
        sink.error("PC023", f"'{key}' is not a vocabulary file", span or Span(key, 1, 1))
        return None
    return parsed


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
    sink = DiagnosticSink()
    proposal, vocabulary = collect_proposal(key, loader, sink)
    sink.raise_if_any()
    assert proposal is not None and vocabulary is not None
    return proposal, vocabulary


def collect_proposal(key: str, loader: Loader, sink: DiagnosticSink) -> tuple[m.Proposal | None, m.Vocabulary | None]:
    """Like load_proposal, but every problem goes to `sink` and whatever could be built is returned.

    The proposal comes back even when it has semantic errors (so that, say, its
    acknowledgements can still be checked); it is None only if it did not parse.
    """
    try:
        parsed = _read_into(key, loader, None, sink)
    except PeaceError as exc:
        sink.items.extend(exc.diagnostics)
        return None, None
    if not isinstance(parsed, m.Proposal):
        sink.error("PC023", f"'{key}' is not a proposal (it should start with `proposal \"Title\"`)", Span(key, 1, 1))
        return None, None
    vocabulary = _vocabulary_into(parsed, loader, sink)
    if vocabulary is not None:
        validate_proposal(parsed, vocabulary, sink)
    return parsed, vocabulary


def load_redlines(key: str, loader: Loader, vocabulary: m.Vocabulary | None = None) -> tuple[m.RedLines, m.Vocabulary]:
    """Read and validate one party's red lines, against its own vocabulary or the one given."""
    sink = DiagnosticSink()
    redlines, own = collect_redlines(key, loader, sink, vocabulary)
    sink.raise_if_any()
    assert redlines is not None and own is not None
    return redlines, own


def collect_redlines(key: str, loader: Loader, sink: DiagnosticSink, vocabulary: m.Vocabulary | None = None
                     ) -> tuple[m.RedLines | None, m.Vocabulary | None]:
    """Like load_redlines, but every problem goes to `sink`; the red lines are None only if they did not parse."""
    try:
        parsed = _read_into(key, loader, None, sink)
    except PeaceError as exc:
        sink.items.extend(exc.diagnostics)
        return None, None
    if not isinstance(parsed, m.RedLines):
        sink.error("PC023", f"'{key}' is not a red-line file (it should start with `party ID \"Name\"`)",
                   Span(key, 1, 1))
        return None, None
    if parsed.vocabulary_path or vocabulary is None:
        own = _vocabulary_into(parsed, loader, sink, vocabulary)
    else:
        own = vocabulary
    if own is None:
        return parsed, None
    if vocabulary is not None and own.file != vocabulary.file:
        _mismatch(parsed, own, vocabulary, sink)
        return parsed, own
    validate_redlines(parsed, own, sink)
    return parsed, own


def _mismatch(redlines: m.RedLines, own: m.Vocabulary, vocabulary: m.Vocabulary, sink: DiagnosticSink) -> None:
    """PC116 at the red lines' `vocabulary` path; once per pair of vocabularies, since when the proposal names the
    wrong one every red-line file differs from it for the same reason."""
    pair = ("PC116", own.file, vocabulary.file)
    if pair in sink.causes:
        return
    sink.causes.add(pair)
    where = redlines.vocabulary_span if redlines.vocabulary_path else redlines.span
    sink.error("PC116", f"'{redlines.file}' uses vocabulary '{own.file}', the proposal uses '{vocabulary.file}'", where,
               "every file of one check uses the same vocabulary: is the proposal's `vocabulary` path right?")


def _vocabulary_into(model: m.Proposal | m.RedLines, loader: Loader, sink: DiagnosticSink,
                     known: m.Vocabulary | None = None) -> m.Vocabulary | None:
    """The vocabulary a file names (`known` if it names that one, to avoid reading it again), or None."""
    try:
        return _vocabulary_for(model, loader, known)
    except PeaceError as exc:
        sink.items.extend(exc.diagnostics)
        return None


def _vocabulary_for(model: m.Proposal | m.RedLines, loader: Loader, known: m.Vocabulary | None = None) -> m.Vocabulary:
    if not model.vocabulary_path and model.lost(("vocabulary",)):
        raise PeaceError([])  # the `vocabulary` line has a syntax error, reported already
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
