"""Open documents, loaded (saved or not) through the CLI's own loading path, and one Analysis per document.

A proposal is loaded by `checker.files.load_inputs` and seated by `checker.project.seat_parties`, the
code `peacecheck check` runs, with a loader that reads open documents from the editor's buffers
(`OverlayLoader`: the CLI's `DiskLoader` otherwise, with its project-tree confinement and size
limits). Keys are the CLI's file names (`display_path`, relative to the working folder, which the
editor sets to the workspace root), so every diagnostic has the code, file and position the CLI
prints, and no rule of loading is written twice.

Parsing is the costly part; `MemoryParseCache` keeps parsed files by name and content digest, through
the dsl's loader-cache hook (the one the CLI's on-disk cache uses), so an edit to a proposal parses
only the proposal, and an edit to a red-line file only that file.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlparse

from peacecheck.checker.files import DiskLoader, display_path, find_redlines_dir, project_root
from peacecheck.dsl import models as m
from peacecheck.dsl.diagnostics import Diagnostic, DiagnosticSink, PeaceError, Span

from .positions import lines_of

SUFFIXES = {".peace": "proposal", ".redlines": "redlines", ".vocab": "vocabulary"}
_FIRST_KEYWORD = re.compile(r"^\s*(proposal|party|vocabulary)\b", re.MULTILINE)


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


def kind_of(key: str, text: str) -> str:
    """proposal, redlines or vocabulary: by the file's suffix, else (an unsaved buffer) by its first keyword."""
    suffix = Path(key).suffix
    if suffix in SUFFIXES:
        return SUFFIXES[suffix]
    found = _FIRST_KEYWORD.search(re.sub(r"#[^\n]*", "", text))
    return {"proposal": "proposal", "party": "redlines", "vocabulary": "vocabulary"}.get(
        found.group(1) if found else "", "unknown")


# ------------------------------------------------------------------ loading
class MemoryParseCache:
    """Parsed files by (name, SHA-256 of the bytes), least recently used dropped beyond `limit`.

    Implements the loader-cache hook of `dsl.api` (`parse_into(data, key, sink, max_bytes, parse)`):
    a hit replays the parse's own diagnostics; a syntax error raises and is not kept."""

    def __init__(self, limit: int = 256):
        self.entries: dict[tuple[str, str], tuple[Any, DiagnosticSink]] = {}
        self.limit = limit
        self.hits = self.misses = 0

    def parse_into(self, data: bytes | str, key: str, sink: DiagnosticSink, max_bytes: int, parse: Callable) -> Any:
        raw = data.encode("utf-8") if isinstance(data, str) else data
        name = (key, hashlib.sha256(raw).hexdigest())
        found = self.entries.pop(name, None)
        if found is not None:
            self.hits += 1
            self.entries[name] = found  # now the most recently used
        else:
            self.misses += 1
            own = DiagnosticSink()
            found = (parse(data, key, own, max_bytes), own)
            self.entries[name] = found
        sink.items.extend(found[1].items)
        sink.causes |= found[1].causes
        while len(self.entries) > self.limit:
            del self.entries[next(iter(self.entries))]
        return found[0]


