"""Open documents, loading them (saved or not) the way the CLI loads files, and one Analysis per document.

Keys are the CLI's file names (`display_path`: relative to the working folder, which the editor sets
to the workspace root), so a diagnostic here has the code, file and position `peacecheck check`
prints. Unsaved buffers are served from memory by `OverlayLoader`; everything else comes from disk
through the CLI's own `DiskLoader` (same project-tree confinement, same size limits).

Parsed vocabularies and red lines are kept in a cache keyed by the digests of the bytes they were
built from, so an edit to a proposal re-parses only the proposal.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlparse

from peacecheck.checker.files import DiskLoader, display_path, find_redlines_dir, project_root
from peacecheck.dsl import models as m
from peacecheck.dsl.diagnostics import Diagnostic, DiagnosticSink, PeaceError, Span

from .positions import lines_of

SUFFIXES = (".peace", ".redlines", ".vocab")


# ------------------------------------------------------------------ URIs and keys
def uri_to_path(uri: str) -> Path | None:
    """The file a `file:` URI names; None for an unsaved buffer (`untitled:`) or another scheme."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    path = unquote(parsed.path)
    if len(path) > 2 and path[0] == "/" and path[2] == ":":  # file:///C:/x on Windows
        path = path[1:]
    return Path(path)


def path_to_uri(path: Path) -> str:
    return "file://" + quote(str(path.resolve()).replace("\\", "/"), safe="/:")


def key_of(uri: str) -> str:
    """The name diagnostics use for a document: the CLI's display path, or the URI of an unsaved buffer."""
    path = uri_to_path(uri)
    return display_path(path) if path is not None else uri


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ------------------------------------------------------------------ loading
class OverlayLoader(DiskLoader):
    """The CLI's loader, except that open documents are read from the editor's buffers."""

    def __init__(self, root: Path, buffers: dict[str, str]):
        super().__init__(root)
        self.buffers = buffers
        self.trace: list[str] = []  # every read, in order: what a cached model was built from

    def read(self, key: str) -> bytes:
        self.trace.append(key)
        return self._bytes(key)

    def _bytes(self, key: str) -> bytes:
        if key in self.buffers:
            data = self.buffers[key].encode("utf-8")
            self.data[key] = data
            if key not in self.read_keys:
                self.read_keys.append(key)
            return data
        return super().read(key)

    def digest_of(self, key: str) -> str | None:
        try:
            return digest(self._bytes(key))
        except (OSError, PeaceError):
            return None


@dataclass
class Cached:
    """A vocabulary or red-line file as loaded once, valid while the files it read are unchanged."""

    inputs: dict[str, str | None]  # key -> digest of every file read (None: could not be read)
    value: Any
    diagnostics: list[Diagnostic]

    def still_valid(self, loader: OverlayLoader) -> bool:
        return all(loader.digest_of(key) == was for key, was in self.inputs.items())


class ModelCache:
    """Vocabularies and red lines by key, reused while every file they came from has the same digest."""

    LIMIT = 256  # entries kept, least recently used dropped first (each vocabulary edit makes new ones)

    def __init__(self) -> None:
        self.entries: dict[tuple, Cached] = {}
        self.hits = 0

    def get(self, key: tuple, loader: OverlayLoader, build) -> Cached:
        found = self.entries.pop(key, None)
        if found is not None and found.still_valid(loader):
            self.hits += 1
            self.entries[key] = found  # now the most recently used
            return found
        mark = len(loader.trace)
        sink = DiagnosticSink()
        value = build(sink)
        read = dict.fromkeys(loader.trace[mark:] or [key[1]])
        entry = Cached({k: loader.digest_of(k) for k in read}, value, list(sink.items))
        self.entries[key] = entry
        while len(self.entries) > self.LIMIT:
            del self.entries[next(iter(self.entries))]
        return entry

    def vocabulary(self, key: str, loader: OverlayLoader, span: Span | None) -> Cached:
        from peacecheck.dsl.api import load_vocabulary

        def build(sink: DiagnosticSink) -> m.Vocabulary | None:
            try:
                return load_vocabulary(key, loader, span)
            except PeaceError as exc:
                sink.items.extend(exc.diagnostics)
                return None

        return self.get(("vocabulary", key), loader, build)

    def redlines(self, key: str, loader: OverlayLoader, vocabulary: Cached | None) -> Cached:
        """One party's red lines, validated against `vocabulary` (a cached one), or their own if None."""
        from peacecheck.dsl.api import collect_redlines

        def build(sink: DiagnosticSink):
            return collect_redlines(key, loader, sink, vocabulary.value if vocabulary else None)

        # Red lines are validated against the vocabulary: the digests it was built from are part of the key.
        signature = tuple(sorted(vocabulary.inputs.items(), key=str)) if vocabulary else ()
        return self.get(("redlines", key, signature), loader, build)

    def proposal(self, key: str, loader: OverlayLoader) -> Cached:
        """A proposal parsed (not validated): what the unused-term lint reads from the proposals beside it."""
        def build(sink: DiagnosticSink):
            return _parse(key, loader, Analysis(key, "unknown", ""))

        return self.get(("proposal", key), loader, build)


# ------------------------------------------------------------------ analysis
@dataclass
class Analysis:
    """Everything known about one document after its last change."""

    key: str
    kind: str  # proposal | redlines | vocabulary | unknown
    text: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    proposal: m.Proposal | None = None
    vocabulary: m.Vocabulary | None = None
    redlines: list[m.RedLines] = field(default_factory=list)  # the parties (for a .redlines file: it alone)
    result: Any = None  # the CheckResult, when the proposal and its inputs are valid
    warnings: list[Any] = field(default_factory=list)  # lint warnings (PC7xx) about this file
    read_keys: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    def owner_of(self, rule_id: str, party: str = "") -> m.RedLines | None:
        """The red lines (of `party`, if given) that hold the rule."""
        return next((r for r in self.redlines if (not party or r.party == party) and r.rule(rule_id)), None)

    def rule(self, rule_id: str, party: str = "") -> m.Rule | None:
        owner = self.owner_of(rule_id, party)
        return owner.rule(rule_id) if owner else None

    def source(self, source_id: str) -> m.Source | None:
        return next((r.sources[source_id] for r in self.redlines if source_id in r.sources), None)


class Workspace:
    """The open documents and their analyses; no LSP types, no pygls."""

    def __init__(self) -> None:
        self.buffers: dict[str, str] = {}  # key -> text of every open document
        self.uris: dict[str, str] = {}  # key -> uri
        self.analyses: dict[str, Analysis] = {}
        self.cache = ModelCache()

    # ----------------------------------------------------------- documents
    def update(self, uri: str, text: str) -> str:
        """Take the text of an opened or changed document; its key."""
        key = key_of(uri)
        self.buffers[key], self.uris[key] = text, uri
        return key

    def close(self, uri: str) -> None:
        key = key_of(uri)
        self.buffers.pop(key, None)
        self.uris.pop(key, None)
        self.analyses.pop(key, None)

    def uri_for(self, key: str) -> str:
        if key in self.uris:
            return self.uris[key]
        return key if ":" in key and not Path(key).exists() else path_to_uri(Path(key))

    def loader_for(self, key: str) -> OverlayLoader:
        path = uri_to_path(self.uris.get(key, "")) or Path(key)
        return OverlayLoader(project_root(path.parent), self.buffers)

    def lines(self, key: str) -> list[str]:
        """A file's lines: the editor's buffer when it is open, else the file on disk ([] if unreadable)."""
        from peacecheck.checker.files import read_limited
        from peacecheck.dsl.parser import MAX_FILE_BYTES

        if key in self.buffers:
            return lines_of(self.buffers[key])
        try:
            return lines_of(read_limited(Path(key), MAX_FILE_BYTES).decode("utf-8", "replace").removeprefix("\ufeff"))
        except (OSError, PeaceError):
            return []

    def resolve(self, from_key: str, relative: str) -> str | None:
        """The key of the file a `vocabulary` or `include` path names, if it is inside the project and exists."""
        try:
            key = self.loader_for(from_key).resolve(relative, from_key, Span(from_key, 1, 1))
        except PeaceError:
            return None
        return key if key in self.buffers or Path(key).is_file() else None

    def vocabulary_files(self, key: str, limit: int = 200) -> list[str]:
        """The .vocab files of the document's project, as paths relative to the document's folder."""
        import os

        base = (uri_to_path(self.uri_for(key)) or Path(key)).resolve().parent
        found: list[str] = []
        for folder, subfolders, names in os.walk(project_root(base)):
            subfolders[:] = sorted(d for d in subfolders if not d.startswith(".") and d != "node_modules")
            found += [os.path.relpath(Path(folder) / n, base).replace(os.sep, "/") for n in sorted(names)
                      if n.endswith(".vocab")]
            if len(found) >= limit:
                break
        return found[:limit]

    def project_files(self, key: str) -> list[str]:
        """The files a search for uses looks in: what the document read, the open documents, and the
        other .peace, .redlines and .vocab files in their folders."""
        analysis = self.analyses.get(key)
        keys = set(analysis.read_keys if analysis else [key]) | set(self.buffers)
        for folder in {Path(k).parent for k in keys if uri_to_path(self.uri_for(k)) is not None}:
            keys |= {display_path(p) for suffix in SUFFIXES for p in folder.glob(f"*{suffix}") if p.is_file()}
        return sorted(keys)

    # ----------------------------------------------------------- analysis
    def analyse(self, key: str) -> Analysis:
        text = self.buffers.get(key, "")
        loader = self.loader_for(key)
        analysis = Analysis(key, "unknown", text)
        try:
            parsed = _parse(key, loader, analysis)
            if isinstance(parsed, m.Proposal):
                self._proposal(parsed, loader, analysis)
            elif isinstance(parsed, m.RedLines):
                self._redlines(key, loader, analysis)
            elif parsed is not None:
                self._vocabulary(key, loader, analysis)
        finally:
            analysis.read_keys += [k for k in loader.read_keys if k not in analysis.read_keys]
            self.analyses[key] = analysis
        return analysis

    def dependants(self, key: str) -> list[str]:
        """Open documents whose last analysis read `key` (a red-line or vocabulary file), except itself."""
        return [k for k, a in self.analyses.items() if k != key and key in a.read_keys]

    def _proposal(self, proposal: m.Proposal, loader: OverlayLoader, analysis: Analysis) -> None:
        from peacecheck.dsl.validate import validate_proposal

        analysis.kind, analysis.proposal = "proposal", proposal
        entry = self._vocabulary_of(proposal, loader, analysis)
        if entry is None or entry.value is None:
            return
        analysis.vocabulary = vocabulary = entry.value
        sink = DiagnosticSink()
        validate_proposal(proposal, vocabulary, sink)
        analysis.diagnostics += sink.items
        self._parties(proposal, entry, loader, analysis)
        if not analysis.errors:
            analysis.result = _check(proposal, vocabulary, analysis.redlines, loader)

    def _vocabulary_of(self, model, loader: OverlayLoader, analysis: Analysis) -> Cached | None:
        if not model.vocabulary_path:
            analysis.diagnostics.append(Diagnostic("PC113", "no vocabulary declared", Span(model.file, 1, 1),
                                                   'add `vocabulary "path/to/file.vocab"` after the first line'))
            return None
        try:
            target = loader.resolve(model.vocabulary_path, model.file, model.vocabulary_span)
        except PeaceError as exc:
            analysis.diagnostics += exc.diagnostics
            return None
        entry = self.cache.vocabulary(target, loader, model.vocabulary_span)
        _use(entry, analysis)
        return entry

    def _parties(self, proposal: m.Proposal, vocabulary: Cached, loader: OverlayLoader,
                 analysis: Analysis) -> None:
        """The red lines a `check` of this proposal reads, with the CLI's party and acknowledgement checks."""
        from peacecheck.checker.files import _check_acknowledgements, _check_parties

        files, where = redline_paths(Path(proposal.file), analysis)
        complete = True
        for path in files:
            entry = self.cache.redlines(display_path(path), loader, vocabulary)
            _use(entry, analysis)
            redlines, _ = entry.value
            if redlines is None:
                complete = False
            else:
                analysis.redlines.append(redlines)
        _check_parties(analysis.redlines, analysis.diagnostics)
        if not files and not analysis.diagnostics:
            analysis.diagnostics.append(Diagnostic("PC118", "no red-line files found", Span(proposal.file, 1, 1),
                                                   "put *.redlines files in a redlines/ folder above the proposal"))
        if files:
            _check_acknowledgements(proposal, analysis.redlines, complete, analysis.diagnostics)
        if where.parties:
            analysis.redlines = [r for r in analysis.redlines if r.party in where.parties]

    def _redlines(self, key: str, loader: OverlayLoader, analysis: Analysis) -> None:
        analysis.kind = "redlines"
        entry = self.cache.redlines(key, loader, None)
        _use(entry, analysis)
        redlines, vocabulary = entry.value
        analysis.vocabulary = vocabulary
        analysis.redlines = [redlines] if redlines is not None else []

    def _vocabulary(self, key: str, loader: OverlayLoader, analysis: Analysis) -> None:
        analysis.kind = "vocabulary"
        entry = self.cache.vocabulary(key, loader, None)
        _use(entry, analysis)
        analysis.vocabulary = entry.value

    # ----------------------------------------------------------- lint
    def lint_job(self, key: str) -> Callable[[], list[Any]] | None:
        """The linter's work for a valid red-line file (PC700-PC703 on its rules) or vocabulary (PC704 on
        its terms), as a function to run in a worker thread; its inputs are gathered now, from the cache."""
        analysis = self.analyses.get(key)
        if analysis is None or analysis.errors or analysis.vocabulary is None:
            return None
        vocabulary = analysis.vocabulary
        if analysis.kind == "redlines" and analysis.redlines:
            redlines = analysis.redlines
            return lambda: [w for w in lint_warnings(vocabulary, redlines, []) if w.span.file == key]
        if analysis.kind == "vocabulary":
            redlines, proposals = self._lint_inputs(key)
            return lambda: [w for w in unused_term_warnings(vocabulary, redlines, proposals) if w.span.file == key]
        return None

    def _lint_inputs(self, key: str) -> tuple[list[m.RedLines], list[m.Proposal]]:
        """What `peacecheck lint` reads by default: the redlines/ folder above the vocabulary, and the
        proposals/ folder beside it; files that do not load are left out."""
        loader = self.loader_for(key)
        vocabulary = self.cache.vocabulary(key, loader, None)
        folder = find_redlines_dir(Path(key))
        if folder is None:
            return [], []
        redlines = [self.cache.redlines(display_path(p), loader, vocabulary).value[0]
                    for p in sorted(folder.glob("*.redlines"))]
        proposals = [self.cache.proposal(display_path(p), loader).value
                     for p in sorted((folder.parent / "proposals").glob("*.peace"))]
        return [r for r in redlines if r is not None], [p for p in proposals if isinstance(p, m.Proposal)]