class OverlayLoader(DiskLoader):
    """The CLI's loader, except that open documents are read from the editor's buffers."""

    def __init__(self, root: Path, buffers: dict[str, str], cache: MemoryParseCache):
        super().__init__(root)
        self.buffers = buffers
        self.cache = cache  # the dsl parses through it

    def read(self, key: str) -> bytes:
        if key in self.buffers:
            data = self.buffers[key].encode("utf-8")
            self.data[key] = data
            if key not in self.read_keys:
                self.read_keys.append(key)
            return data
        return super().read(key)


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
        self.cache = MemoryParseCache()

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
        return OverlayLoader(project_root(path.parent), self.buffers, self.cache)

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
        analysis = Analysis(key, kind_of(key, text), text)
        try:
            if analysis.kind == "proposal":
                _proposal(key, loader, analysis)
            elif analysis.kind == "redlines":
                _redlines(key, loader, analysis)
            else:
                _vocabulary(key, loader, analysis)
        finally:
            analysis.read_keys = list(loader.read_keys)
            self.analyses[key] = analysis
        return analysis

    def dependants(self, key: str) -> list[str]:
        """Open documents whose last analysis read `key` (a red-line or vocabulary file), except itself."""
        return [k for k, a in self.analyses.items() if k != key and key in a.read_keys]

    # ----------------------------------------------------------- lint
    def lint_job(self, key: str) -> Callable[[], list[Any]] | None:
        """The linter's work for a valid red-line file (PC700-PC703 on its rules) or vocabulary (PC704 on
        its terms), as a function to run in a worker thread; its inputs are gathered now."""
        analysis = self.analyses.get(key)
        if analysis is None or analysis.errors or analysis.vocabulary is None:
            return None
        vocabulary = analysis.vocabulary
        if analysis.kind == "redlines" and analysis.redlines:
            redlines = analysis.redlines
            return lambda: [w for w in lint_warnings(vocabulary, redlines, []) if w.span.file == key]
        if analysis.kind == "vocabulary":
            redlines, proposals = self._lint_inputs(key, vocabulary)
            return lambda: [w for w in unused_term_warnings(vocabulary, redlines, proposals) if w.span.file == key]
        return None

    def _lint_inputs(self, key: str, vocabulary: m.Vocabulary) -> tuple[list[m.RedLines], list[m.Proposal]]:
        """What `peacecheck lint` reads by default: the redlines/ folder above the vocabulary, and the
        proposals/ folder beside it; files that do not load are left out."""
        from peacecheck.dsl.api import collect_proposal, collect_redlines

        loader, ignored = self.loader_for(key), DiagnosticSink()
        folder = find_redlines_dir(Path(key))
        if folder is None:
            return [], []
        redlines = [collect_redlines(display_path(p), loader, ignored, vocabulary)[0]
                    for p in sorted(folder.glob("*.redlines"))]
        proposals = [collect_proposal(display_path(p), loader, ignored)[0]
                     for p in sorted((folder.parent / "proposals").glob("*.peace"))]
        return [r for r in redlines if r is not None], [p for p in proposals if p is not None]


# ------------------------------------------------------------------ one document
def _proposal(key: str, loader: OverlayLoader, analysis: Analysis) -> None:
    """What `peacecheck check` reports for the proposal, and its verdicts when it has no error."""
    from peacecheck.checker.files import load_inputs
    from peacecheck.checker.project import Project, check, seat_parties

    files, parties = redline_paths(Path(key), analysis)
    try:
        inputs = load_inputs(Path(key), files, loader)
        seat_parties(inputs, parties)
    except PeaceError as exc:
        analysis.diagnostics += exc.diagnostics
        _models_despite_errors(key, files, loader, analysis)
        return
    analysis.proposal, analysis.vocabulary, analysis.redlines = inputs.proposal, inputs.vocabulary, inputs.redlines
    digests = {r.party: loader.data.get(r.file, b"") for r in inputs.redlines}
    analysis.result = check(Project(inputs.proposal, inputs.vocabulary, inputs.redlines, digests,
                                    set_aside=inputs.set_aside, at_table=inputs.at_table))


def _models_despite_errors(key: str, files: list[Path], loader: OverlayLoader, analysis: Analysis) -> None:
    """The proposal, vocabulary and red lines as far as they load, so hover and completion work while
    the text is wrong (their diagnostics are the ones load_inputs reported already)."""
    from peacecheck.checker.files import redline_files
    from peacecheck.dsl.api import collect_proposal, collect_redlines

    ignored = DiagnosticSink()
    analysis.proposal, analysis.vocabulary = collect_proposal(key, loader, ignored)
    for path in redline_files(files):
        redlines, _ = collect_redlines(display_path(path), loader, ignored, analysis.vocabulary)
        if redlines is not None:
            analysis.redlines.append(redlines)


def _redlines(key: str, loader: OverlayLoader, analysis: Analysis) -> None:
    from peacecheck.dsl.api import collect_redlines

    sink = DiagnosticSink()
    redlines, analysis.vocabulary = collect_redlines(key, loader, sink)
    analysis.diagnostics += sink.items
    analysis.redlines = [redlines] if redlines is not None else []


def _vocabulary(key: str, loader: OverlayLoader, analysis: Analysis) -> None:
    from peacecheck.dsl.api import load_vocabulary

    try:
        analysis.vocabulary = load_vocabulary(key, loader)
    except PeaceError as exc:
        analysis.diagnostics += exc.diagnostics


def redline_paths(proposal: Path, analysis: Analysis) -> tuple[list[Path], tuple[str, ...]]:
    """The red-line paths and parties `peacecheck check PROPOSAL` uses: the config's, else the redlines/
    folder above the proposal and every party."""
    from peacecheck.checker.config import load_config

    try:
        config = load_config()
    except PeaceError as exc:
        analysis.diagnostics += exc.diagnostics
        return [], ()
    given = [Path(config.path(r)) for r in config.redlines]
    if not given:
        found = find_redlines_dir(proposal)
        given = [found] if found else []
    return [p for p in given if p.exists()], tuple(config.parties)


# ------------------------------------------------------------------ lint
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