def _use(entry: Cached, analysis: Analysis) -> None:
    """A cached file's diagnostics count for this analysis, and its files are this document's inputs."""
    analysis.diagnostics += entry.diagnostics
    analysis.read_keys += [k for k in entry.inputs if k not in analysis.read_keys]


@dataclass(frozen=True)
class Selection:
    parties: tuple[str, ...] = ()


def redline_paths(proposal: Path, analysis: Analysis) -> tuple[list[Path], Selection]:
    """The red-line files `peacecheck check PROPOSAL` reads: the config's `redlines`, else the redlines/ folder."""
    from peacecheck.checker.config import load_config
    from peacecheck.checker.files import redline_files

    try:
        config = load_config()
    except PeaceError as exc:
        analysis.diagnostics += exc.diagnostics
        return [], Selection()
    given = [Path(config.path(r)) for r in config.redlines]
    if not given:
        found = find_redlines_dir(proposal)
        given = [found] if found else []
    return [p for p in redline_files(given) if p.exists()], Selection(tuple(config.parties))


def _parse(key: str, loader: OverlayLoader, analysis: Analysis):
    """The document's model (kind decided by its first keyword), or None with syntax diagnostics."""
    from peacecheck.dsl.api import parse_into

    sink = DiagnosticSink()
    try:
        parsed = parse_into(loader.read(key), key, sink, loader.max_bytes)
    except PeaceError as exc:
        analysis.diagnostics += exc.diagnostics
        return None
    except OSError as exc:
        analysis.diagnostics.append(Diagnostic("PC020", f"cannot read '{key}': {exc.strerror or exc}", Span(key, 1, 1)))
        return None
    analysis.diagnostics += sink.items
    return parsed


def _check(proposal: m.Proposal, vocabulary: m.Vocabulary, redlines: list[m.RedLines], loader: OverlayLoader):
    from peacecheck.checker import Project, check

    digests = {r.party: loader.data.get(r.file, b"") for r in redlines}
    return check(Project(proposal, vocabulary, redlines, digests))


def lint_warnings(vocabulary: m.Vocabulary, redlines: list[m.RedLines], proposals: list[m.Proposal]) -> list[Any]:
    """The linter's warnings (CP-SAT), or none when OR-tools is not installed (`peacecheck lint` needs it too)."""
    try:
        from peacecheck.checker.negotiation.lint import lint
    except ImportError:
        return []
    return lint(vocabulary, redlines, proposals)


def unused_term_warnings(vocabulary: m.Vocabulary, redlines: list[m.RedLines], proposals: list[m.Proposal]) -> list[Any]:
    """PC704: terms no rule reads and no proposal states."""
    try:
        from peacecheck.checker.negotiation.lint import unused_terms
    except ImportError:
        return []
    return unused_terms(vocabulary, redlines, proposals)
